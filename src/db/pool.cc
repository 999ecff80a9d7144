#include "db/pool.h"

#include <fmt/format.h>
#include <poll.h>

#include <cerrno>
#include <functional>

#include "db/sql.h"

namespace hltwap {
namespace {

using Clock = std::chrono::steady_clock;

bool Usable(const PgConnection& conn) {
  return conn.ok() && PQtransactionStatus(conn.get()) == PQTRANS_IDLE;
}

// An idle connection has nothing to read unless its server went away (restart, failover,
// pg_terminate_backend): the goodbye and the end of the stream are waiting in its socket. The
// pool asks no server for notifications, so anything readable means the connection is ending.
bool StillUsable(const PgConnection& conn) {
  if (!Usable(conn)) return false;
  pollfd fd{PQsocket(conn.get()), POLLIN, 0};
  return ::poll(&fd, 1, 0) == 0;
}

// The server's statement_timeout is how a slow statement normally ends, leaving the connection
// usable; the client's own deadline comes this much later and only catches a server that has
// stopped answering (the connection is then dropped).
constexpr auto kClientDeadlineGrace = std::chrono::milliseconds(1000);

// Sends one command with `send` and collects its result, waiting at most until `deadline`.
// libpq's blocking calls have no timeout of their own, so the wait is a poll() on its socket.
Result<PgResult> SendAndWait(PgConnection& conn, Clock::time_point deadline,
                             const std::function<int(PGconn*)>& send) {
  PGconn* c = conn.get();
  if (send(c) == 0) return conn.LastError(nullptr);
  PgResult result;
  for (;;) {
    while (PQisBusy(c) != 0) {
      const auto remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (remaining.count() <= 0) {
        // The connection is mid-statement; the caller discards it (closing the socket).
        return Status::Retryable("the database did not answer in time");
      }
      pollfd fd{PQsocket(c), POLLIN, 0};
      const int ready = ::poll(&fd, 1, static_cast<int>(remaining.count()));
      if (ready < 0 && errno != EINTR) return Status::Connection("waiting for the database failed");
      if (ready > 0 && PQconsumeInput(c) == 0) return conn.LastError(nullptr);
    }
    PgResult next(PQgetResult(c));
    if (next.get() == nullptr) break;
    // One command gives one result; keep the first error if there is one.
    const auto st = PQresultStatus(next.get());
    if (result.get() == nullptr || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
                                    (PQresultStatus(result.get()) == PGRES_COMMAND_OK ||
                                     PQresultStatus(result.get()) == PGRES_TUPLES_OK))) {
      result = std::move(next);
    }
  }
  if (result.get() == nullptr) return conn.LastError(nullptr);
  const auto st = PQresultStatus(result.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;
  return conn.LastError(result.get());
}

}  // namespace

PgPool::PgPool(PgPoolOptions options) : options_(std::move(options)) {
  stats_.max_size = options_.max_size;
}

PgPool::~PgPool() = default;

Result<PgConnection> PgPool::Open(bool& unreachable) {
  auto connected = PgConnection::Connect(options_.conninfo, options_.connect_timeout_seconds);
  if (!connected.ok()) {
    unreachable = connected.status().kind() == ErrorKind::kConnection;
    return connected.status();
  }
  PgConnection conn = std::move(connected).value();
  const auto deadline = Clock::now() + options_.statement_timeout + kClientDeadlineGrace;
  // The server gives up on runaway statements itself too.
  const std::string millis = std::to_string(options_.statement_timeout.count());
  const PgParamArray timeout({millis});
  const std::string set_timeout(db::sql::kSetStatementTimeout);
  HLTWAP_RETURN_IF_ERROR(SendAndWait(conn, deadline, [&](PGconn* c) {
                           return PQsendQueryParams(c, set_timeout.c_str(), timeout.size(), nullptr,
                                                    timeout.values(), nullptr, nullptr, 0);
                         }).status());
  for (const auto& statement : options_.statements) {
    HLTWAP_RETURN_IF_ERROR(SendAndWait(conn, deadline,
                                       [&](PGconn* c) {
                                         return PQsendPrepare(c, statement.name.c_str(),
                                                              statement.sql.c_str(), 0, nullptr);
                                       })
                               .status()
                               .WithContext("preparing " + statement.name));
  }
  return conn;
}

Result<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = Clock::now() + options_.acquire_timeout;
  bool waited = false;
  for (;;) {
    while (idle_.empty() && stats_.open >= options_.max_size) {
      if (!waited) {
        waited = true;
        ++stats_.waits;
      }
      if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          stats_.open >= options_.max_size) {
        ++stats_.wait_timeouts;
        return Status::Retryable(fmt::format("no database connection became free within {} ms",
                                             options_.acquire_timeout.count()));
      }
    }
    if (idle_.empty()) break;
    PgConnection conn = std::move(idle_.back());
    idle_.pop_back();
    // Every dead idle connection is dropped here, so after a restart a request gets a live
    // connection or a new one, not the next dead one.
    if (StillUsable(conn)) {
      ++stats_.in_use;
      return Lease(this, std::move(conn), /*reused=*/true);
    }
    --stats_.open;
    ++stats_.discarded;
  }
  if (Clock::now() - last_connect_failure_ < options_.reconnect_backoff) {
    return last_connect_error_;
  }
  // Reserve the slot, then connect without holding the lock.
  ++stats_.open;
  ++stats_.in_use;
  lock.unlock();
  bool unreachable = false;
  auto conn = Open(unreachable);
  lock.lock();
  if (!conn.ok()) {
    --stats_.open;
    --stats_.in_use;
    ++stats_.connect_failures;
    if (unreachable) {
      last_connect_failure_ = Clock::now();
      last_connect_error_ = conn.status();
    }
    released_.notify_one();
    return conn.status();
  }
  ++stats_.connects;
  return Lease(this, std::move(conn).value(), /*reused=*/false);
}

void PgPool::Release(PgConnection conn) {
  const bool keep = Usable(conn);
  {
    std::lock_guard lock(mutex_);
    --stats_.in_use;
    if (keep) {
      idle_.push_back(std::move(conn));
    } else {
      --stats_.open;
      ++stats_.discarded;
    }
  }
  released_.notify_one();
  // A discarded connection closes here, outside the lock.
}

PgPoolStats PgPool::Stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), reused_(other.reused_) {
  other.conn_.reset();
}

PgPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(*conn_));
}

Result<PgResult> PgPool::Lease::ExecPrepared(const std::string& name,
                                             const std::vector<PgParam>& params,
                                             std::optional<std::chrono::milliseconds> timeout) {
  const PgParamArray values(params);
  const auto deadline =
      Clock::now() + timeout.value_or(pool_->options_.statement_timeout + kClientDeadlineGrace);
  return SendAndWait(*conn_, deadline, [&](PGconn* c) {
    return PQsendQueryPrepared(c, name.c_str(), values.size(), values.values(), nullptr, nullptr,
                               0);
  });
}

Result<PgResult> PgPool::Lease::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  const PgParamArray values(params);
  const auto deadline = Clock::now() + pool_->options_.statement_timeout + kClientDeadlineGrace;
  return SendAndWait(*conn_, deadline, [&](PGconn* c) {
    return PQsendQueryParams(c, sql.c_str(), values.size(), nullptr, values.values(), nullptr,
                             nullptr, 0);
  });
}

}  // namespace hltwap
