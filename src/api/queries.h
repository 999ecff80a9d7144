// The API's statements: src/api/sql/*.sql, embedded as api::sql::k*. Each is prepared once per
// pooled connection (under its name below) and run with text parameters only.
//
// Timestamps travel as text in ISO form ($n::timestamptz) and come back as integer microseconds
// since the epoch, written by FormatTimestampUtc. Row-shaped results are the columns of the SQL
// function hltwap_api_row (src/db/sql/migrations/0005_api_row.sql), then the fills summary.
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

// Columns that follow the row columns in the results of the TWAP statements: the fills summary
// of the row's TWAP and whether the row is terminal with the fills' total size equal to its
// size_executed (NULL when not terminal). A TWAP without fills has a NULL count.
enum SummaryColumn : int {
  kColFillCount = kRowColumnCount,
  kColFillSize,
  kColFillNotional,
  kColFillAvgPx,
  kColFillFee,
  kColFillFeeToken,
  kColFillFeesByToken,  // JSON object text
  kColFillClosedPnl,
  kColFirstFillMicros,
  kColLastFillMicros,
  kColSizeMatchesExecuted,
};

// Columns of twap_fills.sql: one fill each.
enum FillColumn : int {
  kFillTimeMicros = 0,
  kFillTid,
  kFillWallet,
  kFillCoin,
  kFillSide,
  kFillDir,
  kFillPx,
  kFillSz,
  kFillFee,
  kFillFeeToken,
  kFillClosedPnl,
  kFillStartPosition,
  kFillCrossed,
  kFillHash,
  kFillOid,
  kFillBuilderFee,
  kFillRawPayload,
};

// Prepared statement names: "api_" and the name of the statement's file in src/api/sql.
inline constexpr std::string_view kTwapsLatestName = "api_twaps_latest";
inline constexpr std::string_view kTwapsWithRowsName = "api_twaps_with_rows";
inline constexpr std::string_view kTwapRowsName = "api_twap_rows";
inline constexpr std::string_view kTwapFillsName = "api_twap_fills";
inline constexpr std::string_view kLastIngestedName = "api_last_ingested";
inline constexpr std::string_view kWalletSummaryName = "api_wallet_summary";
inline constexpr std::string_view kCoverageObjectsName = "api_coverage_objects";

// Every statement above, for PgPoolOptions::statements.
std::vector<PreparedStatement> ApiStatements();

}  // namespace hltwap::api
