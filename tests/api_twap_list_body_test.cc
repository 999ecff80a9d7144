// The page of GET /api/v1/twaps written in pieces (src/api/twap_list_body.h) against the page as
// the handler wrote it in one buffer before, on real statement results: the same bytes for every
// query and every piece size; over HTTP, a page of kMaxLimit TWAPs with their rows and large raw
// payloads goes out chunked, and the server's peak memory grows by about the statement's result,
// not by the result and the page.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "api/cursor.h"
#include "api/queries.h"
#include "api/twap_json.h"
#include "api/twap_list_body.h"
#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

using api::TwapsQuery;

constexpr const char* kBulk = "0x00000000000000000000000000000000000000b0";
// More than a page of the largest limit, so that a second page follows it.
constexpr int kBulkTwaps = api::kMaxLimit + 7;
constexpr int kRawBytes = 2000;

// The page exactly as HandleListTwaps wrote it in one buffer before pages were streamed: the
// oracle the encoder is held to.
std::string BufferedPage(const TwapsQuery& q, const PgResult& r) {
  api::JsonWriter w;
  w.BeginObject();
  w.Key("wallet").String(q.wallet);
  w.Key("start").String(FormatTimestampUtc(q.start_micros));
  w.Key("end").String(FormatTimestampUtc(q.end_micros));
  w.Key("twaps").BeginArray();
  auto cursor_at = [&](int row) {
    return api::EncodeCursor(api::TwapCursor{api::IntColumn(r, row, api::kColTsMicros),
                                             std::string(r.Get(row, api::kColTwapId))});
  };
  std::optional<std::string> next;
  if (q.latest_per_twap) {
    const int count = std::min(r.rows(), q.limit);
    for (int row = 0; row < count; ++row) {
      w.BeginObject();
      api::WriteTwapMembers(w, r, row);
      w.EndObject();
    }
    if (r.rows() > q.limit) next = cursor_at(count - 1);
  } else {
    std::vector<std::pair<int, int>> groups;
    for (int row = 0; row < r.rows(); ++row) {
      if (groups.empty() ||
          r.Get(row, api::kColTwapId) != r.Get(groups.back().first, api::kColTwapId)) {
        groups.emplace_back(row, row + 1);
      } else {
        groups.back().second = row + 1;
      }
    }
    const size_t count = std::min(groups.size(), static_cast<size_t>(q.limit));
    for (size_t g = 0; g < count; ++g) {
      const auto [begin, end_row] = groups[g];
      w.BeginObject();
      api::WriteTwapMembers(w, r, end_row - 1);
      w.Key("rows").BeginArray();
      for (int row = begin; row < end_row; ++row) api::WriteTwapRow(w, r, row);
      w.EndArray();
      w.EndObject();
    }
    if (groups.size() > count) next = cursor_at(groups[count - 1].second - 1);
  }
  w.EndArray();
  w.Key("next_cursor").OptionalString(next);
  w.EndObject();
  return w.Take();
}

std::string Streamed(const TwapsQuery& q, PgResult result, size_t piece_bytes) {
  api::TwapListBody body(q, std::move(result), piece_bytes);
  std::string all, piece;
  for (;;) {
    auto more = body.NextPiece(piece);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    EXPECT_FALSE(piece.empty());
    all += piece;
  }
  return all;
}

class TwapListBodyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    LoadSampleRows(*db_);
    // Two rows per TWAP (a third for every tenth), raw payloads of kRawBytes, BTC or ETH.
    auto conn = db_->Connect();
    const auto st = conn.Exec(fmt::format(R"sql(
      INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed,
                               notional_executed, status, duration_minutes, s3_object_key,
                               raw_payload, created_at)
      SELECT (900000 + i)::text, '{0}',
             '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute' + k * interval '7 second',
             CASE WHEN i % 3 = 0 THEN 'ETH' ELSE 'BTC' END, 'B', 1.5, k * 0.5, k * 100.25,
             (ARRAY['activated', 'running', 'finished'])[k + 1], 30, 'k',
             jsonb_build_object('i', i, 'k', k, 'pad', repeat(md5(i::text), {2} / 32)),
             '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute'
      FROM generate_series(1, {1}) AS i, generate_series(0, 2) AS k
      WHERE k < 2 OR i % 10 = 0
    )sql",
                                          kBulk, kBulkTwaps, kRawBytes));
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_TRUE(conn.Exec("ANALYZE twap_status").ok());
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  // The statement the handler runs for `q`, with the same parameters.
  static PgResult Run(PgConnection& conn, const TwapsQuery& q) {
    const std::string start = FormatTimestampUtc(q.start_micros);
    const std::string end = FormatTimestampUtc(q.end_micros);
    const std::string after = q.cursor ? FormatTimestampUtc(q.cursor->latest_ts_micros) : "";
    const std::string limit = std::to_string(q.limit + 1);
    auto result = conn.Query(
        std::string(q.latest_per_twap ? api::sql::kTwapsLatest : api::sql::kTwapsWithRows),
        {q.wallet, start, end, q.asset ? PgParam(*q.asset) : std::nullopt,
         q.cursor ? PgParam(after) : std::nullopt,
         q.cursor ? PgParam(q.cursor->twap_id) : std::nullopt, limit});
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? std::move(*result) : PgResult();
  }

  static TestDatabase* db_;
};
TestDatabase* TwapListBodyTest::db_ = nullptr;

TEST_F(TwapListBodyTest, SameBytesForEveryQueryAndPieceSize) {
  auto conn = db_->Connect();
  const int64_t y2025 = ParseTimestampUtc("2025-01-01T00:00:00Z").value();
  const int64_t y2026 = ParseTimestampUtc("2026-01-01T00:00:00Z").value();
  const int64_t june2 = ParseTimestampUtc("2025-06-02T00:00:00Z").value();
  std::vector<TwapsQuery> queries;
  for (const char* wallet :
       {kAlice, kBob, kCarol, kBulk, "0x0000000000000000000000000000000000000000"}) {
    for (const bool latest : {true, false}) {
      for (const int limit : {1, 2, 7, 500, api::kMaxLimit}) {
        for (const auto& asset :
             {std::optional<std::string>(), std::optional<std::string>("ETH")}) {
          for (const int64_t end : {june2, y2026}) {
            queries.push_back(TwapsQuery{wallet, y2025, end, asset, latest, limit, std::nullopt});
          }
        }
      }
    }
  }
  int pages = 0, streamed_pages = 0;
  for (TwapsQuery q : queries) {
    // Each query's first pages, by cursor.
    for (int page = 0; page < 3; ++page, ++pages) {
      const PgResult r = Run(conn, q);
      const std::string expected = BufferedPage(q, r);
      for (const size_t piece : {size_t{1}, size_t{4096}, api::kTwapListPieceBytes,
                                 std::numeric_limits<size_t>::max()}) {
        ASSERT_EQ(Streamed(q, Run(conn, q), piece), expected)
            << q.wallet << " latest=" << q.latest_per_twap << " limit=" << q.limit
            << " piece=" << piece;
      }
      api::TwapListBody whole(q, Run(conn, q));
      const auto one_piece = whole.TakeIfOnePiece();
      if (one_piece) {
        EXPECT_EQ(*one_piece, expected);
        EXPECT_LE(expected.size(), api::kTwapListPieceBytes + kRawBytes * 8);
      } else {
        ++streamed_pages;
        EXPECT_GT(expected.size(), api::kTwapListPieceBytes);
        EXPECT_EQ(Streamed(q, Run(conn, q), api::kTwapListPieceBytes), expected);
      }
      const auto body = ParseJson(expected);
      if (body.at("next_cursor").is_null()) break;
      q.cursor = api::DecodeCursor(std::string(body.at("next_cursor").as_string())).value();
    }
  }
  EXPECT_GT(pages, 80);
  EXPECT_GT(streamed_pages, 20);
}

long VmHwmKib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST_F(TwapListBodyTest, LargestPageWithRowsIsChunkedAndNotCopied) {
  ApiServer server(db_->url());
  const std::string target = fmt::format(
      "/api/v1/twaps?wallet={}&start=2025-01-01T00:00:00Z&end=2026-01-01T00:00:00Z"
      "&latest_per_twap=false&limit={}",
      kBulk, api::kMaxLimit);
  // A small page first, so that connections and statements exist before the peak is read.
  ASSERT_EQ(HttpGet(server.port(), fmt::format("/api/v1/twaps?wallet={}&start=2025-01-01T00:00:00Z"
                                               "&end=2026-01-01T00:00:00Z&latest_per_twap=false",
                                               kAlice))
                .status,
            200);
  const long before = VmHwmKib(server.process().pid());
  const auto response = HttpGet(server.port(), target);
  const long after = VmHwmKib(server.process().pid());
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(response.Header("content-length"), "");

  auto conn = db_->Connect();
  TwapsQuery q{kBulk,
               ParseTimestampUtc("2025-01-01T00:00:00Z").value(),
               ParseTimestampUtc("2026-01-01T00:00:00Z").value(),
               std::nullopt,
               false,
               api::kMaxLimit,
               std::nullopt};
  const PgResult r = Run(conn, q);
  size_t result_bytes = 0;
  for (int row = 0; row < r.rows(); ++row) {
    for (int col = 0; col < r.columns(); ++col) result_bytes += r.Get(row, col).size();
  }
  const std::string expected = BufferedPage(q, r);
  ASSERT_EQ(response.body, expected);
  EXPECT_EQ(ParseJson(response.body).at("twaps").as_array().size(), size_t{api::kMaxLimit});
  // Written into one buffer, the whole page and the result are held at once (and the buffer's
  // growth on top, about 5x the result in all with the sanitizers); streamed, the peak grows by
  // the result and the allocator's overhead on it (about 2x with the sanitizers).
  const long grown_kib = after - before;
  EXPECT_LT(grown_kib, static_cast<long>((result_bytes + expected.size()) / 1024))
      << "result " << result_bytes / 1024 << " KiB, page " << expected.size() / 1024 << " KiB";
}

}  // namespace
}  // namespace hltwap::testing
