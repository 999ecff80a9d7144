-- twap_span: one row per (twap_id, wallet) with the first and last ts of its twap_status rows and
-- its asset, so that a page of GET /api/v1/twaps reads O(limit) spans instead of sorting every
-- row of the window (see docs/design.md, Per-TWAP spans). Derived data: statement-level triggers
-- keep it in the transaction that changes twap_status, and `hltwap db check` compares it with a
-- recomputation. The spec's tables are untouched.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- No writer between the build below and the triggers' creation: both see every row.
LOCK TABLE twap_status IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS twap_span (
    twap_id      TEXT NOT NULL,
    wallet       TEXT NOT NULL,
    first_ts     TIMESTAMPTZ NOT NULL,
    last_ts      TIMESTAMPTZ NOT NULL,
    -- The TWAP's asset; with asset_mixed, one of its rows' assets (a NULL asset is a value).
    asset        TEXT,
    asset_mixed  BOOLEAN NOT NULL,
    PRIMARY KEY (twap_id, wallet)
);

-- The page scan, in page order.
CREATE INDEX IF NOT EXISTS twap_span_wallet_last_idx
    ON twap_span (wallet, last_ts, twap_id COLLATE "C");
-- The page scan with an asset filter.
CREATE INDEX IF NOT EXISTS twap_span_wallet_asset_last_idx
    ON twap_span (wallet, asset, last_ts, twap_id COLLATE "C");
-- The spans a window end cuts (first_ts <= end < last_ts): their latest row in the window is not
-- their last. Exact for any span length.
CREATE INDEX IF NOT EXISTS twap_span_wallet_range_idx
    ON twap_span USING gist (wallet, tstzrange(first_ts, last_ts, '[]'));
-- Spans whose rows differ in asset: with an asset filter their latest matching row is looked up.
CREATE INDEX IF NOT EXISTS twap_span_mixed_idx
    ON twap_span (wallet, last_ts) WHERE asset_mixed;

-- The spans as twap_status defines them, the definition the build, the recomputation and
-- `hltwap db check` share (the insert trigger applies the same aggregates to its statement's
-- rows, which a view cannot read). A filter on (twap_id, wallet) is pushed into the grouping,
-- so one span reads one range of the primary key.
CREATE OR REPLACE VIEW twap_span_expected AS
SELECT twap_id, wallet, min(ts) AS first_ts, max(ts) AS last_ts, min(asset) AS asset,
       count(DISTINCT asset) > 1 OR count(asset) NOT IN (0, count(*)) AS asset_mixed
FROM twap_status
GROUP BY twap_id, wallet;

-- Merges spans into twap_span monotonically (earliest first_ts, latest last_ts, mixed once any
-- asset differs), in key order so that concurrent writers lock rows in one order. Monotonic, so
-- two transactions adding rows of one TWAP under READ COMMITTED both count: the second waits for
-- the first's row and merges into it.
CREATE OR REPLACE FUNCTION hltwap_twap_span_merge(spans twap_span[]) RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  INSERT INTO twap_span AS s (twap_id, wallet, first_ts, last_ts, asset, asset_mixed)
  SELECT n.twap_id, n.wallet, n.first_ts, n.last_ts, n.asset, n.asset_mixed
  FROM unnest(spans) AS n
  ORDER BY n.twap_id, n.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET
      first_ts = LEAST(s.first_ts, EXCLUDED.first_ts),
      last_ts = GREATEST(s.last_ts, EXCLUDED.last_ts),
      asset_mixed = s.asset_mixed OR EXCLUDED.asset_mixed OR s.asset IS DISTINCT FROM EXCLUDED.asset;
END;

-- Recomputes the spans of the given keys exactly from twap_status (after a DELETE, an UPDATE of
-- a key or an asset, or a repair). First every key's span is locked in key order, as the merge
-- locks them (no deadlock between the two), a placeholder holding the lock for a key without
-- one; then the recomputation's snapshot (a new statement's, under READ COMMITTED) includes
-- every writer that merged before, and a writer that merges later merges into its result.
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
  SET (first_ts, last_ts, asset, asset_mixed) =
      (SELECT e.first_ts, e.last_ts, e.asset, e.asset_mixed
       FROM twap_span_expected e
       WHERE e.twap_id = s.twap_id AND e.wallet = s.wallet)
  FROM (SELECT DISTINCT * FROM unnest(twap_ids, wallets)) AS k(twap_id, wallet)
  WHERE s.twap_id = k.twap_id AND s.wallet = k.wallet;
END;
$$;

CREATE OR REPLACE FUNCTION hltwap_twap_span_after_insert() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM hltwap_twap_span_merge(ARRAY(
    SELECT ROW(twap_id, wallet, min(ts), max(ts), min(asset),
               count(DISTINCT asset) > 1 OR count(asset) NOT IN (0, count(*)))::twap_span
    FROM new_rows
    GROUP BY twap_id, wallet));
  RETURN NULL;
END;
$$;

-- A DELETE recomputes the spans of its rows. Of an UPDATE, only rows whose key or asset changed
-- move a span: the ETL's merge, which upgrades a row in place, recomputes nothing unless the
-- asset changes.
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
    SELECT array_agg(COALESCE(o.twap_id, n.twap_id)), array_agg(COALESCE(o.wallet, n.wallet))
    INTO ids, wallets
    FROM old_rows o
    FULL JOIN new_rows n ON n.twap_id = o.twap_id AND n.wallet = o.wallet AND n.ts = o.ts
    WHERE o.twap_id IS NULL OR n.twap_id IS NULL OR o.asset IS DISTINCT FROM n.asset;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM hltwap_twap_span_recompute(ids, wallets);
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER twap_span_after_insert
    AFTER INSERT ON twap_status REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_span_after_insert();
CREATE OR REPLACE TRIGGER twap_span_after_update
    AFTER UPDATE ON twap_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_span_after_change();
CREATE OR REPLACE TRIGGER twap_span_after_delete
    AFTER DELETE ON twap_status REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_span_after_change();

-- The spans twap_span holds wrongly, for `hltwap db check`: missing, extra, or different from
-- twap_span_expected (the asset of a mixed span is any of its rows' assets, so it is not
-- compared). Each side as text: first_ts, last_ts (UTC), asset, and "mixed"; NULL when absent.
CREATE OR REPLACE FUNCTION hltwap_twap_span_differences()
RETURNS TABLE (twap_id text, wallet text, stored text, expected text)
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT COALESCE(e.twap_id, s.twap_id), COALESCE(e.wallet, s.wallet),
         CASE WHEN s.twap_id IS NOT NULL THEN
           concat_ws(' ', s.first_ts AT TIME ZONE 'UTC', s.last_ts AT TIME ZONE 'UTC',
                     COALESCE(s.asset, 'NULL'), CASE WHEN s.asset_mixed THEN 'mixed' END)
         END,
         CASE WHEN e.twap_id IS NOT NULL THEN
           concat_ws(' ', e.first_ts AT TIME ZONE 'UTC', e.last_ts AT TIME ZONE 'UTC',
                     COALESCE(e.asset, 'NULL'), CASE WHEN e.asset_mixed THEN 'mixed' END)
         END
  FROM twap_span_expected e
  FULL JOIN twap_span s ON s.twap_id = e.twap_id AND s.wallet = e.wallet
  WHERE s.twap_id IS NULL OR e.twap_id IS NULL
     OR s.first_ts <> e.first_ts OR s.last_ts <> e.last_ts OR s.asset_mixed <> e.asset_mixed
     OR (NOT e.asset_mixed AND s.asset IS DISTINCT FROM e.asset);
END;

-- Built from the rows already stored, under the migration's transaction.
INSERT INTO twap_span (twap_id, wallet, first_ts, last_ts, asset, asset_mixed)
SELECT twap_id, wallet, first_ts, last_ts, asset, asset_mixed FROM twap_span_expected
ON CONFLICT (twap_id, wallet) DO NOTHING;

-- One page of a wallet's TWAPs for GET /api/v1/twaps: those with a twap_status row in
-- [p_start, p_end] (of asset p_asset when given), each at its latest such row's ts, ascending by
-- (latest_ts, twap_id) in byte order, strictly after the cursor (p_after_ts, p_after_id) when
-- there is one, at most p_limit. A span whose last row is in the window and matches has it as
-- its latest: those come from the page index in order. The rest need one backward lookup in
-- twap_status's primary key each: spans the window end cuts (found exactly by the range index)
-- and, with an asset filter, spans of mixed assets. Each part is cut at p_limit before the
-- merge, so a page reads O(p_limit) spans plus the spans alive at p_end (and, with an asset
-- filter, the wallet's mixed spans in the rest of the window). A SQL-bodied stable
-- function, inlined by the planner into the calling statement.
CREATE OR REPLACE FUNCTION hltwap_twap_page(p_wallet text, p_start timestamptz,
                                            p_end timestamptz, p_asset text,
                                            p_after_ts timestamptz, p_after_id text,
                                            p_limit integer)
RETURNS TABLE (twap_id text, latest_ts timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT p.twap_id, p.latest_ts
  FROM (
    (SELECT s.twap_id, s.last_ts AS latest_ts
     FROM twap_span s
     WHERE p_asset IS NULL
       AND s.wallet = p_wallet
       AND s.last_ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
       AND s.last_ts <= p_end
       AND (p_after_ts IS NULL OR (s.last_ts, s.twap_id COLLATE "C") > (p_after_ts, p_after_id))
     ORDER BY s.last_ts, s.twap_id COLLATE "C"
     LIMIT p_limit)
    UNION ALL
    (SELECT s.twap_id, s.last_ts
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
    (SELECT s.twap_id, l.ts
     FROM (SELECT c.twap_id, c.wallet
           FROM twap_span c
           WHERE c.wallet = p_wallet
             AND tstzrange(c.first_ts, c.last_ts, '[]') @> p_end
             AND c.last_ts > p_end
           UNION ALL
           SELECT m.twap_id, m.wallet
           FROM twap_span m
           WHERE p_asset IS NOT NULL
             AND m.asset_mixed
             AND m.wallet = p_wallet
             AND m.last_ts >= GREATEST(p_start, COALESCE(p_after_ts, p_start))
             AND m.last_ts <= p_end) s,
          LATERAL (SELECT t.ts
                   FROM twap_status t
                   WHERE t.twap_id = s.twap_id
                     AND t.wallet = s.wallet
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
