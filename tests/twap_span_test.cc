// twap_span stays exact as twap_status changes: concurrent writers of one TWAP, DELETE, UPDATE
// and the ETL's merge; `hltwap db check` finds a corrupted span and --repair fixes it.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "etl/sql.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {
namespace {

constexpr const char* kWallet = "0x00000000000000000000000000000000000000aa";

void Insert(PgConnection& conn, const std::string& twap_id, const std::string& ts,
            const PgParam& asset) {
  const auto st = conn.Query(
      "INSERT INTO twap_status (twap_id, wallet, ts, asset, status, s3_object_key) "
      "VALUES ($1, $2, $3, $4, 'activated', 'k')",
      {twap_id, kWallet, ts, asset});
  ASSERT_TRUE(st.ok()) << st.status().message();
}

// first_ts|last_ts|asset|mixed of a span, "" when there is none.
std::string Span(const TestDatabase& db, const std::string& twap_id) {
  return db.Scalar(
      "SELECT concat_ws('|', first_ts AT TIME ZONE 'UTC', last_ts AT TIME ZONE 'UTC', "
      "COALESCE(asset, 'NULL'), asset_mixed) FROM twap_span WHERE twap_id = '" +
      twap_id + "'");
}

std::string Differences(const TestDatabase& db) {
  return db.Scalar("SELECT count(*) FROM hltwap_twap_span_differences()");
}

// Runs `statement` on a second connection while `holder` keeps its transaction open, waits
// until the statement is blocked on a lock, commits `holder`, and lets the statement finish.
void WhileBlocked(const TestDatabase& db, PgConnection& holder, const std::string& statement) {
  auto other = db.Connect();
  const std::string pid = std::string(other.Query("SELECT pg_backend_pid()")->Get(0, 0));
  Status result;
  std::thread writer([&] { result = other.Exec(statement); });
  auto watcher = db.Connect();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto waiting = watcher.Query(
        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", {pid});
    if (waiting.ok() && waiting->rows() == 1 && waiting->Get(0, 0) == "t") break;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the second writer never waited for the first";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(holder.Exec("COMMIT").ok());
  writer.join();
  EXPECT_TRUE(result.ok()) << result.message();
}

std::string InsertSql(const std::string& twap_id, const std::string& ts, const char* asset) {
  return "INSERT INTO twap_status (twap_id, wallet, ts, asset, status, s3_object_key) VALUES ('" +
         twap_id + "', '" + kWallet + "', '" + ts + "', " + asset + ", 'activated', 'k')";
}

TEST(TwapSpan, ConcurrentWritersOfOneTwapBothCount) {
  TestDatabase db;
  auto first = db.Connect();
  // A new TWAP: the second writer waits for the first's span row, then merges into it.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  Insert(first, "1", "2025-03-02T00:00:00Z", "BTC");
  WhileBlocked(db, first, InsertSql("1", "2025-03-01T00:00:00Z", "'ETH'"));
  EXPECT_EQ(Span(db, "1"), "2025-03-01 00:00:00|2025-03-02 00:00:00|BTC|t");
  // An existing TWAP, extended at both ends by two transactions.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  Insert(first, "1", "2025-03-03T00:00:00Z", "BTC");
  WhileBlocked(db, first, InsertSql("1", "2025-02-28T00:00:00Z", "'BTC'"));
  EXPECT_EQ(Span(db, "1"), "2025-02-28 00:00:00|2025-03-03 00:00:00|BTC|t");
  // A DELETE's recomputation and a concurrent insert: the insert merges into the recomputed span.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  ASSERT_TRUE(first.Exec("DELETE FROM twap_status WHERE twap_id = '1' AND asset = 'ETH'").ok());
  WhileBlocked(db, first, InsertSql("1", "2025-03-05T00:00:00Z", "'BTC'"));
  EXPECT_EQ(Span(db, "1"), "2025-02-28 00:00:00|2025-03-05 00:00:00|BTC|f");
  // An UPDATE that moves rows to a new TWAP holds its new span while a writer adds to it.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  ASSERT_TRUE(first.Exec("UPDATE twap_status SET twap_id = '9' WHERE twap_id = '1'").ok());
  WhileBlocked(db, first, InsertSql("9", "2025-03-09T00:00:00Z", "NULL"));
  EXPECT_EQ(Span(db, "1"), "");
  EXPECT_EQ(Span(db, "9"), "2025-02-28 00:00:00|2025-03-09 00:00:00|BTC|t");
  EXPECT_EQ(Differences(db), "0");
}

TEST(TwapSpan, DeleteUpdateAndMergeKeepSpansExact) {
  TestDatabase db;
  auto conn = db.Connect();
  for (const char* ts : {"2025-03-01T00:00:00Z", "2025-03-02T00:00:00Z", "2025-03-03T00:00:00Z"}) {
    Insert(conn, "1", ts, "BTC");
    Insert(conn, "2", ts, std::nullopt);
    Insert(conn, "3", ts, "ETH");
  }
  EXPECT_EQ(Span(db, "2"), "2025-03-01 00:00:00|2025-03-03 00:00:00|NULL|f");
  // DELETE of the last row shrinks the span; of every row removes it.
  ASSERT_TRUE(conn.Exec("DELETE FROM twap_status WHERE twap_id = '1' AND ts = '2025-03-03Z'").ok());
  EXPECT_EQ(Span(db, "1"), "2025-03-01 00:00:00|2025-03-02 00:00:00|BTC|f");
  ASSERT_TRUE(conn.Exec("DELETE FROM twap_status WHERE twap_id = '3'").ok());
  EXPECT_EQ(Span(db, "3"), "");
  // UPDATE of ts, of the asset (a NULL among values is mixed), and of the key.
  ASSERT_TRUE(
      conn.Exec("UPDATE twap_status SET ts = ts + interval '1 hour' WHERE twap_id = '1'").ok());
  EXPECT_EQ(Span(db, "1"), "2025-03-01 01:00:00|2025-03-02 01:00:00|BTC|f");
  ASSERT_TRUE(
      conn.Exec("UPDATE twap_status SET asset = 'SOL' WHERE twap_id = '2' AND ts = '2025-03-01Z'")
          .ok());
  EXPECT_EQ(Span(db, "2"), "2025-03-01 00:00:00|2025-03-03 00:00:00|SOL|t");
  ASSERT_TRUE(conn.Exec("UPDATE twap_status SET twap_id = '4' WHERE twap_id = '1'").ok());
  EXPECT_EQ(Span(db, "1"), "");
  EXPECT_EQ(Span(db, "4"), "2025-03-01 01:00:00|2025-03-02 01:00:00|BTC|f");
  // The ETL's merge: staged rows replace stored ones (here with another asset) and add new ones.
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  ASSERT_TRUE(conn.Exec(etl::sql::kCreateStaging).ok());
  ASSERT_TRUE(conn.Exec(std::string(R"sql(
    INSERT INTO twap_staging (ord, twap_id, wallet, ts, asset, status, size_executed)
    VALUES (1, '4', ')sql") +
                        kWallet + R"sql(', '2025-03-02 01:00Z', 'ETH', 'finished', 1),
           (2, '5', ')sql" +
                        kWallet + R"sql(', '2025-03-04Z', 'ETH', 'activated', 0),
           (3, '5', ')sql" +
                        kWallet + R"sql(', '2025-03-06Z', 'ETH', 'finished', 1))sql")
                  .ok());
  const auto merged = conn.Query(std::string(etl::sql::kMergeStaging), {"merge.parquet"});
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
  EXPECT_EQ(Span(db, "4"), "2025-03-01 01:00:00|2025-03-02 01:00:00|BTC|t");
  EXPECT_EQ(Span(db, "5"), "2025-03-04 00:00:00|2025-03-06 00:00:00|ETH|f");
  EXPECT_EQ(Differences(db), "0");
}

ProcessResult DbCheck(const TestDatabase& db, const std::vector<std::string>& flags = {}) {
  std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env", "db",
                                   "check"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return RunProcess(argv, {{"DATABASE_URL", db.url()}});
}

TEST(TwapSpan, DbCheckFindsAndRepairsCorruptSpans) {
  TestDatabase db;
  auto conn = db.Connect();
  Insert(conn, "1", "2025-03-01T00:00:00Z", "BTC");
  Insert(conn, "1", "2025-03-02T00:00:00Z", "BTC");
  Insert(conn, "2", "2025-03-01T00:00:00Z", "ETH");
  auto clean = DbCheck(db);
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("0 span(s) differ"), std::string::npos) << clean.out;

  ASSERT_TRUE(conn.Exec("UPDATE twap_span SET last_ts = last_ts + interval '1 hour' "
                        "WHERE twap_id = '1'; DELETE FROM twap_span WHERE twap_id = '2'")
                  .ok());
  auto corrupt = DbCheck(db);
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.err;
  EXPECT_NE(corrupt.out.find("2 span(s) differ"), std::string::npos) << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 1 wallet " + std::string(kWallet) +
                             ": stored 2025-03-01 00:00:00 2025-03-02 01:00:00 BTC, expected "
                             "2025-03-01 00:00:00 2025-03-02 00:00:00 BTC"),
            std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 2 wallet " + std::string(kWallet) + ": stored (none)"),
            std::string::npos)
      << corrupt.out;

  auto repaired = DbCheck(db, {"--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(repaired.out.find("2 span(s) recomputed"), std::string::npos) << repaired.out;
  EXPECT_EQ(DbCheck(db).exit_code, 0);
  EXPECT_EQ(Span(db, "1"), "2025-03-01 00:00:00|2025-03-02 00:00:00|BTC|f");
  EXPECT_EQ(Span(db, "2"), "2025-03-01 00:00:00|2025-03-01 00:00:00|ETH|f");
}

}  // namespace
}  // namespace hltwap::testing
