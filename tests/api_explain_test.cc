// The API's statements use the spec's indexes on tables large enough for the planner to care
// (200k status rows and 200k fills, analysed), both as custom plans and as the generic plans
// prepared statements may switch to.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "api/queries.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {
namespace {

std::string PlanText(const Result<PgResult>& result) {
  EXPECT_TRUE(result.ok()) << result.status().message();
  if (!result.ok()) return {};
  std::string plan;
  for (int r = 0; r < result->rows(); ++r) plan += std::string(result->Get(r, 0)) + "\n";
  return plan;
}

class ApiExplain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    auto conn = db_->Connect();
    // 2,000 wallets, 100,000 TWAPs of two rows each, ten seconds apart.
    const auto st = conn.Exec(R"sql(
      INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed,
                               notional_executed, status, duration_minutes, s3_object_key,
                               raw_payload, created_at)
      SELECT (i / 2)::text,
             '0x' || lpad(to_hex((i / 2) % 2000), 40, '0'),
             '2025-01-01T00:00:00Z'::timestamptz + i * interval '10 seconds',
             (ARRAY['BTC', 'ETH', 'SOL', 'HYPE'])[1 + (i / 2) % 4], 'B', 1.5, i % 2, 10.25,
             CASE WHEN i % 2 = 0 THEN 'activated' ELSE 'finished' END, 30, 'bench',
             jsonb_build_object('twap_id', i / 2, 'i', i),
             '2025-01-01T00:00:00Z'::timestamptz + (i / 2) * interval '20 seconds'
      FROM generate_series(0, 199999) AS i;
      INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, rows_ingested)
      SELECT 'raw/' || i || '.parquet', now(), 100 FROM generate_series(1, 20000) AS i;
      -- Two fills for each TWAP, in its wallet.
      INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token,
                             closed_pnl, s3_object_key, raw_payload)
      SELECT (i / 2)::text, '0x' || lpad(to_hex((i / 2) % 2000), 40, '0'), 1000000000 + i,
             '2025-01-01T00:00:05Z'::timestamptz + i * interval '10 seconds', 'BTC', 'B',
             100000.5 + i % 7, 0.00125, 0.045, (ARRAY['USDC', 'HYPE'])[1 + i % 2], 0, 'fills',
             jsonb_build_object('tid', 1000000000 + i)
      FROM generate_series(0, 199999) AS i;
      -- One heavy wallet: 50,000 TWAPs of two rows over 2025, some spanning days.
      INSERT INTO twap_status (twap_id, wallet, ts, asset, status, s3_object_key)
      SELECT (1000000 + i / 2)::text, '0x00000000000000000000000000000000000000ee',
             '2025-01-01T00:00:00Z'::timestamptz + (i / 2) * interval '10 minutes'
               + (i % 2) * (1 + ((i / 2) % 7) * ((i / 2) % 7)) * interval '1 hour',
             (ARRAY['BTC', 'ETH', 'SOL', 'HYPE'])[1 + (i / 2) % 4],
             CASE WHEN i % 2 = 0 THEN 'activated' ELSE 'finished' END, 'bench'
      FROM generate_series(0, 99999) AS i;
      ANALYZE twap_status;
      ANALYZE twap_span;
      ANALYZE twap_fill;
      ANALYZE twap_fill_total;
      ANALYZE etl_s3_ingest_log;
    )sql");
    ASSERT_TRUE(st.ok()) << st.message();
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  struct Statement {
    std::string_view name;
    std::string_view sql;
    std::vector<PgParam> params;
    std::string_view index;  // the index the plan must use on twap_status or twap_span
    // How fills are read: the fills page walks twap_fill's (twap_id, time, tid) index in order;
    // a summary reads one TWAP's (and wallet's) twap_fill_total rows by primary key.
    enum class Fills { kPage, kSummary } fills;
  };

  static std::vector<Statement> Statements() {
    const char* wallet = "0x00000000000000000000000000000000000004d2";
    return {
        {api::kTwapsLatestName,
         api::sql::kTwapsLatest,
         {wallet, "2025-01-05T00:00:00Z", "2025-01-20T00:00:00Z", std::nullopt, std::nullopt,
          std::nullopt, "501"},
         "twap_span_wallet_last_idx",
         Statement::Fills::kSummary},
        {api::kTwapsLatestName,
         api::sql::kTwapsLatest,
         {wallet, "2025-01-05T00:00:00Z", "2025-01-20T00:00:00Z", "SOL", "2025-01-10T00:00:00Z",
          "12345", "501"},
         "twap_span_wallet_asset_last_idx",
         Statement::Fills::kSummary},
        {api::kTwapsWithRowsName,
         api::sql::kTwapsWithRows,
         {wallet, "2025-01-05T00:00:00Z", "2025-01-20T00:00:00Z", std::nullopt, std::nullopt,
          std::nullopt, "501"},
         "twap_span_wallet_last_idx",
         Statement::Fills::kSummary},
        {api::kTwapsWithRowsName,
         api::sql::kTwapsWithRows,
         {wallet, "2025-01-05T00:00:00Z", "2025-01-20T00:00:00Z", "BTC", "2025-01-10T00:00:00Z",
          "12345", "6"},
         "twap_span_wallet_asset_last_idx",
         Statement::Fills::kSummary},
        {api::kTwapRowsName,
         api::sql::kTwapRows,
         {"4242"},
         "twap_status_twap_id_idx",
         Statement::Fills::kSummary},
        {api::kTwapFillsName,
         api::sql::kTwapFills,
         {"4242", std::nullopt, std::nullopt, std::nullopt, "1001"},
         "twap_status_twap_id_idx",
         Statement::Fills::kPage},
        {api::kTwapFillsName,
         api::sql::kTwapFills,
         {"4242", "2025-01-01T23:34:05Z", "1000008484", wallet, "1001"},
         "twap_status_twap_id_idx",
         Statement::Fills::kPage},
    };
  }

  static void ExpectIndexPlan(const Statement& s, const std::string& plan) {
    EXPECT_NE(plan.find(s.index), std::string::npos) << s.name << "\n" << plan;
    const std::string fills_index =
        s.fills == Statement::Fills::kPage ? "twap_fill_twap_time_idx" : "twap_fill_total_pkey";
    EXPECT_NE(plan.find(fills_index), std::string::npos) << s.name << "\n" << plan;
    EXPECT_EQ(plan.find("Seq Scan on twap_status"), std::string::npos) << s.name << "\n" << plan;
    // Also twap_fill_total.
    EXPECT_EQ(plan.find("Seq Scan on twap_fill"), std::string::npos) << s.name << "\n" << plan;
    EXPECT_EQ(plan.find("Seq Scan on twap_span"), std::string::npos) << s.name << "\n" << plan;
    // hltwap_api_row and hltwap_fills_summary are inlined: computed in the plan, not by a call.
    EXPECT_EQ(plan.find("Function Scan on hltwap_"), std::string::npos) << s.name << "\n" << plan;
  }

  static TestDatabase* db_;
};

TestDatabase* ApiExplain::db_ = nullptr;

TEST_F(ApiExplain, CustomPlansUseTheIndexes) {
  auto conn = db_->Connect();
  for (const auto& s : Statements()) {
    const std::string plan = PlanText(conn.Query("EXPLAIN " + std::string(s.sql), s.params));
    ExpectIndexPlan(s, plan);
  }
}

TEST_F(ApiExplain, GenericPlansUseTheIndexes) {
  auto conn = db_->Connect();
  ASSERT_TRUE(conn.Exec("SET plan_cache_mode = force_generic_plan").ok());
  for (const auto& s : Statements()) {
    ASSERT_TRUE(conn.Exec("DEALLOCATE ALL").ok());
    const auto prepared = conn.Exec("PREPARE statement AS " + std::string(s.sql));
    ASSERT_TRUE(prepared.ok()) << prepared.message();
    // EXECUTE takes no bind parameters: the values go in as escaped literals.
    std::string arguments;
    for (const auto& param : s.params) {
      if (!arguments.empty()) arguments += ", ";
      if (!param) {
        arguments += "NULL";
        continue;
      }
      char* literal = PQescapeLiteral(conn.get(), param->data(), param->size());
      arguments += literal;
      PQfreemem(literal);
    }
    const std::string plan = PlanText(conn.Query("EXPLAIN EXECUTE statement(" + arguments + ")"));
    ExpectIndexPlan(s, plan);
  }
}

// Rows and index entries a plan read from the tables matching TABLES, a regex (EXPLAIN ANALYZE
// text): every scan node's rows times its loops, plus what its filters removed.
int64_t RowsRead(const std::string& plan, const std::string& tables = "twap_(status|span)") {
  const std::regex scan(R"((Scan|Scan Backward) (on|using) )" + tables +
                        R"(.*actual time=\S+ rows=(\d+) loops=(\d+))");
  static const std::regex removed(R"(Rows Removed by (Filter|Index Recheck): (\d+))");
  int64_t read = 0;
  int64_t loops = 0;  // of the scan node being read, 0 outside one
  std::istringstream lines(plan);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, scan)) {
      loops = std::stoll(m[m.size() - 1]);
      read += std::stoll(m[m.size() - 2]) * loops;
    } else if (line.find("->") != std::string::npos) {
      loops = 0;
    } else if (std::regex_search(line, m, removed)) {
      read += std::stoll(m[2]) * loops;
    }
  }
  return read;
}

// A page reads O(limit) rows however large the window: paging the heavy wallet's whole year
// (100,000 rows) reads a few hundred per page of 101, where the statements it replaced read
// the window.
TEST_F(ApiExplain, TwapPagesReadOrderLimitRows) {
  auto conn = db_->Connect();
  const char* heavy = "0x00000000000000000000000000000000000000ee";
  const std::vector<std::vector<PgParam>> pages = {
      {heavy, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", std::nullopt, std::nullopt,
       std::nullopt, "101"},
      {heavy, "2025-01-01T00:00:00Z", "2025-07-01T12:05:00Z", std::nullopt, "2025-05-01T00:00:00Z",
       "1017280", "101"},
      {heavy, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "SOL", "2025-05-01T00:00:00Z",
       "1017280", "101"},
  };
  constexpr int64_t kMaxRead = 700;
  for (const auto& sql : {api::sql::kTwapsLatest, api::sql::kTwapsWithRows}) {
    for (const auto& params : pages) {
      const std::string plan =
          PlanText(conn.Query("EXPLAIN (ANALYZE, BUFFERS) " + std::string(sql), params));
      const int64_t read = RowsRead(plan);
      EXPECT_GT(read, 100) << plan;  // the plan was read: it found the page
      EXPECT_LE(read, kMaxRead) << plan;
    }
  }
  // The statements they replaced (frozen in tests/sql) read the whole window, and the measure
  // sees it.
  for (const char* reference :
       {"tests/sql/twaps_latest_reference.sql", "tests/sql/twaps_with_rows_reference.sql"}) {
    std::ifstream in(SourceDir() + "/" + reference);
    std::stringstream sql;
    sql << in.rdbuf();
    const std::string plan =
        PlanText(conn.Query("EXPLAIN (ANALYZE, BUFFERS) " + sql.str(), pages.front()));
    EXPECT_GT(RowsRead(plan), 90000) << reference << "\n" << plan;
  }
}

// A TWAP whose latest row in the window is its last comes from its span's last_row: a page of
// such TWAPs reads twap_span alone, and the TWAPs that the window end cuts cost a few rows of
// twap_status each, in a generic plan too.
TEST_F(ApiExplain, SpansEndingInTheWindowNeedNoStatusRow) {
  auto conn = db_->Connect();
  const char* heavy = "0x00000000000000000000000000000000000000ee";
  const std::vector<PgParam> whole_year = {
      heavy,        "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
      std::nullopt, std::nullopt,           std::nullopt,
      "101"};
  const std::string sql(api::sql::kTwapsLatest);
  std::string plan = PlanText(conn.Query("EXPLAIN (ANALYZE, BUFFERS) " + sql, whole_year));
  EXPECT_GT(RowsRead(plan, "twap_span"), 100) << plan;
  EXPECT_EQ(RowsRead(plan, "twap_status"), 0) << plan;
  // A window end inside the longest TWAPs' histories: their latest row in the window is their
  // first, a day and more before the end.
  const std::string wallet_is = "wallet = '" + std::string(heavy) + "'";
  const std::string cut_end = db_->Scalar(
      "SELECT first_ts + interval '36 hours' FROM twap_span WHERE " + wallet_is +
      " AND first_ts > '2025-06-01' ORDER BY last_ts - first_ts DESC, first_ts LIMIT 1");
  ASSERT_FALSE(cut_end.empty());
  const int64_t cut =
      std::stoll(db_->Scalar("SELECT count(*) FROM twap_span WHERE " + wallet_is +
                             " AND first_ts <= '" + cut_end + "' AND last_ts > '" + cut_end + "'"));
  ASSERT_GE(cut, 10);
  ASSERT_TRUE(conn.Exec("SET plan_cache_mode = force_generic_plan").ok());
  std::vector<PgParam> cut_page = whole_year;
  cut_page[2] = cut_end;
  plan = PlanText(conn.Query("EXPLAIN (ANALYZE, BUFFERS) " + sql, cut_page));
  const int64_t status_read = RowsRead(plan, "twap_status");
  EXPECT_GE(status_read, cut) << plan;
  EXPECT_LE(status_read, 3 * cut) << plan;
  ASSERT_TRUE(conn.Exec("RESET plan_cache_mode").ok());
}

TEST_F(ApiExplain, ExportCursorsReadOneWalletsIndexRange) {
  auto conn = db_->Connect();
  const char* wallet = "0x00000000000000000000000000000000000004d2";
  const std::vector<PgParam> base = {wallet, "2025-01-01T00:00:00Z", "2025-12-31T00:00:00Z",
                                     std::nullopt};
  std::vector<PgParam> with_market = base;
  with_market.push_back(std::nullopt);
  struct Export {
    std::string_view sql;
    const std::vector<PgParam>& params;
    std::string_view index;
  };
  const std::vector<Export> exports = {
      {api::sql::kExportFillsCsv, with_market, "twap_fill_wallet_time_idx"},
      {api::sql::kExportKoinly, with_market, "twap_fill_wallet_time_idx"},
      {api::sql::kExportAwakenPerp, base, "twap_fill_wallet_time_idx"},
      {api::sql::kExportAwakenSpot, base, "twap_fill_wallet_time_idx"},
      {api::sql::kExportMarkets, base, "twap_fill_wallet_time_idx"},
      {api::sql::kExportTwapsCsv, with_market, "twap_status_wallet_ts_idx"},
  };
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  for (const auto& e : exports) {
    const std::string plan = PlanText(conn.Query("EXPLAIN " + std::string(e.sql), e.params));
    EXPECT_NE(plan.find(e.index), std::string::npos) << e.sql << "\n" << plan;
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << e.sql << "\n" << plan;
  }
  ASSERT_TRUE(conn.Exec("ROLLBACK").ok());
}

TEST_F(ApiExplain, HealthQueryReadsOneIndexEntryOfTheIngestLog) {
  auto conn = db_->Connect();
  const std::string plan = PlanText(conn.Query("EXPLAIN " + std::string(api::sql::kLastIngested)));
  EXPECT_EQ(plan.find("twap_status"), std::string::npos) << plan;
  EXPECT_NE(plan.find("etl_s3_ingest_log_done_idx"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
}

}  // namespace
}  // namespace hltwap::testing
