// Helpers shared by the ETL tests: small TWAP status parquet files written with Arrow, unique
// temporary paths, running `hltwap etl`, and full dumps of twap_status and twap_fill to compare
// runs.
#pragma once

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "etl/loader.h"
#include "tests/fill_test_files.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {

// One status row as the data provider writes it.
struct StatusRow {
  int64_t twap_id = 0;
  std::optional<std::string> wallet = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
  int64_t created_ms = 1761984000000;  // 2025-11-01T08:00:00Z
  std::string status = "activated";
  std::optional<std::string> executed_sz = "0.0";
  std::string time;  // event time, ISO without zone; used when the file has a time column
  std::string coin = "BTC";
};

inline StatusRow MakeStatusRow(int64_t twap_id, std::string status = "activated",
                               std::optional<std::string> executed_sz = "0.0",
                               std::string time = "2025-11-01T08:00:00") {
  StatusRow r;
  r.twap_id = twap_id;
  r.status = std::move(status);
  r.executed_sz = std::move(executed_sz);
  r.time = std::move(time);
  return r;
}

// Writes `rows` as a TWAP status parquet file; `with_time` adds the event-time column `time`.
inline void WriteStatusParquet(const std::string& path, const std::vector<StatusRow>& rows,
                               bool with_time) {
  arrow::StringBuilder time, user, coin, side, sz, executed_sz, executed_ntl, status;
  arrow::Int64Builder twap_id, minutes, state_timestamp;
  for (const auto& r : rows) {
    ASSERT_TRUE(time.Append(r.time).ok());
    ASSERT_TRUE(twap_id.Append(r.twap_id).ok());
    ASSERT_TRUE((r.wallet ? user.Append(*r.wallet) : user.AppendNull()).ok());
    ASSERT_TRUE(coin.Append(r.coin).ok());
    ASSERT_TRUE(side.Append("B").ok());
    ASSERT_TRUE(sz.Append("10").ok());
    ASSERT_TRUE(
        (r.executed_sz ? executed_sz.Append(*r.executed_sz) : executed_sz.AppendNull()).ok());
    ASSERT_TRUE(executed_ntl.Append("0.0").ok());
    ASSERT_TRUE(minutes.Append(30).ok());
    ASSERT_TRUE(state_timestamp.Append(r.created_ms).ok());
    ASSERT_TRUE(status.Append(r.status).ok());
  }
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> columns;
  auto add = [&](const char* name, arrow::ArrayBuilder& builder) {
    std::shared_ptr<arrow::Array> array;
    ASSERT_TRUE(builder.Finish(&array).ok());
    fields.push_back(arrow::field(name, array->type()));
    columns.push_back(array);
  };
  if (with_time) add("time", time);
  add("twap_id", twap_id);
  add("state_user", user);
  add("state_coin", coin);
  add("state_side", side);
  add("state_sz", sz);
  add("state_executedSz", executed_sz);
  add("state_executedNtl", executed_ntl);
  add("state_minutes", minutes);
  add("state_timestamp", state_timestamp);
  add("status", status);
  auto table = arrow::Table::Make(arrow::schema(fields), columns);
  auto out = arrow::io::FileOutputStream::Open(path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, 1024).ok());
  ASSERT_TRUE((*out)->Close().ok());
}

// A path in the test temp directory that no other test (or test process) uses.
inline std::string UniqueTempPath(const std::string& name) {
  static std::atomic<int> counter{0};
  return ::testing::TempDir() + "hltwap-etl-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + name;
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The bytes of a parquet file holding `rows`.
inline std::string StatusParquetBytes(const std::vector<StatusRow>& rows, bool with_time = true) {
  const std::string path = UniqueTempPath("bytes.parquet");
  WriteStatusParquet(path, rows, with_time);
  std::string bytes = ReadFileBytes(path);
  std::remove(path.c_str());
  return bytes;
}

// A fresh directory for one test's files, removed afterwards.
class TempDir {
 public:
  TempDir() : path_(UniqueTempPath("dir")) { std::filesystem::create_directories(path_); }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The environment of an `hltwap etl` on `db` alone (local files).
inline EnvOverrides DbEnv(const TestDatabase& db) {
  return {{"DATABASE_URL", db.url()}, {"LOG_FORMAT", "text"}, {"LOG_LEVEL", "info"}};
}

// Loads `rows` as one object would be: in one transaction, committed. Returns the rows the
// merge inserted or changed, -1 on an error (reported).
template <typename Row>
int64_t LoadCommitted(PgConnection& conn, const StagingSpec<Row>& spec,
                      const std::vector<Row>& rows, const std::string& key) {
  EXPECT_TRUE(conn.Exec("BEGIN").ok());
  auto loader = RowLoader<Row>::Begin(conn, spec);
  EXPECT_TRUE(loader.ok()) << loader.status().message();
  if (!loader.ok()) return -1;
  for (const auto& r : rows) EXPECT_TRUE(loader->Add(r).ok());
  auto inserted = loader->Merge(key);
  EXPECT_TRUE(inserted.ok()) << inserted.status().message();
  EXPECT_TRUE(conn.Exec("COMMIT").ok());
  return inserted.ok() ? *inserted : -1;
}

// The bytes of a node fills parquet file holding `fills`.
inline std::string FillParquetBytes(const std::vector<TestFill>& fills) {
  const std::string path = UniqueTempPath("fills.parquet");
  WriteFills(path, fills);
  std::string bytes = ReadFileBytes(path);
  std::remove(path.c_str());
  return bytes;
}

// Kills the database backend of an `hltwap etl` in the middle of an object: with a table locked
// in `locker`'s open transaction, waits until the ETL's backend waits for the lock, terminates
// it and commits `locker`. Returns the backend's pid, empty when it never waited.
inline std::string TerminateEtlBackendWaitingOn(PgConnection& locker, const TestDatabase& db) {
  auto watcher = db.Connect();
  std::string pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (pid.empty() && std::chrono::steady_clock::now() < deadline) {
    auto r = watcher.Query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'hltwap' AND wait_event_type = 'Lock'");
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return "";
    if (r->rows() > 0) {
      pid = std::string(r->Get(0, 0));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (!pid.empty()) {
    auto killed = watcher.Query("SELECT pg_terminate_backend($1::int)", {pid});
    EXPECT_TRUE(killed.ok()) << killed.status().message();
  }
  EXPECT_TRUE(locker.Exec("COMMIT").ok());
  return pid;
}

// Runs `hltwap etl ARGS...` to completion (no .env file is read).
inline ProcessResult RunEtlCommand(const std::vector<std::string>& args, const EnvOverrides& env) {
  std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env", "etl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, env);
}

// Every column of twap_status but inserted_at, one line per row in key order.
inline std::string DumpTwapStatus(const TestDatabase& db) {
  return db.Scalar(
      "SELECT coalesce(string_agg(concat_ws('|', twap_id, wallet, ts, "
      "created_at, asset, side, size_requested, size_executed, notional_executed, status, "
      "duration_minutes, s3_object_key, raw_payload::text), E'\\n' ORDER BY twap_id, wallet, ts), "
      "'') FROM twap_status");
}

// Every column of twap_fill but inserted_at, one line per row in key order.
inline std::string DumpTwapFill(const TestDatabase& db) {
  return db.Scalar(
      "SELECT coalesce(string_agg(concat_ws('|', twap_id, wallet, tid, time, coin, side, px, sz, "
      "fee, fee_token, closed_pnl, start_position, dir, crossed, oid, hash, builder_fee, "
      "s3_object_key, raw_payload::text), E'\\n' ORDER BY twap_id, wallet, tid), '') "
      "FROM twap_fill");
}

}  // namespace hltwap::testing
