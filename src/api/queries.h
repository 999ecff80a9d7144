// The API's statements: src/api/sql/*.sql, embedded as api::sql::k*. Each is prepared once per
// pooled connection (under its name below) and run with text parameters only.
//
// Timestamps travel as text in ISO form ($n::timestamptz) and come back as integer microseconds
// since the epoch, written by FormatTimestampUtc. Row-shaped results are the columns of the SQL
// function hltwap_api_row (src/db/sql/migrations/0005_api_row.sql).
#pragma once

#include <string_view>
#include <vector>

#include "api/sql.h"
#include "db/pool.h"

namespace hltwap::api {

// Columns of every row-shaped result: hltwap_api_row's columns, in its order.
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

// Prepared statement names: "api_" and the name of the statement's file in src/api/sql.
inline constexpr std::string_view kTwapsLatestName = "api_twaps_latest";
inline constexpr std::string_view kTwapsWithRowsName = "api_twaps_with_rows";
inline constexpr std::string_view kTwapRowsName = "api_twap_rows";
inline constexpr std::string_view kLastIngestedName = "api_last_ingested";

// Every statement above, for PgPoolOptions::statements.
std::vector<PreparedStatement> ApiStatements();

}  // namespace hltwap::api
