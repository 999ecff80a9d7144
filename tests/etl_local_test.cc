// `hltwap etl --local-file` end to end: the real binary, real parquet files, real PostgreSQL.
#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/etl_test_files.h"
#include "tests/parquet_test_table.h"

extern char** environ;

namespace hltwap::testing {
namespace {

namespace fs = std::filesystem;

std::string SamplePath() {
  return SourceDir() + "/tests/data/sample_twap.parquet";
}

TEST(EtlLocal, SampleTwiceGivesExactlyTheSameRows) {
  TestDatabase db;
  auto first = RunEtlCommand({"--local-file", SamplePath()}, DbEnv(db));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("etl: 1 objects (1 ok, 0 failed, 0 skipped, 0 busy), 25 rows read, "
                           "25 inserted, 0 rejected"),
            std::string::npos)
      << first.err;
  const std::string dump = DumpTwapStatus(db);
  ASSERT_FALSE(dump.empty());

  auto second = RunEtlCommand({"--local-file", SamplePath()}, DbEnv(db));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("25 rows read, 0 inserted"), std::string::npos) << second.err;
  EXPECT_EQ(DumpTwapStatus(db), dump);

  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "25");
  // Every TWAP that ended has its terminal row stored next to its activated row: two rows,
  // different ts (the event time), the same created_at (state_timestamp).
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM (SELECT twap_id FROM twap_status GROUP BY twap_id "
                      "HAVING count(*) = 2 AND count(DISTINCT ts) = 2 "
                      "AND count(DISTINCT created_at) = 1 AND count(created_at) = 2 "
                      "AND bool_or(status = 'activated') "
                      "AND bool_or(status IN ('finished', 'terminated', 'error'))) x"),
            "12");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE twap_id = '568800'"), "1");
  EXPECT_EQ(db.Scalar("SELECT count(DISTINCT status) FROM twap_status"), "4");

  // One log row, keyed by the file's absolute path, with the file's mtime.
  const std::string key = "file://" + fs::canonical(SamplePath()).string();
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log"), "1");
  EXPECT_EQ(db.Scalar("SELECT rows_ingested || ' ' || (error_text IS NULL) FROM "
                      "etl_s3_ingest_log WHERE s3_object_key = '" +
                      key + "'"),
            "25 true");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE s3_object_key = '" + key + "'"),
            "25");
  const auto mtime = fs::last_write_time(SamplePath());
  const auto mtime_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                                 .count();
  EXPECT_EQ(db.Scalar("SELECT floor(extract(epoch FROM last_modified))::bigint FROM "
                      "etl_s3_ingest_log"),
            std::to_string(mtime_seconds));
}

TEST(EtlLocal, RelativePathsNameTheSameObject) {
  TestDatabase db;
  auto relative = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl",
                              "--local-file", "tests/data/sample_twap.parquet"},
                             DbEnv(db), SourceDir());
  ASSERT_EQ(relative.exit_code, 0) << relative.err;
  auto absolute = RunEtlCommand({"--local-file", SamplePath()}, DbEnv(db));
  ASSERT_EQ(absolute.exit_code, 0) << absolute.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log"), "1");
}

// A file's mtime only dates its log row: one in year ~65,000 or ~318,000 (a clock far off) is
// logged as the nearest instant the log can hold, and the file loads.
TEST(EtlLocal, ExtremeFileTimesAreLoggedWithinTheYearsTheLogHolds) {
  for (const int64_t seconds : {int64_t{2'000'000'000'000}, int64_t{10'000'000'000'000}}) {
    TestDatabase db;
    // tmpfs keeps any 64-bit mtime; ext4 would cap it at year 2446.
    std::string dir = "/dev/shm/hltwap-mtime-XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    const std::string copy = dir + "/extreme_mtime.parquet";
    fs::copy_file(SamplePath(), copy);
    const timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, copy.c_str(), times, 0), 0);
    struct stat st {};
    ASSERT_EQ(::stat(copy.c_str(), &st), 0);
    ASSERT_EQ(st.st_mtim.tv_sec, seconds) << "the file system did not keep the mtime";
    auto r = RunEtlCommand({"--local-file", copy}, DbEnv(db));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "25");
    EXPECT_EQ(db.Scalar("SELECT last_modified = '9999-12-31T23:59:59.999999Z' AND error_text IS "
                        "NULL FROM etl_s3_ingest_log"),
              "t");
    fs::remove_all(dir);
  }
}

// Files without an event-time column: ts is state_timestamp, so a TWAP's rows collide.
TEST(EtlLocal, NoStatusIsLostWhenRowsShareTheirKey) {
  TestDatabase db;
  TempDir dir;
  const StatusRow activated = MakeStatusRow(1, "activated", "0.0");
  const StatusRow finished = MakeStatusRow(1, "finished", "5");
  const StatusRow t2_terminated = MakeStatusRow(2, "terminated", "1.5");
  const StatusRow t2_activated = MakeStatusRow(2, "activated", "0.0");
  const StatusRow t3_small = MakeStatusRow(3, "activated", "1");
  const StatusRow t3_large = MakeStatusRow(3, "activated", "2.5");
  const StatusRow t4_error = MakeStatusRow(4, "error", "0.0");
  // Terminal row last for TWAP 1, first for TWAP 2; the larger size first for TWAP 3.
  WriteStatusParquet(dir.File("a.parquet"),
                     {activated, finished, t2_terminated, t2_activated, t3_large, t3_small},
                     /*with_time=*/false);
  // A later file with older news changes nothing; one with newer news upgrades.
  WriteStatusParquet(dir.File("b.parquet"), {activated, t2_activated, t3_small, t4_error},
                     /*with_time=*/false);
  const StatusRow t3_more = MakeStatusRow(3, "activated", "4");
  const StatusRow t4_activated = MakeStatusRow(4, "activated", "0.0");
  WriteStatusParquet(dir.File("c.parquet"), {t3_more, t4_activated}, /*with_time=*/false);

  auto run = RunEtlCommand({"--local-file", dir.path(), "--jobs", "1"}, DbEnv(db));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("etl: 3 objects (3 ok"), std::string::npos) << run.err;
  const std::string states =
      "SELECT string_agg(twap_id || ':' || status || ':' || size_executed, ' ' ORDER BY twap_id) "
      "FROM twap_status";
  EXPECT_EQ(db.Scalar(states), "1:finished:5 2:terminated:1.5 3:activated:4 4:error:0.0");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE ts = created_at"), "4");
  // The stored row is the whole winning row, from the file that brought it.
  EXPECT_EQ(db.Scalar("SELECT raw_payload->>'status' || ' ' || (s3_object_key LIKE '%/a.parquet') "
                      "FROM twap_status WHERE twap_id = '1'"),
            "finished true");
  EXPECT_EQ(db.Scalar("SELECT s3_object_key LIKE '%/c.parquet' FROM twap_status "
                      "WHERE twap_id = '3'"),
            "t");

  const std::string dump = DumpTwapStatus(db);
  auto again = RunEtlCommand({"--local-file", dir.path()}, DbEnv(db));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find(", 0 inserted,"), std::string::npos) << again.err;
  EXPECT_EQ(DumpTwapStatus(db), dump);
}

// Values a typed column cannot take (NaN as text or as a float, a type with no reading) are
// stored as NULL, and the run says how many.
TEST(EtlLocal, ValuesStoredAsNullAreCountedInTheSummary) {
  TestDatabase db;
  TempDir dir;
  const std::string path = dir.File("nulls.parquet");
  WriteColumns(path, {{"time", arrow::utf8(), R"(["2025-11-01T08:00:00", "2025-11-01T08:00:01"])"},
                      {"twap_id", arrow::int64(), "[1, 2]"},
                      {"state_user", arrow::utf8(),
                       R"(["0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4",
                           "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"])"},
                      {"state_sz", arrow::utf8(), R"(["NaN", "10"])"},
                      {"state_executedSz", arrow::float64(), R"([NaN, 1.5])"},
                      {"state_minutes", arrow::list(arrow::int32()), "[[30], [30]]"},
                      {"status", arrow::utf8(), R"(["activated", "activated"])"}});
  auto run = RunEtlCommand({"--local-file", path}, DbEnv(db));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("2 rows read, 2 inserted, 0 rejected, 0 skipped, 0 collapsed, 4 values "
                         "nulled, 0 raw values truncated"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(db.Scalar("SELECT string_agg(concat_ws('|', twap_id, coalesce(size_requested::text, "
                      "'NULL'), coalesce(size_executed::text, 'NULL'), coalesce(duration_minutes::"
                      "text, 'NULL')), ' ' ORDER BY twap_id) FROM twap_status"),
            "1|NULL|NULL|NULL 2|10|1.5|NULL");
}

// PostgreSQL keeps microseconds: two events of one TWAP 1 ns apart share their key, and the
// more advanced row is kept (docs/design.md, Data semantics). The run counts the collapse.
TEST(EtlLocal, EventsOneNanosecondApartCollapseIntoTheMoreAdvancedRow) {
  TestDatabase db;
  TempDir dir;
  const std::string path = dir.File("collapse.parquet");
  // 2025-11-01T08:00:00.000001000Z and 1 ns later; TWAP 2 once.
  WriteColumns(path, {{"time", arrow::timestamp(arrow::TimeUnit::NANO, "UTC"),
                       "[1761984000000001000, 1761984000000001001, 1761984000000001000]"},
                      {"twap_id", arrow::int64(), "[1, 1, 2]"},
                      {"state_user", arrow::utf8(),
                       R"(["0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4",
                     "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4",
                     "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"])"},
                      {"state_executedSz", arrow::utf8(), R"(["10", "0.0", "0.0"])"},
                      {"status", arrow::utf8(), R"(["finished", "activated", "activated"])"}});
  auto run = RunEtlCommand({"--local-file", path}, DbEnv(db));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("3 rows read, 2 inserted, 0 rejected, 0 skipped, 1 collapsed,"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(db.Scalar("SELECT string_agg(twap_id || ':' || status || ':' || (ts AT TIME ZONE "
                      "'UTC'), ' ' ORDER BY twap_id) FROM twap_status"),
            "1:finished:2025-11-01 08:00:00.000001 2:activated:2025-11-01 08:00:00.000001");
}

TEST(EtlLocal, DirectoryLoadsItsParquetFilesOnly) {
  TestDatabase db;
  TempDir dir;
  WriteStatusParquet(dir.File("one.parquet"),
                     {MakeStatusRow(1, "activated", "0.0", "2025-11-01T08:00:00")}, true);
  WriteStatusParquet(dir.File("two.parquet"),
                     {MakeStatusRow(2, "activated", "0.0", "2025-11-01T08:00:00")}, true);
  { std::ofstream(dir.File("notes.csv")) << "a,b\n"; }
  { std::ofstream(dir.File("_SUCCESS")) << ""; }
  fs::create_directories(dir.File("nested.parquet"));

  auto dry = RunEtlCommand({"--local-file", dir.path(), "--dry-run"}, DbEnv(db));
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("/one.parquet\t"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("/two.parquet\t"), std::string::npos) << dry.out;
  EXPECT_EQ(std::count(dry.out.begin(), dry.out.end(), '\n'), 2) << dry.out;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "0");

  auto run = RunEtlCommand({"--local-file", dir.path()}, DbEnv(db));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"), "2");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "2");
}

TEST(EtlLocal, BadFileIsRecordedFailedAndRetriedOnceFixed) {
  TestDatabase db;
  TempDir dir;
  WriteStatusParquet(dir.File("good.parquet"),
                     {MakeStatusRow(1, "activated", "0.0", "2025-11-01T08:00:00")}, true);
  { std::ofstream(dir.File("bad.parquet")) << "definitely not parquet"; }
  auto run = RunEtlCommand({"--local-file", dir.path()}, DbEnv(db));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("etl: 2 objects (1 ok, 1 failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("failed file://"), std::string::npos) << run.err;
  EXPECT_EQ(db.Scalar("SELECT (error_text IS NOT NULL) || ' ' || (rows_ingested IS NULL) || ' ' "
                      "|| (position(E'\\n' IN error_text) = 0) FROM etl_s3_ingest_log WHERE "
                      "s3_object_key LIKE '%/bad.parquet'"),
            "true true true");

  WriteStatusParquet(dir.File("bad.parquet"),
                     {MakeStatusRow(2, "activated", "0.0", "2025-11-01T08:00:00")}, true);
  auto retry = RunEtlCommand({"--local-file", dir.File("bad.parquet")}, DbEnv(db));
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"), "2");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "2");
}

// The database connection dies while an object is loading: neither its rows nor a log row
// remain, the run fails, the next object gets a new connection, and a re-run loads it.
TEST(EtlLocal, ConnectionLostMidObjectLeavesNothingBehind) {
  TestDatabase db;
  TempDir dir;
  WriteStatusParquet(dir.File("a.parquet"),
                     {MakeStatusRow(1, "activated", "0.0", "2025-11-01T08:00:00"),
                      MakeStatusRow(1, "finished", "0.0", "2025-11-01T08:30:00")},
                     true);
  WriteStatusParquet(dir.File("b.parquet"),
                     {MakeStatusRow(2, "activated", "0.0", "2025-11-01T08:00:00")}, true);

  auto locker = db.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  const std::string log_path = UniqueTempPath("etl.log");
  BackgroundProcess etl({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl", "--local-file",
                         dir.path(), "--jobs", "1"},
                        DbEnv(db), log_path);

  // The ETL's backend waits for the table lock, in the middle of a.parquet.
  ASSERT_FALSE(TerminateEtlBackendWaitingOn(locker, db).empty()) << ReadFileBytes(log_path);

  EXPECT_EQ(etl.Wait(), 1) << ReadFileBytes(log_path);
  const std::string log = ReadFileBytes(log_path);
  EXPECT_NE(log.find("failed file://" + fs::canonical(dir.File("a.parquet")).string()),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("reconnected to the database"), std::string::npos) << log;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE twap_id = '1'"), "0");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE s3_object_key LIKE "
                      "'%/a.parquet'"),
            "0");
  // The next object was loaded on a new connection.
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE twap_id = '2'"), "1");

  auto rerun = RunEtlCommand({"--local-file", dir.File("a.parquet")}, DbEnv(db));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE twap_id = '1'"), "2");
  std::remove(log_path.c_str());
}

// An object whose lock another process keeps (a statement orphaned by a killed run) is waited
// for a while, then reported busy and the run fails: nothing was loaded. Once the lock is free,
// a rerun loads it; a lock freed during the wait is taken.
TEST(EtlLocal, ObjectLockedElsewhereFailsTheRunUntilFreed) {
  TestDatabase db;
  TempDir dir;
  WriteStatusParquet(dir.File("a.parquet"),
                     {MakeStatusRow(1, "activated", "0.0", "2025-11-01T08:00:00")}, true);
  const std::string lock_sql = "SELECT pg_advisory_lock(hashtextextended('file://" +
                               fs::canonical(dir.File("a.parquet")).string() + "', 0))";
  auto holder = db.Connect();
  ASSERT_TRUE(holder.Exec(lock_sql).ok());

  auto busy = RunEtlCommand({"--local-file", dir.File("a.parquet")}, DbEnv(db));
  EXPECT_EQ(busy.exit_code, 1) << busy.err;
  EXPECT_NE(busy.err.find("(0 ok, 0 failed, 0 skipped, 1 busy)"), std::string::npos) << busy.err;
  EXPECT_NE(busy.err.find("1 busy: another process holds them; run again later"), std::string::npos)
      << busy.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "0");

  const std::string log_path = UniqueTempPath("etl.log");
  {
    BackgroundProcess etl({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl", "--local-file",
                           dir.File("a.parquet")},
                          DbEnv(db), log_path);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ASSERT_TRUE(holder.Exec("SELECT pg_advisory_unlock_all()").ok());
    EXPECT_EQ(etl.Wait(), 0) << ReadFileBytes(log_path);
  }
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "1");
  std::remove(log_path.c_str());
}

TEST(EtlLocal, UsageErrorsExitWithTwo) {
  TestDatabase db;
  const std::vector<std::vector<std::string>> cases = {
      {"--since", "2025-11-01", "--object-key", "raw/a.parquet"},
      {"--incremental", "--local-file", "x.parquet"},
      {"--object-key", "a", "--local-file", "b"},
      {"--incremental", "--since", "2025-11-01"},
      {"--since", "yesterday"},
      {"--jobs", "0"},
  };
  for (const auto& args : cases) {
    auto r = RunEtlCommand(args, DbEnv(db));
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  }
  auto missing = RunEtlCommand({"--local-file", "/nonexistent/dir"}, DbEnv(db));
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/dir"), std::string::npos) << missing.err;
}

TEST(EtlLocal, HelpDescribesEveryOption) {
  auto r = RunEtlCommand({"--help"}, {});
  ASSERT_EQ(r.exit_code, 0);
  for (const char* option : {"--incremental", "--since", "--object-key", "--local-file",
                             "--reprocess", "--dry-run", "--jobs"}) {
    const auto at = r.out.find(option);
    ASSERT_NE(at, std::string::npos) << option;
    const auto line_end = r.out.find('\n', at);
    // The option's line carries its description.
    EXPECT_GT(line_end - at, std::string(option).size() + 12) << option << "\n" << r.out;
  }
}

TEST(EtlLocal, UnmigratedDatabaseIsReportedClearly) {
  TestDatabase db(/*migrate=*/false);
  auto r = RunEtlCommand({"--local-file", SamplePath()}, DbEnv(db));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("hltwap db init"), std::string::npos) << r.err;
}

// On a terminal the run draws a progress bar, redrawn in place.
TEST(EtlLocal, TerminalGetsAProgressBar) {
  TestDatabase db;
  int master = -1;
  std::vector<std::string> env_strings = {"DATABASE_URL=" + db.url(), "TERM=xterm"};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("DATABASE_URL=", 0) != 0 && entry.rfind("TERM=", 0) != 0 &&
        entry.rfind("LOG_", 0) != 0) {
      env_strings.push_back(entry);
    }
  }
  const std::string binary = HltwapBinary();
  const std::string sample = SamplePath();
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const char* argv[] = {binary.c_str(), "--env-file", "/nonexistent/.env", "etl", "--local-file",
                          sample.c_str(), nullptr};
    ::execve(binary.c_str(), const_cast<char**>(argv), envp.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(master, buf, sizeof(buf));
    if (n <= 0) break;  // EIO once the child has exited
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("\r\033[K["), std::string::npos) << out;
  EXPECT_NE(out.find("1/1 objects  25 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("ETA"), std::string::npos) << out;
  EXPECT_NE(out.find("etl: 1 objects (1 ok"), std::string::npos) << out;
}

}  // namespace
}  // namespace hltwap::testing
