-- hltwap_fills_summary as 0009 defined it (same columns, same values, same text), with its
-- per-token part gated on the TWAP having fills: a list page calls it once per TWAP, and most
-- TWAPs of a page have no stored fills, for which the per-token scan, aggregation and hash
-- table were most of the summary's cost. An aggregate without GROUP BY returns its one row
-- whatever its WHERE keeps, so a TWAP without fills still gets tokens 0 and '{}'.
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
       LATERAL (SELECT count(*) AS tokens, min(p.token) AS token, min(p.fee) AS fee,
                       sum(p.missing) AS missing,
                       COALESCE(jsonb_object_agg(p.token, p.fee::text)
                                  FILTER (WHERE p.fee IS NOT NULL), '{}')::text AS fees_by_token
                FROM (SELECT e.key AS token, sum((e.value ->> 'sum')::numeric) AS fee,
                             sum((e.value ->> 'missing')::int8) AS missing
                      FROM twap_fill_total t, jsonb_each(t.fees) e
                      WHERE a.fills IS NOT NULL
                        AND t.twap_id = hltwap_fills_summary.twap_id
                        AND (hltwap_fills_summary.wallet IS NULL
                             OR t.wallet = hltwap_fills_summary.wallet)
                      GROUP BY e.key) p) k;
END;
