// The listener and its threads: accepts connections, runs a Session for each, and shuts down
// gracefully on SIGTERM/SIGINT (stop accepting, let requests in flight finish within a bound).
//
// Request handlers run on the same threads as the network I/O and call the database
// synchronously through the pool. That is the simpler of the two robust designs: every wait
// on the database is bounded (a free connection within DB_POOL_TIMEOUT_MS, connecting within
// DB_CONNECT_TIMEOUT, each statement within DB_STATEMENT_TIMEOUT_MS, checked by poll() on the
// libpq socket), so a thread is never blocked forever, and a slow or lost database turns into
// 503s. The queries are a few milliseconds of indexed reads, so making them asynchronous
// (libpq's socket inside Asio) would add a state machine for no throughput gain. While a
// thread waits on the database, connections served by the other threads proceed.
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
  // Threads that run requests using the database: enough for every pooled connection to be in
  // use, and two more so /healthz is not queued behind them.
  unsigned database_threads = 4;
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
