-- All rows of one TWAP, ascending by ts, as hltwap_api_row columns. $1 twap_id.
-- Each row also carries the summary of the TWAP's fills (of every wallet; one row of
-- twap_fill_total per wallet) in the columns of api::SummaryColumn (src/api/queries.h), and for
-- a terminal row, whether its size_executed equals the fills' total size (else NULL).

SELECT a.*, s.*, CASE WHEN hltwap_status_rank(r.status) = 2 THEN s.fill_size = r.size_executed END
FROM twap_status r, LATERAL hltwap_api_row(r) a,
     LATERAL hltwap_fills_summary($1, NULL) s
WHERE r.twap_id = $1
ORDER BY r.ts, r.wallet
