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

enum class Admission { kAdmitted, kStopping, kClientFull, kServerFull };

// The live sessions, by remote address. A session reports its end here, whatever way its
// coroutine finishes. Admission bounds connections per client and in all; at the cap an idle
// connection is asked to close (it finishes at once) so that one client's idle sockets cannot
// keep everyone else out.
class SessionRegistry {
 public:
  SessionRegistry(size_t max_total, size_t max_per_client, Metrics& metrics)
      : max_total_(max_total), max_per_client_(max_per_client), metrics_(metrics) {}

  Admission Add(const std::shared_ptr<Session>& session, const std::string& client) {
    std::shared_ptr<Session> shed;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return Admission::kStopping;
      const auto known = per_client_.find(client);
      const size_t from_client = known == per_client_.end() ? 0 : known->second;
      if (max_per_client_ != 0 && from_client >= max_per_client_) return Admission::kClientFull;
      if (sessions_.size() - shedding_ >= max_total_) {
        shed = MarkIdleForShedding();
        if (!shed) return Admission::kServerFull;
      }
      ++per_client_[client];
      sessions_.emplace(session.get(), Entry{session, client, false});
    }
    if (shed) {
      metrics_.ConnectionShed();
      shed->Shutdown();
    }
    return Admission::kAdmitted;
  }

  void Remove(const Session* session) {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    if (it->second.shedding) --shedding_;
    const auto client = per_client_.find(it->second.client);
    if (client != per_client_.end() && --client->second == 0) per_client_.erase(client);
    sessions_.erase(it);
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
      for (const auto& [ptr, entry] : sessions_) {
        if (auto session = entry.session.lock()) live.push_back(std::move(session));
      }
    }
    for (const auto& session : live) session->Shutdown();
  }

 private:
  struct Entry {
    std::weak_ptr<Session> session;
    std::string client;
    bool shedding;  // asked to close to make room; no longer counted against the cap
  };

  // An idle session not already on its way out, marked as such; null when none is idle.
  std::shared_ptr<Session> MarkIdleForShedding() {
    for (auto& [ptr, entry] : sessions_) {
      if (entry.shedding) continue;
      auto session = entry.session.lock();
      if (!session || !session->idle()) continue;
      entry.shedding = true;
      ++shedding_;
      return session;
    }
    return nullptr;
  }

  const size_t max_total_;
  const size_t max_per_client_;
  Metrics& metrics_;
  mutable std::mutex mutex_;
  bool stopping_ = false;
  size_t shedding_ = 0;
  std::unordered_map<const Session*, Entry> sessions_;
  std::unordered_map<std::string, size_t> per_client_;
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
        drain_timer_(io_),
        registry_(options.max_connections, options.max_connections_per_client, metrics) {}

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
      // A streamed response is several writes; with Nagle's algorithm a small one waits for
      // the client's delayed ACK (tens of milliseconds) before it leaves.
      boost::system::error_code option_error;
      socket.set_option(tcp::no_delay(true), option_error);
      boost::system::error_code peer_error;
      const std::string client = socket.remote_endpoint(peer_error).address().to_string();
      auto session =
          std::make_shared<Session>(std::move(socket), router_, metrics_, options_.limits);
      // A refused session never runs: its socket closes as it goes out of scope.
      const Admission admission = registry_.Add(session, client);
      if (admission == Admission::kClientFull || admission == Admission::kServerFull) {
        metrics_.ConnectionRefused();
        log::Debug("closing a new connection from {}: {}", client,
                   admission == Admission::kClientFull
                       ? "that client has API_MAX_CONNECTIONS_PER_CLIENT open"
                       : "API_MAX_CONNECTIONS are open and none is idle");
      }
      if (admission != Admission::kAdmitted) continue;
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

// DB_POOL_SIZE, or two connections per API thread.
unsigned PoolSize(const Config& config, unsigned threads) {
  return config.db_pool_size != 0 ? config.db_pool_size : 2 * threads;
}

}  // namespace

ServerOptions ServerOptionsFromConfig(const Config& config) {
  ServerOptions o;
  o.host = config.api_host;
  o.port = config.api_port;
  o.threads = config.api_threads != 0 ? config.api_threads
                                      : std::max(1u, std::thread::hardware_concurrency());
  o.max_connections = config.api_max_connections;
  o.max_connections_per_client = config.api_max_connections_per_client;
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
  o.max_size = PoolSize(config, threads);
  // A quarter of the connections are kept for lookups by key, so that they are never queued
  // behind windows over a wallet's history (none below four: a smaller pool is all one lane).
  o.reserved_for_short = o.max_size / 4;
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
