#include "api/query_params.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace hltwap::api {
namespace {

QueryParams Window(const QueryParams& extra = {}) {
  QueryParams p = {{"wallet", "0xABC"}, {"start", "2025-11-01"}, {"end", "2025-11-04T00:00:00Z"}};
  for (const auto& [k, v] : extra) p[k] = v;
  return p;
}

TEST(QueryParams, DefaultsAndNormalisation) {
  const auto parsed = ParseTwapsQuery(Window());
  ASSERT_TRUE(std::holds_alternative<TwapsQuery>(parsed));
  const auto& q = std::get<TwapsQuery>(parsed);
  EXPECT_EQ(q.wallet, "0xabc");
  EXPECT_EQ(FormatTimestampUtc(q.start_micros), "2025-11-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampUtc(q.end_micros), "2025-11-04T00:00:00Z");
  EXPECT_FALSE(q.asset.has_value());
  EXPECT_TRUE(q.latest_per_twap);
  EXPECT_EQ(q.limit, 500);
  EXPECT_FALSE(q.cursor.has_value());
}

TEST(QueryParams, ExplicitValues) {
  const std::string cursor = EncodeCursor({5, "7"});
  const auto parsed = ParseTwapsQuery(Window(
      {{"asset", "BTC"}, {"latest_per_twap", "OFF"}, {"limit", "+0005000"}, {"cursor", cursor}}));
  ASSERT_TRUE(std::holds_alternative<TwapsQuery>(parsed));
  const auto& q = std::get<TwapsQuery>(parsed);
  EXPECT_EQ(q.asset, "BTC");
  EXPECT_FALSE(q.latest_per_twap);
  EXPECT_EQ(q.limit, 5000);
  EXPECT_EQ(q.cursor, (TwapCursor{5, "7"}));
}

// docs/design.md, API contract: an empty optional parameter is an absent one, on both list
// endpoints alike.
TEST(QueryParams, EmptyOptionalParametersAreAbsent) {
  const auto twaps = ParseTwapsQuery(Window({{"asset", ""}, {"cursor", ""}}));
  ASSERT_TRUE(std::holds_alternative<TwapsQuery>(twaps));
  EXPECT_FALSE(std::get<TwapsQuery>(twaps).asset.has_value());
  EXPECT_FALSE(std::get<TwapsQuery>(twaps).cursor.has_value());
  const auto fills = ParseFillsQuery({{"cursor", ""}});
  ASSERT_TRUE(std::holds_alternative<FillsQuery>(fills));
  EXPECT_FALSE(std::get<FillsQuery>(fills).cursor.has_value());
}

TEST(QueryParams, StartEqualToEndIsAWindow) {
  EXPECT_TRUE(std::holds_alternative<TwapsQuery>(
      ParseTwapsQuery(Window({{"start", "2025-11-04"}, {"end", "2025-11-04T00:00:00Z"}}))));
}

std::vector<ValidationIssue> Issues(const QueryParams& p) {
  auto parsed = ParseTwapsQuery(p);
  if (!std::holds_alternative<std::vector<ValidationIssue>>(parsed)) return {};
  return std::get<std::vector<ValidationIssue>>(parsed);
}

TEST(QueryParams, DateTimeProblemsInSpeedatesWords) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "datetime_from_date_parsing|input is too short"},
      {"2025/11/01", "datetime_from_date_parsing|invalid date separator, expected `-`"},
      {"2025-1x-01", "datetime_from_date_parsing|invalid character in month"},
      {"2025-11-0x", "datetime_from_date_parsing|invalid character in day"},
      {"2025-00-01", "datetime_from_date_parsing|month value is outside expected range of 1-12"},
      {"2025-11-01X10:00",
       "datetime_parsing|invalid datetime separator, expected `T`, `t` or space"},
      {"2025-11-01T10", "datetime_parsing|input is too short"},
      {"2025-11-01T1a:00", "datetime_parsing|invalid character in hour"},
      {"2025-11-01T10-00", "datetime_parsing|invalid time separator, expected `:`"},
      {"2025-11-01T10:61", "datetime_parsing|minute value is outside expected range of 0-59"},
      {"2025-11-01T10:00:61", "datetime_parsing|second value is outside expected range of 0-59"},
      {"2025-11-01T10:00:00.", "datetime_parsing|invalid character in second fraction"},
      {"2025-11-01T10:00:00+2", "datetime_parsing|invalid timezone hour"},
      {"2025-11-01T10:00:00+25:00",
       "datetime_parsing|timezone offset hour value is outside expected range"},
      {"2025-11-01T10:00:00 UTC", "datetime_parsing|invalid timezone sign"},
  };
  for (const auto& [text, expected] : cases) {
    const auto issues = Issues(Window({{"start", text}}));
    ASSERT_EQ(issues.size(), 1u) << text;
    EXPECT_EQ(issues[0].type + "|" + issues[0].msg.substr(issues[0].msg.find(", ") + 2), expected)
        << text;
    EXPECT_EQ(issues[0].input, text);
    EXPECT_EQ(issues[0].loc, (std::vector<std::string>{"query", "start"}));
  }
}

TEST(QueryParams, EveryProblemIsReportedInParameterOrder) {
  const auto issues = Issues({{"wallet", ""},
                              {"start", "x"},
                              {"latest_per_twap", "2"},
                              {"limit", "0x10"},
                              {"cursor", "!"}});
  std::vector<std::string> types;
  types.reserve(issues.size());
  for (const auto& i : issues) types.push_back(i.type + "@" + i.loc[1]);
  EXPECT_EQ(types, (std::vector<std::string>{
                       "string_too_short@wallet", "datetime_from_date_parsing@start", "missing@end",
                       "bool_parsing@latest_per_twap", "int_parsing@limit", "value_error@cursor"}));
  // start > end is checked only when everything else is valid.
  EXPECT_EQ(
      Issues({{"wallet", "w"}, {"start", "2025-11-02"}, {"end", "2025-11-01"}, {"limit", "0"}})
          .size(),
      1u);
}

}  // namespace
}  // namespace hltwap::api
