-- Every row in the window of the TWAPs of one page (same parameters and page order as
-- twaps_latest.sql), ascending by ts within each TWAP, as hltwap_api_row columns: the TWAP's
-- fields come from its last row. One statement, so the page and its rows come from one
-- snapshot.
-- $1 wallet, $2 start, $3 end, $4 asset or NULL, $5 cursor latest_ts or NULL, $6 cursor twap_id,
-- $7 TWAP limit.
-- The page comes from hltwap_twap_page (twap_span, see docs/design.md, Per-TWAP spans); each of
-- its TWAPs' rows in the window are one primary-key range.
-- Each row also carries the summary of the wallet's fills of its TWAP (one row of
-- twap_fill_total) in the columns of api::SummaryColumn (src/api/queries.h), and
-- for a terminal row, whether its size_executed equals the fills' total size (else NULL).

SELECT a.*, s.*, CASE WHEN hltwap_status_rank(r.status) = 2 THEN s.fill_size = r.size_executed END
FROM hltwap_twap_page($1, $2::timestamptz, $3::timestamptz, $4::text, $5::timestamptz, $6::text,
                      $7::int) p
JOIN twap_status r ON r.twap_id = p.twap_id AND r.wallet = $1
                  AND r.ts >= $2::timestamptz AND r.ts <= $3::timestamptz
                  AND ($4::text IS NULL OR r.asset = $4::text),
     LATERAL hltwap_api_row(r::twap_status) a,
     LATERAL hltwap_fills_summary(p.twap_id, $1) s
ORDER BY p.latest_ts, p.twap_id COLLATE "C", r.ts
