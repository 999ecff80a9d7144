-- twap_span.last_row: each span's last row (the twap_status row at last_ts) as the API returns
-- it, its raw payload already text. A page of GET /api/v1/twaps whose TWAPs end in the window
-- then reads the spans alone: without it each TWAP of a page cost a twap_status lookup and a
-- jsonb-to-text conversion, most of a page's time (see docs/design.md, Per-TWAP spans). Kept
-- by the triggers of twap_span, in the transaction that changes twap_status, and compared by
-- `hltwap db check` like the rest of the span.

-- No writer between the build below and the triggers' replacement: both see every row.
LOCK TABLE twap_status IN SHARE ROW EXCLUSIVE MODE;

-- hltwap_api_row's columns after twap_id and wallet, in its order.
CREATE TYPE twap_span_last_row AS (
    ts_micros          BIGINT,
    status             TEXT,
    asset              TEXT,
    side               TEXT,
    size_requested     NUMERIC,
    size_executed      NUMERIC,
    notional_executed  NUMERIC,
    duration_minutes   INTEGER,
    created_at_micros  BIGINT,
    raw_payload        TEXT
);

-- NULL only while a recomputation holds a placeholder; ts_micros is never NULL in a row.
ALTER TABLE twap_span ADD COLUMN IF NOT EXISTS last_row twap_span_last_row;

-- A twap_status row as a span's last_row: the one mapping, through hltwap_api_row.
CREATE OR REPLACE FUNCTION hltwap_twap_span_last_row(r twap_status) RETURNS twap_span_last_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT ROW(a.ts_micros, a.status, a.asset, a.side, a.size_requested, a.size_executed,
             a.notional_executed, a.duration_minutes, a.created_at_micros,
             a.raw_payload)::twap_span_last_row
  FROM hltwap_api_row(r) a;
END;

CREATE OR REPLACE VIEW twap_span_expected AS
SELECT g.twap_id, g.wallet, g.first_ts, g.last_ts, g.asset, g.asset_mixed,
       (SELECT hltwap_twap_span_last_row(t)
        FROM twap_status t
        WHERE t.twap_id = g.twap_id AND t.wallet = g.wallet AND t.ts = g.last_ts) AS last_row
FROM (SELECT twap_id, wallet, min(ts) AS first_ts, max(ts) AS last_ts, min(asset) AS asset,
             count(DISTINCT asset) > 1 OR count(asset) NOT IN (0, count(*)) AS asset_mixed
      FROM twap_status
      GROUP BY twap_id, wallet) g;

-- As 0008's, with last_row.
CREATE OR REPLACE FUNCTION hltwap_twap_span_recompute(twap_ids text[], wallets text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  INSERT INTO twap_span AS s (twap_id, wallet, first_ts, last_ts, asset, asset_mixed)
  SELECT DISTINCT k.twap_id, k.wallet, '-infinity'::timestamptz, '-infinity'::timestamptz,
                  NULL::text, false
  FROM unnest(twap_ids, wallets) AS k(twap_id, wallet)
  ORDER BY k.twap_id, k.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET asset_mixed = s.asset_mixed;
  DELETE FROM twap_span s
  USING unnest(twap_ids, wallets) AS k(twap_id, wallet)
  WHERE s.twap_id = k.twap_id AND s.wallet = k.wallet
    AND NOT EXISTS (SELECT FROM twap_status t WHERE t.twap_id = s.twap_id AND t.wallet = s.wallet);
  UPDATE twap_span s
  SET (first_ts, last_ts, asset, asset_mixed, last_row) =
      (SELECT e.first_ts, e.last_ts, e.asset, e.asset_mixed, e.last_row
       FROM twap_span_expected e
       WHERE e.twap_id = s.twap_id AND e.wallet = s.wallet)
  FROM (SELECT DISTINCT * FROM unnest(twap_ids, wallets)) AS k(twap_id, wallet)
  WHERE s.twap_id = k.twap_id AND s.wallet = k.wallet;
END;
$$;

-- Merges the statement's spans into twap_span monotonically as 0008's merge did (earliest
-- first_ts, latest last_ts, mixed once any asset differs), and the span with the later last_ts
-- brings its last row (on a tie the merged one: rows are unique per ts, so it is the row stored
-- now). In key order, so that concurrent writers lock rows in one order. Straight from the
-- transition table: 0008 passed the spans to a function as one array, which PostgreSQL bounds at
-- 1 GB, and a COPY of millions of rows with their payloads exceeds that.
CREATE OR REPLACE FUNCTION hltwap_twap_span_after_insert() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO twap_span AS s (twap_id, wallet, first_ts, last_ts, asset, asset_mixed, last_row)
  SELECT g.twap_id, g.wallet, g.first_ts, g.last_ts, g.asset, g.asset_mixed,
         hltwap_twap_span_last_row(l)
  FROM (SELECT twap_id, wallet, min(ts) AS first_ts, max(ts) AS last_ts, min(asset) AS asset,
               count(DISTINCT asset) > 1 OR count(asset) NOT IN (0, count(*)) AS asset_mixed
        FROM new_rows
        GROUP BY twap_id, wallet) g
  JOIN new_rows l ON l.twap_id = g.twap_id AND l.wallet = g.wallet AND l.ts = g.last_ts
  ORDER BY g.twap_id, g.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET
      first_ts = LEAST(s.first_ts, EXCLUDED.first_ts),
      last_ts = GREATEST(s.last_ts, EXCLUDED.last_ts),
      asset_mixed = s.asset_mixed OR EXCLUDED.asset_mixed OR s.asset IS DISTINCT FROM EXCLUDED.asset,
      last_row = CASE WHEN EXCLUDED.last_ts >= s.last_ts THEN EXCLUDED.last_row ELSE s.last_row END;
  RETURN NULL;
END;
$$;
DROP FUNCTION hltwap_twap_span_merge(twap_span[]);

-- A DELETE recomputes the spans of its rows; so does an UPDATE, since any field of a row may be
-- its span's last row's. The ETL's merge updates a row only to upgrade it, which is rare.
CREATE OR REPLACE FUNCTION hltwap_twap_span_after_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  ids text[];
  wallets text[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(twap_id), array_agg(wallet) INTO ids, wallets FROM old_rows;
  ELSE
    SELECT array_agg(k.twap_id), array_agg(k.wallet) INTO ids, wallets
    FROM (SELECT twap_id, wallet FROM old_rows UNION SELECT twap_id, wallet FROM new_rows) k;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM hltwap_twap_span_recompute(ids, wallets);
  END IF;
  RETURN NULL;
END;
$$;

-- As 0008's, and a different last row: each side then also shows "last", the last row's status
-- and an md5 prefix of the whole last row.
CREATE OR REPLACE FUNCTION hltwap_twap_span_differences()
RETURNS TABLE (twap_id text, wallet text, stored text, expected text)
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT COALESCE(e.twap_id, s.twap_id), COALESCE(e.wallet, s.wallet),
         CASE WHEN s.twap_id IS NOT NULL THEN
           concat_ws(' ', s.first_ts AT TIME ZONE 'UTC', s.last_ts AT TIME ZONE 'UTC',
                     COALESCE(s.asset, 'NULL'), CASE WHEN s.asset_mixed THEN 'mixed' END,
                     'last', COALESCE((s.last_row).status, 'NULL'),
                     left(md5(COALESCE(s.last_row::text, 'NULL')), 8))
         END,
         CASE WHEN e.twap_id IS NOT NULL THEN
           concat_ws(' ', e.first_ts AT TIME ZONE 'UTC', e.last_ts AT TIME ZONE 'UTC',
                     COALESCE(e.asset, 'NULL'), CASE WHEN e.asset_mixed THEN 'mixed' END,
                     'last', COALESCE((e.last_row).status, 'NULL'),
                     left(md5(COALESCE(e.last_row::text, 'NULL')), 8))
         END
  FROM twap_span_expected e
  FULL JOIN twap_span s ON s.twap_id = e.twap_id AND s.wallet = e.wallet
  WHERE s.twap_id IS NULL OR e.twap_id IS NULL
     OR s.first_ts <> e.first_ts OR s.last_ts <> e.last_ts OR s.asset_mixed <> e.asset_mixed
     OR (NOT e.asset_mixed AND s.asset IS DISTINCT FROM e.asset)
     -- As text: a numeric's scale is part of what the API returns.
     OR s.last_row::text IS DISTINCT FROM e.last_row::text;
END;

-- Built from the rows already stored, under the migration's transaction.
UPDATE twap_span s
SET last_row = hltwap_twap_span_last_row(t)
FROM twap_status t
WHERE t.twap_id = s.twap_id AND t.wallet = s.wallet AND t.ts = s.last_ts;

-- As 0008's, and each TWAP's last row when its latest row in the window is that one (else NULL:
-- the caller looks the row up in twap_status).
DROP FUNCTION hltwap_twap_page(text, timestamptz, timestamptz, text, timestamptz, text, integer);
CREATE FUNCTION hltwap_twap_page(p_wallet text, p_start timestamptz, p_end timestamptz,
                                 p_asset text, p_after_ts timestamptz, p_after_id text,
                                 p_limit integer)
RETURNS TABLE (twap_id text, latest_ts timestamptz, last_row twap_span_last_row)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT p.twap_id, p.latest_ts, p.last_row
  FROM (
    (SELECT s.twap_id, s.last_ts AS latest_ts, s.last_row
     FROM twap_span s
     WHERE p_asset IS NULL
       AND s.wallet = p_wallet
       AND s.last_ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
       AND s.last_ts <= p_end
       AND (p_after_ts IS NULL OR (s.last_ts, s.twap_id COLLATE "C") > (p_after_ts, p_after_id))
     ORDER BY s.last_ts, s.twap_id COLLATE "C"
     LIMIT p_limit)
    UNION ALL
    (SELECT s.twap_id, s.last_ts, s.last_row
     FROM twap_span s
     WHERE s.wallet = p_wallet
       AND s.asset = p_asset
       AND s.last_ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
       AND s.last_ts <= p_end
       AND NOT s.asset_mixed
       AND (p_after_ts IS NULL OR (s.last_ts, s.twap_id COLLATE "C") > (p_after_ts, p_after_id))
     ORDER BY s.last_ts, s.twap_id COLLATE "C"
     LIMIT p_limit)
    UNION ALL
    (SELECT s.twap_id, l.ts, CASE WHEN l.ts = s.last_ts THEN s.last_row END
     FROM (SELECT c.twap_id, c.wallet, c.last_ts, c.last_row
           FROM twap_span c
           WHERE c.wallet = p_wallet
             AND tstzrange(c.first_ts, c.last_ts, '[]') @> p_end
             AND c.last_ts > p_end
           UNION ALL
           SELECT m.twap_id, m.wallet, m.last_ts, m.last_row
           FROM twap_span m
           WHERE p_asset IS NOT NULL
             AND m.asset_mixed
             AND m.wallet = p_wallet
             AND m.last_ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
             AND m.last_ts <= p_end) s,
          LATERAL (SELECT t.ts
                   FROM twap_status t
                   WHERE t.twap_id = s.twap_id
                     -- Not in the default collation: no index on wallet applies, so even a
                     -- generic plan, which cannot tell how narrow the window is, finds the
                     -- TWAP's few rows by twap_id instead of walking the wallet's rows back
                     -- from p_end. Equality is the same in either collation.
                     AND t.wallet = s.wallet COLLATE "C"
                     AND t.ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
                     AND t.ts <= p_end
                     AND (p_asset IS NULL OR t.asset = p_asset)
                   ORDER BY t.ts DESC
                   LIMIT 1) l
     WHERE p_after_ts IS NULL OR (l.ts, s.twap_id COLLATE "C") > (p_after_ts, p_after_id)
     ORDER BY l.ts, s.twap_id COLLATE "C"
     LIMIT p_limit)
  ) p
  ORDER BY p.latest_ts, p.twap_id COLLATE "C"
  LIMIT p_limit;
END;
