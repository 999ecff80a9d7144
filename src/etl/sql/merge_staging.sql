-- Merges the staged rows into twap_status under one S3 object key, keeping for every
-- (twap_id, wallet, ts) the most advanced row. A row's progress is
-- (hltwap_status_rank(status), size_executed), a missing size counting as the smallest.
-- DISTINCT ON reduces the file's own duplicates (a complete tie goes to the later row); the
-- ON CONFLICT condition replaces a stored row only by a strictly more advanced one, so storing
-- the same row again is a no-op and the affected-row count counts real inserts and upgrades.
-- $1 s3_object_key.

INSERT INTO twap_status AS t (twap_id, wallet, ts, created_at, asset, side, size_requested,
                              size_executed, notional_executed, status, duration_minutes,
                              s3_object_key, raw_payload)
SELECT DISTINCT ON (s.twap_id, s.wallet, s.ts)
       s.twap_id, s.wallet, s.ts, s.created_at, s.asset, s.side, s.size_requested,
       s.size_executed, s.notional_executed, s.status, s.duration_minutes, $1::text,
       s.raw_payload
FROM twap_staging AS s
ORDER BY s.twap_id, s.wallet, s.ts,
         hltwap_status_rank(s.status) DESC,
         s.size_executed DESC NULLS LAST,
         s.ord DESC
ON CONFLICT (twap_id, wallet, ts) DO UPDATE SET
    created_at = EXCLUDED.created_at, asset = EXCLUDED.asset, side = EXCLUDED.side,
    size_requested = EXCLUDED.size_requested, size_executed = EXCLUDED.size_executed,
    notional_executed = EXCLUDED.notional_executed, status = EXCLUDED.status,
    duration_minutes = EXCLUDED.duration_minutes, s3_object_key = EXCLUDED.s3_object_key,
    raw_payload = EXCLUDED.raw_payload
WHERE (hltwap_status_rank(EXCLUDED.status), COALESCE(EXCLUDED.size_executed, '-Infinity'::numeric))
    > (hltwap_status_rank(t.status), COALESCE(t.size_executed, '-Infinity'::numeric))
