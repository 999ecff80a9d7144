// A bounded pool of PostgreSQL connections for request handlers. Connections are made lazily,
// prepare every named statement once, and are discarded (and later re-made) when they break, so
// a database outage turns into errors of kind kConnection while it lasts and heals on its own.
// Every wait is bounded: for a free connection, for connecting, and for each statement. All of
// them are coroutines on the caller's executor (db/async_connection.h): a request waiting on the
// database holds a connection, never a thread, so the pool bounds the queries in flight.
// Thread-safe: coroutines on any threads of any io_context may share one pool.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

// How long a statement holds its connection. Long ones (a window over a wallet's history)
// never take the pool's last `reserved_for_short` connections, so a short one (a lookup by key)
// queues behind other short ones at most, never behind a long one.
enum class StatementCost { kShort, kLong };

struct PreparedStatement {
  std::string name;
  std::string sql;
  StatementCost cost = StatementCost::kShort;
};

struct PgPoolOptions {
  std::string conninfo;
  size_t max_size = 4;
  // How long Acquire waits for a free connection when all of them are in use; waiters are
  // served first come, first served.
  std::chrono::milliseconds acquire_timeout{1000};
  // The bound on connecting, in whole seconds (below 2 counts as 2, as libpq's connect_timeout).
  int connect_timeout_seconds = 2;
  // Connections only short statements may use (at most max_size - 1).
  size_t reserved_for_short = 0;
  // Client-side bound on one statement (also set as the server's statement_timeout).
  std::chrono::milliseconds statement_timeout{5000};
  // After the server could not be reached, further connects fail fast for this long instead
  // of each waiting for the unreachable server again.
  std::chrono::milliseconds reconnect_backoff{500};
  // Prepared on every new connection (once per connection).
  std::vector<PreparedStatement> statements;
};

struct PgPoolStats {
  size_t max_size = 0;
  size_t open = 0;     // connections made and not yet discarded (idle + in use + connecting)
  size_t in_use = 0;   // leased out
  uint64_t waits = 0;  // acquisitions that had to wait for a free connection
  uint64_t wait_timeouts = 0;  // of which gave up
  uint64_t connects = 0;
  uint64_t connect_failures = 0;
  uint64_t discarded = 0;  // broken connections thrown away
};

class PgPool {
 public:
  // A connection on loan; it goes back to the pool (or is discarded when broken) on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    // Runs a statement the pool prepared; text parameters, text results. Bounded by the
    // pool's statement timeout: a timeout is kRetryable, a lost connection kConnection, and
    // either way the connection is discarded when the lease ends.
    // `timeout`, when given, replaces the client-side bound (the server's stays).
    [[nodiscard]] boost::asio::awaitable<Result<PgResult>> ExecPrepared(
        const std::string& name, const std::vector<PgParam>& params,
        std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    // Runs a statement the pool did not prepare (a transaction command, a cursor's DECLARE or
    // FETCH), with the same bound and error kinds as ExecPrepared.
    [[nodiscard]] boost::asio::awaitable<Result<PgResult>> Exec(
        const std::string& sql, const std::vector<PgParam>& params = {});
    // True when the connection served an earlier lease (so it may have gone stale meanwhile).
    bool reused() const { return reused_; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, PgConnection conn, bool reused, StatementCost cost)
        : pool_(pool), conn_(std::move(conn)), reused_(reused), cost_(cost) {}
    PgPool* pool_;
    std::optional<PgConnection> conn_;
    bool reused_;
    StatementCost cost_;
  };

  explicit PgPool(PgPoolOptions options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A connection for statements of `cost`: an idle one, a new one while fewer than max_size are
  // open, or one released within acquire_timeout. Waiters are served in order of arrival among
  // those a connection may go to. Errors: kConnection (cannot connect), kRetryable (none free in
  // time).
  [[nodiscard]] boost::asio::awaitable<Result<Lease>> Acquire(
      StatementCost cost = StatementCost::kShort);

  // A lease and what its first statement returned.
  struct Started {
    Lease lease;
    PgResult result;
  };
  using FirstStatement = std::function<boost::asio::awaitable<Result<PgResult>>(Lease&)>;
  // Acquires a connection and runs `first` on it. A connection that died while idle shows it
  // only at its first statement: it is discarded and `first` runs again on another. Each such
  // attempt drops a connection, so after max_size of them the next is new, and its failure
  // means the database is down. `no_connection_free`, when given, tells a failure to find a free
  // connection in time (kRetryable from Acquire) from a statement's own.
  [[nodiscard]] boost::asio::awaitable<Result<Started>> AcquireAndRun(
      StatementCost cost, FirstStatement first, bool* no_connection_free = nullptr);
  // The cost a prepared statement was declared with (kShort for any other name).
  StatementCost CostOf(const std::string& name) const;

  PgPoolStats Stats() const;
  const PgPoolOptions& options() const { return options_; }

 private:
  struct Waiter;
  class WaitTicket;
  void Release(PgConnection conn, StatementCost cost);
  // `unreachable` tells a failure to reach the server from a failure after connecting.
  boost::asio::awaitable<Result<PgConnection>> Open(bool& unreachable);
  // With the mutex held: whether a lease of `cost` may take a free connection now.
  bool MayTakeLocked(StatementCost cost) const;
  // With the mutex held: counts a lease of `cost` taken or given back.
  void CountLocked(StatementCost cost, bool taken);
  // With the mutex held: gives up a reserved slot (open and in use, no connection) of a lease of
  // `cost`, to the first waiter that may take it when there is one.
  void ReleaseSlotLocked(StatementCost cost);
  // With the mutex held: hands `conn` (or, when empty, a reserved slot) to the first waiter that
  // may take it; false when there is none.
  bool GrantLocked(std::optional<PgConnection>& conn);

  const PgPoolOptions options_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::vector<PgConnection> idle_;
  PgPoolStats stats_;
  size_t long_in_use_ = 0;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  Status last_connect_error_;
};

}  // namespace hltwap
