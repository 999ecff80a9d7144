// Over 400 lines: one test per behaviour of the fills endpoint and the summary, on one fixture.
// GET /api/v1/twaps/{twap_id}/fills and the fills_summary of the TWAP endpoints, over HTTP
// against `hltwap api` on a real PostgreSQL: exact JSON, paging through ties, hostile input,
// summaries checked against hand-computed sums and a plain SQL aggregate, and every kind of
// response against the OpenAPI document.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "api/cursor.h"
#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;

// A TWAP with more fills than a page: groups of three share one time, and the tids of a group
// have different lengths, so only numeric order puts them right. Two more fills share the time
// and tid of one of them but belong to other wallets, so the wallet decides.
constexpr const char* kPagedTwap = "570100";
constexpr const char* kErin = "0x00000000000000000000000000000000000000ee";
constexpr const char* kTieWallets[] = {"0x000000000000000000000000000000000000000f",
                                       "0x00000000000000000000000000000000000000ef"};
constexpr int kErinFills = 23;
constexpr int kTieFill = 7;

struct PagedFill {
  int64_t time_micros;
  int64_t tid;
  std::string wallet;
  auto operator<=>(const PagedFill&) const = default;
};

std::vector<PagedFill> PagedFills() {
  const int64_t base = ParseTimestampUtc("2025-11-03T10:00:00Z").value();
  std::vector<PagedFill> fills;
  for (int i = 1; i <= kErinFills; ++i) {
    int64_t power = 10;
    for (int d = 0; d < i % 3; ++d) power *= 10;
    fills.push_back({base + (i / 3) * 60'000'000, power + i, kErin});
  }
  for (const char* wallet : kTieWallets) {
    fills.push_back({fills[kTieFill - 1].time_micros, fills[kTieFill - 1].tid, wallet});
  }
  return fills;
}

class ApiFills : public ApiSuite {
 protected:
  static void SetUpTestSuite() {
    CreateSampleDatabase();
    auto conn = db_->Connect();
    const Status st = conn.Exec(fmt::format(
        "INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, status, "
        "s3_object_key) VALUES ('{}', '{}', '2025-11-03T09:59:00Z', 'SOL', 'B', 10, "
        "'activated', 'k')",
        kPagedTwap, kErin));
    ASSERT_TRUE(st.ok()) << st.message();
    // Inserted backwards, so the table's physical order does not hand out the right order.
    auto fills = PagedFills();
    for (auto it = fills.rbegin(); it != fills.rend(); ++it) {
      const int i = static_cast<int>(it - fills.rbegin());
      const std::string tid = std::to_string(it->tid);
      const std::string time = FormatTimestampUtc(it->time_micros);
      const std::string px = fmt::format("{}.{:04d}", 180 + i, i * 625);
      const std::string sz = fmt::format("0.{:03d}", 7 * i + 1);
      const std::string fee = fmt::format("{}0.000{}", i % 4 == 0 ? "-" : "", 11 * i + 3);
      InsertFill(conn, {kPagedTwap, it->wallet.c_str(), tid.c_str(), time.c_str(), "SOL", "B",
                        px.c_str(), sz.c_str(), fee.c_str(), i % 3 == 0 ? "HYPE" : "USDC", "0.0",
                        "0.0", "Open Long", i % 2 == 0, nullptr, nullptr, nullptr});
    }
    server_ = new ApiServer(db_->url());
  }
  static const json::object& TwapIn(const json::value& list, std::string_view twap_id) {
    for (const auto& t : list.at("twaps").as_array()) {
      if (t.at("twap_id").as_string() == twap_id) return t.as_object();
    }
    ADD_FAILURE() << twap_id << " not in " << json::serialize(list);
    static const json::object none;
    return none;
  }

  // The summary as a plain SQL aggregate over the fills of the TWAP (of one wallet, or all).
  static json::value SqlSummary(const std::string& twap_id, const char* wallet) {
    auto conn = db_->Connect();
    const PgParam wallet_param = wallet == nullptr ? PgParam() : PgParam(wallet);
    auto totals = conn.Query(
        "SELECT count(*), sum(sz)::text, sum(px * sz)::text, (sum(px * sz) / sum(sz))::text, "
        "sum(closed_pnl)::text FROM twap_fill WHERE twap_id = $1 AND ($2::text IS NULL OR "
        "wallet = $2)",
        {twap_id, wallet_param});
    auto fees = conn.Query(
        "SELECT fee_token, sum(fee)::text FROM twap_fill WHERE twap_id = $1 AND "
        "($2::text IS NULL OR wallet = $2) GROUP BY fee_token",
        {twap_id, wallet_param});
    EXPECT_TRUE(totals.ok() && fees.ok());
    json::object by_token;
    for (int row = 0; row < fees->rows(); ++row) {
      by_token[fees->Get(row, 0)] = fees->Get(row, 1);
    }
    return {{"count", std::stoll(std::string(totals->Get(0, 0)))},
            {"size", totals->Get(0, 1)},
            {"notional", totals->Get(0, 2)},
            {"avg_px", totals->Get(0, 3)},
            {"closed_pnl", totals->Get(0, 4)},
            {"fees_by_token", by_token}};
  }

  static void ExpectMatchesSql(const json::value& summary, const std::string& twap_id,
                               const char* wallet) {
    const json::value sql = SqlSummary(twap_id, wallet);
    for (const auto& [key, value] : sql.as_object()) {
      EXPECT_EQ(summary.at(key), value) << twap_id << " " << key;
    }
  }
};

const SampleFill& FillOf(std::string_view twap_id, std::string_view tid) {
  for (const auto& f : SampleFills()) {
    if (f.twap_id == twap_id && f.tid == tid) return f;
  }
  throw std::runtime_error("no sample fill");
}

// 568722's fills, hand-summed. avg_px is PostgreSQL's NUMERIC division 54210.58069375 / 0.50000
// = 108421.1613875, written at the division's result scale: 12 places, for 16 significant
// digits counted in base-10000 groups (a quotient of weight 1, two groups before the point).
constexpr const char* k568722Summary = R"({
  "count": 3, "size": "0.50000", "notional": "54210.58069375", "avg_px": "108421.161387500000",
  "fee": null, "fee_token": null, "fees_by_token": {"HYPE": "0.00131245", "USDC": "3.854630"},
  "closed_pnl": "0.0", "first_fill_ts": "2025-11-01T08:16:02.517000Z",
  "last_fill_ts": "2025-11-01T08:44:59.999999Z", "size_matches_executed": true})";

TEST_F(ApiFills, FillsOfOneTwapInExactJson) {
  const auto body = GetJson("/api/v1/twaps/568722/fills");
  json::value expected = json::parse(R"({"twap_id": "568722", "next_cursor": null, "fills": [
    {"time": "2025-11-01T08:16:02.517000Z", "tid": "101883902541105",
     "wallet": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4", "coin": "BTC", "side": "B",
     "dir": "Open Long", "px": "108421.5", "sz": "0.12345", "fee": "6.023085",
     "fee_token": "USDC", "closed_pnl": "0.0", "start_position": "0.0", "crossed": true,
     "hash": "0x3f1c0b6e5e8a1d2c4b7f9a0e3d6c5b4a29183746556473829101a2b3c4d5e6f7",
     "oid": "41962510331", "builder_fee": null},
    {"time": "2025-11-01T08:30:02.517000Z", "tid": "101883902541999",
     "wallet": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4", "coin": "BTC", "side": "B",
     "dir": "Open Long", "px": "108422.75", "sz": "0.2", "fee": "-2.168455",
     "fee_token": "USDC", "closed_pnl": "0.0", "start_position": "0.12345", "crossed": false,
     "hash": "0x8d7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817",
     "oid": "41962510332", "builder_fee": "0.108422"},
    {"time": "2025-11-01T08:44:59.999999Z", "tid": "101883902542222",
     "wallet": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4", "coin": "BTC", "side": "B",
     "dir": "Open Long", "px": "108419.125", "sz": "0.17655", "fee": "0.00131245",
     "fee_token": "HYPE", "closed_pnl": "0.0", "start_position": "0.32345", "crossed": true,
     "hash": "0x5e4d3c2b1a0918273645f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
     "oid": "41962510333", "builder_fee": null}]})");
  for (auto& fill : expected.at("fills").as_array()) {
    fill.as_object()["raw"] = json::parse(FillRaw(FillOf("568722", fill.at("tid").as_string())));
  }
  EXPECT_EQ(body, expected) << json::serialize(body);
  // The raw record keeps its big integers exact.
  EXPECT_EQ(body.at("fills").at(0).at("raw").at("tid"), 101883902541105);
}

TEST_F(ApiFills, TwoSidesOfOneTradeAreTwoTwaps) {
  const auto dave = GetJson("/api/v1/twaps/570001/fills");
  const auto alice = GetJson("/api/v1/twaps/568722/fills");
  ASSERT_EQ(dave.at("fills").as_array().size(), 1u);
  const auto& sell = dave.at("fills").at(0);
  const auto& buy = alice.at("fills").at(1);
  EXPECT_EQ(sell.at("tid"), buy.at("tid"));
  EXPECT_EQ(sell.at("time"), buy.at("time"));
  EXPECT_EQ(sell.at("wallet"), kDave);
  EXPECT_EQ(sell.at("side"), "A");
  EXPECT_EQ(sell.at("crossed"), true);
  EXPECT_EQ(buy.at("crossed"), false);
  // Each side is summed in its own wallet's TWAP only; a running TWAP is not reconciled.
  const auto list =
      GetJson(std::string("/api/v1/twaps?wallet=") + kDave + "&start=2025-11-01&end=2025-11-02");
  EXPECT_EQ(TwapIn(list, "570001").at("fills_summary"), json::parse(R"({
    "count": 1, "size": "0.2", "notional": "21684.550", "avg_px": "108422.750000000000",
    "fee": "9.758048", "fee_token": "USDC", "fees_by_token": {"USDC": "9.758048"},
    "closed_pnl": "0.0", "first_fill_ts": "2025-11-01T08:30:02.517000Z",
    "last_fill_ts": "2025-11-01T08:30:02.517000Z", "size_matches_executed": null})"));
}

TEST_F(ApiFills, SummariesInTheListAndForOneTwap) {
  for (const char* mode : {"true", "false"}) {
    const auto list = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                              "&start=2025-11-01&end=2025-11-04&latest_per_twap=" + mode);
    // Two fee tokens (so no single fee), a rebate, sizes adding up to the executed 0.5.
    EXPECT_EQ(TwapIn(list, "568722").at("fills_summary"), json::parse(k568722Summary)) << mode;
    // One token, a rebate, losses and gains; 4.1151 filled of an executed 4.1152: reported.
    // avg_px: 15889.0698295 / 4.1151 at 16 places (a quotient of weight 0).
    EXPECT_EQ(TwapIn(list, "568723").at("fills_summary"), json::parse(R"({
      "count": 2, "size": "4.1151", "notional": "15889.0698295",
      "avg_px": "3861.1625062574421035", "fee": "3.1788203", "fee_token": "USDC",
      "fees_by_token": {"USDC": "3.1788203"}, "closed_pnl": "-5.3456779",
      "first_fill_ts": "2025-11-01T09:05:00Z", "last_fill_ts": "2025-11-01T09:15:00.000001Z",
      "size_matches_executed": false})"))
        << mode;
    for (const char* id : {"568722", "568723"}) {
      ExpectMatchesSql(TwapIn(list, id).at("fills_summary"), id, kAlice);
    }
    // Status rows but no fills.
    for (const char* id : {"568790", "568791", "568800"}) {
      EXPECT_TRUE(TwapIn(list, id).at("fills_summary").is_null()) << id;
    }
    // Fills but no status row: not a TWAP of the list.
    for (const auto& t : list.at("twaps").as_array()) EXPECT_NE(t.at("twap_id"), "570404");
  }
  // The shown row decides the reconciliation: before the finished row, 568722 is running.
  const auto early = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                             "&start=2025-11-01&end=2025-11-01T08:45:00Z&latest_per_twap=false");
  const auto& running = TwapIn(early, "568722");
  EXPECT_EQ(running.at("status"), "activated");
  EXPECT_TRUE(running.at("fills_summary").at("size_matches_executed").is_null());
  EXPECT_EQ(running.at("fills_summary").at("count"), 3);

  const auto one = GetJson("/api/v1/twaps/568722");
  EXPECT_EQ(one.at("fills_summary"), json::parse(k568722Summary));
  EXPECT_TRUE(GetJson("/api/v1/twaps/568790").at("fills_summary").is_null());
  // Bob's TWAP ended in error with 0.0 executed and no fill stored: nothing to reconcile.
  EXPECT_TRUE(GetJson("/api/v1/twaps/568725").at("fills_summary").is_null());
}

TEST_F(ApiFills, SummaryOfOneTwapCountsEveryWalletAndTheListOnlyItsOwn) {
  const auto one = GetJson(std::string("/api/v1/twaps/") + kPagedTwap);
  EXPECT_EQ(one.at("fills_summary").at("count"), kErinFills + 2);
  ExpectMatchesSql(one.at("fills_summary"), kPagedTwap, nullptr);
  const auto list =
      GetJson(std::string("/api/v1/twaps?wallet=") + kErin + "&start=2025-11-03&end=2025-11-04");
  const auto& summary = TwapIn(list, kPagedTwap).at("fills_summary");
  EXPECT_EQ(summary.at("count"), kErinFills);
  ExpectMatchesSql(summary, kPagedTwap, kErin);
  // Both tokens occur: no single fee.
  EXPECT_TRUE(summary.at("fee").is_null());
  EXPECT_TRUE(summary.at("fee_token").is_null());
  EXPECT_EQ(summary.at("fees_by_token").as_object().size(), 2u);
}

TEST_F(ApiFills, TwapsWithoutFillsOrWithoutStatus) {
  EXPECT_EQ(GetJson("/api/v1/twaps/568790/fills"),
            json::parse(R"({"twap_id": "568790", "fills": [], "next_cursor": null})"));
  const auto orphan = GetJson("/api/v1/twaps/570404/fills");
  ASSERT_EQ(orphan.at("fills").as_array().size(), 1u);
  EXPECT_EQ(orphan.at("fills").at(0).at("coin"), "xyz:NVDA");
  // Its status rows are what GET /api/v1/twaps/{twap_id} serves, and there are none.
  GetJson("/api/v1/twaps/570404", 404);
  EXPECT_EQ(GetJson("/api/v1/twaps/999999/fills", 404),
            json::parse(R"({"detail": "TWAP 999999 not found"})"));
}

// Pages through the paged TWAP; returns the fills in order.
std::vector<PagedFill> PageThrough(int port, std::optional<int> limit, int* pages) {
  std::vector<PagedFill> seen;
  std::string cursor;
  *pages = 0;
  for (int guard = 0; guard < 100; ++guard) {
    std::string target = fmt::format("/api/v1/twaps/{}/fills?", kPagedTwap);
    if (limit) target += fmt::format("limit={}&", *limit);
    if (!cursor.empty()) target += "cursor=" + cursor;
    const auto r = HttpGet(port, target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    const auto body = ParseJson(r.body);
    ++*pages;
    const auto& fills = body.at("fills").as_array();
    for (const auto& f : fills) {
      seen.push_back({ParseTimestampUtc(f.at("time").as_string()).value(),
                      std::stoll(std::string(f.at("tid").as_string())),
                      std::string(f.at("wallet").as_string())});
    }
    if (body.at("next_cursor").is_null()) break;
    EXPECT_EQ(fills.size(), static_cast<size_t>(limit.value_or(1000)));
    cursor = std::string(body.at("next_cursor").as_string());
  }
  return seen;
}

TEST_F(ApiFills, PagingVisitsEveryFillOnceInOrder) {
  auto expected = PagedFills();
  std::sort(expected.begin(), expected.end());
  const int total = static_cast<int>(expected.size());
  for (const std::optional<int> limit :
       {std::optional<int>(1), {2}, {3}, {7}, {24}, {25}, {26}, {5000}, std::optional<int>()}) {
    int pages = 0;
    const auto seen = PageThrough(server_->port(), limit, &pages);
    EXPECT_EQ(seen, expected) << "limit " << limit.value_or(0);
    const int per_page = limit.value_or(1000);
    EXPECT_EQ(pages, (total + per_page - 1) / per_page) << "limit " << limit.value_or(0);
  }
  // Ties on time: numeric tid order, not text order; ties on (time, tid): wallet order.
  EXPECT_LT(expected[3].tid, expected[4].tid);
  EXPECT_GT(std::to_string(expected[3].tid), std::to_string(expected[4].tid));
}

TEST_F(ApiFills, HostileCursorsAre422) {
  const auto first = GetJson(fmt::format("/api/v1/twaps/{}/fills?limit=2", kPagedTwap));
  const std::string good(first.at("next_cursor").as_string());
  const std::string list_cursor(GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                                        "&start=2025-11-01&end=2025-11-04" + "&limit=1")
                                    .at("next_cursor")
                                    .as_string());
  using api::EncodeFillCursor;
  using api::FillCursor;
  const std::vector<std::string> bad = {
      "!!!",         // not base64url
      "anVuaw",      // "junk"
      "ZjE6MTo0Mg",  // "f1:1:42": no wallet
      EncodeFillCursor(FillCursor{1, "abc", "0x"}),
      EncodeFillCursor(FillCursor{1, "042", "0x"}),
      EncodeFillCursor(FillCursor{1, "1" + std::string(20, '0'), "0x"}),
      EncodeFillCursor(FillCursor{kMaxTimestampMicros + 1, "42", "0x"}),
      good + "A",
      good.substr(1),
      std::string(5000, 'A'),
      "%FF%FE",
      "%00",
      list_cursor,  // another endpoint's
  };
  for (const auto& cursor : bad) {
    const auto body =
        GetJson(fmt::format("/api/v1/twaps/{}/fills?cursor={}", kPagedTwap, cursor), 422);
    ASSERT_TRUE(body.at("detail").is_array()) << cursor;
    EXPECT_EQ(body.at("detail").at(0).at("type"), "value_error") << cursor;
    EXPECT_EQ(body.at("detail").at(0).at("loc"), json::parse(R"(["query", "cursor"])"));
  }
  // An empty cursor is no cursor: the first page, as on the list endpoint.
  EXPECT_EQ(GetJson(fmt::format("/api/v1/twaps/{}/fills?limit=2&cursor=", kPagedTwap)), first);
  // A well-formed cursor past every fill: an empty last page; on an unknown TWAP: 404.
  const std::string last = EncodeFillCursor(FillCursor{kMaxTimestampMicros, "1", "0x"});
  EXPECT_EQ(GetJson(fmt::format("/api/v1/twaps/{}/fills?cursor={}", kPagedTwap, last)),
            json::parse(R"({"twap_id": "570100", "fills": [], "next_cursor": null})"));
  GetJson("/api/v1/twaps/999999/fills?cursor=" + last, 404);
}

TEST_F(ApiFills, BadLimitsAre422) {
  const std::string base = fmt::format("/api/v1/twaps/{}/fills?limit=", kPagedTwap);
  EXPECT_EQ(GetJson(base + "0", 422), json::parse(R"({"detail": [{"type": "greater_than_equal",
    "loc": ["query", "limit"], "msg": "Input should be greater than or equal to 1", "input": "0",
    "ctx": {"ge": 1}}]})"));
  EXPECT_EQ(GetJson(base + "5001", 422), json::parse(R"({"detail": [{"type": "less_than_equal",
    "loc": ["query", "limit"], "msg": "Input should be less than or equal to 5000",
    "input": "5001", "ctx": {"le": 5000}}]})"));
  EXPECT_EQ(GetJson(base + "abc", 422), json::parse(R"({"detail": [{"type": "int_parsing",
    "loc": ["query", "limit"],
    "msg": "Input should be a valid integer, unable to parse string as an integer",
    "input": "abc"}]})"));
  for (const char* limit : {"-1", "1.5", "", "99999999999999999999999"}) {
    GetJson(base + limit, 422);
  }
  // Parameters are checked before the TWAP is looked up, as FastAPI does.
  GetJson("/api/v1/twaps/999999/fills?limit=0", 422);
  EXPECT_EQ(GetJson(base + "5000").at("fills").as_array().size(), 25u);
}

TEST_F(ApiFills, HostileTwapIdsAre404) {
  const std::string long_id(5000, '7');
  for (const std::string& id :
       {std::string("abc"), std::string("-1"), long_id, std::string("%00"),
        std::string("568722%00"), std::string("1'%20OR%20'1'%3D'1"),
        std::string("1%3B%20DROP%20TABLE%20twap_fill%3B--"), std::string("%25"), std::string("%FF"),
        std::string("568722%20"), std::string("%E2%80%AE")}) {
    const auto r = HttpGet(server_->port(), "/api/v1/twaps/" + id + "/fills");
    EXPECT_EQ(r.status, 404) << id << " " << r.body;
    EXPECT_TRUE(ParseJson(r.body).at("detail").is_string()) << id;
  }
  EXPECT_EQ(db_->Scalar("SELECT count(*) FROM twap_fill"),
            std::to_string(SampleFills().size() + kErinFills + 2));
  // Not this route: two segments, or none.
  for (const char* path : {"/api/v1/twaps/a%2Fb/fills", "/api/v1/twaps//fills",
                           "/api/v1/twaps/568722/fills/", "/api/v1/twaps/568722/fills/1"}) {
    EXPECT_EQ(HttpGet(server_->port(), path).status, 404) << path;
  }
}

TEST_F(ApiFills, EveryKindOfResponseMatchesTheDocument) {
  const std::string cursor(GetJson(fmt::format("/api/v1/twaps/{}/fills?limit=3", kPagedTwap))
                               .at("next_cursor")
                               .as_string());
  const std::string window = std::string("wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  const auto result = CheckResponses(
      server_->port(),
      {"/api/v1/twaps/568722/fills", "/api/v1/twaps/570001/fills", "/api/v1/twaps/570404/fills",
       "/api/v1/twaps/568790/fills", fmt::format("/api/v1/twaps/{}/fills?limit=3", kPagedTwap),
       fmt::format("/api/v1/twaps/{}/fills?limit=3&cursor={}", kPagedTwap, cursor),
       "/api/v1/twaps/999999/fills", "/api/v1/twaps/568722/fills?limit=0",
       "/api/v1/twaps/568722/fills?cursor=", "/api/v1/twaps/568722/fills?cursor=junk",
       "/api/v1/twaps/%00/fills", "POST /api/v1/twaps/568722/fills", "/api/v1/twaps/568722",
       "/api/v1/twaps/568790", fmt::format("/api/v1/twaps/{}", kPagedTwap),
       "/api/v1/twaps?" + window, "/api/v1/twaps?" + window + "&latest_per_twap=false",
       std::string("/api/v1/twaps?wallet=") + kDave + "&start=2025-11-01&end=2025-11-02",
       std::string("/api/v1/twaps?wallet=") + kErin + "&start=2025-11-03&end=2025-11-04"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace hltwap::testing
