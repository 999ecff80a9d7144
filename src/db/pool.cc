#include "db/pool.h"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/async_connection.h"
#include "db/sql.h"

namespace hltwap {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

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

}  // namespace

// One Acquire waiting for a connection. Its fields change under the pool's mutex; the timer is
// only touched on the waiter's executor, where it is cancelled to resume the waiter.
struct PgPool::Waiter {
  Waiter(const asio::any_io_executor& executor, StatementCost cost) : timer(executor), cost(cost) {}
  asio::steady_timer timer;
  const StatementCost cost;
  bool granted = false;
  // Set with `granted`: a connection, or none for a reserved slot to connect in.
  std::optional<PgConnection> conn;
};

// Keeps the pool whole when a waiting Acquire is destroyed without resuming (its io_context
// stopped): the waiter leaves the queue, and what it was granted goes back.
class PgPool::WaitTicket {
 public:
  WaitTicket(PgPool& pool, std::shared_ptr<Waiter> waiter)
      : pool_(pool), waiter_(std::move(waiter)) {}
  WaitTicket(const WaitTicket&) = delete;
  WaitTicket& operator=(const WaitTicket&) = delete;
  ~WaitTicket() {
    if (settled_) return;
    std::optional<PgConnection> conn;
    {
      std::lock_guard lock(pool_.mutex_);
      if (!waiter_->granted) {
        std::erase(pool_.waiters_, waiter_);
        return;
      }
      if (!waiter_->conn) {
        pool_.ReleaseSlotLocked(waiter_->cost);
        return;
      }
      conn = std::move(waiter_->conn);
    }
    pool_.Release(std::move(*conn), waiter_->cost);
  }
  // The Acquire has dealt with the waiter itself (under the mutex).
  void Settle() { settled_ = true; }

 private:
  PgPool& pool_;
  std::shared_ptr<Waiter> waiter_;
  bool settled_ = false;
};

PgPool::PgPool(PgPoolOptions options) : options_(std::move(options)) {
  stats_.max_size = options_.max_size;
}

StatementCost PgPool::CostOf(const std::string& name) const {
  for (const auto& statement : options_.statements) {
    if (statement.name == name) return statement.cost;
  }
  return StatementCost::kShort;
}

bool PgPool::MayTakeLocked(StatementCost cost) const {
  if (cost == StatementCost::kShort) return true;
  const size_t reserved = std::min(options_.reserved_for_short, options_.max_size - 1);
  return long_in_use_ < options_.max_size - reserved;
}

void PgPool::CountLocked(StatementCost cost, bool taken) {
  if (cost != StatementCost::kLong) return;
  if (taken) {
    ++long_in_use_;
  } else {
    --long_in_use_;
  }
}

PgPool::~PgPool() = default;

asio::awaitable<Result<PgConnection>> PgPool::Open(bool& unreachable) {
  const auto timeout = std::chrono::seconds(std::max(2, options_.connect_timeout_seconds));
  auto connected = co_await ConnectAsync(options_.conninfo, timeout);
  if (!connected.ok()) {
    unreachable = connected.status().kind() == ErrorKind::kConnection;
    co_return connected.status();
  }
  PgConnection conn = std::move(connected).value();
  const auto deadline = Clock::now() + options_.statement_timeout + kClientDeadlineGrace;
  // The server gives up on runaway statements itself too.
  const std::string millis = std::to_string(options_.statement_timeout.count());
  const std::string set_timeout(db::sql::kSetStatementTimeout);
  const std::vector<PgParam> timeout_param = {millis};
  HLTWAP_CO_RETURN_IF_ERROR(
      (co_await QueryAsync(conn, set_timeout, timeout_param, deadline)).status());
  for (const auto& statement : options_.statements) {
    HLTWAP_CO_RETURN_IF_ERROR((co_await PrepareAsync(conn, statement.name, statement.sql, deadline))
                                  .status()
                                  .WithContext("preparing " + statement.name));
  }
  co_return conn;
}

bool PgPool::GrantLocked(std::optional<PgConnection>& conn) {
  const auto it = std::find_if(waiters_.begin(), waiters_.end(),
                               [this](const auto& w) { return MayTakeLocked(w->cost); });
  if (it == waiters_.end()) return false;
  std::shared_ptr<Waiter> waiter = std::move(*it);
  waiters_.erase(it);
  waiter->granted = true;
  waiter->conn = std::move(conn);
  conn.reset();
  CountLocked(waiter->cost, /*taken=*/true);
  // Resumes the waiter on its own executor, whichever thread released.
  asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  return true;
}

void PgPool::ReleaseSlotLocked(StatementCost cost) {
  CountLocked(cost, /*taken=*/false);
  std::optional<PgConnection> slot;
  if (GrantLocked(slot)) return;
  --stats_.open;
  --stats_.in_use;
}

asio::awaitable<Result<PgPool::Lease>> PgPool::Acquire(StatementCost cost) {
  const auto executor = co_await asio::this_coro::executor;
  std::unique_lock lock(mutex_);
  // A free connection is always handed to the first waiter that may take it, so one that is
  // free now has no such waiter: a newcomer allowed to take it overtakes nobody. Every dead idle
  // connection is dropped here, so after a restart a request gets a live connection or a new
  // one, not the next dead one.
  const bool may_take = MayTakeLocked(cost);
  while (may_take && !idle_.empty()) {
    PgConnection conn = std::move(idle_.back());
    idle_.pop_back();
    if (StillUsable(conn)) {
      ++stats_.in_use;
      CountLocked(cost, /*taken=*/true);
      co_return Lease(this, std::move(conn), /*reused=*/true, cost);
    }
    --stats_.open;
    ++stats_.discarded;
  }
  if (may_take && stats_.open < options_.max_size) {
    // Reserve the slot, then connect without holding the lock.
    ++stats_.open;
    ++stats_.in_use;
    CountLocked(cost, /*taken=*/true);
  } else {
    ++stats_.waits;
    auto waiter = std::make_shared<Waiter>(executor, cost);
    waiter->timer.expires_after(options_.acquire_timeout);
    waiters_.push_back(waiter);
    WaitTicket ticket(*this, waiter);
    lock.unlock();
    co_await waiter->timer.async_wait(kNoThrow);
    lock.lock();
    ticket.Settle();
    if (!waiter->granted) {
      std::erase(waiters_, waiter);
      ++stats_.wait_timeouts;
      co_return Status::Retryable(fmt::format("no database connection became free within {} ms",
                                              options_.acquire_timeout.count()));
    }
    if (waiter->conn) {
      PgConnection conn = std::move(*waiter->conn);
      if (StillUsable(conn)) co_return Lease(this, std::move(conn), /*reused=*/true, cost);
      // Its slot is this Acquire's to connect in.
      ++stats_.discarded;
    }
  }
  if (Clock::now() - last_connect_failure_ < options_.reconnect_backoff) {
    ReleaseSlotLocked(cost);
    co_return last_connect_error_;
  }
  lock.unlock();
  bool unreachable = false;
  auto conn = co_await Open(unreachable);
  lock.lock();
  if (!conn.ok()) {
    ++stats_.connect_failures;
    if (unreachable) {
      last_connect_failure_ = Clock::now();
      last_connect_error_ = conn.status();
    }
    ReleaseSlotLocked(cost);
    co_return conn.status();
  }
  ++stats_.connects;
  co_return Lease(this, std::move(conn).value(), /*reused=*/false, cost);
}

asio::awaitable<Result<PgPool::Started>> PgPool::AcquireAndRun(StatementCost cost,
                                                               FirstStatement first,
                                                               bool* no_connection_free) {
  for (size_t attempt = 0;; ++attempt) {
    auto lease = co_await Acquire(cost);
    if (!lease.ok()) {
      if (no_connection_free != nullptr) {
        *no_connection_free = lease.status().kind() == ErrorKind::kRetryable;
      }
      co_return lease.status();
    }
    auto result = co_await first(*lease);
    if (result.ok()) co_return Started{std::move(lease).value(), std::move(result).value()};
    if (result.status().kind() != ErrorKind::kConnection || !lease->reused() ||
        attempt >= options_.max_size) {
      co_return result.status();
    }
  }
}

void PgPool::Release(PgConnection conn, StatementCost cost) {
  std::lock_guard lock(mutex_);
  if (!Usable(conn)) {
    ++stats_.discarded;
    ReleaseSlotLocked(cost);
    return;  // the connection closes here
  }
  CountLocked(cost, /*taken=*/false);
  std::optional<PgConnection> free(std::move(conn));
  if (GrantLocked(free)) return;
  --stats_.in_use;
  idle_.push_back(std::move(*free));
}

PgPoolStats PgPool::Stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      conn_(std::move(other.conn_)),
      reused_(other.reused_),
      cost_(other.cost_) {
  other.conn_.reset();
}

PgPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(*conn_), cost_);
}

asio::awaitable<Result<PgResult>> PgPool::Lease::ExecPrepared(
    const std::string& name, const std::vector<PgParam>& params,
    std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline =
      Clock::now() + timeout.value_or(pool_->options_.statement_timeout + kClientDeadlineGrace);
  co_return co_await ExecPreparedAsync(*conn_, name, params, deadline);
}

asio::awaitable<Result<PgResult>> PgPool::Lease::Exec(const std::string& sql,
                                                      const std::vector<PgParam>& params) {
  const auto deadline = Clock::now() + pool_->options_.statement_timeout + kClientDeadlineGrace;
  co_return co_await QueryAsync(*conn_, sql, params, deadline);
}

}  // namespace hltwap
