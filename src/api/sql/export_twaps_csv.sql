-- format=csv, level=twap: each of the wallet's TWAPs with a status row in the window, its fields
-- from its latest row there (as GET /api/v1/twaps shows it), then the summary of the wallet's
-- stored fills of it (hltwap_fills_summary, every fill, not only the window's) and whether a
-- terminal row's executed size equals the fills' size. By (latest ts, twap_id). The column names
-- are the CSV header.
-- $1 wallet (NULL: no row), $2 start, $3 end, $4 asset or NULL, $5 market ('perp', 'spot') or NULL.
DECLARE hltwap_export NO SCROLL CURSOR FOR
WITH latest AS (
  SELECT DISTINCT ON (twap_id) *
  FROM twap_status
  WHERE wallet = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz
    AND ($4::text IS NULL OR asset = $4::text)
    AND ($5::text IS NULL OR (asset LIKE '@%' OR strpos(asset, '/') > 0) = ($5::text = 'spot'))
  ORDER BY twap_id, ts DESC
)
SELECT r.twap_id, r.wallet, r.asset,
       CASE WHEN r.asset LIKE '@%' OR strpos(r.asset, '/') > 0 THEN 'spot' ELSE 'perp' END AS market,
       r.side, r.status,
       to_char(r.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS latest_ts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
       r.duration_minutes, r.size_requested, r.size_executed, r.notional_executed,
       s.fill_count, s.fill_size, s.fill_notional, s.fill_avg_px, s.fill_fee, s.fill_fee_token,
       CASE WHEN s.fill_count IS NOT NULL THEN s.fill_fees_by_token END AS fill_fees_by_token,
       s.fill_closed_pnl,
       to_char((TIMESTAMPTZ 'epoch' + s.first_fill_micros * INTERVAL '1 microsecond')
                 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS first_fill_time,
       to_char((TIMESTAMPTZ 'epoch' + s.last_fill_micros * INTERVAL '1 microsecond')
                 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_fill_time,
       (CASE WHEN hltwap_status_rank(r.status) = 2 THEN s.fill_size = r.size_executed END)::text
         AS size_matches_executed
FROM latest r, LATERAL hltwap_fills_summary(r.twap_id, r.wallet) s
ORDER BY r.ts, r.twap_id COLLATE "C"
