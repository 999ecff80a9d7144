-- The totals twap_fill_total holds wrongly (see hltwap_twap_fill_total_differences), in key
-- order: twap_id, wallet, stored, expected.

SELECT twap_id, wallet, stored, expected
FROM hltwap_twap_fill_total_differences()
ORDER BY twap_id COLLATE "C", wallet COLLATE "C"
