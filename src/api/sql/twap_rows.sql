-- All rows of one TWAP, ascending by ts, as hltwap_api_row columns. $1 twap_id.

SELECT a.*
FROM twap_status r, LATERAL hltwap_api_row(r) a
WHERE r.twap_id = $1
ORDER BY r.ts, r.wallet
