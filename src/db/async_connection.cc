#include "db/async_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <tuple>

namespace hltwap {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using WaitType = asio::posix::descriptor_base::wait_type;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

enum class Ready { kReady, kTimedOut, kFailed };

// The deadline of one connect or statement, and the waits on libpq's socket under it. When the
// deadline passes, the wait in progress is cancelled by the timer's handler, which runs on the
// coroutine's executor: that executor must not run two handlers at once (a strand, or an
// io_context of one thread), as the server's sessions and every other caller have it. Cheaper
// than racing a timer against each wait (the common statement waits once).
class Deadline {
 public:
  Deadline(const asio::any_io_executor& executor, Clock::time_point at)
      : state_(std::make_shared<State>(executor)) {
    state_->timer.expires_at(at);
    state_->timer.async_wait([state = state_](const boost::system::error_code& ec) {
      if (ec) return;
      state->expired = true;
      boost::system::error_code ignored;
      if (state->socket.is_open()) state->socket.cancel(ignored);
    });
  }
  ~Deadline() {
    // libpq owns the descriptor: released, never closed, however the wait ended.
    if (state_->socket.is_open()) state_->socket.release();
    state_->timer.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // Waits until `fd` is ready for `what`. The socket is watched for this wait only: libpq may
  // replace it while connecting.
  asio::awaitable<Ready> WaitFor(int fd, WaitType what) {
    if (state_->expired) co_return Ready::kTimedOut;
    if (fd < 0) co_return Ready::kFailed;
    boost::system::error_code ec;
    state_->socket.assign(fd, ec);
    if (ec) co_return Ready::kFailed;
    std::tie(ec) = co_await state_->socket.async_wait(what, kNoThrow);
    state_->socket.release();
    if (state_->expired) co_return Ready::kTimedOut;
    co_return ec ? Ready::kFailed : Ready::kReady;
  }

 private:
  struct State {
    explicit State(const asio::any_io_executor& executor) : timer(executor), socket(executor) {}
    asio::steady_timer timer;
    asio::posix::stream_descriptor socket;
    bool expired = false;
  };
  // Shared with the timer's handler, which may run after the coroutine is done.
  std::shared_ptr<State> state_;
};

bool Succeeded(const PGresult* result) {
  const auto st = PQresultStatus(result);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

// Sends one command with `send` and collects its result: the socket is flushed and read as it
// becomes ready, until PQgetResult says the command is complete.
asio::awaitable<Result<PgResult>> SendAndAwait(PgConnection& conn, Clock::time_point deadline,
                                               const std::function<int(PGconn*)>& send) {
  PGconn* c = conn.get();
  if (c == nullptr || send(c) == 0) co_return conn.LastError(nullptr);
  Deadline wait(co_await asio::this_coro::executor, deadline);
  const auto timed_out = [] { return Status::Retryable("the database did not answer in time"); };
  // A command is a few hundred bytes, so it cannot fill the socket while the server waits for
  // us to read: waiting for writability alone is enough.
  for (int pending = PQflush(c); pending != 0; pending = PQflush(c)) {
    if (pending < 0) co_return conn.LastError(nullptr);
    const Ready ready = co_await wait.WaitFor(PQsocket(c), WaitType::wait_write);
    if (ready == Ready::kTimedOut) co_return timed_out();
    if (ready == Ready::kFailed) co_return Status::Connection("waiting for the database failed");
  }
  PgResult result;
  for (;;) {
    while (PQisBusy(c) != 0) {
      const Ready ready = co_await wait.WaitFor(PQsocket(c), WaitType::wait_read);
      if (ready == Ready::kTimedOut) co_return timed_out();
      if (ready == Ready::kFailed) co_return Status::Connection("waiting for the database failed");
      if (PQconsumeInput(c) == 0) co_return conn.LastError(nullptr);
    }
    PgResult next(PQgetResult(c));
    if (next.get() == nullptr) break;
    // One command gives one result; keep the first error if there is one.
    if (result.get() == nullptr || (!Succeeded(next.get()) && Succeeded(result.get()))) {
      result = std::move(next);
    }
  }
  if (result.get() == nullptr) co_return conn.LastError(nullptr);
  if (Succeeded(result.get())) co_return result;
  co_return conn.LastError(result.get());
}

}  // namespace

asio::awaitable<Result<PgConnection>> ConnectAsync(const std::string& conninfo,
                                                   std::chrono::milliseconds timeout) {
  const char* keywords[] = {"dbname", "application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "hltwap", nullptr};
  PgConnection conn(PQconnectStartParams(keywords, values, /*expand_dbname=*/1));
  PGconn* c = conn.get();
  if (c == nullptr) co_return Status::Connection("out of memory creating a database connection");
  if (PQstatus(c) == CONNECTION_BAD) co_return ConnectFailure(conninfo, PQerrorMessage(c));
  Deadline wait(co_await asio::this_coro::executor, Clock::now() + timeout);
  // libpq's protocol: start as if PQconnectPoll had asked for writability; the socket may be a
  // different one after each poll (another address, another host).
  for (PostgresPollingStatusType polled = PGRES_POLLING_WRITING; polled != PGRES_POLLING_OK;
       polled = PQconnectPoll(c)) {
    if (polled == PGRES_POLLING_FAILED) co_return ConnectFailure(conninfo, PQerrorMessage(c));
    const WaitType what =
        polled == PGRES_POLLING_READING ? WaitType::wait_read : WaitType::wait_write;
    // A failed wait is left to PQconnectPoll, which reports the socket's error.
    if (co_await wait.WaitFor(PQsocket(c), what) == Ready::kTimedOut) {
      co_return ConnectFailure(conninfo, "timeout expired");
    }
  }
  if (PQsetnonblocking(c, 1) != 0) co_return ConnectFailure(conninfo, PQerrorMessage(c));
  co_return conn;
}

asio::awaitable<Result<PgResult>> ExecPreparedAsync(PgConnection& conn, const std::string& name,
                                                    const std::vector<PgParam>& params,
                                                    Clock::time_point deadline) {
  const PgParamArray values(params);
  co_return co_await SendAndAwait(conn, deadline, [&](PGconn* c) {
    return PQsendQueryPrepared(c, name.c_str(), values.size(), values.values(), nullptr, nullptr,
                               0);
  });
}

asio::awaitable<Result<PgResult>> QueryAsync(PgConnection& conn, const std::string& sql,
                                             const std::vector<PgParam>& params,
                                             Clock::time_point deadline) {
  const PgParamArray values(params);
  co_return co_await SendAndAwait(conn, deadline, [&](PGconn* c) {
    return PQsendQueryParams(c, sql.c_str(), values.size(), nullptr, values.values(), nullptr,
                             nullptr, 0);
  });
}

asio::awaitable<Result<PgResult>> PrepareAsync(PgConnection& conn, const std::string& name,
                                               const std::string& sql, Clock::time_point deadline) {
  co_return co_await SendAndAwait(conn, deadline, [&](PGconn* c) {
    return PQsendPrepare(c, name.c_str(), sql.c_str(), 0, nullptr);
  });
}

}  // namespace hltwap
