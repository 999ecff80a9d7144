// The listener and its threads: accepts connections, runs a Session for each, and shuts down
// gracefully on SIGTERM/SIGINT (stop accepting, let requests in flight finish within a bound).
//
// Request handlers are coroutines on the same threads as the network I/O. A handler that uses
// the database awaits it through the pool with libpq's asynchronous interface (the libpq socket
// watched by the same event loop), so no thread ever waits on PostgreSQL: the pool bounds the
// queries in flight, not the threads. Every wait is bounded (a free connection within
// DB_POOL_TIMEOUT_MS, connecting within DB_CONNECT_TIMEOUT, each statement within
// DB_STATEMENT_TIMEOUT_MS), so a slow or lost database turns into 503s while every request that
// does not use it is answered at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "api/session.h"
#include "common/config.h"
#include "common/status.h"
#include "db/pool.h"

namespace hltwap::api {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8000;
  unsigned threads = 1;
  // At the cap, an idle connection is closed to make room; when none is idle the new one is.
  unsigned max_connections = 1024;
  unsigned max_connections_per_client = 256;  // per remote address; 0: no bound
  std::chrono::milliseconds shutdown_timeout{10000};
  SessionLimits limits;
};

// The server's settings (API_HOST, API_IDLE_TIMEOUT_MS, ...) as LoadConfig read them.
ServerOptions ServerOptionsFromConfig(const Config& config);
// The pool's settings (DB_POOL_SIZE, DB_POOL_TIMEOUT_MS, ...) for the database at `conninfo`;
// `threads` sizes the default pool.
PgPoolOptions PoolOptionsFromConfig(const Config& config, std::string conninfo, unsigned threads);

// Serves until SIGTERM or SIGINT; returns once stopped. Fails only when it cannot listen.
// Logs one line at start: the URL, the threads and `detail` (the database, the pool).
Status RunServer(const ServerOptions& options, const Router& router, Metrics& metrics,
                 std::string_view detail = {});

}  // namespace hltwap::api
