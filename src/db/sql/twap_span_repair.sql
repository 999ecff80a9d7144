-- Recomputes every span twap_span holds wrongly from twap_status, in one statement (so one
-- transaction), and returns how many there were.

SELECT d.spans, hltwap_twap_span_recompute(d.twap_ids, d.wallets)::text
FROM (SELECT count(*) AS spans, array_agg(twap_id) AS twap_ids, array_agg(wallet) AS wallets
      FROM hltwap_twap_span_differences()) d
