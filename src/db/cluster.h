// The API's databases: the primary and the read-only standbys of DATABASE_READ_URLS. Reads go
// to a standby in rotation when there is one, round robin; the primary answers every read no
// standby can, so a standby that fails, stops or lags leaves rotation without failing a request
// the primary could answer. A background thread checks each standby's role and replay lag and
// returns it to rotation once it is healthy again (docs/design.md, Read scale-out).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "db/pool.h"

namespace hltwap {

enum class DbRole { kUnknown, kPrimary, kStandby };
std::string_view DbRoleName(DbRole role);

struct PgClusterOptions {
  // The primary's pool; its statements are prepared on every target, its limits apply to each.
  PgPoolOptions primary;
  std::vector<std::string> standby_conninfos;
  // A standby whose replay trails by more than this leaves rotation.
  std::chrono::milliseconds max_replica_lag{30000};
  std::chrono::milliseconds check_interval{1000};
};

// What /healthz and /metrics show of one database.
struct DbTargetState {
  std::string name;     // "primary", "standby-1", … in DATABASE_READ_URLS order
  std::string address;  // host:port/database, never credentials
  DbRole role = DbRole::kUnknown;
  bool standby_target = false;  // listed in DATABASE_READ_URLS
  bool checked = false;         // a health check has finished (standbys only)
  bool reachable = false;
  bool in_rotation = false;  // standbys: serving reads now; the primary: always true
  std::optional<double> lag_seconds;
  std::string problem;  // why a standby is out of rotation, one line
  uint64_t queries = 0;
  uint64_t failures = 0;
};

class PgCluster {
 public:
  explicit PgCluster(PgClusterOptions options);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // Runs a read-only prepared statement on a standby in rotation, else (or when it fails) on
  // the primary.
  [[nodiscard]] boost::asio::awaitable<Result<PgResult>> Read(std::string_view statement,
                                                              const std::vector<PgParam>& params);
  // Runs a prepared statement on the primary only; `timeout` as in PgPool::Lease::ExecPrepared.
  [[nodiscard]] boost::asio::awaitable<Result<PgResult>> ReadPrimary(
      std::string_view statement, const std::vector<PgParam>& params,
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // The primary's pool, for work that holds one connection in one snapshot for a while (an
  // export's cursor): a long read on a standby may be cancelled by replay, mid-way.
  PgPool& primary_pool();

  // The primary first, then the standbys in DATABASE_READ_URLS order.
  std::vector<DbTargetState> States() const;
  PgPoolStats PrimaryPoolStats() const;
  bool has_standbys() const { return !standbys_.empty(); }

 private:
  struct Target;
  boost::asio::awaitable<Result<PgResult>> RunOn(Target& target, const std::string& statement,
                                                 const std::vector<PgParam>& params,
                                                 std::optional<std::chrono::milliseconds> timeout,
                                                 bool& no_connection_free);
  Target* NextInRotation();
  void TakeOutOfRotation(Target& target, const Status& why);
  // The checker thread: checks every standby, then sleeps, on an io_context of its own.
  void CheckLoop();
  boost::asio::awaitable<void> Check(Target& target);

  const PgClusterOptions options_;
  std::unique_ptr<Target> primary_;
  std::vector<std::unique_ptr<Target>> standbys_;
  std::atomic<size_t> next_standby_{0};

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread checker_;
};

}  // namespace hltwap
