-- The summary of a TWAP's stored fills, the one definition the API's statements share (see
-- docs/design.md, API contract): count, Σsz, Σ(px·sz), their quotient (NUMERIC division), the fee
-- and its token when every fill paid one token, Σfee per token (jsonb text), Σclosed_pnl and the
-- first and last fill times (integer microseconds). $1 twap_id, $2 wallet, or NULL for the fills
-- of every wallet. One row; all NULL but the empty fee object when no fill is stored. A
-- SQL-bodied stable function, inlined by the planner, reading one index range of twap_fill.

CREATE OR REPLACE FUNCTION hltwap_fills_summary(twap_id text, wallet text)
RETURNS TABLE (fill_count bigint, fill_size numeric, fill_notional numeric, fill_avg_px numeric,
               fill_fee numeric, fill_fee_token text, fill_fees_by_token text,
               fill_closed_pnl numeric, first_fill_micros bigint, last_fill_micros bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT sum(t.fills)::int8, sum(t.size), sum(t.notional),
         sum(t.notional) / NULLIF(sum(t.size), 0),
         CASE WHEN count(*) = 1 AND every(t.one_token) THEN min(t.fee) END,
         CASE WHEN count(*) = 1 AND every(t.one_token) THEN min(t.fee_token) END,
         COALESCE(jsonb_object_agg(t.fee_token, t.fee::text)
                    FILTER (WHERE t.fee_token IS NOT NULL AND t.fee IS NOT NULL),
                  '{}')::text,
         sum(t.closed_pnl),
         (EXTRACT(EPOCH FROM min(t.first_time)) * 1000000)::int8,
         (EXTRACT(EPOCH FROM max(t.last_time)) * 1000000)::int8
  FROM (SELECT f.fee_token, count(*) AS fills, sum(f.sz) AS size, sum(f.px * f.sz) AS notional,
               sum(f.fee) AS fee, f.fee_token IS NOT NULL AND every(f.fee IS NOT NULL) AS one_token,
               sum(f.closed_pnl) AS closed_pnl, min(f.time) AS first_time, max(f.time) AS last_time
        FROM twap_fill f
        WHERE f.twap_id = hltwap_fills_summary.twap_id
          AND (hltwap_fills_summary.wallet IS NULL OR f.wallet = hltwap_fills_summary.wallet)
        GROUP BY f.fee_token) t;
END;
