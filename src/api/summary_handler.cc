#include "api/summary_handler.h"

#include <array>
#include <string>
#include <vector>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/json_writer.h"
#include "api/queries.h"
#include "api/time_window.h"
#include "api/twap_json.h"
#include "common/time_util.h"
#include "common/wallet.h"

namespace hltwap::api {
namespace {

// The sections of wallet_summary.sql's rows, in its order.
enum SummarySection : int { kActivity = 0, kStatus, kAsset, kCoin, kFeeToken, kSectionCount };

// Its columns.
enum SummaryColumn : int {
  kSumSection = 0,
  kSumKey,
  kSumCount,
  kSumA,
  kSumB,
  kSumC,
  kSumFirstMicros,
  kSumLastMicros,
};

using SectionRows = std::array<std::vector<int>, kSectionCount>;

void OptionalTime(JsonWriter& w, const PgResult& r, int row, int column) {
  if (row < 0 || r.IsNull(row, column)) {
    w.Null();
  } else {
    w.String(FormatTimestampUtc(IntColumn(r, row, column)));
  }
}

int64_t TotalCount(const PgResult& r, const std::vector<int>& rows) {
  int64_t total = 0;
  for (const int row : rows) total += IntColumn(r, row, kSumCount);
  return total;
}

// An array of one section's rows as objects: the key under `key_name`, the count, then the
// decimal columns A, B, C under `decimals` (as many as it names).
void WriteSection(JsonWriter& w, const PgResult& r, const std::vector<int>& rows,
                  std::string_view key_name, std::initializer_list<std::string_view> decimals) {
  w.BeginArray();
  for (const int row : rows) {
    w.BeginObject();
    w.Key(key_name).OptionalString(r.GetOptional(row, kSumKey));
    w.Key("count").Int(IntColumn(r, row, kSumCount));
    int column = kSumA;
    for (const std::string_view name : decimals) {
      w.Key(name).OptionalString(r.GetOptional(row, column++));
    }
    w.EndObject();
  }
  w.EndArray();
}

// The body's members after the window; `r` null: a wallet that cannot have data.
void WriteSummary(JsonWriter& w, const PgResult* r) {
  static const PgResult kNoRows;
  const PgResult& result = r != nullptr ? *r : kNoRows;
  SectionRows rows;
  for (int row = 0; r != nullptr && row < r->rows(); ++row) {
    const int64_t section = IntColumn(*r, row, kSumSection);
    if (section >= 0 && section < kSectionCount) rows[static_cast<size_t>(section)].push_back(row);
  }
  const int activity = rows[kActivity].empty() ? -1 : rows[kActivity].front();
  w.Key("first_activity");
  OptionalTime(w, result, activity, kSumFirstMicros);
  w.Key("last_activity");
  OptionalTime(w, result, activity, kSumLastMicros);

  w.Key("twaps").BeginObject();
  w.Key("count").Int(TotalCount(result, rows[kStatus]));
  w.Key("by_status");
  WriteSection(w, result, rows[kStatus], "status", {});
  w.Key("by_asset");
  WriteSection(w, result, rows[kAsset], "asset",
               {"size_requested", "size_executed", "notional_executed"});
  w.EndObject();

  w.Key("fills").BeginObject();
  w.Key("count").Int(TotalCount(result, rows[kCoin]));
  w.Key("by_asset");
  WriteSection(w, result, rows[kCoin], "asset", {"size", "notional", "closed_pnl"});
  w.Key("fees_by_token");
  WriteSection(w, result, rows[kFeeToken], "fee_token", {"fee"});
  w.EndObject();
}

}  // namespace

boost::asio::awaitable<Response> HandleWalletSummary(PgCluster& cluster, std::string_view wallet,
                                                     const QueryParams& params) {
  auto parsed = ParseTimeWindow(params, WindowRule::kRequired);
  if (auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed)) {
    co_return JsonResponse(422, ValidationErrorBody(*issues));
  }
  const TimeWindow window = *std::get<std::optional<TimeWindow>>(parsed);
  const std::string normalized = NormalizeWallet(wallet);

  JsonWriter w;
  w.BeginObject();
  w.Key("wallet").String(normalized);
  w.Key("start").String(FormatTimestampUtc(window.start_micros));
  w.Key("end").String(FormatTimestampUtc(window.end_micros));
  if (HasNul(normalized)) {
    WriteSummary(w, nullptr);
    w.EndObject();
    co_return JsonResponse(200, w.Take());
  }
  const std::string start = SqlTimestamp(window.start_micros);
  const std::string end = SqlTimestamp(window.end_micros);
  const std::vector<PgParam> sql_params = {normalized, start, end};
  auto result = co_await cluster.Read(kWalletSummaryName, sql_params);
  if (!result.ok()) {
    co_return DatabaseFailure(result.status(), "GET /api/v1/wallets/{wallet}/summary");
  }
  WriteSummary(w, &*result);
  w.EndObject();
  co_return JsonResponse(200, w.Take());
}

}  // namespace hltwap::api
