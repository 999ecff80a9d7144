#include "api/export_query.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace hltwap::api {
namespace {

std::vector<ValidationIssue> Issues(const QueryParams& params) {
  auto parsed = ParseExportQuery(params);
  auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed);
  return issues != nullptr ? *issues : std::vector<ValidationIssue>{};
}

TEST(ExportQuery, DefaultsAndValues) {
  auto parsed =
      ParseExportQuery({{"wallet", "0xABC"}, {"start", "2025-01-01"}, {"end", "2025-12-31"}});
  ASSERT_TRUE(std::holds_alternative<ExportQuery>(parsed));
  const auto& q = std::get<ExportQuery>(parsed);
  EXPECT_EQ(q.wallet, "0xabc");
  EXPECT_EQ(q.format, ExportFormat::kCsv);
  EXPECT_EQ(q.level, ExportLevel::kFill);
  EXPECT_FALSE(q.asset);
  EXPECT_FALSE(q.market);
  auto all = std::get<ExportQuery>(ParseExportQuery({{"wallet", "w"},
                                                     {"start", "2025-01-01"},
                                                     {"end", "2025-01-01"},
                                                     {"format", "awaken"},
                                                     {"asset", "@107"},
                                                     {"market", "spot"},
                                                     {"unknown", "ignored"}}));
  EXPECT_EQ(all.format, ExportFormat::kAwaken);
  EXPECT_EQ(all.asset, "@107");
  EXPECT_EQ(all.market, Market::kSpot);
}

TEST(ExportQuery, EmptyOptionalParametersAreAbsent) {
  // The explorer's links carry every parameter, empty when unused.
  const auto q = std::get<ExportQuery>(ParseExportQuery({{"wallet", "w"},
                                                         {"start", "2025-01-01"},
                                                         {"end", "2025-01-02"},
                                                         {"asset", ""},
                                                         {"market", ""}}));
  EXPECT_FALSE(q.asset);
  EXPECT_FALSE(q.market);
}

TEST(ExportQuery, EveryProblemInParameterOrder) {
  const auto issues =
      Issues({{"start", "x"}, {"format", "pdf"}, {"level", "Fill"}, {"market", "futures"}});
  ASSERT_EQ(issues.size(), 6u);
  const std::vector<std::string> order = {"wallet", "start", "end", "format", "level", "market"};
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(issues[i].loc[1], order[i]);
  EXPECT_EQ(issues[3].type, "enum");
  EXPECT_EQ(issues[3].msg, "Input should be 'csv', 'awaken' or 'koinly'");
  EXPECT_EQ(issues[3].ctx_json, R"({"expected":"'csv', 'awaken' or 'koinly'"})");
  EXPECT_EQ(issues[4].msg, "Input should be 'fill' or 'twap'");
  EXPECT_EQ(issues[5].msg, "Input should be 'perp' or 'spot'");
  // The cross-field rules come after the parameters are valid.
  const QueryParams window = {{"wallet", "w"}, {"start", "2025-02-01"}, {"end", "2025-01-01"}};
  ASSERT_EQ(Issues(window).size(), 1u);
  EXPECT_EQ(Issues(window)[0].loc[1], "end");
  QueryParams twap_awaken = {{"wallet", "w"},
                             {"start", "2025-01-01"},
                             {"end", "2025-02-01"},
                             {"format", "awaken"},
                             {"level", "twap"}};
  ASSERT_EQ(Issues(twap_awaken).size(), 1u);
  EXPECT_EQ(Issues(twap_awaken)[0].loc[1], "level");
  twap_awaken["format"] = "csv";
  EXPECT_TRUE(Issues(twap_awaken).empty());
}

TEST(ExportQuery, WindowEdgesWithinPostgresRange) {
  const auto q = std::get<ExportQuery>(ParseExportQuery(
      {{"wallet", "w"}, {"start", "0000-01-01"}, {"end", "9999-12-31T23:59:59.999999Z"}}));
  EXPECT_EQ(q.start_micros, kMinTimestampMicros);
  EXPECT_EQ(q.end_micros, kMaxTimestampMicros);
  EXPECT_EQ(ExportFileName(q, ExportLayout::kCsvFills),
            "hltwap-w-00010101T000000Z-99991231T235959Z-csv.csv");
}

TEST(ExportQuery, Markets) {
  EXPECT_EQ(MarketOf("BTC"), Market::kPerp);
  EXPECT_EQ(MarketOf("xyz:NVDA"), Market::kPerp);
  EXPECT_EQ(MarketOf("@107"), Market::kSpot);
  EXPECT_EQ(MarketOf("PURR/USDC"), Market::kSpot);
  EXPECT_EQ(MarketOf(""), Market::kPerp);
}

TEST(ExportQuery, FileNamesAreSafe) {
  ExportQuery q;
  q.wallet = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
  q.start_micros = ParseTimestampUtc("2025-01-01").value();
  q.end_micros = ParseTimestampUtc("2025-12-31T23:59:59.999999Z").value();
  EXPECT_EQ(ExportFileName(q, ExportLayout::kCsvFills),
            "hltwap-0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4-20250101T000000Z-20251231T235959Z-"
            "csv.csv");
  EXPECT_TRUE(ExportFileName(q, ExportLayout::kAwakenSpot).ends_with("Z-awaken-spot.csv"));
  q.wallet = std::string("a\"b\r\n;/..\\") + std::string(100, 'x');
  const std::string name = ExportFileName(q, ExportLayout::kKoinly);
  EXPECT_EQ(name.substr(0, 19), "hltwap-a_b_______xx");
  EXPECT_EQ(
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
      std::string::npos);
  EXPECT_LT(name.size(), 64u + 60u);
  for (const auto layout :
       {ExportLayout::kCsvFills, ExportLayout::kCsvTwaps, ExportLayout::kAwakenPerp,
        ExportLayout::kAwakenSpot, ExportLayout::kKoinly}) {
    EXPECT_FALSE(LayoutName(layout).empty());
  }
}

}  // namespace
}  // namespace hltwap::api
