// GET /api/v1/wallets/{wallet}/summary over HTTP against `hltwap api` on a real PostgreSQL: the
// sample wallet's totals computed by hand, randomised wallets against an independent SQL
// formulation of the same totals, hostile wallet values and parameters, and every kind of
// response against the OpenAPI document.
#include <gtest/gtest.h>

#include <random>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRandomWallets[] = {"0x00000000000000000000000000000000000000a1",
                                          "0x00000000000000000000000000000000000000a2"};

// Decimal text of one to six integer digits and up to eight decimals; sometimes negative.
std::string RandomDecimal(std::mt19937_64& rng, bool may_be_negative) {
  std::uniform_int_distribution<int> length(1, 6), scale(0, 8), digit(0, 9), nonzero(1, 9);
  std::string out = may_be_negative && digit(rng) < 3 ? "-" : "";
  const int whole = length(rng);
  out += static_cast<char>('0' + (whole == 1 ? digit(rng) : nonzero(rng)));
  for (int i = 1; i < whole; ++i) out += static_cast<char>('0' + digit(rng));
  const int places = scale(rng);
  if (places > 0) out += '.';
  for (int i = 0; i < places; ++i) out += static_cast<char>('0' + digit(rng));
  return out;
}

// A parameter that is NULL about one time in `one_in`.
PgParam MaybeNull(std::mt19937_64& rng, const std::string& value, int one_in) {
  if (std::uniform_int_distribution<int>(0, one_in - 1)(rng) == 0) return std::nullopt;
  return PgParam(value);
}

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&values)[N]) {
  return values[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

// TWAPs of 1-4 status rows and fills in Jan-Feb 2025, with NULL statuses, assets, sizes and fee
// tokens among them, for both random wallets; a fixed seed keeps every run the same.
void InsertRandomData(PgConnection& conn) {
  std::mt19937_64 rng(20250727);
  constexpr const char* kStatuses[] = {"activated", "finished",          "terminated",
                                       "error",     "waitingForTrigger", "stopped"};
  constexpr const char* kAssets[] = {"BTC", "ETH", "xyz:NVDA", "@107", "HYPE"};
  constexpr const char* kTokens[] = {"USDC", "HYPE", "USDH"};
  const int64_t base = ParseTimestampUtc("2025-01-01T00:00:00Z").value();
  std::uniform_int_distribution<int64_t> instant(0, int64_t{60} * 24 * 3600 * 1'000'000);
  int64_t tid = 1000;
  for (int t = 0; t < 80; ++t) {
    const char* wallet = kRandomWallets[t % 2];
    const std::string twap_id = std::to_string(900000 + t);
    const int rows = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int r = 0; r < rows; ++r) {
      const std::string ts = FormatTimestampUtc(base + instant(rng));
      const auto result = conn.Query(
          "INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, "
          "size_executed, notional_executed, status, s3_object_key) VALUES ($1, $2, $3, $4, 'B', "
          "$5, $6, $7, $8, 'random') ON CONFLICT DO NOTHING",
          {twap_id, wallet, ts, MaybeNull(rng, Pick(rng, kAssets), 12),
           MaybeNull(rng, RandomDecimal(rng, false), 10),
           MaybeNull(rng, RandomDecimal(rng, false), 10),
           MaybeNull(rng, RandomDecimal(rng, false), 10),
           MaybeNull(rng, Pick(rng, kStatuses), 12)});
      ASSERT_TRUE(result.ok()) << result.status().message();
    }
    const int fills = std::uniform_int_distribution<int>(0, 6)(rng);
    for (int f = 0; f < fills; ++f) {
      const auto result = conn.Query(
          "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token, "
          "closed_pnl, s3_object_key) VALUES ($1, $2, $3, $4, $5, 'A', $6, $7, $8, $9, $10, "
          "'random')",
          {twap_id, wallet, std::to_string(++tid), FormatTimestampUtc(base + instant(rng)),
           Pick(rng, kAssets), "1" + RandomDecimal(rng, false), "1" + RandomDecimal(rng, false),
           MaybeNull(rng, RandomDecimal(rng, true), 8), MaybeNull(rng, Pick(rng, kTokens), 6),
           MaybeNull(rng, RandomDecimal(rng, true), 5)});
      ASSERT_TRUE(result.ok()) << result.status().message();
    }
  }
}

class ApiSummary : public ApiSuite {
 protected:
  static void SetUpTestSuite() {
    CreateSampleDatabase();
    auto conn = db_->Connect();
    InsertRandomData(conn);
    server_ = new ApiServer(db_->url());
  }

  // '+' in a time (an offset) is sent as %2B, else it would read as a space.
  static std::string Target(const std::string& wallet, const std::string& start,
                            const std::string& end) {
    const auto encode = [](std::string text) {
      for (size_t at; (at = text.find('+')) != std::string::npos;) text.replace(at, 1, "%2B");
      return text;
    };
    return "/api/v1/wallets/" + wallet + "/summary?start=" + encode(start) + "&end=" + encode(end);
  }

  // The summary by another formulation: row_number() for each TWAP's latest row, plain
  // aggregates, the lists built here in the order the SQL sorts them.
  static json::value SqlSummary(const std::string& wallet, const std::string& start,
                                const std::string& end) {
    auto conn = db_->Connect();
    const auto query = [&](const std::string& sql) {
      auto r = conn.Query(sql, {wallet, start, end});
      EXPECT_TRUE(r.ok()) << r.status().message();
      return std::move(r).value();
    };
    const std::string latest =
        "WITH ranked AS (SELECT *, row_number() OVER (PARTITION BY twap_id ORDER BY ts DESC) AS "
        "n FROM twap_status WHERE wallet = $1 AND ts BETWEEN $2::timestamptz AND "
        "$3::timestamptz), latest AS (SELECT * FROM ranked WHERE n = 1) ";
    const std::string fills =
        "WITH fills AS (SELECT * FROM twap_fill WHERE wallet = $1 AND time BETWEEN "
        "$2::timestamptz AND $3::timestamptz) ";
    const auto text = [](const PgResult& r, int row, int col) -> json::value {
      if (r.IsNull(row, col)) return nullptr;
      return json::string(r.Get(row, col));
    };
    const auto count = [](const PgResult& r, int row, int col) -> json::value {
      return std::stoll(std::string(r.Get(row, col)));
    };
    const auto rows = [&](const PgResult& r, std::vector<std::string> names) {
      json::array out;
      for (int row = 0; row < r.rows(); ++row) {
        json::object o;
        for (int col = 0; col < static_cast<int>(names.size()); ++col) {
          o[names[col]] = names[col] == "count" ? count(r, row, col) : text(r, row, col);
        }
        out.push_back(o);
      }
      return out;
    };
    const auto by_status = query(latest +
                                 "SELECT status, count(*) FROM latest GROUP BY status "
                                 "ORDER BY status COLLATE \"C\" NULLS LAST");
    const auto by_asset = query(latest +
                                "SELECT asset, count(*), sum(size_requested), sum(size_executed), "
                                "sum(notional_executed) FROM latest GROUP BY asset ORDER BY "
                                "asset COLLATE \"C\" NULLS LAST");
    const auto fills_by_asset = query(fills +
                                      "SELECT coin, count(*), sum(sz), sum(px * sz), "
                                      "sum(closed_pnl) FROM fills GROUP BY coin ORDER BY coin "
                                      "COLLATE \"C\"");
    const auto fees = query(fills +
                            "SELECT fee_token, count(*), sum(fee) FROM fills GROUP BY fee_token "
                            "ORDER BY fee_token COLLATE \"C\" NULLS LAST");
    const auto totals = query(
        "SELECT (SELECT count(DISTINCT twap_id) FROM twap_status WHERE wallet = $1 AND ts "
        "BETWEEN $2::timestamptz AND $3::timestamptz), (SELECT count(*) FROM twap_fill WHERE "
        "wallet = $1 AND time BETWEEN $2::timestamptz AND $3::timestamptz), "
        "(EXTRACT(EPOCH FROM min(t)) * 1000000)::int8, (EXTRACT(EPOCH FROM max(t)) * "
        "1000000)::int8 "
        "FROM (SELECT ts AS t FROM twap_status WHERE wallet = $1 AND ts BETWEEN $2::timestamptz "
        "AND $3::timestamptz UNION ALL SELECT time FROM twap_fill WHERE wallet = $1 AND time "
        "BETWEEN $2::timestamptz AND $3::timestamptz) a");
    const auto time = [&](int col) -> json::value {
      if (totals.IsNull(0, col)) return nullptr;
      return json::string(FormatTimestampUtc(std::stoll(std::string(totals.Get(0, col)))));
    };
    return {
        {"wallet", wallet},
        {"start", FormatTimestampUtc(ParseTimestampUtc(start).value())},
        {"end", FormatTimestampUtc(ParseTimestampUtc(end).value())},
        {"first_activity", time(2)},
        {"last_activity", time(3)},
        {"twaps",
         {{"count", count(totals, 0, 0)},
          {"by_status", rows(by_status, {"status", "count"})},
          {"by_asset", rows(by_asset, {"asset", "count", "size_requested", "size_executed",
                                       "notional_executed"})}}},
        {"fills",
         {{"count", count(totals, 0, 1)},
          {"by_asset", rows(fills_by_asset, {"asset", "count", "size", "notional", "closed_pnl"})},
          {"fees_by_token", rows(fees, {"fee_token", "count", "fee"})}}}};
  }
};

// The sample wallet in the README's window, summed by hand.
TEST_F(ApiSummary, SampleWalletSummedByHand) {
  const auto body = GetJson(Target(kAlice, "2025-11-01", "2025-11-04"));
  EXPECT_EQ(body, json::parse(R"({
    "wallet": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4",
    "start": "2025-11-01T00:00:00Z", "end": "2025-11-04T00:00:00Z",
    "first_activity": "2025-11-01T08:15:02.123456Z", "last_activity": "2025-11-03T00:00:05.999999Z",
    "twaps": {"count": 5,
      "by_status": [{"status": "activated", "count": 1}, {"status": "finished", "count": 3},
                    {"status": "terminated", "count": 1}],
      "by_asset": [
        {"asset": "BTC", "count": 1, "size_requested": "0.5", "size_executed": "0.5",
         "notional_executed": "54210.35"},
        {"asset": "ETH", "count": 1, "size_requested": "12.3456", "size_executed": "4.1152",
         "notional_executed": "15873.0021"},
        {"asset": "HYPE", "count": 1, "size_requested": "1000", "size_executed": "0.0",
         "notional_executed": "0.0"},
        {"asset": "SOL", "count": 1, "size_requested": "250", "size_executed": "250",
         "notional_executed": "46231.75"},
        {"asset": "xyz:NVDA", "count": 1, "size_requested": "10.5", "size_executed": "10.5",
         "notional_executed": "950.25"}]},
    "fills": {"count": 6,
      "by_asset": [
        {"asset": "BTC", "count": 3, "size": "0.50000", "notional": "54210.58069375",
         "closed_pnl": "0.0"},
        {"asset": "ETH", "count": 2, "size": "4.1151", "notional": "15889.0698295",
         "closed_pnl": "-5.3456779"},
        {"asset": "xyz:NVDA", "count": 1, "size": "3", "notional": "561.75",
         "closed_pnl": "0.0"}],
      "fees_by_token": [{"fee_token": "HYPE", "count": 1, "fee": "0.00131245"},
                        {"fee_token": "USDC", "count": 5, "fee": "7.2862373"}]}})"))
      << json::serialize(body);

  // Each TWAP counts with its latest row in the window: up to 08:30 568722 is still activated,
  // and only its first fill is in.
  const auto early = GetJson(Target(kAlice, "2025-11-01T08:00:00Z", "2025-11-01T08:30:00Z"));
  EXPECT_EQ(early.at("twaps"), json::parse(R"({"count": 1,
    "by_status": [{"status": "activated", "count": 1}],
    "by_asset": [{"asset": "BTC", "count": 1, "size_requested": "0.5", "size_executed": "0.0",
                  "notional_executed": "0.0"}]})"));
  EXPECT_EQ(early.at("fills").at("count"), 1);
  EXPECT_EQ(early.at("last_activity"), "2025-11-01T08:16:02.517000Z");
}

TEST_F(ApiSummary, RandomWalletsMatchAnIndependentQuery) {
  const std::vector<std::pair<std::string, std::string>> windows = {
      {"2025-01-01", "2025-03-02"},
      {"2025-01-20T06:00:00Z", "2025-02-03T18:30:00.5Z"},
      {"2025-02-14T00:00:00+05:00", "2025-02-14T23:59:59.999999-08:00"},
      {"2024-01-01", "2024-12-31"},
  };
  int with_data = 0;
  for (const char* wallet : kRandomWallets) {
    for (const auto& [start, end] : windows) {
      const auto body = GetJson(Target(wallet, start, end));
      EXPECT_EQ(body, SqlSummary(wallet, start, end)) << wallet << " " << start << " " << end;
      with_data += body.at("twaps").at("count").as_int64() > 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(with_data, 6) << "the data must exercise every window but the empty one";
  // Some sums really cover NULL terms, NULL keys and negative fees.
  EXPECT_GT(std::stoi(db_->Scalar("SELECT count(*) FROM twap_status WHERE status IS NULL "
                                  "OR asset IS NULL OR size_executed IS NULL")),
            5);
  EXPECT_GT(std::stoi(db_->Scalar("SELECT count(*) FROM twap_fill WHERE fee_token IS NULL")), 5);

  // Bounds are inclusive: a window of one instant holds that row.
  const std::string ts = db_->Scalar(
      "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM twap_status "
      "WHERE wallet = '" +
      std::string(kRandomWallets[0]) + "' ORDER BY ts LIMIT 1 OFFSET 7");
  const auto instant = GetJson(Target(kRandomWallets[0], ts, ts));
  EXPECT_EQ(instant.at("twaps").at("count"), 1) << ts;
  EXPECT_EQ(instant, SqlSummary(kRandomWallets[0], ts, ts));
}

TEST_F(ApiSummary, EmptyAndHostileWallets) {
  const json::value empty_totals = json::parse(R"({
    "first_activity": null, "last_activity": null,
    "twaps": {"count": 0, "by_status": [], "by_asset": []},
    "fills": {"count": 0, "by_asset": [], "fees_by_token": []}})");
  const auto expect_empty = [&](const std::string& wallet_in_path, const std::string& echoed) {
    const auto body = GetJson(Target(wallet_in_path, "2025-01-01", "2025-12-31"));
    json::object expected = empty_totals.as_object();
    expected["wallet"] = echoed;
    expected["start"] = "2025-01-01T00:00:00Z";
    expected["end"] = "2025-12-31T00:00:00Z";
    EXPECT_EQ(body, expected) << wallet_in_path;
  };
  expect_empty("0x0000000000000000000000000000000000000000",
               "0x0000000000000000000000000000000000000000");
  expect_empty("x%00y", std::string("x\0y", 3));
  expect_empty("%27%3B%20DROP%20TABLE%20twap_status%3B--", "'; drop table twap_status;--");
  expect_empty("%E2%82%AC%F0%9F%98%80", "\xE2\x82\xAC\xF0\x9F\x98\x80");
  expect_empty("%FF%FE", "\xEF\xBF\xBD\xEF\xBF\xBD");
  expect_empty(std::string(4000, 'a'), std::string(4000, 'a'));
  EXPECT_EQ(db_->Scalar("SELECT to_regclass('twap_status') IS NOT NULL"), "t");

  // Upper case is the same wallet, as on the list.
  std::string upper = kAlice;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper[1] = 'x';
  const auto body = GetJson(Target(upper, "2025-11-01", "2025-11-04"));
  EXPECT_EQ(body.at("wallet"), kAlice);
  EXPECT_EQ(body.at("twaps").at("count"), 5);

  // A wallet is one path segment.
  EXPECT_EQ(
      HttpGet(server_->port(), "/api/v1/wallets/a%2Fb/summary?start=2025-01-01&end=2025-01-02")
          .status,
      404);
  EXPECT_EQ(
      HttpGet(server_->port(), "/api/v1/wallets//summary?start=2025-01-01&end=2025-01-02").status,
      404);
}

TEST_F(ApiSummary, BadWindowsAre422) {
  const std::string base = std::string("/api/v1/wallets/") + kAlice + "/summary";
  const auto missing = GetJson(base, 422);
  EXPECT_EQ(missing, json::parse(R"({"detail": [
    {"type": "missing", "loc": ["query", "start"], "msg": "Field required", "input": null},
    {"type": "missing", "loc": ["query", "end"], "msg": "Field required", "input": null}]})"));
  const auto reversed = GetJson(base + "?start=2025-11-04&end=2025-11-01", 422);
  EXPECT_EQ(reversed.at("detail").at(0).at("msg"),
            "Value error, end must not be earlier than start");
  const auto bad = GetJson(base + "?start=2025-13-01&end=yesterday", 422);
  ASSERT_EQ(bad.at("detail").as_array().size(), 2u);
  EXPECT_EQ(bad.at("detail").at(0).at("type"), "datetime_from_date_parsing");
  EXPECT_EQ(bad.at("detail").at(1).at("loc"), json::parse(R"(["query", "end"])"));
}

TEST_F(ApiSummary, EveryKindOfResponseMatchesTheDocument) {
  const std::string base = std::string("/api/v1/wallets/") + kAlice + "/summary";
  const auto result = CheckResponses(
      server_->port(),
      {base + "?start=2025-11-01&end=2025-11-04", base + "?start=2020-01-01&end=2020-01-02",
       std::string("/api/v1/wallets/") + kRandomWallets[1] +
           "/summary?start=2025-01-01&end=2025-03-01",
       "/api/v1/wallets/x%00/summary?start=2025-01-01&end=2025-01-02", base,
       base + "?start=x&end=y", base + "?start=2025-11-04&end=2025-11-01", "POST " + base,
       "DELETE " + base});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace hltwap::testing
