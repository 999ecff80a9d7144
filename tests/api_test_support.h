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
#include <cstdlib>
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

inline constexpr const char* kDave = "0x00000000000000000000000000000000000000dd";

// One user's side of a trade by a TWAP slice, as the fills ETL stores it; nullptr is NULL.
struct SampleFill {
  const char* twap_id;
  const char* wallet;
  const char* tid;
  const char* time;  // ISO UTC
  const char* coin;
  const char* side;
  const char* px;
  const char* sz;
  const char* fee;
  const char* fee_token;
  const char* closed_pnl;
  const char* start_position;
  const char* dir;
  bool crossed;
  const char* oid;
  const char* hash;
  const char* builder_fee;
};

// Fills of sample TWAPs: 568722 in two fee tokens with a rebate, whose sizes add up to its
// executed size; 568723, one fill short of its executed size; the two sides of one trade
// (tid 101883902541999: Alice's 568722 buys from Dave's 570001); 570404, with no status row.
// 568790 and the other sample TWAPs have none.
inline const std::vector<SampleFill>& SampleFills() {
  static const std::vector<SampleFill> fills = {
      {"568722", kAlice, "101883902541105", "2025-11-01T08:16:02.517Z", "BTC", "B", "108421.5",
       "0.12345", "6.023085", "USDC", "0.0", "0.0", "Open Long", true, "41962510331",
       "0x3f1c0b6e5e8a1d2c4b7f9a0e3d6c5b4a29183746556473829101a2b3c4d5e6f7", nullptr},
      {"568722", kAlice, "101883902541999", "2025-11-01T08:30:02.517Z", "BTC", "B", "108422.75",
       "0.2", "-2.168455", "USDC", "0.0", "0.12345", "Open Long", false, "41962510332",
       "0x8d7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817", "0.108422"},
      {"568722", kAlice, "101883902542222", "2025-11-01T08:44:59.999999Z", "BTC", "B", "108419.125",
       "0.17655", "0.00131245", "HYPE", "0.0", "0.32345", "Open Long", true, "41962510333",
       "0x5e4d3c2b1a0918273645f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0", nullptr},
      {"570001", kDave, "101883902541999", "2025-11-01T08:30:02.517Z", "BTC", "A", "108422.75",
       "0.2", "9.758048", "USDC", "0.0", "0.0", "Open Short", true, "41962510999",
       "0x8d7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817", nullptr},
      {"568723", kAlice, "101883902600001", "2025-11-01T09:05:00Z", "ETH", "A", "3861.42", "2.0576",
       "3.5760203", "USDC", "-12.3456789", "0.5", "Close Long", true, "41962600001",
       "0xaa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", nullptr},
      {"568723", kAlice, "101883902600002", "2025-11-01T09:15:00.000001Z", "ETH", "A", "3860.905",
       "2.0575", "-0.3972", "USDC", "7.000001", "-1.5576", "Open Short", false, "41962600002",
       "0xab0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", nullptr},
      {"570404", kAlice, "101883903000001", "2025-11-02T17:00:00Z", "xyz:NVDA", "B", "187.25", "3",
       "0.252787", "USDC", "0.0", "0.0", "Open Long", true, "41963000001",
       "0xcc0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", nullptr},
  };
  return fills;
}

// The fill as the node's fill files give it, the raw_payload the ETL stores.
inline std::string FillRaw(const SampleFill& f) {
  const auto text = [](const char* value) {
    return value == nullptr ? std::string("null") : fmt::format("\"{}\"", value);
  };
  return fmt::format(
      R"({{"coin":"{}","px":"{}","sz":"{}","side":"{}","time":{},"startPosition":{},"dir":{},)"
      R"("closedPnl":{},"hash":{},"oid":{},"crossed":{},"fee":{},"tid":{},"feeToken":{},)"
      R"("builderFee":{},"twapId":{}}})",
      f.coin, f.px, f.sz, f.side, ParseTimestampUtc(f.time).value() / 1000, text(f.start_position),
      text(f.dir), text(f.closed_pnl), text(f.hash), f.oid == nullptr ? "null" : f.oid, f.crossed,
      text(f.fee), f.tid, text(f.fee_token), text(f.builder_fee), f.twap_id);
}

inline void InsertFill(PgConnection& conn, const SampleFill& f) {
  const std::string raw = FillRaw(f);
  const auto param = [](const char* value) { return value == nullptr ? PgParam() : value; };
  auto result = conn.Query(
      "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token, "
      "closed_pnl, start_position, dir, crossed, oid, hash, builder_fee, s3_object_key, "
      "raw_payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
      "$16, $17, 'node_fills_by_block/hourly/20251101/8.lz4', $18)",
      {f.twap_id, f.wallet, f.tid, f.time, f.coin, f.side, f.px, f.sz, param(f.fee),
       param(f.fee_token), param(f.closed_pnl), param(f.start_position), param(f.dir),
       f.crossed ? "true" : "false", param(f.oid), param(f.hash), param(f.builder_fee), raw});
  ASSERT_TRUE(result.ok()) << result.status().message();
}

// The sample fills, and the status row of Dave's running TWAP 570001 (the sell side of a trade
// with Alice's 568722).
inline void LoadSampleFills(const TestDatabase& db) {
  auto conn = db.Connect();
  const Status st = conn.Exec(fmt::format(
      "INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed, "
      "notional_executed, status, duration_minutes, s3_object_key) VALUES ('570001', '{}', "
      "'2025-11-01T08:10:00Z', 'BTC', 'A', 1.0, 0.0, 0.0, 'activated', 60, 'k')",
      kDave));
  ASSERT_TRUE(st.ok()) << st.message();
  for (const auto& fill : SampleFills()) InsertFill(conn, fill);
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

// Tests sharing one database and one `hltwap api` on it: the suite's SetUpTestSuite creates db_,
// loads it and starts server_; TearDownTestSuite stops both.
class ApiSuite : public ::testing::Test {
 protected:
  // db_ with the sample's status rows and fills.
  static void CreateSampleDatabase() {
    db_ = new TestDatabase();
    LoadSampleRows(*db_);
    LoadSampleFills(*db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
    server_ = nullptr;
    db_ = nullptr;
  }

  // GET `target`: the expected status and a JSON body, parsed.
  static boost::json::value GetJson(const std::string& target, int expected_status = 200) {
    const auto r = HttpGet(server_->port(), target);
    EXPECT_EQ(r.status, expected_status) << target << "\n" << r.body << r.error;
    EXPECT_EQ(r.Header("content-type"), "application/json") << target;
    return ParseJson(r.body);
  }

  static inline TestDatabase* db_ = nullptr;
  static inline ApiServer* server_ = nullptr;
};

// The project's Python environment (jsonschema, openapi-spec-validator, schemathesis).
inline std::string Venv() {
  const char* venv = std::getenv("HLTWAP_VENV");
  return venv != nullptr && *venv != '\0' ? venv : SourceDir() + "/.venv";
}

// tests/api_response_check.py: each request's status, media type and body against the server's
// own OpenAPI document. Requests are "PATH" (GET) or "METHOD PATH".
inline ProcessResult CheckResponses(int port, const std::vector<std::string>& requests) {
  std::vector<std::string> argv = {Venv() + "/bin/python",
                                   SourceDir() + "/tests/api_response_check.py",
                                   fmt::format("http://127.0.0.1:{}", port)};
  argv.insert(argv.end(), requests.begin(), requests.end());
  return RunProcess(argv);
}

}  // namespace hltwap::testing
