// `hltwap etl --dataset fills` end to end on local files: the real binary, real parquet files,
// real PostgreSQL.
#include <filesystem>
#include <regex>

#include "tests/etl_test_files.h"

namespace hltwap::testing {
namespace {

namespace fs = std::filesystem;

// Two TWAPs trading with each other (one tid, both sides), a third TWAP's rebated slice, and
// the rows that are not TWAP slices: a plain fill, a zero TWAP id, a metadata row.
std::vector<TestFill> AnHourOfFills() {
  TestFill buyer = MakeFill(568722, 1001, "0xB0B0000000000000000000000000000000000001");
  TestFill seller = MakeFill(568723, 1001, "0x5e11000000000000000000000000000000000002");
  seller.side = "A";
  seller.dir = "Close Long";
  seller.closed_pnl = "-3.25";
  TestFill rebated = MakeFill(568724, 1002);
  rebated.fee = "-0.00012345";
  TestFill plain = MakeFill(0, 1003);
  plain.twap_id = std::nullopt;
  TestFill metadata = MakeFill(568722, 1005);
  metadata.metadata = true;
  return {buyer, plain, seller, MakeFill(0, 1004), rebated, metadata};
}

EnvOverrides FillsEnv(const TestDatabase& db) {
  EnvOverrides env = DbEnv(db);
  env["ETL_DATASETS"] = "fills";
  return env;
}

TEST(EtlFills, CamelAndSnakeCaseFilesLoadOnceAndReloadChangesNothing) {
  TestDatabase db;
  TempDir dir;
  WriteFills(dir.File("camel.parquet"), AnHourOfFills(), Naming::kCamel);
  std::vector<TestFill> later = {MakeFill(568725, 2001), MakeFill(568725, 2002)};
  WriteFills(dir.File("snake.parquet"), later, Naming::kSnake);

  auto first = RunEtlCommand({"--dataset", "fills", "--local-file", dir.path()}, DbEnv(db));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("etl: 2 objects (2 ok, 0 failed, 0 skipped, 0 busy), 8 rows read, 5 "
                           "inserted, 0 rejected, 3 skipped"),
            std::string::npos)
      << first.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_fill"), "5");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "0");
  EXPECT_EQ(db.Scalar("SELECT string_agg(twap_id || ':' || wallet || ':' || side, ' ' ORDER BY "
                      "twap_id) FROM twap_fill WHERE tid = 1001"),
            "568722:0xb0b0000000000000000000000000000000000001:B "
            "568723:0x5e11000000000000000000000000000000000002:A");
  EXPECT_EQ(db.Scalar("SELECT fee || ' ' || fee_token FROM twap_fill WHERE tid = 1002"),
            "-0.00012345 USDC");
  EXPECT_EQ(db.Scalar("SELECT sum(fee) FROM twap_fill"), "0.17387655")
      << "four fees of 0.0435 and one rebate";
  EXPECT_EQ(db.Scalar("SELECT closed_pnl FROM twap_fill WHERE twap_id = '568723'"), "-3.25");
  EXPECT_EQ(db.Scalar("SELECT raw_payload->>'closed_pnl' FROM twap_fill WHERE tid = 2001"), "0.0")
      << "raw keeps the snake_case names of its file";
  EXPECT_EQ(db.Scalar("SELECT string_agg(rows_ingested::text, ',' ORDER BY s3_object_key) FROM "
                      "etl_s3_ingest_log WHERE error_text IS NULL"),
            "3,2");

  const std::string dump = DumpTwapFill(db);
  auto again = RunEtlCommand({"--local-file", dir.path()}, FillsEnv(db));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("8 rows read, 0 inserted, 0 rejected, 3 skipped"), std::string::npos)
      << again.err;
  EXPECT_EQ(DumpTwapFill(db), dump);
}

TEST(EtlFills, BadRowsAreRejectedWithAReasonAndACorruptFileFails) {
  TestDatabase db;
  TempDir dir;
  TestFill no_side = MakeFill(7, 2);
  no_side.side = "S";
  TestFill bad_px = MakeFill(7, 3);
  bad_px.px = "1,5";
  WriteFills(dir.File("a.parquet"), {MakeFill(7, 1), no_side, bad_px, MakeFill(7, 4)});
  { std::ofstream(dir.File("b.parquet")) << "PAR1 not a parquet file PAR1"; }
  auto run = RunEtlCommand({"--dataset", "fills", "--local-file", dir.path()}, DbEnv(db));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("4 rows read, 2 inserted, 2 rejected (first rejection: row 1: unknown "
                         "side 'S' (expected B or A)), 0 skipped"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("etl: 2 objects (1 ok, 1 failed"), std::string::npos) << run.err;
  EXPECT_EQ(db.Scalar("SELECT string_agg(tid::text, ',' ORDER BY tid) FROM twap_fill"), "1,4");
  EXPECT_NE(db.Scalar("SELECT error_text FROM etl_s3_ingest_log WHERE s3_object_key LIKE "
                      "'%/b.parquet'")
                .find("not a readable parquet file"),
            std::string::npos);
}

// No foreign key between fills and statuses: either may arrive first.
TEST(EtlFills, FillsLoadBeforeOrAfterTheirTwapsStatuses) {
  TempDir dir;
  WriteFills(dir.File("fills.parquet"), {MakeFill(41, 1), MakeFill(41, 2), MakeFill(42, 3)});
  WriteStatusParquet(
      dir.File("statuses.parquet"),
      {MakeStatusRow(41), MakeStatusRow(41, "finished", "0.002", "2025-11-01T08:30:00"),
       MakeStatusRow(42)},
      /*with_time=*/true);
  const std::string joined =
      "SELECT string_agg(s.twap_id || ':' || s.status || ':' || f.n, ' ' ORDER BY s.twap_id, "
      "s.ts) FROM twap_status s JOIN (SELECT twap_id, count(*) AS n FROM twap_fill GROUP BY "
      "twap_id) f USING (twap_id)";
  std::string results[2];
  for (int order = 0; order < 2; ++order) {
    TestDatabase db;
    const std::vector<std::vector<std::string>> runs = {
        {"--dataset", "fills", "--local-file", dir.File("fills.parquet")},
        {"--dataset", "twap_statuses", "--local-file", dir.File("statuses.parquet")}};
    for (int i = 0; i < 2; ++i) {
      auto run = RunEtlCommand(runs[order == 0 ? i : 1 - i], DbEnv(db));
      ASSERT_EQ(run.exit_code, 0) << run.err;
    }
    results[order] = db.Scalar(joined);
  }
  EXPECT_EQ(results[0], "41:activated:2 41:finished:2 42:activated:1");
  EXPECT_EQ(results[1], results[0]);
}

// The database connection dies while a fills object is loading: neither its fills nor a log
// row remain, and a re-run loads it.
TEST(EtlFills, ConnectionLostMidObjectLeavesNothingBehind) {
  TestDatabase db;
  TempDir dir;
  WriteFills(dir.File("a.parquet"), {MakeFill(1, 1), MakeFill(1, 2)});
  auto locker = db.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_fill IN ACCESS EXCLUSIVE MODE").ok());
  const std::string log_path = UniqueTempPath("etl.log");
  BackgroundProcess etl({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl", "--dataset",
                         "fills", "--local-file", dir.path(), "--jobs", "1"},
                        DbEnv(db), log_path);
  ASSERT_FALSE(TerminateEtlBackendWaitingOn(locker, db).empty()) << ReadFileBytes(log_path);
  EXPECT_EQ(etl.Wait(), 1) << ReadFileBytes(log_path);
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_fill"), "0");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log"), "0");

  auto rerun = RunEtlCommand({"--dataset", "fills", "--local-file", dir.path()}, DbEnv(db));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_fill"), "2");
  std::remove(log_path.c_str());
}

TEST(EtlFills, UnknownOrAmbiguousDatasetsExitWithTwo) {
  TestDatabase db;
  TempDir dir;
  WriteFills(dir.File("a.parquet"), {MakeFill(1, 1)});
  auto flag = RunEtlCommand({"--dataset", "trades", "--local-file", dir.path()}, DbEnv(db));
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find("--dataset: unknown dataset 'trades' (expected twap_statuses or fills"),
            std::string::npos)
      << flag.err;
  EnvOverrides env = DbEnv(db);
  env["ETL_DATASETS"] = "twap_statuses,fils";
  auto setting = RunEtlCommand({"--local-file", dir.path()}, env);
  EXPECT_EQ(setting.exit_code, 2) << setting.err;
  EXPECT_NE(setting.err.find("ETL_DATASETS: unknown dataset 'fils'"), std::string::npos)
      << setting.err;
  env["ETL_DATASETS"] = "twap_statuses,fills";
  auto ambiguous = RunEtlCommand({"--local-file", dir.path()}, env);
  EXPECT_EQ(ambiguous.exit_code, 2) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("--dataset twap_statuses or --dataset fills"), std::string::npos)
      << ambiguous.err;
  auto chosen = RunEtlCommand({"--dataset", "fills", "--local-file", dir.path()}, env);
  EXPECT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_fill"), "1");
  for (const auto* r : {&flag, &setting, &ambiguous}) {
    EXPECT_EQ(r->err.find('\n'), r->err.size() - 1) << "one line: " << r->err;
  }
}

}  // namespace
}  // namespace hltwap::testing
