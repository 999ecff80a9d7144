-- format=csv, level=fill: every column of each of the wallet's slice fills in the window, by
-- (time, tid, twap_id), with its TWAP's latest status row (any time; empty without one). The
-- column names are the CSV header (docs/design.md, API contract: exports). Decimals are NUMERIC
-- text, times ISO-8601 UTC with microseconds, booleans true/false.
-- $1 wallet (NULL: no row), $2 start, $3 end, $4 asset or NULL, $5 market ('perp', 'spot') or NULL.
DECLARE hltwap_export NO SCROLL CURSOR FOR
SELECT to_char(f.time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time,
       f.wallet, f.twap_id, f.tid, f.coin,
       CASE WHEN f.coin LIKE '@%' OR strpos(f.coin, '/') > 0 THEN 'spot' ELSE 'perp' END AS market,
       f.side, f.dir, f.px, f.sz, f.px * f.sz AS notional, f.fee, f.fee_token, f.closed_pnl,
       f.start_position, f.crossed::text AS crossed, f.hash, f.oid, f.builder_fee,
       s.status AS twap_status, s.size_requested AS twap_size_requested
FROM twap_fill f
LEFT JOIN LATERAL (
  SELECT t.status, t.size_requested
  FROM twap_status t
  WHERE t.twap_id = f.twap_id AND t.wallet = f.wallet
  ORDER BY t.ts DESC
  LIMIT 1
) s ON true
WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
  AND ($4::text IS NULL OR f.coin = $4::text)
  AND ($5::text IS NULL OR (f.coin LIKE '@%' OR strpos(f.coin, '/') > 0) = ($5::text = 'spot'))
ORDER BY f.time, f.tid, f.twap_id COLLATE "C"
