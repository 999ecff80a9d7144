// The list endpoint's statements over twap_span give, page for page, the answers of the
// statements they replace (frozen in tests/sql/*_reference.sql): random wallets of TWAPs with
// one to five rows, ties in ts across TWAPs, TWAPs cut by a window's ends or straddling it with
// no row inside, mixed and NULL assets, paged by cursor through many windows, assets and limits.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "api/sql.h"
#include "common/time_util.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {
namespace {

constexpr int kWallets = 4;
constexpr int64_t kMinute = 60'000'000;
// 2025-03-01T00:00:00Z; rows fall on a ten-minute grid over three weeks, so ts ties are common.
constexpr int64_t kBase = 1'740'787'200'000'000;
constexpr int kGridSteps = 3 * 7 * 24 * 6;

std::string Wallet(int w) {
  return fmt::format("0x{:040x}", 0xabc0 + w);
}
std::string Ts(int step) {
  return FormatTimestampUtc(kBase + step * 10 * kMinute);
}

std::string ReadSource(const std::string& path) {
  std::ifstream in(SourceDir() + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << path;
  return text.str();
}

// Every row of a result as text, NULL spelled out, for row-for-row comparison.
std::vector<std::vector<std::string>> Cells(const PgResult& result) {
  std::vector<std::vector<std::string>> rows(result.rows());
  for (int r = 0; r < result.rows(); ++r) {
    for (int c = 0; c < result.columns(); ++c) {
      rows[r].push_back(result.IsNull(r, c) ? "<NULL>" : std::string(result.Get(r, c)));
    }
  }
  return rows;
}

class ApiTwapsReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    auto conn = db_->Connect();
    std::mt19937 rng(20251101);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const std::vector<PgParam> assets = {"BTC", "ETH", std::nullopt};
    int next_id = 7;
    for (int w = 0; w < kWallets; ++w) {
      for (int t = 0; t < 60; ++t) {
        // Ids of different lengths, so byte order differs from numeric order.
        const std::string id = std::to_string(next_id += pick(1, 40) * (t % 3 == 0 ? 97 : 1));
        const bool mixed = pick(0, 9) == 0;
        const PgParam asset = assets[pick(0, 2)];
        // Most TWAPs span minutes to hours; some span days, past the 10,080-minute bound.
        const int gap = pick(0, 9) == 0 ? 6 * 24 * 5 : pick(1, 6);
        std::set<int> steps;
        const int first = pick(0, kGridSteps - 1);
        for (int n = pick(1, 5); n > 0; --n)
          steps.insert(std::min(kGridSteps, first + pick(0, 4) * gap));
        int k = 0;
        for (int step : steps) {
          const PgParam row_asset = mixed ? assets[(k++ + pick(0, 1)) % 3] : asset;
          const auto st = conn.Query(
              "INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, "
              "size_executed, notional_executed, status, duration_minutes, s3_object_key, "
              "raw_payload) VALUES ($1, $2, $3, $4, 'B', 1, $5, 10, $6, 30, 'k', "
              "jsonb_build_object('id', $1::text))",
              {id, Wallet(w), Ts(step), row_asset, std::to_string(step),
               step == *steps.rbegin() ? "finished" : "activated"});
          ASSERT_TRUE(st.ok()) << st.status().message();
        }
      }
      // One TWAP mixing BTC and NULL, one with rows a week before and after a window
      // ([1000, 1100]) and none inside.
      for (const auto& [id, step, asset] :
           std::vector<std::tuple<std::string, int, PgParam>>{{"5", 1010, "BTC"},
                                                              {"5", 1020, std::nullopt},
                                                              {"5", 1050, "BTC"},
                                                              {"6", 1000 - 6 * 24 * 7, "ETH"},
                                                              {"6", 1100 + 6 * 24 * 7, "ETH"}}) {
        const auto st = conn.Query(
            "INSERT INTO twap_status (twap_id, wallet, ts, asset, status, s3_object_key) "
            "VALUES ($1, $2, $3, $4, 'activated', 'k')",
            {id, Wallet(w), Ts(step), asset});
        ASSERT_TRUE(st.ok()) << st.status().message();
      }
    }
    ASSERT_TRUE(conn.Exec("ANALYZE twap_status; ANALYZE twap_span").ok());
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  // Pages through one window with both statements, as the handler does (limit + 1 asked, the
  // cursor taken from the page's last TWAP), and requires identical rows on every page.
  // Returns the number of TWAPs seen.
  static int PageThrough(PgConnection& conn, std::string_view sql, const std::string& reference,
                         bool rows_per_twap, const std::string& wallet, int start, int end,
                         const PgParam& asset, int limit) {
    PgParam after_ts, after_id;
    std::string after_ts_text, after_id_text;
    int seen = 0;
    for (int page = 0;; ++page) {
      const std::string trace = fmt::format(
          "{} wallet {} [{}, {}] asset {} limit {} page {}", rows_per_twap ? "rows" : "latest",
          wallet, Ts(start), Ts(end), asset ? std::string(*asset) : "NULL", limit, page);
      const std::string start_ts = Ts(start), end_ts = Ts(end), rows = std::to_string(limit + 1);
      const std::vector<PgParam> params = {wallet,   start_ts, end_ts, asset,
                                           after_ts, after_id, rows};
      auto got = conn.Query(std::string(sql), params);
      auto want = conn.Query(reference, params);
      EXPECT_TRUE(got.ok() && want.ok()) << trace;
      if (!got.ok() || !want.ok()) return seen;
      const auto got_cells = Cells(*got);
      EXPECT_EQ(got_cells, Cells(*want)) << trace;
      if (got_cells != Cells(*want)) return seen;
      // The page's TWAPs in order, each with its latest ts (its last row in the page).
      std::vector<std::pair<std::string, std::string>> twaps;
      for (const auto& row : got_cells) {
        if (twaps.empty() || twaps.back().first != row[0]) twaps.emplace_back(row[0], row[2]);
        twaps.back().second = row[2];
      }
      if (static_cast<int>(twaps.size()) <= limit) return seen + static_cast<int>(twaps.size());
      seen += limit;
      const auto& last = twaps[limit - 1];
      int64_t micros = 0;
      std::istringstream(last.second) >> micros;
      after_ts_text = FormatTimestampUtc(micros);
      after_id_text = last.first;
      after_ts = after_ts_text;
      after_id = after_id_text;
    }
  }

  static TestDatabase* db_;
};

TestDatabase* ApiTwapsReference::db_ = nullptr;

TEST_F(ApiTwapsReference, EveryPageMatchesTheReference) {
  auto conn = db_->Connect();
  const std::string latest_ref = ReadSource("tests/sql/twaps_latest_reference.sql");
  const std::string rows_ref = ReadSource("tests/sql/twaps_with_rows_reference.sql");
  std::mt19937 rng(7);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  // Fixed windows (the whole range, the straddled one, one instant) and random ones.
  std::vector<std::pair<int, int>> windows = {{0, kGridSteps}, {1000, 1100}, {1020, 1020}};
  for (int i = 0; i < 7; ++i) {
    const int a = pick(0, kGridSteps), b = pick(0, kGridSteps);
    windows.emplace_back(std::min(a, b), std::max(a, b));
  }
  const std::vector<PgParam> assets = {std::nullopt, "BTC", "ETH", "DOGE"};
  int twaps = 0;
  for (int w = 0; w < kWallets; ++w) {
    for (const auto& [start, end] : windows) {
      for (const auto& asset : assets) {
        for (int limit : {2, 7, 500}) {
          twaps += PageThrough(conn, api::sql::kTwapsLatest, latest_ref, false, Wallet(w), start,
                               end, asset, limit);
          twaps += PageThrough(conn, api::sql::kTwapsWithRows, rows_ref, true, Wallet(w), start,
                               end, asset, limit);
          if (HasFailure()) return;
        }
      }
    }
  }
  // The windows are not empty: the comparison compared something.
  EXPECT_GT(twaps, 2000);
}

}  // namespace
}  // namespace hltwap::testing
