-- All rows of one TWAP, ascending by ts, as hltwap_api_row columns. $1 twap_id.
-- Each row also carries the summary of the TWAP's fills (of every wallet; one aggregate over an
-- index range of twap_fill) in the columns of api::SummaryColumn (src/api/queries.h), and
-- for a terminal row, whether its size_executed equals the fills' total size (else NULL).

SELECT a.*, s.*, CASE WHEN hltwap_status_rank(r.status) = 2 THEN s.fill_size = r.size_executed END
FROM twap_status r, LATERAL hltwap_api_row(r) a,
     LATERAL (
  SELECT sum(t.fills)::int8 AS fill_count, sum(t.size) AS fill_size,
         sum(t.notional) AS fill_notional, sum(t.notional) / NULLIF(sum(t.size), 0) AS fill_avg_px,
         CASE WHEN count(*) = 1 AND every(t.one_token) THEN min(t.fee) END AS fill_fee,
         CASE WHEN count(*) = 1 AND every(t.one_token) THEN min(t.fee_token) END AS fill_fee_token,
         COALESCE(jsonb_object_agg(t.fee_token, t.fee::text)
                    FILTER (WHERE t.fee_token IS NOT NULL AND t.fee IS NOT NULL),
                  '{}')::text AS fill_fees_by_token,
         sum(t.closed_pnl) AS fill_closed_pnl,
         (EXTRACT(EPOCH FROM min(t.first_time)) * 1000000)::int8 AS first_fill_micros,
         (EXTRACT(EPOCH FROM max(t.last_time)) * 1000000)::int8 AS last_fill_micros
  FROM (SELECT f.fee_token, count(*) AS fills, sum(f.sz) AS size, sum(f.px * f.sz) AS notional,
               sum(f.fee) AS fee, f.fee_token IS NOT NULL AND every(f.fee IS NOT NULL) AS one_token,
               sum(f.closed_pnl) AS closed_pnl, min(f.time) AS first_time, max(f.time) AS last_time
        FROM twap_fill f
        WHERE f.twap_id = $1
        GROUP BY f.fee_token) t
) s
WHERE r.twap_id = $1
ORDER BY r.ts, r.wallet
