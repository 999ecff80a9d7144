-- Recomputes every total twap_fill_total holds wrongly from twap_fill, in one statement (so one
-- transaction), and returns how many there were.

SELECT d.totals, hltwap_twap_fill_total_recompute(d.twap_ids, d.wallets)::text
FROM (SELECT count(*) AS totals, array_agg(twap_id) AS twap_ids, array_agg(wallet) AS wallets
      FROM hltwap_twap_fill_total_differences()) d
