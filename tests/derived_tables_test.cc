// The derived tables stay exact as their sources change. twap_span (bounds and last row) under
// twap_status: concurrent writers of one TWAP, DELETE, UPDATE and the ETL's merge. twap_fill_total
// under twap_fill: the fills summary it feeds equals 0007's summary over every fill on random fills
// (scales, signs, NULL fees, tokens and PnL, several wallets) through inserts, deletes,
// updates and the ETL's fill merge, and concurrent writers both count. `hltwap db check` finds
// corrupted rows of each and --repair fixes them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "db/sql.h"
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

// The status of a span's last row as twap_span holds it, "" when there is none.
std::string LastStatus(const TestDatabase& db, const std::string& twap_id) {
  return db.Scalar("SELECT (last_row).status FROM twap_span WHERE twap_id = '" + twap_id + "'");
}

std::string Differences(const TestDatabase& db) {
  return db.Scalar("SELECT count(*) FROM hltwap_twap_span_differences()");
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
  // UPDATE of the last row's status alone: the span keeps its bounds and takes the new row.
  ASSERT_TRUE(conn.Exec("UPDATE twap_status SET status = 'terminated' "
                        "WHERE twap_id = '2' AND ts = '2025-03-03Z'")
                  .ok());
  EXPECT_EQ(LastStatus(db, "2"), "terminated");
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
  EXPECT_EQ(LastStatus(db, "4"), "finished");
  EXPECT_EQ(Span(db, "5"), "2025-03-04 00:00:00|2025-03-06 00:00:00|ETH|f");
  EXPECT_EQ(LastStatus(db, "5"), "finished");
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
  Insert(conn, "3", "2025-03-01T00:00:00Z", "ETH");
  auto clean = DbCheck(db);
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("twap_span: 0 key(s) differ"), std::string::npos) << clean.out;

  ASSERT_TRUE(conn.Exec("UPDATE twap_span SET last_ts = last_ts + interval '1 hour' "
                        "WHERE twap_id = '1'; DELETE FROM twap_span WHERE twap_id = '2'; "
                        "UPDATE twap_span SET last_row.status = 'finished' WHERE twap_id = '3'")
                  .ok());
  auto corrupt = DbCheck(db);
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.err;
  EXPECT_NE(corrupt.out.find("twap_span: 3 key(s) differ"), std::string::npos) << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 1 wallet " + std::string(kWallet) +
                             ": stored 2025-03-01 00:00:00 2025-03-02 01:00:00 BTC last "
                             "activated "),
            std::string::npos)
      << corrupt.out;
  EXPECT_NE(
      corrupt.out.find("expected 2025-03-01 00:00:00 2025-03-02 00:00:00 BTC last activated "),
      std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 3 wallet " + std::string(kWallet) +
                             ": stored 2025-03-01 00:00:00 2025-03-01 00:00:00 ETH last finished "),
            std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 2 wallet " + std::string(kWallet) + ": stored (none)"),
            std::string::npos)
      << corrupt.out;

  auto repaired = DbCheck(db, {"--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(repaired.out.find("twap_span: 3 key(s) recomputed"), std::string::npos) << repaired.out;
  EXPECT_EQ(DbCheck(db).exit_code, 0);
  EXPECT_EQ(LastStatus(db, "3"), "activated");
  EXPECT_EQ(Span(db, "1"), "2025-03-01 00:00:00|2025-03-02 00:00:00|BTC|f");
  EXPECT_EQ(Span(db, "2"), "2025-03-01 00:00:00|2025-03-01 00:00:00|ETH|f");
}

// --- twap_fill_total ---------------------------------------------------------------------------

constexpr const char* kOtherWallet = "0x00000000000000000000000000000000000000bb";

std::string FillSql(const std::string& twap_id, const std::string& wallet, int tid,
                    const std::string& time, const std::string& px, const std::string& sz,
                    const std::string& fee, const std::string& fee_token,
                    const std::string& closed_pnl) {
  return fmt::format(
      "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token, "
      "closed_pnl, s3_object_key) VALUES ('{}', '{}', {}, '{}', 'BTC', 'B', {}, {}, {}, {}, {}, "
      "'k')",
      twap_id, wallet, tid, time, px, sz, fee, fee_token, closed_pnl);
}

std::string FillTotalDifferences(const TestDatabase& db) {
  return db.Scalar("SELECT count(*) FROM hltwap_twap_fill_total_differences()");
}

// Every column of the summary of (twap_id, wallet) as text, from `function`.
std::string Summary(const TestDatabase& db, const std::string& function, const std::string& twap_id,
                    const std::string& wallet) {
  return db.Scalar(fmt::format("SELECT concat_ws('|', s.*, 'end') FROM {}('{}', {}) s", function,
                               twap_id, wallet == "NULL" ? "NULL" : "'" + wallet + "'"));
}

// 0007's summary, over every fill, as the reference: its body with another name.
void CreateReferenceSummary(PgConnection& conn) {
  std::string body(db::sql::kMigrations0007FillsSummary);
  for (size_t at = body.find("hltwap_fills_summary"); at != std::string::npos;
       at = body.find("hltwap_fills_summary", at)) {
    body.replace(at, std::string_view("hltwap_fills_summary").size(), "reference_fills_summary");
  }
  ASSERT_TRUE(conn.Exec(body).ok());
}

void ExpectSummariesMatch(const TestDatabase& db, int twaps) {
  for (int t = 0; t < twaps; ++t) {
    for (const std::string& wallet :
         {std::string(kWallet), std::string(kOtherWallet), std::string("NULL")}) {
      const std::string id = std::to_string(t);
      EXPECT_EQ(Summary(db, "hltwap_fills_summary", id, wallet),
                Summary(db, "reference_fills_summary", id, wallet))
          << "twap " << id << " wallet " << wallet;
    }
  }
  EXPECT_EQ(FillTotalDifferences(db), "0");
}

TEST(TwapFillTotal, SummaryEqualsTheSummaryOverEveryFill) {
  TestDatabase db;
  auto conn = db.Connect();
  CreateReferenceSummary(conn);
  std::mt19937 rng(7);
  const auto pick = [&](const std::vector<std::string>& values) {
    return values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng)];
  };
  constexpr int kTwaps = 12;
  int tid = 0;
  // Several statements, so totals are added to as well as created.
  for (int statement = 0; statement < 6; ++statement) {
    std::string sql;
    for (int i = 0; i < 25; ++i) {
      const std::string twap =
          std::to_string(std::uniform_int_distribution<int>(0, kTwaps - 1)(rng));
      const std::string wallet = pick({kWallet, kWallet, kOtherWallet});
      const std::string time =
          fmt::format("2025-03-0{} 0{}:{}0:00Z", 1 + tid % 7, tid % 10, tid % 6);
      sql += FillSql(twap, wallet, ++tid, time, pick({"108000.5", "0.10", "2.5", "99999.123456"}),
                     pick({"0.001", "1.10", "2", "0.000000001"}),
                     pick({"0.0215", "-0.004", "0", "1.10", "NULL"}),
                     pick({"'USDC'", "'USDC'", "'HYPE'", "NULL"}),
                     pick({"0", "-12.50", "3.3", "NULL"})) +
             ";";
    }
    ASSERT_TRUE(conn.Exec(sql).ok());
  }
  ExpectSummariesMatch(db, kTwaps);

  // DELETE, UPDATE of amounts, of a token to and from NULL, and of the key.
  ASSERT_TRUE(conn.Exec("DELETE FROM twap_fill WHERE tid % 7 = 0").ok());
  ASSERT_TRUE(conn.Exec("UPDATE twap_fill SET sz = sz * 2, fee = NULL WHERE tid % 5 = 0").ok());
  ASSERT_TRUE(conn.Exec("UPDATE twap_fill SET fee_token = NULL WHERE tid % 11 = 0").ok());
  ASSERT_TRUE(
      conn.Exec("UPDATE twap_fill SET fee_token = 'USDC', fee = 1 WHERE tid % 13 = 0").ok());
  ASSERT_TRUE(conn.Exec("UPDATE twap_fill SET twap_id = '3' WHERE twap_id = '4'").ok());
  ASSERT_TRUE(conn.Exec("DELETE FROM twap_fill WHERE twap_id = '5'").ok());
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_fill_total WHERE twap_id IN ('4', '5')"), "0");
  ExpectSummariesMatch(db, kTwaps);

  // The ETL's fill merge: a staged fill replaces a stored one with other values, another is new.
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  ASSERT_TRUE(conn.Exec(etl::sql::kCreateFillStaging).ok());
  ASSERT_TRUE(
      conn.Exec(fmt::format("INSERT INTO fill_staging SELECT 1, f.* FROM twap_fill f WHERE tid = 1;"
                            "UPDATE fill_staging SET px = px + 1.005, fee = -0.5;"
                            "INSERT INTO fill_staging (ord, twap_id, wallet, tid, time, coin, "
                            "side, px, sz, fee, fee_token, closed_pnl, s3_object_key) VALUES "
                            "(2, '1', '{}', 100000, '2025-03-09Z', 'BTC', 'A', 1.5, 0.25, 0.010, "
                            "'USDC', 7.125, 'k')",
                            kWallet))
          .ok());
  const auto merged = conn.Query(std::string(etl::sql::kMergeFillStaging), {"fills.parquet"});
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
  ExpectSummariesMatch(db, kTwaps);
}

TEST(TwapFillTotal, ConcurrentWritersOfOneTwapBothCount) {
  TestDatabase db;
  auto first = db.Connect();
  // A new TWAP: the second writer waits for the first's total row, then adds to it.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  ASSERT_TRUE(
      first.Exec(FillSql("1", kWallet, 1, "2025-03-02Z", "10", "1.5", "0.10", "'USDC'", "NULL"))
          .ok());
  WhileBlocked(db, first,
               FillSql("1", kWallet, 2, "2025-03-01Z", "20", "0.50", "0.2", "'HYPE'", "1"));
  // A DELETE's recomputation and a concurrent insert: the insert adds to the recomputed total.
  ASSERT_TRUE(first.Exec("BEGIN").ok());
  ASSERT_TRUE(first.Exec("DELETE FROM twap_fill WHERE tid = 1").ok());
  WhileBlocked(db, first,
               FillSql("1", kWallet, 3, "2025-03-03Z", "30", "1", "0.30", "'HYPE'", "-2"));
  EXPECT_EQ(db.Scalar("SELECT concat_ws('|', fills, size, notional, closed_pnl, fees) FROM "
                      "twap_fill_total WHERE twap_id = '1'"),
            R"(2|1.50|40.00|-1|{"HYPE": {"sum": 0.50, "missing": 0}})");
  EXPECT_EQ(FillTotalDifferences(db), "0");
}

TEST(TwapFillTotal, DbCheckFindsAndRepairsCorruptTotals) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec(FillSql("1", kWallet, 1, "2025-03-01Z", "10", "1", "0.1", "'USDC'", "0") +
                        ";" +
                        FillSql("2", kWallet, 2, "2025-03-01Z", "10", "1", "0.1", "'USDC'", "0"))
                  .ok());
  ASSERT_TRUE(conn.Exec("UPDATE twap_fill_total SET fills = 5 WHERE twap_id = '1';"
                        "DELETE FROM twap_fill_total WHERE twap_id = '2'")
                  .ok());
  auto corrupt = DbCheck(db);
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.err;
  EXPECT_NE(corrupt.out.find("twap_span: 0 key(s) differ from twap_status"), std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_fill_total: 2 key(s) differ from twap_fill"), std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("twap_id 1 wallet " + std::string(kWallet) + ": stored 5 1 10 0"),
            std::string::npos)
      << corrupt.out;
  auto repaired = DbCheck(db, {"--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(repaired.out.find("twap_fill_total: 2 key(s) recomputed from twap_fill"),
            std::string::npos)
      << repaired.out;
  EXPECT_EQ(DbCheck(db).exit_code, 0);
  EXPECT_EQ(FillTotalDifferences(db), "0");
}

}  // namespace
}  // namespace hltwap::testing
