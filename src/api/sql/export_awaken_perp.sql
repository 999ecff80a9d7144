-- format=awaken, perpetual fills: Awaken's perpetuals CSV, one row per slice fill by
-- (time, tid, twap_id); the column names are its header. Amounts are rounded to 8 decimal places
-- half away from zero (NUMERIC round) and written without trailing zeros. Amount is the size;
-- Fee is never negative: a rebate (negative fee) is written as 0 and named in Notes; P&L is the
-- closed PnL, in the fee token (Payment Token). Tag: close_position for "Close ..." and flips
-- ("Long > Short"), open_position for "Open ...", otherwise close_position when the fill closed
-- PnL and open_position when not (docs/design.md, API contract: exports).
-- $1 wallet (NULL: no row), $2 start, $3 end, $4 asset or NULL.
DECLARE hltwap_export NO SCROLL CURSOR FOR
SELECT to_char(f.time AT TIME ZONE 'UTC', 'MM/DD/YYYY HH24:MI:SS') AS "Date",
       f.coin AS "Asset",
       trim_scale(round(f.sz, 8)) AS "Amount",
       trim_scale(round(CASE WHEN f.fee < 0 THEN 0 ELSE f.fee END, 8)) AS "Fee",
       trim_scale(round(f.closed_pnl, 8)) AS "P&L",
       f.fee_token AS "Payment Token",
       concat_ws('; ',
                 concat_ws(' ', 'TWAP ' || f.twap_id,
                           CASE f.side WHEN 'B' THEN 'buy' WHEN 'A' THEN 'sell' ELSE f.side END,
                           f.dir),
                 CASE WHEN f.fee < 0
                      THEN concat_ws(' ', 'maker rebate', (-f.fee)::text, f.fee_token) END)
         AS "Notes",
       f.hash AS "Transaction Hash",
       CASE WHEN f.dir LIKE 'Close %' OR strpos(f.dir, '>') > 0 THEN 'close_position'
            WHEN f.dir LIKE 'Open %' THEN 'open_position'
            WHEN f.closed_pnl <> 0 THEN 'close_position'
            ELSE 'open_position' END AS "Tag"
FROM twap_fill f
WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
  AND ($4::text IS NULL OR f.coin = $4::text)
  AND NOT (f.coin LIKE '@%' OR strpos(f.coin, '/') > 0)
ORDER BY f.time, f.tid, f.twap_id COLLATE "C"
