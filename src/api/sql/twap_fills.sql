-- One page of a TWAP's fills, ascending by (time, tid, wallet), after the cursor when there is
-- one, in the columns of api::FillColumn (src/api/queries.h). The caller asks for one row more
-- than the page size to learn whether another page follows.
-- $1 twap_id, $2 cursor time or NULL, $3 cursor tid, $4 cursor wallet, $5 row limit.
-- No row at all: the TWAP has neither a status row nor a fill. One row of NULLs: it is known but
-- has no fill after the cursor. The time bound lets the (twap_id, time, tid) index range scan
-- start at the cursor; the row comparison then skips what the previous page already had.

SELECT p.*
FROM (SELECT EXISTS (SELECT FROM twap_status WHERE twap_id = $1)
          OR EXISTS (SELECT FROM twap_fill WHERE twap_id = $1) AS known) k
LEFT JOIN LATERAL (
  SELECT (EXTRACT(EPOCH FROM f.time) * 1000000)::int8 AS time_micros, f.tid, f.wallet, f.coin,
         f.side, f.dir, f.px, f.sz, f.fee, f.fee_token, f.closed_pnl, f.start_position, f.crossed,
         f.hash, f.oid, f.builder_fee, f.raw_payload::text
  FROM twap_fill f
  WHERE f.twap_id = $1
    AND f.time >= COALESCE($2::timestamptz, '-infinity'::timestamptz)
    AND ($2::timestamptz IS NULL
         OR (f.time, f.tid, f.wallet COLLATE "C") > ($2::timestamptz, $3::numeric, $4::text))
  ORDER BY f.time, f.tid, f.wallet COLLATE "C"
  LIMIT $5::int
) p ON true
WHERE k.known
