// GET /api/v1/twaps and /api/v1/twaps/{twap_id} over HTTP against `hltwap api` on a real
// PostgreSQL: exact JSON for known rows, windows, filters, paging and concurrent clients.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPager = "0x00000000000000000000000000000000000000aa";
constexpr int kPagerTwaps = 23;

class ApiTwaps : public ApiSuite {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    LoadSampleRows(*db_);
    // A wallet with more TWAPs than a page: groups of three share one latest_ts, so the
    // twap_id tie-break decides the order; ids of different lengths make that order bytewise.
    auto conn = db_->Connect();
    const auto st = conn.Exec(fmt::format(R"sql(
      INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed,
                               notional_executed, status, duration_minutes, s3_object_key,
                               raw_payload)
      SELECT (i * 37)::text, '{0}', '2025-11-01T01:00:00Z'::timestamptz + (i / 3) * interval '1 minute',
             'BTC', 'B', 1, 1, 100, 'finished', 5, 'k', jsonb_build_object('i', i)
      FROM generate_series(1, {1}) AS i;
      INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed,
                               notional_executed, status, duration_minutes, s3_object_key,
                               raw_payload)
      SELECT (i * 37)::text, '{0}', '2025-11-01T01:00:00Z'::timestamptz + (i / 3) * interval '1 minute' - interval '30 seconds',
             'BTC', 'B', 1, 0, 0, 'activated', 5, 'k', jsonb_build_object('i', i)
      FROM generate_series(1, {1}) AS i;
    )sql",
                                          kPager, kPagerTwaps));
    ASSERT_TRUE(st.ok()) << st.message();
    server_ = new ApiServer(db_->url());
  }
  static std::string AliceWindow(const std::string& extra = "") {
    return std::string("/api/v1/twaps?wallet=") + kAlice +
           "&start=2025-11-01T00:00:00Z&end=2025-11-04T00:00:00Z" + extra;
  }

  static json::value RawOf(const std::string& twap_id, const std::string& status) {
    for (const auto& row : SampleRows()) {
      if (row.twap_id == twap_id && row.status == status) return json::parse(row.raw_payload);
    }
    ADD_FAILURE() << "no sample row " << twap_id << " " << status;
    return nullptr;
  }

  static std::vector<std::string> Ids(const json::value& body) {
    std::vector<std::string> ids;
    for (const auto& t : body.at("twaps").as_array()) {
      ids.emplace_back(t.at("twap_id").as_string());
    }
    return ids;
  }
};

TEST_F(ApiTwaps, LatestRowPerTwapInExactJson) {
  const auto body = GetJson(AliceWindow());
  EXPECT_EQ(body.at("wallet"), kAlice);
  EXPECT_EQ(body.at("start"), "2025-11-01T00:00:00Z");
  EXPECT_EQ(body.at("end"), "2025-11-04T00:00:00Z");
  EXPECT_TRUE(body.at("next_cursor").is_null());
  // Ascending latest_ts.
  EXPECT_EQ(Ids(body),
            (std::vector<std::string>{"568722", "568723", "568791", "568790", "568800"}));

  json::value expected = json::parse(R"({
    "twap_id": "568722", "asset": "BTC", "side": "B", "status": "finished",
    "duration_minutes": 30, "latest_ts": "2025-11-01T08:45:02.123456Z",
    "executed": {"size": "0.5", "notional": "54210.35"},
    "size_requested": "0.5", "created_at": "2025-11-01T08:15:02.123000Z",
    "fills_summary": null})");
  expected.as_object()["raw"] = RawOf("568722", "finished");
  EXPECT_EQ(body.at("twaps").at(0), expected) << json::serialize(body.at("twaps").at(0));

  // Still running: its only row is the activated one, created with the same timestamp.
  const auto& hype = body.at("twaps").at(4).as_object();
  EXPECT_EQ(hype.at("status"), "activated");
  EXPECT_EQ(hype.at("latest_ts"), "2025-11-03T00:00:05.999999Z");
  EXPECT_EQ(hype.at("executed"), json::parse(R"({"size": "0.0", "notional": "0.0"})"));
  EXPECT_EQ(hype.at("asset"), "HYPE");
  EXPECT_EQ(hype.at("side"), "A");
  EXPECT_EQ(hype.at("duration_minutes"), 1440);
  EXPECT_FALSE(hype.contains("rows"));
}

TEST_F(ApiTwaps, DecimalsAreStringsExactlyAsStored) {
  const auto body =
      GetJson(std::string("/api/v1/twaps?wallet=") + kBob + "&start=2025-11-02&end=2025-11-03");
  ASSERT_EQ(body.at("twaps").as_array().size(), 1u);
  const auto& twap = body.at("twaps").at(0);
  EXPECT_EQ(twap.at("size_requested"), "0.00123");
  EXPECT_EQ(twap.at("executed"), json::parse(R"({"size": "0.00123", "notional": "132.9837"})"));
  EXPECT_EQ(twap.at("raw"), RawOf("568760", "finished"));
}

TEST_F(ApiTwaps, AllRowsOfEachTwapWhenNotLatestOnly) {
  const auto body = GetJson(AliceWindow("&latest_per_twap=false"));
  const auto& twaps = body.at("twaps").as_array();
  ASSERT_EQ(twaps.size(), 5u);
  const auto& first = twaps.at(0).as_object();
  EXPECT_EQ(first.at("status"), "finished");  // the TWAP's fields still come from its latest row
  const auto& rows = first.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  json::value activated = json::parse(R"({
    "wallet": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4", "ts": "2025-11-01T08:15:02.123456Z",
    "status": "activated", "asset": "BTC", "side": "B", "size_requested": "0.5",
    "executed": {"size": "0.0", "notional": "0.0"}, "duration_minutes": 30,
    "created_at": "2025-11-01T08:15:02.123000Z"})");
  activated.as_object()["raw"] = RawOf("568722", "activated");
  EXPECT_EQ(rows.at(0), activated) << json::serialize(rows.at(0));
  EXPECT_EQ(rows.at(1).at("status"), "finished");
  EXPECT_EQ(rows.at(1).at("ts"), "2025-11-01T08:45:02.123456Z");
  EXPECT_EQ(rows.at(1).at("executed"), json::parse(R"({"size": "0.5", "notional": "54210.35"})"));
  // The running TWAP has one row.
  EXPECT_EQ(twaps.at(4).at("rows").as_array().size(), 1u);
}

TEST_F(ApiTwaps, WindowBoundsAreInclusive) {
  // Exactly the activated row's ts as end: only that row is in the window.
  auto body = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                      "&start=2025-11-01T08:15:02.123456Z&end=2025-11-01T08:15:02.123456Z");
  ASSERT_EQ(Ids(body), std::vector<std::string>{"568722"});
  EXPECT_EQ(body.at("twaps").at(0).at("status"), "activated");
  // Exactly the finished row's ts as start.
  body = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                 "&start=2025-11-01T08:45:02.123456Z&end=2025-11-01T08:45:02.123456Z");
  ASSERT_EQ(Ids(body), std::vector<std::string>{"568722"});
  EXPECT_EQ(body.at("twaps").at(0).at("status"), "finished");
  // One microsecond short on either side: nothing.
  body = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                 "&start=2025-11-01T08:15:02.123457Z&end=2025-11-01T08:45:02.123455Z");
  EXPECT_TRUE(body.at("twaps").as_array().empty());
  // The latest row inside the window decides: ending before the finished row shows activated.
  body = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                 "&start=2025-11-01&end=2025-11-01T08:45:02.123455Z");
  EXPECT_EQ(body.at("twaps").at(0).at("status"), "activated");
  EXPECT_EQ(body.at("twaps").at(0).at("latest_ts"), "2025-11-01T08:15:02.123456Z");
}

TEST_F(ApiTwaps, EmptyResults) {
  auto body = GetJson("/api/v1/twaps?wallet=0xnobody&start=2025-11-01&end=2025-11-04");
  EXPECT_EQ(body, json::parse(R"({"wallet": "0xnobody", "start": "2025-11-01T00:00:00Z",
    "end": "2025-11-04T00:00:00Z", "twaps": [], "next_cursor": null})"));
  body = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                 "&start=2024-01-01&end=2024-12-31&latest_per_twap=false");
  EXPECT_TRUE(body.at("twaps").as_array().empty());
  // A NUL cannot be stored, so it matches nothing (and is no error).
  body = GetJson("/api/v1/twaps?wallet=0x%00&start=2025-11-01&end=2025-11-04&asset=%00");
  EXPECT_TRUE(body.at("twaps").as_array().empty());
}

TEST_F(ApiTwaps, AssetFilter) {
  auto body = GetJson(AliceWindow("&asset=xyz:NVDA"));
  EXPECT_EQ(Ids(body), std::vector<std::string>{"568791"});
  body = GetJson(AliceWindow("&asset=xyz%3ANVDA&latest_per_twap=false"));
  ASSERT_EQ(Ids(body), std::vector<std::string>{"568791"});
  EXPECT_EQ(body.at("twaps").at(0).at("rows").as_array().size(), 2u);
  body = GetJson(AliceWindow("&asset=btc"));  // exact match: coins are case-sensitive
  EXPECT_TRUE(body.at("twaps").as_array().empty());
  // An empty optional parameter is an absent one: every asset, the first page.
  EXPECT_EQ(GetJson(AliceWindow("&asset=&cursor=")), GetJson(AliceWindow("")));
  EXPECT_FALSE(GetJson(AliceWindow("&asset=")).at("twaps").as_array().empty());
  body = GetJson(std::string("/api/v1/twaps?wallet=") + kBob +
                 "&start=2025-11-01&end=2025-11-04&asset=%40107");
  EXPECT_EQ(Ids(body), std::vector<std::string>{"568725"});
  EXPECT_EQ(body.at("twaps").at(0).at("status"), "error");
}

TEST_F(ApiTwaps, WalletIsLowercasedAndTimesNormalisedToUtc) {
  const auto body = GetJson(
      "/api/v1/twaps?wallet=0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4"
      "&start=2025-11-01T02:00:00%2B02:00&end=2025-11-03T19:00:00-05:00");
  EXPECT_EQ(body.at("wallet"), kAlice);
  EXPECT_EQ(body.at("start"), "2025-11-01T00:00:00Z");
  EXPECT_EQ(body.at("end"), "2025-11-04T00:00:00Z");
  EXPECT_EQ(body.at("twaps").as_array().size(), 5u);
  // No zone means UTC; a space separator (sent as + in a query) works too.
  const auto naive = GetJson(std::string("/api/v1/twaps?wallet=") + kAlice +
                             "&start=2025-11-01+08:15:02.123456&end=2025-11-01T08:45:02.1234569");
  EXPECT_EQ(naive.at("start"), "2025-11-01T08:15:02.123456Z");
  EXPECT_EQ(naive.at("end"), "2025-11-01T08:45:02.123456Z");
  EXPECT_EQ(Ids(naive), std::vector<std::string>{"568722"});
}

TEST_F(ApiTwaps, BooleanSpellings) {
  for (const char* yes : {"true", "True", "1", "yes", "on", "t", "Y"}) {
    const auto body = GetJson(AliceWindow(std::string("&latest_per_twap=") + yes));
    EXPECT_FALSE(body.at("twaps").at(0).as_object().contains("rows")) << yes;
  }
  for (const char* no : {"false", "FALSE", "0", "no", "off", "f", "n"}) {
    const auto body = GetJson(AliceWindow(std::string("&latest_per_twap=") + no));
    EXPECT_TRUE(body.at("twaps").at(0).as_object().contains("rows")) << no;
  }
}

// Pages through the pager wallet with `limit` and the given mode; returns the ids in order.
std::vector<std::string> PageThrough(int port, int limit, bool latest, int* pages) {
  std::vector<std::string> ids;
  std::string cursor;
  *pages = 0;
  for (int guard = 0; guard < 100; ++guard) {
    std::string target = fmt::format(
        "/api/v1/twaps?wallet={}&start=2025-11-01&end=2025-11-02&limit={}&latest_per_twap={}",
        kPager, limit, latest ? "true" : "false");
    if (!cursor.empty()) target += "&cursor=" + cursor;
    const auto r = HttpGet(port, target);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = ParseJson(r.body);
    ++*pages;
    const auto& twaps = body.at("twaps").as_array();
    EXPECT_LE(twaps.size(), static_cast<size_t>(limit));
    for (const auto& t : twaps) {
      ids.emplace_back(t.at("twap_id").as_string());
      if (!latest) {
        EXPECT_EQ(t.at("rows").as_array().size(), 2u);
      }
      EXPECT_EQ(t.at("status"), "finished");
    }
    if (body.at("next_cursor").is_null()) break;
    EXPECT_EQ(twaps.size(), static_cast<size_t>(limit));
    cursor = std::string(body.at("next_cursor").as_string());
  }
  return ids;
}

TEST_F(ApiTwaps, PagingVisitsEveryTwapOnceInOrder) {
  // Expected order: (latest_ts, twap_id bytewise).
  std::vector<std::pair<int, std::string>> expected_pairs;
  for (int i = 1; i <= kPagerTwaps; ++i) expected_pairs.emplace_back(i / 3, std::to_string(i * 37));
  std::sort(expected_pairs.begin(), expected_pairs.end());
  std::vector<std::string> expected;
  for (const auto& p : expected_pairs) expected.push_back(p.second);

  for (const bool latest : {true, false}) {
    for (const int limit : {1, 5, 22, 23, 5000}) {
      int pages = 0;
      const auto ids = PageThrough(server_->port(), limit, latest, &pages);
      EXPECT_EQ(ids, expected) << "limit " << limit << " latest " << latest;
      EXPECT_EQ(pages, (kPagerTwaps + limit - 1) / limit) << "limit " << limit;
      EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
    }
  }
}

TEST_F(ApiTwaps, DefaultLimitIs500) {
  TestDatabase many;
  auto many_conn = many.Connect();
  ASSERT_TRUE(many_conn
                  .Exec("INSERT INTO twap_status (twap_id, wallet, ts, s3_object_key) "
                        "SELECT i::text, '0xmany', '2025-11-01'::timestamptz + i * interval '1 s', "
                        "'k' FROM generate_series(1, 501) AS i")
                  .ok());
  ApiServer server(many.url());
  const auto r =
      HttpGet(server.port(), "/api/v1/twaps?wallet=0xmany&start=2025-11-01&end=2025-11-02");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = ParseJson(r.body);
  EXPECT_EQ(body.at("twaps").as_array().size(), 500u);
  ASSERT_TRUE(body.at("next_cursor").is_string());
  // Nullable columns come back as null.
  const auto& twap = body.at("twaps").at(0);
  EXPECT_EQ(twap, json::parse(R"({"twap_id": "1", "asset": null, "side": null, "status": null,
    "duration_minutes": null, "latest_ts": "2025-11-01T00:00:01Z",
    "executed": {"size": null, "notional": null}, "raw": null, "size_requested": null,
    "created_at": null, "fills_summary": null})"));
  const auto next = ParseJson(
      HttpGet(server.port(), "/api/v1/twaps?wallet=0xmany&start=2025-11-01&end=2025-11-02&cursor=" +
                                 std::string(body.at("next_cursor").as_string()))
          .body);
  EXPECT_EQ(Ids(next), std::vector<std::string>{"501"});
  EXPECT_TRUE(next.at("next_cursor").is_null());
}

TEST_F(ApiTwaps, OneTwapWithAllItsRows) {
  const auto body = GetJson("/api/v1/twaps/568760");
  json::value expected = json::parse(R"({"twap_id": "568760", "rows": [
    {"wallet": "0x1f9840a85d5af5bf1d1762f925bdaddc4201f984", "ts": "2025-11-02T02:02:02.020000Z",
     "status": "activated", "asset": "BTC", "side": "A", "size_requested": "0.00123",
     "executed": {"size": "0.0", "notional": "0.0"}, "duration_minutes": 10,
     "created_at": "2025-11-02T02:02:02.020000Z"},
    {"wallet": "0x1f9840a85d5af5bf1d1762f925bdaddc4201f984", "ts": "2025-11-02T02:12:02.020000Z",
     "status": "finished", "asset": "BTC", "side": "A", "size_requested": "0.00123",
     "executed": {"size": "0.00123", "notional": "132.9837"}, "duration_minutes": 10,
     "created_at": "2025-11-02T02:02:02.020000Z"}], "fills_summary": null})");
  expected.at("rows").as_array().at(0).as_object()["raw"] = RawOf("568760", "activated");
  expected.at("rows").as_array().at(1).as_object()["raw"] = RawOf("568760", "finished");
  EXPECT_EQ(body, expected) << json::serialize(body);
}

TEST_F(ApiTwaps, UnknownTwapIs404) {
  const auto r = HttpGet(server_->port(), "/api/v1/twaps/999999");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ParseJson(r.body), json::parse(R"({"detail": "TWAP 999999 not found"})"));
  // Percent-decoded, as FastAPI passes path parameters.
  const auto spaced = HttpGet(server_->port(), "/api/v1/twaps/a%20b");
  EXPECT_EQ(ParseJson(spaced.body), json::parse(R"({"detail": "TWAP a b not found"})"));
  const auto nul = HttpGet(server_->port(), "/api/v1/twaps/%00");
  EXPECT_EQ(nul.status, 404);
  // An encoded slash makes it two segments: no such route.
  const auto slash = HttpGet(server_->port(), "/api/v1/twaps/a%2Fb");
  EXPECT_EQ(slash.status, 404);
  EXPECT_EQ(ParseJson(slash.body), json::parse(R"({"detail": "Not Found"})"));
}

TEST_F(ApiTwaps, ConcurrentClientsAllGetCorrectAnswers) {
  const std::string list = AliceWindow("&latest_per_twap=false");
  const std::string expected_list = HttpGet(server_->port(), list).body;
  const std::string expected_one = HttpGet(server_->port(), "/api/v1/twaps/568722").body;
  ASSERT_FALSE(expected_list.empty());
  constexpr int kThreads = 8;
  constexpr int kRequests = 50;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Half the clients keep one connection alive, half connect per request.
      HttpConnection keep_alive(server_->port());
      for (int i = 0; i < kRequests; ++i) {
        const bool one = (i + t) % 2 == 0;
        const std::string& target = one ? "/api/v1/twaps/568722" : list;
        const HttpResult r = t % 2 == 0 ? keep_alive.Get(target) : HttpGet(server_->port(), target);
        if (r.status == 200 && r.body == (one ? expected_one : expected_list)) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), kThreads * kRequests);
}

}  // namespace
}  // namespace hltwap::testing
