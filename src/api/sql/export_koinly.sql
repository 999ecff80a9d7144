-- format=koinly: Koinly's universal CSV, one row per slice fill by (time, tid, twap_id); the
-- column names are its header. Amounts are exact NUMERIC text, never negative.
-- Spot fills are trades: a buy sends the quote (px·sz) and receives the base (sz), a sell the
-- opposite, currencies as in the Awaken spot file; the fee goes in the fee columns, a rebate
-- only in the description.
-- Perpetual fills are realized P&L, as Koinly imports futures: closed PnL net of the fee (a
-- rebate adds), in the fee token, labelled "realized gain"; a gain (or zero) is received, a loss
-- sent. The fee is in that net amount, so the fee columns stay empty; the description names both.
-- $1 wallet (NULL: no row), $2 start, $3 end, $4 asset or NULL, $5 market ('perp', 'spot') or NULL.
DECLARE hltwap_export NO SCROLL CURSOR FOR
SELECT to_char(f.time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') AS "Date",
       CASE WHEN m.spot THEN (CASE WHEN f.side = 'B' THEN f.px * f.sz ELSE f.sz END)
            WHEN m.net < 0 THEN -m.net END AS "Sent Amount",
       CASE WHEN m.spot THEN (CASE WHEN f.side = 'B' THEN m.quote ELSE m.base END)
            WHEN m.net < 0 THEN f.fee_token END AS "Sent Currency",
       CASE WHEN m.spot THEN (CASE WHEN f.side = 'B' THEN f.sz ELSE f.px * f.sz END)
            WHEN m.net >= 0 THEN m.net END AS "Received Amount",
       CASE WHEN m.spot THEN (CASE WHEN f.side = 'B' THEN m.base ELSE m.quote END)
            WHEN m.net >= 0 THEN f.fee_token END AS "Received Currency",
       CASE WHEN m.spot AND f.fee > 0 THEN f.fee END AS "Fee Amount",
       CASE WHEN m.spot AND f.fee > 0 THEN f.fee_token END AS "Fee Currency",
       NULL::text AS "Net Worth Amount",
       NULL::text AS "Net Worth Currency",
       CASE WHEN NOT m.spot THEN 'realized gain' END AS "Label",
       concat_ws('; ',
                 concat_ws(' ', 'TWAP ' || f.twap_id,
                           CASE f.side WHEN 'B' THEN 'buy' WHEN 'A' THEN 'sell' ELSE f.side END,
                           f.coin, f.dir, f.sz::text || ' @ ' || f.px::text),
                 CASE WHEN NOT m.spot THEN 'closed PnL ' || COALESCE(f.closed_pnl::text, 'none') END,
                 CASE WHEN NOT m.spot OR f.fee < 0
                      THEN concat_ws(' ', CASE WHEN f.fee < 0 THEN 'maker rebate' ELSE 'fee' END,
                                     COALESCE(abs(f.fee)::text, 'none'), f.fee_token) END)
         AS "Description",
       f.hash AS "TxHash"
FROM twap_fill f,
     LATERAL (SELECT f.coin LIKE '@%' OR strpos(f.coin, '/') > 0 AS spot,
                     COALESCE(f.closed_pnl, 0) - COALESCE(f.fee, 0) AS net,
                     CASE WHEN strpos(f.coin, '/') > 0 THEN split_part(f.coin, '/', 1)
                          ELSE f.coin END AS base,
                     CASE WHEN strpos(f.coin, '/') > 0 THEN split_part(f.coin, '/', 2)
                          ELSE 'USDC' END AS quote) m
WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
  AND ($4::text IS NULL OR f.coin = $4::text)
  AND ($5::text IS NULL OR m.spot = ($5::text = 'spot'))
ORDER BY f.time, f.tid, f.twap_id COLLATE "C"
