#include "api/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/config.h"
#include "common/log.h"
#include "db/database_url.h"

namespace hltwap::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kDrainPollInterval = std::chrono::milliseconds(20);
constexpr auto kAcceptErrorPause = std::chrono::milliseconds(100);

// Completion of a detached coroutine: an exception that escaped it is logged, not lost.
void LogFailure(std::string_view what, const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("{} failed: {}", what, e.what());
  }
}

// A session reports its end here, whatever way its coroutine finishes.
class SessionRegistry {
 public:
  // False once shutdown has begun: the caller closes the new connection instead.
  bool Add(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    sessions_.emplace(session.get(), session);
    return true;
  }
  void Remove(const Session* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  // Marks the registry stopped and asks every live session to finish.
  void ShutdownAll() {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (const auto& [ptr, weak] : sessions_) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (const auto& session : live) session->Shutdown();
  }

 private:
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

class Server {
 public:
  Server(const ServerOptions& options, const Router& router, Metrics& metrics)
      : options_(options),
        router_(router),
        metrics_(metrics),
        io_(static_cast<int>(options.threads)),
        acceptor_(asio::make_strand(io_)),
        signals_(io_, SIGINT, SIGTERM),
        drain_timer_(io_) {}

  Status Listen() {
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    const auto endpoints =
        resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
    if (ec || endpoints.empty()) {
      return Status::InvalidArgument(
          fmt::format("cannot resolve API_HOST '{}': {}", options_.host, ec.message()));
    }
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Internal(
          fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message()));
    }
    return Status::Ok();
  }

  std::string Url() const {
    const auto endpoint = acceptor_.local_endpoint();
    const std::string address = endpoint.address().to_string();
    if (endpoint.address().is_v6()) return fmt::format("http://[{}]:{}", address, endpoint.port());
    return fmt::format("http://{}:{}", address, endpoint.port());
  }

  void Run() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (!ec) BeginShutdown(signal);
    });
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(),
                   [](const std::exception_ptr& error) { LogFailure("accept loop", error); });
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < options_.threads; ++i) threads.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : threads) t.join();
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kNoThrow);
      if (!acceptor_.is_open()) co_return;
      if (ec) {
        // Out of file descriptors and the like: pause instead of spinning.
        log::Warn("accepting a connection failed: {}", ec.message());
        asio::steady_timer pause(acceptor_.get_executor(), kAcceptErrorPause);
        co_await pause.async_wait(kNoThrow);
        continue;
      }
      if (registry_.size() >= options_.max_connections) {
        log::Warn("connection limit ({}) reached; closing a new connection",
                  options_.max_connections);
        continue;  // the socket closes as it goes out of scope
      }
      auto session =
          std::make_shared<Session>(std::move(socket), router_, metrics_, options_.limits);
      if (!registry_.Add(session)) continue;
      asio::co_spawn(session->executor(), session->Run(),
                     [this, raw = session.get()](const std::exception_ptr& error) {
                       registry_.Remove(raw);
                       LogFailure("connection", error);
                     });
    }
  }

  void BeginShutdown(int signal) {
    log::Info("received {}; no new connections, finishing requests in flight (at most {} ms)",
              signal == SIGTERM ? "SIGTERM" : "SIGINT", options_.shutdown_timeout.count());
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    registry_.ShutdownAll();
    WaitForDrain(Clock::now() + options_.shutdown_timeout);
  }

  void WaitForDrain(Clock::time_point deadline) {
    drain_timer_.expires_after(kDrainPollInterval);
    drain_timer_.async_wait([this, deadline](const boost::system::error_code&) {
      const size_t open = registry_.size();
      if (open == 0 || Clock::now() >= deadline) {
        if (open > 0) log::Warn("{} connection(s) still open at the shutdown deadline", open);
        io_.stop();
        return;
      }
      WaitForDrain(deadline);
    });
  }

  const ServerOptions& options_;
  const Router& router_;
  Metrics& metrics_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  SessionRegistry registry_;
};

}  // namespace

ServerOptions ServerOptionsFromConfig(const Config& config) {
  ServerOptions o;
  o.host = config.api_host;
  o.port = config.api_port;
  o.threads = config.api_threads != 0 ? config.api_threads
                                      : std::max(1u, std::thread::hardware_concurrency());
  o.max_connections = config.api_max_connections;
  o.shutdown_timeout = config.api_shutdown_timeout;
  o.limits.max_requests_per_connection = config.api_max_requests_per_connection;
  o.limits.idle_timeout = config.api_idle_timeout;
  o.limits.read_timeout = config.api_read_timeout;
  o.limits.request_timeout = config.api_request_timeout;
  o.limits.write_timeout = config.api_write_timeout;
  return o;
}

PgPoolOptions PoolOptionsFromConfig(const Config& config, std::string conninfo, unsigned threads) {
  PgPoolOptions o;
  o.conninfo = std::move(conninfo);
  o.max_size = config.db_pool_size != 0 ? config.db_pool_size : 2 * threads;
  o.acquire_timeout = config.db_pool_timeout;
  o.connect_timeout_seconds = config.db_connect_timeout_seconds;
  o.statement_timeout = config.db_statement_timeout;
  return o;
}

Status RunServer(const ServerOptions& options, const Router& router, Metrics& metrics,
                 std::string_view detail) {
  Server server(options, router, metrics);
  HLTWAP_RETURN_IF_ERROR(server.Listen());
  log::Info("hltwap api listening on {} (docs at {}/docs; {} thread(s){}{})", server.Url(),
            server.Url(), options.threads, detail.empty() ? "" : "; ", detail);
  server.Run();
  log::Info("hltwap api stopped");
  return Status::Ok();
}

}  // namespace hltwap::api
