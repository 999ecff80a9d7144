-- Whether a wallet's fills in the window include spot fills and perpetual fills, in the export's
-- snapshot, stopping at the first of each. A spot coin is "@<index>" or "BASE/QUOTE".
-- $1 wallet, $2 start, $3 end, $4 asset or NULL.
SELECT EXISTS (SELECT FROM twap_fill f
               WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
                 AND ($4::text IS NULL OR f.coin = $4::text)
                 AND (f.coin LIKE '@%' OR strpos(f.coin, '/') > 0)) AS has_spot,
       EXISTS (SELECT FROM twap_fill f
               WHERE f.wallet = $1 AND f.time >= $2::timestamptz AND f.time <= $3::timestamptz
                 AND ($4::text IS NULL OR f.coin = $4::text)
                 AND NOT (f.coin LIKE '@%' OR strpos(f.coin, '/') > 0)) AS has_perp
