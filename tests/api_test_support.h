// Shared by the API tests: sample rows loaded with plain SQL (shaped like
// tests/data/sample_twap.parquet after ingestion) and a running `hltwap api` on a free port.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {

inline constexpr const char* kAlice = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
inline constexpr const char* kBob = "0x1f9840a85d5af5bf1d1762f925bdaddc4201f984";
inline constexpr const char* kCarol = "0xd8da6bf26964af9d7eed9e03e53415d37aa96045";

struct SampleTwap {
  const char* twap_id;
  const char* wallet;
  const char* coin;
  const char* side;
  const char* size;
  int minutes;
  const char* created;   // event time of the activated row; nanoseconds, no zone (UTC)
  const char* terminal;  // "" while still running
  int64_t terminal_after_seconds;
  const char* executed_size;
  const char* executed_notional;
};

// A subset of the sample file's TWAPs.
inline const std::vector<SampleTwap>& SampleTwaps() {
  static const std::vector<SampleTwap> twaps = {
      {"568722", kAlice, "BTC", "B", "0.5", 30, "2025-11-01T08:15:02.123456789", "finished", 1800,
       "0.5", "54210.35"},
      {"568723", kAlice, "ETH", "A", "12.3456", 60, "2025-11-01T09:00:00.500000000", "terminated",
       1234, "4.1152", "15873.0021"},
      {"568790", kAlice, "SOL", "B", "250", 120, "2025-11-02T14:30:10.000001000", "finished", 7200,
       "250", "46231.75"},
      {"568791", kAlice, "xyz:NVDA", "B", "10.5", 30, "2025-11-02T16:00:00.000000000", "finished",
       1800, "10.5", "950.25"},
      {"568800", kAlice, "HYPE", "A", "1000", 1440, "2025-11-03T00:00:05.999999999", "", 0, "", ""},
      {"568760", kBob, "BTC", "A", "0.00123", 10, "2025-11-02T02:02:02.020000000", "finished", 600,
       "0.00123", "132.9837"},
      {"568725", kBob, "@107", "B", "5000", 5, "2025-11-01T11:11:11.000000000", "error", 2, "0.0",
       "0.0"},
      {"568761", kCarol, "ETH", "B", "3", 45, "2025-11-01T23:59:59.999000000", "terminated", 60,
       "0.0667", "257.41"},
  };
  return twaps;
}

struct SampleRow {
  std::string twap_id, wallet, ts, status, asset, side, size, executed_size, executed_notional;
  int minutes;
  std::string created_at;   // ISO UTC with Z
  std::string raw_payload;  // JSON text
};

// "2025-11-01T08:15:02.123456789" plus seconds, keeping the nanosecond digits.
inline std::string AddSeconds(const std::string& iso_nanos, int64_t seconds) {
  const int64_t micros = ParseTimestampUtc(iso_nanos).value() + seconds * 1'000'000;
  std::string out = FormatTimestampUtc(micros);
  out.pop_back();  // Z
  if (out.find('.') == std::string::npos) out += ".000000";
  return out + iso_nanos.substr(iso_nanos.find('.') + 7);
}

// Every row of the sample TWAPs: an activated row, then the terminal row when there is one.
inline std::vector<SampleRow> SampleRows() {
  std::vector<SampleRow> rows;
  for (const auto& t : SampleTwaps()) {
    const int64_t created_ms = ParseTimestampUtc(t.created).value() / 1000;
    auto add = [&](const std::string& time, const std::string& status, const std::string& ex_sz,
                   const std::string& ex_ntl) {
      SampleRow r;
      r.twap_id = t.twap_id;
      r.wallet = t.wallet;
      r.ts = FormatTimestampUtc(ParseTimestampUtc(time).value());
      r.status = status;
      r.asset = t.coin;
      r.side = t.side;
      r.size = t.size;
      r.executed_size = ex_sz;
      r.executed_notional = ex_ntl;
      r.minutes = t.minutes;
      r.created_at = FormatTimestampUtc(created_ms * 1000);
      r.raw_payload = fmt::format(
          R"({{"time":"{}","twap_id":{},"state_coin":"{}","state_user":"{}","state_side":"{}",)"
          R"("state_sz":"{}","state_executedSz":"{}","state_executedNtl":"{}","state_minutes":{},)"
          R"("state_reduceOnly":false,"state_randomize":false,"state_timestamp":{},"status":"{}"}})",
          time, t.twap_id, t.coin, t.wallet, t.side, t.size, ex_sz, ex_ntl, t.minutes, created_ms,
          status);
      rows.push_back(std::move(r));
    };
    add(t.created, "activated", "0.0", "0.0");
    if (*t.terminal != '\0') {
      add(AddSeconds(t.created, t.terminal_after_seconds), t.terminal, t.executed_size,
          t.executed_notional);
    }
  }
  return rows;
}

inline void InsertRow(PgConnection& conn, const SampleRow& r) {
  auto result = conn.Query(
      "INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed, "
      "notional_executed, status, duration_minutes, s3_object_key, raw_payload, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'sample/sample_twap.parquet', $11, $12)",
      {r.twap_id, r.wallet, r.ts, r.asset, r.side, r.size, r.executed_size, r.executed_notional,
       r.status, std::to_string(r.minutes), r.raw_payload, r.created_at});
  ASSERT_TRUE(result.ok()) << result.status().message();
}

inline void LoadSampleRows(const TestDatabase& db) {
  auto conn = db.Connect();
  for (const auto& row : SampleRows()) InsertRow(conn, row);
}

// `hltwap api` on a free loopback port, against `database_url`, stopped with SIGTERM.
class ApiServer {
 public:
  explicit ApiServer(const std::string& database_url, EnvOverrides env = {},
                     bool wait_until_listening = true)
      : port_(FreePort()) {
    static std::atomic<int> counter{0};
    log_path_ = fmt::format("{}/hltwap_api_{}_{}.log", ::testing::TempDir(), ::getpid(), counter++);
    std::remove(log_path_.c_str());
    env["DATABASE_URL"] = database_url;
    env.try_emplace("API_THREADS", "2");
    env.try_emplace("LOG_LEVEL", "info");
    env.try_emplace("LOG_FORMAT", "text");
    env.try_emplace("CORS_ORIGINS", std::nullopt);
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{HltwapBinary(), "--env-file", "/nonexistent/.env", "api", "--host",
                                 "127.0.0.1", "--port", std::to_string(port_)},
        env, log_path_);
    if (wait_until_listening && !WaitForPort(port_, 20000)) {
      ADD_FAILURE() << "hltwap api did not start:\n" << Log();
    }
  }
  ~ApiServer() {
    if (process_->Running()) {
      process_->Signal(SIGTERM);
      process_->Wait();
    }
    std::remove(log_path_.c_str());
  }
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  int port() const { return port_; }
  BackgroundProcess& process() { return *process_; }
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  int port_;
  std::string log_path_;
  std::unique_ptr<BackgroundProcess> process_;
};

inline boost::json::value ParseJson(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) ADD_FAILURE() << "not JSON: " << text;
  return value;
}

}  // namespace hltwap::testing
