-- The latest row (max ts) in the window of each of a wallet's TWAPs, one page in ascending
-- (latest_ts, twap_id) order, after the cursor when there is one, as hltwap_api_row columns.
-- The caller asks for one row more than the page size to learn whether another page follows.
-- $1 wallet, $2 start, $3 end, $4 asset or NULL, $5 cursor latest_ts or NULL, $6 cursor twap_id,
-- $7 row limit.
-- A TWAP after the cursor has its latest row at or after the cursor's ts, so the index range
-- scan starts there: each page reads only what is left of the window.
-- Each TWAP of the page, once the page is cut, also gets the summary of its wallet's fills of it
-- (one aggregate over an index range of twap_fill) in the columns of api::SummaryColumn
-- (src/api/queries.h), and whether a terminal row's size_executed equals the fills' total size.

WITH latest AS (
  SELECT DISTINCT ON (twap_id) *
  FROM twap_status
  WHERE wallet = $1
    AND ts >= GREATEST($2::timestamptz, COALESCE($5::timestamptz, $2::timestamptz))
    AND ts <= $3::timestamptz
    AND ($4::text IS NULL OR asset = $4::text)
  ORDER BY twap_id, ts DESC
)
SELECT p.*, s.*, CASE WHEN hltwap_status_rank(p.status) = 2 THEN s.fill_size = p.size_executed END
FROM (
  SELECT a.*
  FROM latest r, LATERAL hltwap_api_row(r::twap_status) a
  WHERE $5::timestamptz IS NULL OR (r.ts, r.twap_id COLLATE "C") > ($5::timestamptz, $6::text)
  ORDER BY r.ts, r.twap_id COLLATE "C"
  LIMIT $7::int
) p, LATERAL (
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
        WHERE f.twap_id = p.twap_id AND f.wallet = p.wallet
        GROUP BY f.fee_token) t
) s
ORDER BY p.ts_micros, p.twap_id COLLATE "C"
