-- twap_fill_total: the totals of each (twap_id, wallet)'s stored fills, so that the fills summary
-- of a TWAP (hltwap_fills_summary, in every list page, TWAP and export) reads one row instead of
-- every fill: a week-long TWAP has tens of thousands of slices (see docs/design.md, Per-TWAP
-- spans). Derived data like twap_span: statement-level triggers keep it in the transaction that
-- changes twap_fill, and `hltwap db check` compares it with a recomputation. Sums are NUMERIC
-- sums of sums, which keep the scale a sum over every fill has, so the text is the same.

-- No writer between the build below and the triggers' creation: both see every fill.
LOCK TABLE twap_fill IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS twap_fill_total (
    twap_id          TEXT NOT NULL,
    wallet           TEXT NOT NULL,
    fills            BIGINT NOT NULL,
    size             NUMERIC NOT NULL,
    notional         NUMERIC NOT NULL,
    -- Σclosed_pnl of the fills that have one; NULL when none has.
    closed_pnl       NUMERIC,
    first_time       TIMESTAMPTZ NOT NULL,
    last_time        TIMESTAMPTZ NOT NULL,
    -- Fills without a fee token (their fees are in no token's sum).
    untokened_fills  BIGINT NOT NULL,
    -- Per fee token: {"sum": Σfee of its fills that have one (null when none has), "missing":
    -- how many have none}. jsonb numbers are NUMERIC: the sums are exact.
    fees             JSONB NOT NULL,
    PRIMARY KEY (twap_id, wallet)
);

-- The totals as twap_fill defines them, the definition the build, the recomputation and
-- `hltwap db check` share (the insert trigger applies the same aggregates to its statement's
-- rows, which a view cannot read). A filter on (twap_id, wallet) is pushed into the grouping.
CREATE OR REPLACE VIEW twap_fill_total_expected AS
SELECT g.twap_id, g.wallet, sum(g.fills)::int8 AS fills, sum(g.size) AS size,
       sum(g.notional) AS notional, sum(g.closed_pnl) AS closed_pnl,
       min(g.first_time) AS first_time, max(g.last_time) AS last_time,
       COALESCE(sum(g.fills) FILTER (WHERE g.fee_token IS NULL), 0)::int8 AS untokened_fills,
       COALESCE(jsonb_object_agg(g.fee_token, jsonb_build_object('sum', g.fee, 'missing', g.missing))
                  FILTER (WHERE g.fee_token IS NOT NULL), '{}') AS fees
FROM (SELECT twap_id, wallet, fee_token, count(*) AS fills, sum(sz) AS size,
             sum(px * sz) AS notional, sum(closed_pnl) AS closed_pnl, min(time) AS first_time,
             max(time) AS last_time, sum(fee) AS fee, count(*) - count(fee) AS missing
      FROM twap_fill
      GROUP BY twap_id, wallet, fee_token) g
GROUP BY g.twap_id, g.wallet;

-- Two fee maps added token by token.
CREATE OR REPLACE FUNCTION hltwap_fill_fees_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT COALESCE(jsonb_object_agg(COALESCE(x.key, y.key), jsonb_build_object(
           'sum', COALESCE((x.value ->> 'sum')::numeric + (y.value ->> 'sum')::numeric,
                           (x.value ->> 'sum')::numeric, (y.value ->> 'sum')::numeric),
           'missing', COALESCE((x.value ->> 'missing')::int8, 0)
                      + COALESCE((y.value ->> 'missing')::int8, 0))), '{}')
  FROM jsonb_each(a) x
  FULL JOIN jsonb_each(b) y ON y.key = x.key;
END;

-- Adds totals into twap_fill_total, in key order so that concurrent writers lock rows in one
-- order. Addition commutes, so two transactions adding fills of one TWAP under READ COMMITTED
-- both count: the second waits for the first's row and adds to it.
CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_add(totals twap_fill_total[]) RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  INSERT INTO twap_fill_total AS t (twap_id, wallet, fills, size, notional, closed_pnl,
                                    first_time, last_time, untokened_fills, fees)
  SELECT n.twap_id, n.wallet, n.fills, n.size, n.notional, n.closed_pnl, n.first_time,
         n.last_time, n.untokened_fills, n.fees
  FROM unnest(totals) AS n
  ORDER BY n.twap_id, n.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET
      fills = t.fills + EXCLUDED.fills,
      size = t.size + EXCLUDED.size,
      notional = t.notional + EXCLUDED.notional,
      closed_pnl = COALESCE(t.closed_pnl + EXCLUDED.closed_pnl, t.closed_pnl, EXCLUDED.closed_pnl),
      first_time = LEAST(t.first_time, EXCLUDED.first_time),
      last_time = GREATEST(t.last_time, EXCLUDED.last_time),
      untokened_fills = t.untokened_fills + EXCLUDED.untokened_fills,
      fees = hltwap_fill_fees_add(t.fees, EXCLUDED.fees);
END;

-- Recomputes the totals of the given keys exactly from twap_fill (after a DELETE, an UPDATE or
-- a repair), locking first as hltwap_twap_span_recompute does and for the same reasons.
CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_recompute(twap_ids text[], wallets text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  INSERT INTO twap_fill_total AS t (twap_id, wallet, fills, size, notional, closed_pnl,
                                    first_time, last_time, untokened_fills, fees)
  SELECT DISTINCT k.twap_id, k.wallet, 0, 0, 0, NULL::numeric, '-infinity'::timestamptz,
                  '-infinity'::timestamptz, 0, '{}'::jsonb
  FROM unnest(twap_ids, wallets) AS k(twap_id, wallet)
  ORDER BY k.twap_id, k.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET fills = t.fills;
  DELETE FROM twap_fill_total t
  USING unnest(twap_ids, wallets) AS k(twap_id, wallet)
  WHERE t.twap_id = k.twap_id AND t.wallet = k.wallet
    AND NOT EXISTS (SELECT FROM twap_fill f WHERE f.twap_id = t.twap_id AND f.wallet = t.wallet);
  UPDATE twap_fill_total t
  SET (fills, size, notional, closed_pnl, first_time, last_time, untokened_fills, fees) =
      (SELECT e.fills, e.size, e.notional, e.closed_pnl, e.first_time, e.last_time,
              e.untokened_fills, e.fees
       FROM twap_fill_total_expected e
       WHERE e.twap_id = t.twap_id AND e.wallet = t.wallet)
  FROM (SELECT DISTINCT * FROM unnest(twap_ids, wallets)) AS k(twap_id, wallet)
  WHERE t.twap_id = k.twap_id AND t.wallet = k.wallet;
END;
$$;

CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_after_insert() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM hltwap_twap_fill_total_add(ARRAY(
    SELECT ROW(g.twap_id, g.wallet, sum(g.fills)::int8, sum(g.size), sum(g.notional),
               sum(g.closed_pnl), min(g.first_time), max(g.last_time),
               COALESCE(sum(g.fills) FILTER (WHERE g.fee_token IS NULL), 0)::int8,
               COALESCE(jsonb_object_agg(g.fee_token,
                                         jsonb_build_object('sum', g.fee, 'missing', g.missing))
                          FILTER (WHERE g.fee_token IS NOT NULL), '{}'))::twap_fill_total
    FROM (SELECT twap_id, wallet, fee_token, count(*) AS fills, sum(sz) AS size,
                 sum(px * sz) AS notional, sum(closed_pnl) AS closed_pnl,
                 min(time) AS first_time, max(time) AS last_time, sum(fee) AS fee,
                 count(*) - count(fee) AS missing
          FROM new_rows
          GROUP BY twap_id, wallet, fee_token) g
    GROUP BY g.twap_id, g.wallet));
  RETURN NULL;
END;
$$;

-- A DELETE or an UPDATE (the ETL's merge replaces a fill only when a value changed) recomputes
-- the totals of the keys it touched, old and new.
CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_after_change() RETURNS trigger
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
    PERFORM hltwap_twap_fill_total_recompute(ids, wallets);
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER twap_fill_total_after_insert
    AFTER INSERT ON twap_fill REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_fill_total_after_insert();
CREATE OR REPLACE TRIGGER twap_fill_total_after_update
    AFTER UPDATE ON twap_fill REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_fill_total_after_change();
CREATE OR REPLACE TRIGGER twap_fill_total_after_delete
    AFTER DELETE ON twap_fill REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hltwap_twap_fill_total_after_change();

-- The totals twap_fill_total holds wrongly, for `hltwap db check`: missing, extra, or different
-- from twap_fill_total_expected, each side as text (NULL when absent).
CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_differences()
RETURNS TABLE (twap_id text, wallet text, stored text, expected text)
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT COALESCE(e.twap_id, t.twap_id), COALESCE(e.wallet, t.wallet), s.text, x.text
  FROM twap_fill_total_expected e
  FULL JOIN twap_fill_total t ON t.twap_id = e.twap_id AND t.wallet = e.wallet,
       LATERAL (SELECT CASE WHEN t.twap_id IS NOT NULL THEN
                  concat_ws(' ', t.fills, t.size, t.notional, COALESCE(t.closed_pnl::text, 'NULL'),
                            t.first_time AT TIME ZONE 'UTC', t.last_time AT TIME ZONE 'UTC',
                            t.untokened_fills, t.fees::text)
                END AS text) s,
       LATERAL (SELECT CASE WHEN e.twap_id IS NOT NULL THEN
                  concat_ws(' ', e.fills, e.size, e.notional, COALESCE(e.closed_pnl::text, 'NULL'),
                            e.first_time AT TIME ZONE 'UTC', e.last_time AT TIME ZONE 'UTC',
                            e.untokened_fills, e.fees::text)
                END AS text) x
  WHERE s.text IS DISTINCT FROM x.text;
END;

-- Built from the fills already stored, under the migration's transaction.
INSERT INTO twap_fill_total (twap_id, wallet, fills, size, notional, closed_pnl, first_time,
                             last_time, untokened_fills, fees)
SELECT twap_id, wallet, fills, size, notional, closed_pnl, first_time, last_time,
       untokened_fills, fees
FROM twap_fill_total_expected
ON CONFLICT (twap_id, wallet) DO NOTHING;

-- The summary of a TWAP's stored fills as 0007 defined it (same columns, same values, same
-- text), now from twap_fill_total: one primary-key row per wallet instead of every fill. $1
-- twap_id, $2 wallet, or NULL for the fills of every wallet.
CREATE OR REPLACE FUNCTION hltwap_fills_summary(twap_id text, wallet text)
RETURNS TABLE (fill_count bigint, fill_size numeric, fill_notional numeric, fill_avg_px numeric,
               fill_fee numeric, fill_fee_token text, fill_fees_by_token text,
               fill_closed_pnl numeric, first_fill_micros bigint, last_fill_micros bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT a.fills, a.size, a.notional, a.notional / NULLIF(a.size, 0),
         CASE WHEN a.untokened = 0 AND k.tokens = 1 AND k.missing = 0 THEN k.fee END,
         CASE WHEN a.untokened = 0 AND k.tokens = 1 AND k.missing = 0 THEN k.token END,
         k.fees_by_token,
         a.closed_pnl,
         (EXTRACT(EPOCH FROM a.first_time) * 1000000)::int8,
         (EXTRACT(EPOCH FROM a.last_time) * 1000000)::int8
  FROM (SELECT sum(t.fills)::int8 AS fills, sum(t.size) AS size, sum(t.notional) AS notional,
               sum(t.closed_pnl) AS closed_pnl, sum(t.untokened_fills) AS untokened,
               min(t.first_time) AS first_time, max(t.last_time) AS last_time
        FROM twap_fill_total t
        WHERE t.twap_id = hltwap_fills_summary.twap_id
          AND (hltwap_fills_summary.wallet IS NULL OR t.wallet = hltwap_fills_summary.wallet)) a,
       (SELECT count(*) AS tokens, min(p.token) AS token, min(p.fee) AS fee,
               sum(p.missing) AS missing,
               COALESCE(jsonb_object_agg(p.token, p.fee::text) FILTER (WHERE p.fee IS NOT NULL),
                        '{}')::text AS fees_by_token
        FROM (SELECT e.key AS token, sum((e.value ->> 'sum')::numeric) AS fee,
                     sum((e.value ->> 'missing')::int8) AS missing
              FROM twap_fill_total t, jsonb_each(t.fees) e
              WHERE t.twap_id = hltwap_fills_summary.twap_id
                AND (hltwap_fills_summary.wallet IS NULL
                     OR t.wallet = hltwap_fills_summary.wallet)
              GROUP BY e.key) p) k;
END;
