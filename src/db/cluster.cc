#include "db/cluster.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <charconv>

#include "common/log.h"
#include "db/database_url.h"
#include "db/sql.h"

namespace hltwap {
namespace {

constexpr std::string_view kStandbyStateName = "hltwap_standby_state";

PgPoolOptions OptionsFor(const PgPoolOptions& primary, std::string conninfo) {
  PgPoolOptions o = primary;
  o.conninfo = std::move(conninfo);
  return o;
}

// The checker's own connection: one, preparing only its query, so a check never waits behind
// requests for a pooled connection.
PgPoolOptions CheckOptionsFor(const PgPoolOptions& primary, std::string conninfo) {
  PgPoolOptions o = OptionsFor(primary, std::move(conninfo));
  o.max_size = 1;
  o.statements = {{std::string(kStandbyStateName), std::string(db::sql::kStandbyState)}};
  return o;
}

// Failures that say the target cannot serve now, rather than something about the statement.
bool TargetUnavailable(const Status& status) {
  return status.kind() == ErrorKind::kConnection || status.kind() == ErrorKind::kRetryable;
}

}  // namespace

std::string_view DbRoleName(DbRole role) {
  switch (role) {
    case DbRole::kPrimary: return "primary";
    case DbRole::kStandby: return "standby";
    case DbRole::kUnknown: break;
  }
  return "unknown";
}

struct PgCluster::Target {
  Target(std::string target_name, PgPoolOptions options, bool is_standby,
         std::unique_ptr<PgPool> checker)
      : name(std::move(target_name)),
        address(DescribeConninfo(options.conninfo)),
        standby(is_standby),
        pool(std::move(options)),
        check_pool(std::move(checker)),
        in_rotation(!is_standby) {}

  const std::string name;
  const std::string address;
  const bool standby;
  PgPool pool;
  const std::unique_ptr<PgPool> check_pool;
  // Read without the mutex when choosing a standby; written under it with the state below.
  std::atomic<bool> in_rotation;
  std::atomic<uint64_t> queries{0};
  std::atomic<uint64_t> failures{0};

  mutable std::mutex mutex;
  bool checked = false;
  bool reachable = false;
  DbRole role = DbRole::kUnknown;
  std::optional<double> lag_seconds;
  std::string problem;
};

PgCluster::PgCluster(PgClusterOptions options) : options_(std::move(options)) {
  primary_ = std::make_unique<Target>("primary", options_.primary, false, nullptr);
  for (size_t i = 0; i < options_.standby_conninfos.size(); ++i) {
    const std::string& conninfo = options_.standby_conninfos[i];
    standbys_.push_back(std::make_unique<Target>(
        fmt::format("standby-{}", i + 1), OptionsFor(options_.primary, conninfo), true,
        std::make_unique<PgPool>(CheckOptionsFor(options_.primary, conninfo))));
  }
  if (!standbys_.empty()) checker_ = std::thread([this] { CheckLoop(); });
}

PgPool& PgCluster::primary_pool() {
  return primary_->pool;
}

PgCluster::~PgCluster() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (checker_.joinable()) checker_.join();
}

boost::asio::awaitable<Result<PgResult>> PgCluster::RunOn(
    Target& target, const std::string& statement, const std::vector<PgParam>& params,
    std::optional<std::chrono::milliseconds> timeout, bool& no_connection_free) {
  auto started = co_await target.pool.AcquireAndRun(
      target.pool.CostOf(statement),
      [&](PgPool::Lease& lease) -> boost::asio::awaitable<Result<PgResult>> {
        ++target.queries;
        co_return co_await lease.ExecPrepared(statement, params, timeout);
      },
      &no_connection_free);
  if (!started.ok()) {
    ++target.failures;
    co_return started.status();
  }
  co_return std::move(started->result);
}

PgCluster::Target* PgCluster::NextInRotation() {
  const size_t n = standbys_.size();
  const size_t first = next_standby_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    Target& target = *standbys_[(first + i) % n];
    if (target.in_rotation.load()) return &target;
  }
  return nullptr;
}

void PgCluster::TakeOutOfRotation(Target& target, const Status& why) {
  std::lock_guard lock(target.mutex);
  if (!target.in_rotation.exchange(false)) return;
  target.problem = "a query failed: " + why.message();
  log::Warn("{} ({}) leaves rotation until its next health check: {}", target.name, target.address,
            why.message());
}

boost::asio::awaitable<Result<PgResult>> PgCluster::Read(std::string_view statement,
                                                         const std::vector<PgParam>& params) {
  const std::string name(statement);
  for (size_t tried = 0; tried < standbys_.size(); ++tried) {
    Target* standby = NextInRotation();
    if (standby == nullptr) break;
    bool no_connection_free = false;
    auto result = co_await RunOn(*standby, name, params, std::nullopt, no_connection_free);
    if (result.ok()) co_return result;
    // Busy is not broken: the next standby or the primary takes this read.
    if (!no_connection_free && TargetUnavailable(result.status())) {
      TakeOutOfRotation(*standby, result.status());
    }
  }
  co_return co_await ReadPrimary(statement, params);
}

boost::asio::awaitable<Result<PgResult>> PgCluster::ReadPrimary(
    std::string_view statement, const std::vector<PgParam>& params,
    std::optional<std::chrono::milliseconds> timeout) {
  bool no_connection_free = false;
  const std::string name(statement);
  co_return co_await RunOn(*primary_, name, params, timeout, no_connection_free);
}

boost::asio::awaitable<void> PgCluster::Check(Target& target) {
  bool reachable = false;
  DbRole role = DbRole::kUnknown;
  std::optional<double> lag;
  std::string problem;
  auto lease = co_await target.check_pool->Acquire();
  const std::string name(kStandbyStateName);
  const std::vector<PgParam> no_params;
  // Not a conditional expression: GCC 12 miscompiles co_await inside one.
  Result<PgResult> state = lease.status();
  if (lease.ok()) state = co_await lease->ExecPrepared(name, no_params);
  if (!state.ok()) {
    problem = "unreachable: " + state.status().message();
  } else {
    reachable = true;
    role = state->Get(0, 0) == "t" ? DbRole::kStandby : DbRole::kPrimary;
    if (!state->IsNull(0, 1)) {
      const std::string_view text = state->Get(0, 1);
      double seconds = 0;
      if (std::from_chars(text.data(), text.data() + text.size(), seconds).ec == std::errc()) {
        lag = seconds;
      }
    }
    const double max_lag = std::chrono::duration<double>(options_.max_replica_lag).count();
    if (!lag) {
      problem = "replay lag unknown: nothing replayed yet and not streaming";
    } else if (*lag > max_lag) {
      problem = fmt::format("replay lag {:.1f} s exceeds DATABASE_MAX_REPLICA_LAG_S", *lag);
    }
  }
  const bool rotation = problem.empty();
  std::lock_guard lock(target.mutex);
  target.checked = true;
  target.reachable = reachable;
  target.role = role;
  target.lag_seconds = lag;
  target.problem = problem;
  if (target.in_rotation.exchange(rotation) != rotation) {
    if (rotation) {
      log::Info("{} ({}) is in rotation", target.name, target.address);
    } else {
      log::Warn("{} ({}) leaves rotation: {}", target.name, target.address, problem);
    }
  }
}

void PgCluster::CheckLoop() {
  boost::asio::io_context io;
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    lock.unlock();
    boost::asio::co_spawn(
        io,
        [this]() -> boost::asio::awaitable<void> {
          for (auto& standby : standbys_) co_await Check(*standby);
        },
        [](const std::exception_ptr& error) {
          if (!error) return;
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            log::Error("standby health check failed: {}", e.what());
          }
        });
    io.run();
    io.restart();
    lock.lock();
    stop_cv_.wait_for(lock, options_.check_interval, [this] { return stopping_; });
  }
}

std::vector<DbTargetState> PgCluster::States() const {
  std::vector<DbTargetState> states;
  auto add = [&states](const Target& target) {
    DbTargetState s;
    s.name = target.name;
    s.address = target.address;
    s.standby_target = target.standby;
    s.queries = target.queries.load();
    s.failures = target.failures.load();
    std::lock_guard lock(target.mutex);
    s.in_rotation = target.in_rotation.load();
    if (target.standby) {
      s.checked = target.checked;
      s.reachable = target.reachable;
      s.role = target.role;
      s.lag_seconds = target.lag_seconds;
      s.problem = target.checked ? target.problem : "not checked yet";
    } else {
      s.role = DbRole::kPrimary;
    }
    states.push_back(std::move(s));
  };
  add(*primary_);
  for (const auto& standby : standbys_) add(*standby);
  return states;
}

PgPoolStats PgCluster::PrimaryPoolStats() const {
  return primary_->pool.Stats();
}

}  // namespace hltwap
