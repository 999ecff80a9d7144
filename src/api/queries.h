// The API's SQL, as named constants. Each is prepared once per pooled connection (under its
// statement name) and run with text parameters only.
//
// Timestamps travel as text in ISO form ($n::timestamptz) and come back as integer microseconds
// since the epoch (exact: EXTRACT returns numeric), written by FormatTimestampUtc. Decimals come
// back as PostgreSQL's NUMERIC text, digit for digit as stored; raw_payload as jsonb text.
#pragma once

#include <string_view>
#include <vector>

#include "db/pool.h"

namespace hltwap::api {

// Columns of every row-shaped result, in this order (see kRowColumns).
enum RowColumn : int {
  kColTwapId = 0,
  kColWallet,
  kColTsMicros,
  kColStatus,
  kColAsset,
  kColSide,
  kColSizeRequested,
  kColSizeExecuted,
  kColNotionalExecuted,
  kColDurationMinutes,
  kColCreatedAtMicros,
  kColRawPayload,
  kRowColumnCount,
};

#define HLTWAP_API_ROW_COLUMNS                                                           \
  "r.twap_id, r.wallet, (EXTRACT(EPOCH FROM r.ts) * 1000000)::int8, r.status, r.asset, " \
  "r.side, r.size_requested, r.size_executed, r.notional_executed, r.duration_minutes, " \
  "(EXTRACT(EPOCH FROM r.created_at) * 1000000)::int8, r.raw_payload::text"

// The latest row (max ts) in the window of each of a wallet's TWAPs, one page in ascending
// (latest_ts, twap_id) order, after the cursor when there is one. The caller asks for one row
// more than the page size to learn whether another page follows.
// $1 wallet, $2 start, $3 end, $4 asset or NULL, $5 cursor latest_ts or NULL, $6 cursor twap_id,
// $7 row limit.
// A TWAP after the cursor has its latest row at or after the cursor's ts, so the index range
// scan starts there: each page reads only what is left of the window.
inline constexpr std::string_view kTwapsLatestName = "api_twaps_latest";
inline constexpr std::string_view kTwapsLatestSql =
    "WITH latest AS (\n"
    "  SELECT DISTINCT ON (twap_id) *\n"
    "  FROM twap_status\n"
    "  WHERE wallet = $1\n"
    "    AND ts >= GREATEST($2::timestamptz, COALESCE($5::timestamptz, $2::timestamptz))\n"
    "    AND ts <= $3::timestamptz\n"
    "    AND ($4::text IS NULL OR asset = $4::text)\n"
    "  ORDER BY twap_id, ts DESC\n"
    ")\n"
    "SELECT " HLTWAP_API_ROW_COLUMNS
    "\n"
    "FROM latest r\n"
    "WHERE $5::timestamptz IS NULL OR (r.ts, r.twap_id COLLATE \"C\") > ($5::timestamptz, "
    "$6::text)\n"
    "ORDER BY r.ts, r.twap_id COLLATE \"C\"\n"
    "LIMIT $7::int";

// Every row in the window of the TWAPs of one page (same parameters and order as above),
// ascending by ts within each TWAP: the TWAP's fields come from its last row. One statement,
// so the page and its rows come from one snapshot.
inline constexpr std::string_view kTwapsWithRowsName = "api_twaps_with_rows";
inline constexpr std::string_view kTwapsWithRowsSql =
    "WITH window_rows AS MATERIALIZED (\n"
    "  SELECT *\n"
    "  FROM twap_status\n"
    "  WHERE wallet = $1\n"
    "    AND ts >= $2::timestamptz\n"
    "    AND ts <= $3::timestamptz\n"
    "    AND ($4::text IS NULL OR asset = $4::text)\n"
    "), page AS (\n"
    "  SELECT twap_id, max(ts) AS latest_ts\n"
    "  FROM window_rows\n"
    "  GROUP BY twap_id\n"
    "  HAVING $5::timestamptz IS NULL\n"
    "      OR (max(ts), twap_id COLLATE \"C\") > ($5::timestamptz, $6::text)\n"
    "  ORDER BY max(ts), twap_id COLLATE \"C\"\n"
    "  LIMIT $7::int\n"
    ")\n"
    "SELECT " HLTWAP_API_ROW_COLUMNS
    "\n"
    "FROM page p JOIN window_rows r USING (twap_id)\n"
    "ORDER BY p.latest_ts, p.twap_id COLLATE \"C\", r.ts";

// All rows of one TWAP, ascending by ts. $1 twap_id.
inline constexpr std::string_view kTwapRowsName = "api_twap_rows";
inline constexpr std::string_view kTwapRowsSql = "SELECT " HLTWAP_API_ROW_COLUMNS
                                                 "\n"
                                                 "FROM twap_status r\n"
                                                 "WHERE r.twap_id = $1\n"
                                                 "ORDER BY r.ts, r.wallet";

// The most recently ingested object (successful ones only) for /healthz.
inline constexpr std::string_view kLastIngestedName = "api_last_ingested";
inline constexpr std::string_view kLastIngestedSql =
    "SELECT s3_object_key,\n"
    "       (EXTRACT(EPOCH FROM last_modified) * 1000000)::int8,\n"
    "       (EXTRACT(EPOCH FROM ingested_at) * 1000000)::int8,\n"
    "       rows_ingested\n"
    "FROM etl_s3_ingest_log\n"
    "WHERE error_text IS NULL\n"
    "ORDER BY ingested_at DESC NULLS LAST, s3_object_key DESC\n"
    "LIMIT 1";

#undef HLTWAP_API_ROW_COLUMNS

// Every statement above, for PgPoolOptions::statements.
std::vector<PreparedStatement> ApiStatements();

}  // namespace hltwap::api
