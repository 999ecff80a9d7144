-- A wallet's totals in a window, for GET /api/v1/wallets/{wallet}/summary (docs/design.md, API
-- contract). $1 wallet, $2 start, $3 end, both inclusive.
-- Each TWAP counts once, with its latest status row in the window, as the list endpoint shows
-- it; a fill counts when its own time is in the window. One statement, so one snapshot. Rows by
-- section (api::SummarySection, src/api/summary_handler.cc), then key in byte order, NULL last:
--   0 activity: one row, the first and last time of a status row or a fill in the window as
--               integer microseconds (NULL without any)
--   1 status:   a status of the TWAPs' latest rows, and how many TWAPs have it
--   2 asset:    an asset of the TWAPs' latest rows: TWAPs, Σ size_requested, Σ size_executed,
--               Σ notional_executed
--   3 coin:     a coin of the fills: fills, Σ sz, Σ px·sz, Σ closed_pnl
--   4 fee:      a fee token of the fills (NULL too): fills, Σ fee
-- Sums are NUMERIC, exact, printed with the largest scale of their terms; a NULL term adds
-- nothing, and a sum of NULLs only is NULL.

WITH latest AS MATERIALIZED (
  SELECT DISTINCT ON (twap_id) status, asset, size_requested, size_executed, notional_executed
  FROM twap_status
  WHERE wallet = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz
  ORDER BY twap_id, ts DESC
), fills AS MATERIALIZED (
  SELECT coin, px, sz, fee, fee_token, closed_pnl, time
  FROM twap_fill
  WHERE wallet = $1 AND time >= $2::timestamptz AND time <= $3::timestamptz
)
SELECT *
FROM (
  SELECT 0 AS section, NULL::text AS key, NULL::int8 AS count, NULL::numeric AS a,
         NULL::numeric AS b, NULL::numeric AS c,
         (EXTRACT(EPOCH FROM LEAST(s.first_ts, f.first_ts)) * 1000000)::int8 AS first_micros,
         (EXTRACT(EPOCH FROM GREATEST(s.last_ts, f.last_ts)) * 1000000)::int8 AS last_micros
  FROM (SELECT min(ts) AS first_ts, max(ts) AS last_ts
        FROM twap_status
        WHERE wallet = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz) s,
       (SELECT min(time) AS first_ts, max(time) AS last_ts FROM fills) f
  UNION ALL
  SELECT 1, status, count(*), NULL, NULL, NULL, NULL, NULL FROM latest GROUP BY status
  UNION ALL
  SELECT 2, asset, count(*), sum(size_requested), sum(size_executed), sum(notional_executed),
         NULL, NULL
  FROM latest GROUP BY asset
  UNION ALL
  SELECT 3, coin, count(*), sum(sz), sum(px * sz), sum(closed_pnl), NULL, NULL
  FROM fills GROUP BY coin
  UNION ALL
  SELECT 4, fee_token, count(*), sum(fee), NULL, NULL, NULL, NULL FROM fills GROUP BY fee_token
) sections
ORDER BY section, key COLLATE "C" NULLS LAST
