// libpq's asynchronous interface on Asio: connecting and running statements without blocking the
// calling thread. The coroutine waits on libpq's socket through the event loop of its executor,
// so a thread that serves HTTP never waits on PostgreSQL (docs/design.md, "A slow database holds
// only the requests that use it"). Every wait has a deadline. The awaiting coroutine's executor
// must not run two of its handlers at once: a strand (as each server session has) or an
// io_context run by one thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

// Connects within `timeout` (libpq's connect_timeout does not bound a nonblocking connect) and
// leaves the connection in nonblocking mode. Errors as PgConnection::Connect's.
[[nodiscard]] boost::asio::awaitable<Result<PgConnection>> ConnectAsync(
    const std::string& conninfo, std::chrono::milliseconds timeout);

// Each sends one command on a connection ConnectAsync made and awaits its result until
// `deadline`. Errors: the server's, kinds by SQLSTATE; kConnection when the connection is lost;
// kRetryable when the deadline passes, the connection then being mid-statement (its
// PQtransactionStatus is not idle) for the caller to discard.

// Runs a prepared statement; text parameters, text results.
[[nodiscard]] boost::asio::awaitable<Result<PgResult>> ExecPreparedAsync(
    PgConnection& conn, const std::string& name, const std::vector<PgParam>& params,
    std::chrono::steady_clock::time_point deadline);
// Runs one statement of SQL with text parameters.
[[nodiscard]] boost::asio::awaitable<Result<PgResult>> QueryAsync(
    PgConnection& conn, const std::string& sql, const std::vector<PgParam>& params,
    std::chrono::steady_clock::time_point deadline);
// Prepares `sql` as the statement `name`.
[[nodiscard]] boost::asio::awaitable<Result<PgResult>> PrepareAsync(
    PgConnection& conn, const std::string& name, const std::string& sql,
    std::chrono::steady_clock::time_point deadline);

}  // namespace hltwap
