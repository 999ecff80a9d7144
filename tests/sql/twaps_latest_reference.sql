-- The list endpoint's SQL before the per-TWAP table: a straightforward query over twap_status
-- that reads the wallet's whole window. Kept as the reference the new SQL is compared with
-- (tests/api_twaps_reference_test.cc) and as the baseline of bench/run.sh.
--
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
) p, LATERAL hltwap_fills_summary(p.twap_id, p.wallet) s
ORDER BY p.ts_micros, p.twap_id COLLATE "C"
