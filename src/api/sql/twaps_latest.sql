-- The latest row (max ts) in the window of each of a wallet's TWAPs, one page in ascending
-- (latest_ts, twap_id) order, after the cursor when there is one, as hltwap_api_row columns.
-- The caller asks for one row more than the page size to learn whether another page follows.
-- $1 wallet, $2 start, $3 end, $4 asset or NULL, $5 cursor latest_ts or NULL, $6 cursor twap_id,
-- $7 row limit.
-- The page comes from hltwap_twap_page (twap_span, see docs/design.md, Per-TWAP spans), which
-- reads O(limit) spans. A TWAP whose latest row in the window is its last comes with that row
-- (twap_span.last_row); only the others are looked up in twap_status (the branches' gates keep
-- the lookup from running for the rest; a row type's IS NULL is true only when every field is,
-- so they test ts_micros, which a row always has).
-- Each TWAP of the page also gets the summary of its wallet's fills of it (one row of
-- twap_fill_total) in the columns of api::SummaryColumn (src/api/queries.h), and
-- whether a terminal row's size_executed equals the fills' total size.

SELECT a.*, s.*, CASE WHEN hltwap_status_rank(a.status) = 2 THEN s.fill_size = a.size_executed END
FROM hltwap_twap_page($1, $2::timestamptz, $3::timestamptz, $4::text, $5::timestamptz, $6::text,
                      $7::int) p,
     LATERAL (SELECT p.twap_id, $1::text AS wallet, (p.last_row).*
              WHERE (p.last_row).ts_micros IS NOT NULL
              UNION ALL
              SELECT x.*
              FROM twap_status r, LATERAL hltwap_api_row(r::twap_status) x
              WHERE (p.last_row).ts_micros IS NULL
                AND r.twap_id = p.twap_id AND r.wallet = $1 AND r.ts = p.latest_ts) a,
     LATERAL hltwap_fills_summary(p.twap_id, $1) s
ORDER BY p.latest_ts, p.twap_id COLLATE "C"
