-- The list endpoint's SQL before the per-TWAP table: a straightforward query over twap_status
-- that reads the wallet's whole window. Kept as the reference the new SQL is compared with
-- (tests/api_twaps_reference_test.cc) and as the baseline of bench/run.sh.
--
-- Every row in the window of the TWAPs of one page (same parameters and page order as
-- twaps_latest.sql), ascending by ts within each TWAP, as hltwap_api_row columns: the TWAP's
-- fields come from its last row. One statement, so the page and its rows come from one
-- snapshot.
-- $1 wallet, $2 start, $3 end, $4 asset or NULL, $5 cursor latest_ts or NULL, $6 cursor twap_id,
-- $7 TWAP limit.
-- Each row also carries the summary of the wallet's fills of its TWAP (one aggregate over an
-- index range of twap_fill) in the columns of api::SummaryColumn (src/api/queries.h), and
-- for a terminal row, whether its size_executed equals the fills' total size (else NULL).

WITH window_rows AS MATERIALIZED (
  SELECT *
  FROM twap_status
  WHERE wallet = $1
    AND ts >= $2::timestamptz
    AND ts <= $3::timestamptz
    AND ($4::text IS NULL OR asset = $4::text)
), page AS (
  SELECT twap_id, max(ts) AS latest_ts
  FROM window_rows
  GROUP BY twap_id
  HAVING $5::timestamptz IS NULL
      OR (max(ts), twap_id COLLATE "C") > ($5::timestamptz, $6::text)
  ORDER BY max(ts), twap_id COLLATE "C"
  LIMIT $7::int
)
SELECT a.*, s.*, CASE WHEN hltwap_status_rank(r.status) = 2 THEN s.fill_size = r.size_executed END
FROM page p JOIN window_rows r USING (twap_id), LATERAL hltwap_api_row(r::twap_status) a,
     LATERAL hltwap_fills_summary(p.twap_id, $1) s
ORDER BY p.latest_ts, p.twap_id COLLATE "C", r.ts
