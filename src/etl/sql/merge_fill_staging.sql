-- Merges the staged fills into twap_fill under one S3 object key: one row per
-- (twap_id, wallet, tid), so the two sides of one trade (same tid, two wallets) are two rows.
-- DISTINCT ON reduces the file's own duplicates (the later row wins). A stored fill is replaced
-- only when the incoming one differs in a value (an upstream rewrite that corrected it), never
-- for its s3_object_key alone: loading the same rows again, from any object, is a no-op, and
-- the affected-row count counts real inserts and changes. $1 s3_object_key.

INSERT INTO twap_fill AS f (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token,
                            closed_pnl, start_position, dir, crossed, oid, hash, builder_fee,
                            s3_object_key, raw_payload)
SELECT DISTINCT ON (s.twap_id, s.wallet, s.tid)
       s.twap_id, s.wallet, s.tid, s.time, s.coin, s.side, s.px, s.sz, s.fee, s.fee_token,
       s.closed_pnl, s.start_position, s.dir, s.crossed, s.oid, s.hash, s.builder_fee,
       $1::text, s.raw_payload
FROM fill_staging AS s
ORDER BY s.twap_id, s.wallet, s.tid, s.ord DESC
ON CONFLICT (twap_id, wallet, tid) DO UPDATE SET
    time = EXCLUDED.time, coin = EXCLUDED.coin, side = EXCLUDED.side, px = EXCLUDED.px,
    sz = EXCLUDED.sz, fee = EXCLUDED.fee, fee_token = EXCLUDED.fee_token,
    closed_pnl = EXCLUDED.closed_pnl, start_position = EXCLUDED.start_position,
    dir = EXCLUDED.dir, crossed = EXCLUDED.crossed, oid = EXCLUDED.oid, hash = EXCLUDED.hash,
    builder_fee = EXCLUDED.builder_fee, s3_object_key = EXCLUDED.s3_object_key,
    raw_payload = EXCLUDED.raw_payload
WHERE (f.time, f.coin, f.side, f.px::text, f.sz::text, f.fee::text, f.fee_token,
       f.closed_pnl::text, f.start_position::text, f.dir, f.crossed, f.oid, f.hash,
       f.builder_fee::text, f.raw_payload)
    IS DISTINCT FROM
      (EXCLUDED.time, EXCLUDED.coin, EXCLUDED.side, EXCLUDED.px::text, EXCLUDED.sz::text,
       EXCLUDED.fee::text, EXCLUDED.fee_token, EXCLUDED.closed_pnl::text,
       EXCLUDED.start_position::text, EXCLUDED.dir, EXCLUDED.crossed, EXCLUDED.oid,
       EXCLUDED.hash, EXCLUDED.builder_fee::text, EXCLUDED.raw_payload)
