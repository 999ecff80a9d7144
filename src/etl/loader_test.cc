#include "etl/loader.h"

#include <gtest/gtest.h>

#include "tests/etl_test_files.h"
#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using testing::TestDatabase;

constexpr int64_t kCreated = 1761984000000000;  // 2025-11-01T08:00:00Z

TwapRow Row(std::string twap_id, std::string status, std::optional<std::string> executed) {
  TwapRow r;
  r.twap_id = std::move(twap_id);
  r.wallet = "0xabc0000000000000000000000000000000000001";
  r.ts = kCreated;
  r.created_at = kCreated;
  r.asset = "BTC";
  r.side = "B";
  r.size_requested = "10";
  r.size_executed = std::move(executed);
  r.notional_executed = "0";
  r.status = std::move(status);
  r.duration_minutes = 30;
  r.raw_payload = R"({"status":")" + *r.status + R"("})";
  return r;
}

int64_t Load(PgConnection& conn, const std::vector<TwapRow>& rows,
             const std::string& key = "k.parquet") {
  return testing::LoadCommitted(conn, TwapStaging(), rows, key);
}

std::string StatusOf(const TestDatabase& db, const std::string& twap_id) {
  return db.Scalar(
      "SELECT status || ' ' || coalesce(size_executed::text, 'NULL') FROM "
      "twap_status WHERE twap_id = '" +
      twap_id + "'");
}

TEST(TwapLoader, TerminalStatusWinsWhateverTheOrder) {
  TestDatabase db;
  auto conn = db.Connect();
  // In one file, both orders.
  EXPECT_EQ(Load(conn, {Row("1", "activated", "0"), Row("1", "finished", "10")}), 1);
  EXPECT_EQ(Load(conn, {Row("2", "terminated", "4"), Row("2", "activated", "0")}), 1);
  EXPECT_EQ(StatusOf(db, "1"), "finished 10");
  EXPECT_EQ(StatusOf(db, "2"), "terminated 4");
  // Across files: a later activated row does not undo a terminal one, a later terminal row
  // upgrades an activated one.
  EXPECT_EQ(Load(conn, {Row("1", "activated", "0")}), 0);
  EXPECT_EQ(Load(conn, {Row("3", "activated", "7")}), 1);
  EXPECT_EQ(Load(conn, {Row("3", "error: insufficient margin", "0")}), 1);
  EXPECT_EQ(StatusOf(db, "1"), "finished 10");
  EXPECT_EQ(StatusOf(db, "3"), "error: insufficient margin 0");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "3");
}

// The statuses of the 2026 files: stopped is terminal, waitingForTrigger comes before activated.
TEST(TwapLoader, StatusRankOrdersWaitingActivatedAndTerminal) {
  TestDatabase db;
  auto conn = db.Connect();
  // In one file, whatever the order; the larger size does not beat a higher rank.
  EXPECT_EQ(Load(conn, {Row("1", "stopped", "1"), Row("1", "activated", "5")}), 1);
  EXPECT_EQ(Load(conn, {Row("2", "activated", "0"), Row("2", "waitingForTrigger", "3")}), 1);
  EXPECT_EQ(StatusOf(db, "1"), "stopped 1");
  EXPECT_EQ(StatusOf(db, "2"), "activated 0");
  // Across files: a lower rank never replaces a higher one, a higher one always does.
  EXPECT_EQ(Load(conn, {Row("1", "activated", "9")}), 0);
  EXPECT_EQ(Load(conn, {Row("2", "waitingForTrigger", "9")}), 0);
  EXPECT_EQ(Load(conn, {Row("3", "waitingForTrigger", "0")}), 1);
  EXPECT_EQ(Load(conn, {Row("3", "activated", "0")}), 1);
  EXPECT_EQ(StatusOf(db, "3"), "activated 0");
  EXPECT_EQ(Load(conn, {Row("3", "stopped", "0")}), 1);
  EXPECT_EQ(StatusOf(db, "3"), "stopped 0");
  // Terminal statuses rank alike: the larger executed size decides between them.
  EXPECT_EQ(Load(conn, {Row("3", "finished", "0")}), 0);
  EXPECT_EQ(Load(conn, {Row("3", "error: rejected", "0.5")}), 1);
  EXPECT_EQ(StatusOf(db, "3"), "error: rejected 0.5");
  EXPECT_EQ(db.Scalar("SELECT string_agg(s || '=' || hltwap_status_rank(s), ',' ORDER BY s) "
                      "FROM unnest(ARRAY['activated', 'error', 'finished', 'stopped', "
                      "'terminated', 'waitingForTrigger', 'x']) AS s"),
            "activated=1,error=2,finished=2,stopped=2,terminated=2,waitingForTrigger=0,x=1");
  EXPECT_EQ(db.Scalar("SELECT hltwap_status_rank(NULL)"), "1");
}

TEST(TwapLoader, LargerExecutedSizeWinsAtEqualRank) {
  TestDatabase db;
  auto conn = db.Connect();
  EXPECT_EQ(Load(conn, {Row("1", "activated", "2.5"), Row("1", "activated", "10"),
                        Row("1", "activated", std::nullopt), Row("1", "activated", "9.99")}),
            1);
  EXPECT_EQ(StatusOf(db, "1"), "activated 10");
  EXPECT_EQ(Load(conn, {Row("1", "activated", "9")}), 0);
  EXPECT_EQ(Load(conn, {Row("1", "activated", "10.5")}), 1);
  EXPECT_EQ(StatusOf(db, "1"), "activated 10.5");
  // A missing size counts as the smallest.
  EXPECT_EQ(Load(conn, {Row("2", "finished", std::nullopt)}), 1);
  EXPECT_EQ(Load(conn, {Row("2", "finished", "0")}), 1);
  EXPECT_EQ(StatusOf(db, "2"), "finished 0");
  EXPECT_EQ(Load(conn, {Row("2", "finished", std::nullopt)}), 0);
  EXPECT_EQ(StatusOf(db, "2"), "finished 0");
}

TEST(TwapLoader, ReloadingTheSameRowsChangesNothing) {
  TestDatabase db;
  auto conn = db.Connect();
  std::vector<TwapRow> rows;
  const char* terminal[] = {"finished", "terminated", "stopped"};
  for (int i = 0; i < 50; ++i) {
    auto w = Row(std::to_string(i), "waitingForTrigger", std::nullopt);
    w.ts -= 60'000'000;
    auto a = Row(std::to_string(i), "activated", "0");
    auto f = Row(std::to_string(i), terminal[i % 3], "3");
    f.ts += 60'000'000;
    rows.push_back(w);
    rows.push_back(a);
    rows.push_back(f);
  }
  EXPECT_EQ(Load(conn, rows), 150);
  const std::string before = testing::DumpTwapStatus(db);
  const std::string inserted_at = db.Scalar("SELECT max(inserted_at) FROM twap_status");
  EXPECT_EQ(Load(conn, rows), 0);
  EXPECT_EQ(Load(conn, rows, "other.parquet"), 0);
  EXPECT_EQ(testing::DumpTwapStatus(db), before);
  EXPECT_EQ(db.Scalar("SELECT max(inserted_at) FROM twap_status"), inserted_at);
  EXPECT_EQ(db.Scalar("SELECT count(DISTINCT s3_object_key) FROM twap_status"), "1");
}

TEST(TwapLoader, StoresEveryColumnExactly) {
  TestDatabase db;
  auto conn = db.Connect();
  TwapRow r = Row("568791", "finished", "10.50");
  r.size_requested = "0.1000000000000000055";
  r.notional_executed = "950.25";
  r.asset = "xyz:NVDA";
  r.side = "A";
  r.duration_minutes = 1440;
  r.ts = 1762099200000001;  // 2025-11-02T16:00:00.000001Z
  r.raw_payload = R"({"twap_id": 568791, "state": {"coin": "xyz:NVDA"}, "x": [1, null]})";
  TwapRow bare;
  bare.twap_id = "7";
  bare.wallet = "0xabc0000000000000000000000000000000000002";
  bare.ts = kCreated;
  bare.raw_payload = "{}";
  EXPECT_EQ(Load(conn, {r, bare}, "raw/2025/11/02/part-0.parquet"), 2);
  EXPECT_EQ(db.Scalar("SELECT concat_ws('|', wallet, extract(epoch FROM ts)::text, "
                      "extract(epoch FROM created_at)::text, asset, side, size_requested, "
                      "size_executed, notional_executed, status, duration_minutes, s3_object_key, "
                      "raw_payload->'state'->>'coin') FROM twap_status WHERE twap_id = '568791'"),
            "0xabc0000000000000000000000000000000000001|1762099200.000001|1761984000.000000|"
            "xyz:NVDA|A|0.1000000000000000055|10.50|950.25|finished|1440|"
            "raw/2025/11/02/part-0.parquet|xyz:NVDA");
  EXPECT_EQ(db.Scalar("SELECT concat_ws(',', created_at IS NULL, asset IS NULL, side IS NULL, "
                      "size_requested IS NULL, size_executed IS NULL, status IS NULL, "
                      "duration_minutes IS NULL, raw_payload::text, inserted_at IS NOT NULL) "
                      "FROM twap_status WHERE twap_id = '7'"),
            "t,t,t,t,t,t,t,{},t");
}

TEST(TwapLoader, ANumberBeyondNumericIsRefusedAndTheOtherRowsLoad) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  auto loader = TwapLoader::Begin(conn, TwapStaging());
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  ASSERT_TRUE(loader->Add(Row("1", "activated", "1")).ok());
  const Status bad = loader->Add(Row("2", "activated", "1e5000"));
  EXPECT_EQ(bad.kind(), ErrorKind::kData);
  EXPECT_NE(bad.message().find("size_executed"), std::string::npos) << bad.message();
  ASSERT_TRUE(loader->Add(Row("3", "activated", "3")).ok());
  EXPECT_EQ(loader->rows_staged(), 2);
  auto inserted = loader->Merge("k");
  ASSERT_TRUE(inserted.ok()) << inserted.status().message();
  EXPECT_EQ(*inserted, 2);
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
  EXPECT_EQ(db.Scalar("SELECT string_agg(twap_id, ',' ORDER BY twap_id) FROM twap_status"), "1,3");
}

TEST(TwapLoader, StagingTableIsGoneAfterTheTransaction) {
  TestDatabase db;
  auto conn = db.Connect();
  EXPECT_EQ(Load(conn, {Row("1", "activated", "0")}), 1);
  EXPECT_EQ(Load(conn, {Row("2", "activated", "0")}), 1);
  auto r = conn.Query("SELECT to_regclass('pg_temp.twap_staging') IS NULL");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Get(0, 0), "t");
}

TEST(LoadParquetFile, CountsRowsAndRejections) {
  TestDatabase db;
  auto conn = db.Connect();
  const std::string path = testing::UniqueTempPath("rejects.parquet");
  std::vector<testing::StatusRow> rows(4);
  for (int i = 0; i < 4; ++i) {
    rows[i].twap_id = 100 + i;
    rows[i].time = "2025-11-01T08:00:0" + std::to_string(i);
  }
  rows[2].wallet = std::nullopt;  // no wallet: rejected by the reader
  testing::WriteStatusParquet(path, rows, /*with_time=*/true);
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  auto stats = LoadParquetFile(conn, path, "file.parquet", {});
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
  EXPECT_EQ(stats->rows_read, 4);
  EXPECT_EQ(stats->rows_rejected, 1);
  EXPECT_EQ(stats->rows_staged, 3);
  EXPECT_EQ(stats->rows_inserted, 3);
  EXPECT_FALSE(stats->first_rejection.empty());
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE s3_object_key = 'file.parquet'"),
            "3");
  std::remove(path.c_str());
}

TEST(LoadParquetFile, CorruptFileFailsBeforeTouchingTheDatabase) {
  TestDatabase db;
  auto conn = db.Connect();
  const std::string path = testing::UniqueTempPath("corrupt.parquet");
  {
    std::ofstream out(path, std::ios::binary);
    out << "PAR1 this is not a parquet file PAR1";
  }
  auto stats = LoadParquetFile(conn, path, "corrupt.parquet", {});
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().kind(), ErrorKind::kData) << stats.status().message();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hltwap
