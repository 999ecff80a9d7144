-- format=awaken, spot fills: Awaken's standard trade CSV, one row per slice fill by
-- (time, tid, twap_id); the column names are its header. A buy receives the base currency (sz)
-- and sends the quote (px·sz); a sell the opposite. "BASE/QUOTE" names both; "@<index>" is
-- written as the base currency as it is, with USDC as the quote. Amounts as in the perpetuals
-- file: 8 decimal places half away from zero, no trailing zeros, a rebate as Fee 0 named in
-- Notes. No fiat amounts and no Tag: Awaken prices and classifies a two-sided trade itself.
-- $1 wallet (NULL: no row), $2 start, $3 end, $4 asset or NULL.
DECLARE hltwap_export NO SCROLL CURSOR FOR
SELECT to_char(f.time AT TIME ZONE 'UTC', 'MM/DD/YYYY HH24:MI:SS') AS "Date",
       trim_scale(round(CASE WHEN f.side = 'B' THEN f.sz ELSE f.px * f.sz END, 8))
         AS "Received Quantity",
       CASE WHEN f.side = 'B' THEN m.base ELSE m.quote END AS "Received Currency",
       NULL::text AS "Received Fiat Amount",
       trim_scale(round(CASE WHEN f.side = 'B' THEN f.px * f.sz ELSE f.sz END, 8))
         AS "Sent Quantity",
       CASE WHEN f.side = 'B' THEN m.quote ELSE m.base END AS "Sent Currency",
       NULL::text AS "Sent Fiat Amount",
       trim_scale(round(CASE WHEN f.fee < 0 THEN 0 ELSE f.fee END, 8)) AS "Fee Amount",
       f.fee_token AS "Fee Currency",
       f.hash AS "Transaction Hash",
       concat_ws('; ',
                 concat_ws(' ', 'TWAP ' || f.twap_id,
                           CASE f.side WHEN 'B' THEN 'buy' WHEN 'A' THEN 'sell' ELSE f.side END,
                           f.coin, f.sz::text || ' @ ' || f.px::text),
                 CASE WHEN f.fee < 0
                      THEN concat_ws(' ', 'maker rebate', (-f.fee)::text, f.fee_token) END)
         AS "Notes",
       NULL::text AS "Tag"
FROM twap_fill f,
     LATERAL (SELECT CASE WHEN strpos(f.coin, '/') > 0 THEN split_part(f.coin, '/', 1)
                          ELSE f.coin END AS base,
                     CASE WHEN strpos(f.coin, '/') > 0 THEN split_part(f.coin, '/', 2)
                          ELSE 'USDC' END AS quote) m
WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
  AND ($4::text IS NULL OR f.coin = $4::text)
  AND (f.coin LIKE '@%' OR strpos(f.coin, '/') > 0)
ORDER BY f.time, f.tid, f.twap_id COLLATE "C"
