// Database trouble as `hltwap api` meets it: PostgreSQL reached through a loopback TCP proxy
// that the test cuts and restores, a table locked so statements hang, a pool too small.
// The API answers 503 (never crashes, never hangs) and serves again on its own.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <array>
#include <boost/asio.hpp>
#include <filesystem>
#include <future>
#include <regex>
#include <thread>
#include <vector>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using std::chrono::milliseconds;

// Forwards 127.0.0.1:port() to 127.0.0.1:upstream_port. Stop() closes the listener and every
// relayed connection, so the database looks gone (connections refused); Start() listens again
// on the same port. Freeze() keeps every connection open but forwards nothing more, in either
// direction, on old connections or new ones: a database that has stopped answering.
class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port)
      : upstream_port_(upstream_port),
        port_(FreePort()),
        acceptor_(io_),
        work_(io_.get_executor()) {
    thread_ = std::thread([this] { io_.run(); });
    Start();
  }
  ~TcpProxy() {
    Stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  int port() const { return port_; }

  void Start() {
    OnIo([this] {
      boost::system::error_code ec;
      acceptor_.open(tcp::v4(), ec);
      // Not inherited by the hltwap child, or it would keep the port open while "stopped".
      if (!ec) ::fcntl(acceptor_.native_handle(), F_SETFD, FD_CLOEXEC);
      if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) {
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)}, ec);
      }
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) ADD_FAILURE() << "proxy cannot listen: " << ec.message();
      Accept();
    });
  }

  void Freeze() {
    OnIo([this] { frozen_ = true; });
  }

  void Stop() {
    OnIo([this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      for (auto& socket : sockets_) socket->close(ignored);
      sockets_.clear();
    });
  }

 private:
  using Socket = std::shared_ptr<tcp::socket>;

  void OnIo(const std::function<void()>& f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      auto client = std::make_shared<tcp::socket>(std::move(socket));
      ::fcntl(client->native_handle(), F_SETFD, FD_CLOEXEC);
      if (frozen_) {
        sockets_.push_back(client);
        Accept();
        return;
      }
      auto upstream = std::make_shared<tcp::socket>(io_);
      boost::system::error_code connect_ec;
      upstream->connect(
          {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(upstream_port_)}, connect_ec);
      if (!connect_ec) {
        ::fcntl(upstream->native_handle(), F_SETFD, FD_CLOEXEC);
        sockets_.push_back(client);
        sockets_.push_back(upstream);
        Relay(client, upstream);
        Relay(upstream, client);
      }
      Accept();
    });
  }

  void Relay(const Socket& from, const Socket& to) {
    auto buffer = std::make_shared<std::array<char, 16384>>();
    from->async_read_some(
        asio::buffer(*buffer),
        [this, from, to, buffer](const boost::system::error_code& ec, size_t n) {
          boost::system::error_code ignored;
          if (ec) {
            to->close(ignored);
            from->close(ignored);
            return;
          }
          if (frozen_) return Relay(from, to);
          asio::async_write(*to, asio::buffer(*buffer, n),
                            [this, from, to, buffer](const boost::system::error_code& wec, size_t) {
                              boost::system::error_code ignored_too;
                              if (wec) {
                                to->close(ignored_too);
                                from->close(ignored_too);
                                return;
                              }
                              Relay(from, to);
                            });
        });
  }

  const int upstream_port_;
  const int port_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<Socket> sockets_;
  bool frozen_ = false;  // touched on the io thread only
  std::thread thread_;
};

// The port and database name of the test database, to build a URL through the proxy.
struct UrlParts {
  int port = 5432;
  std::string database;
};

UrlParts PartsOf(const TestDatabase& db) {
  const std::smatch m = [&] {
    std::smatch match;
    static const std::regex re(R"(:(\d+)/([^/?]+))");
    std::regex_search(db.url(), match, re);
    return match;
  }();
  return {std::stoi(m[1].str()), m[2].str()};
}

int64_t Metric(int port, const std::string& name) {
  const std::string body = HttpGet(port, "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(body.substr(at + name.size() + 2));
}

// Waits (up to 20 s) until the metric `name` is at least `value`.
bool WaitForMetric(int port, const std::string& name, int64_t value) {
  for (int i = 0; i < 800; ++i) {
    if (Metric(port, name) >= value) return true;
    std::this_thread::sleep_for(milliseconds(25));
  }
  return false;
}

// `count` requests of `target`, each on its own connection, for a frozen database to hold;
// returns once `pooled` of them hold a pooled connection (up to 20 s).
std::vector<std::future<HttpResult>> HoldRequests(int port, const std::string& target, int count,
                                                  int pooled) {
  std::vector<std::future<HttpResult>> held;
  for (int i = 0; i < count; ++i) {
    held.push_back(std::async(std::launch::async, [port, target] {
      return HttpConnection(port, milliseconds(90000)).Get(target);
    }));
  }
  EXPECT_TRUE(WaitForMetric(port, "hltwap_db_pool_in_use", pooled));
  return held;
}

// Waits (up to 20 s) until `count` sessions of the database wait for a lock.
bool WaitForLockWaiter(const TestDatabase& db, int count = 1) {
  for (int i = 0; i < 800; ++i) {
    if (std::stoi(db.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND wait_event_type = 'Lock'")) >= count) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(25));
  }
  return false;
}

// Ends every other session of the database, as a server restart would, and waits until they
// are gone.
void TerminateOtherSessions(const TestDatabase& db) {
  const std::string others =
      "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  db.Scalar("SELECT count(pg_terminate_backend(pid)) " + others);
  for (int i = 0; i < 800 && db.Scalar("SELECT count(*) " + others) != "0"; ++i) {
    std::this_thread::sleep_for(milliseconds(25));
  }
}

class ApiOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadSampleRows(db_);
    auto conn = db_.Connect();
    ASSERT_TRUE(conn.Exec("INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, "
                          "rows_ingested, ingested_at) VALUES ('raw/twap_statuses/a.parquet', "
                          "'2025-11-05T01:02:03Z', 15, '2025-11-05T01:30:00.5Z')")
                    .ok());
  }
  TestDatabase db_;
};

// A /healthz body without its `databases` list, after checking that the list holds only the
// primary with `primary_status`.
json::value WithoutDatabases(const std::string& body, std::string_view primary_status) {
  json::object health = ParseJson(body).as_object();
  const auto& databases = health.at("databases").as_array();
  EXPECT_EQ(databases.size(), 1u) << body;
  if (!databases.empty()) {
    EXPECT_EQ(databases[0].at("name"), "primary");
    EXPECT_EQ(databases[0].at("status").as_string(), primary_status);
    EXPECT_EQ(databases[0].at("in_rotation").as_bool(), primary_status == "ok");
  }
  health.erase("databases");
  return health;
}

TEST_F(ApiOutage, Answers503WhileTheDatabaseIsGoneAndRecoversOnItsOwn) {
  const UrlParts parts = PartsOf(db_);
  TcpProxy proxy(parts.port);
  // The password is ignored by the test server (trust) but must never show anywhere.
  const std::string url =
      fmt::format("postgresql://postgres:pw-Zq81xK@127.0.0.1:{}/{}", proxy.port(), parts.database);
  ApiServer server(url, {{"API_THREADS", "2"}});

  const auto healthy = HttpGet(server.port(), "/healthz");
  ASSERT_EQ(healthy.status, 200) << healthy.body << server.Log();
  EXPECT_EQ(WithoutDatabases(healthy.body, "ok"), json::parse(R"({"status": "ok", "database": "ok",
    "last_ingested": {"s3_object_key": "raw/twap_statuses/a.parquet",
      "last_modified": "2025-11-05T01:02:03Z", "ingested_at": "2025-11-05T01:30:00.500000Z",
      "rows_ingested": 15}})"));
  const std::string twap = HttpGet(server.port(), "/api/v1/twaps/568722").body;
  const std::string list_target =
      std::string("/api/v1/twaps?wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  const std::string list = HttpGet(server.port(), list_target).body;

  proxy.Stop();
  for (int round = 0; round < 3; ++round) {
    // Bounded: the client gives up after 5 s, the server answers long before.
    HttpConnection client(server.port(), milliseconds(5000));
    const auto health = client.Get("/healthz");
    EXPECT_EQ(health.status, 503) << health.error;
    EXPECT_EQ(WithoutDatabases(health.body, "unreachable"), json::parse(R"({"status": "unavailable",
      "database": "unreachable", "last_ingested": null})"));
    for (const std::string& target : {std::string("/api/v1/twaps/568722"), list_target}) {
      const auto r = client.Get(target);
      EXPECT_EQ(r.status, 503) << target << " " << r.error;
      EXPECT_EQ(ParseJson(r.body), json::parse(R"({"detail": "Database unavailable"})"));
    }
    // Input errors are still found without the database.
    EXPECT_EQ(client.Get("/api/v1/twaps?wallet=x").status, 422);
  }
  EXPECT_TRUE(server.process().Running());
  EXPECT_GE(Metric(server.port(), "hltwap_db_pool_discarded_total"), 1);
  EXPECT_GE(Metric(server.port(), "hltwap_db_pool_connect_failures_total"), 1);

  proxy.Start();
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = HttpGet(server.port(), "/healthz").status;
    if (status != 200) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(status, 200) << server.Log();
  EXPECT_EQ(HttpGet(server.port(), "/api/v1/twaps/568722").body, twap);
  EXPECT_EQ(HttpGet(server.port(), list_target).body, list);

  const std::string log = server.Log();
  EXPECT_NE(log.find("database unavailable"), std::string::npos) << log;
  EXPECT_EQ(log.find("pw-Zq81xK"), std::string::npos) << log;
  EXPECT_EQ(HttpGet(server.port(), "/metrics").body.find("pw-Zq81xK"), std::string::npos);
}

TEST_F(ApiOutage, AFrozenDatabaseHoldsOnlyTheRequestsThatUseIt) {
  const UrlParts parts = PartsOf(db_);
  TcpProxy proxy(parts.port);
  ApiServer server(
      fmt::format("postgresql://postgres@127.0.0.1:{}/{}", proxy.port(), parts.database),
      {{"API_THREADS", "2"}, {"DB_POOL_SIZE", "4"}});
  const std::string list_target =
      std::string("/api/v1/twaps?wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  ASSERT_EQ(HttpGet(server.port(), list_target).status, 200);

  proxy.Freeze();
  // More database requests than the API has threads, each held until its statement deadline;
  // list statements take three of the four connections (one is kept for lookups by key).
  auto held = HoldRequests(server.port(), list_target, 6, 3);
  ASSERT_EQ(Metric(server.port(), "hltwap_db_pool_in_use"), 3);

  // Endpoints without the database answer at once: the best of five under 100 ms (a blocked
  // endpoint would take seconds every time), none near a second.
  for (const char* target : {"/metrics", "/openapi.json", "/docs"}) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 5; ++i) {
      const auto started = std::chrono::steady_clock::now();
      const auto r = HttpGet(server.port(), target);
      const auto took = std::chrono::steady_clock::now() - started;
      EXPECT_EQ(r.status, 200) << target;
      EXPECT_LT(took, milliseconds(1000)) << target;
      best = std::min(best, took);
    }
    EXPECT_LT(best, milliseconds(100)) << target;
  }
  // /healthz: 503 within its documented bound (about two seconds; three at most).
  const auto started = std::chrono::steady_clock::now();
  const auto health = HttpConnection(server.port(), milliseconds(30000)).Get("/healthz");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(3000));

  proxy.Stop();
  for (auto& r : held) EXPECT_EQ(r.get().status, 503);
}

TEST_F(ApiOutage, StartsWhileTheDatabaseIsDown) {
  const UrlParts parts = PartsOf(db_);
  TcpProxy proxy(parts.port);
  proxy.Stop();
  ApiServer server(
      fmt::format("postgresql://postgres@127.0.0.1:{}/{}", proxy.port(), parts.database));
  EXPECT_EQ(HttpGet(server.port(), "/healthz").status, 503);
  EXPECT_EQ(HttpGet(server.port(), "/docs").status, 200);
  proxy.Start();
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = HttpGet(server.port(), "/api/v1/twaps/568722").status;
    if (status != 200) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(ApiOutage, HungStatementsEndIn503) {
  ApiServer server(db_.url(), {{"DB_STATEMENT_TIMEOUT_MS", "300"}});
  ASSERT_EQ(HttpGet(server.port(), "/api/v1/twaps/568722").status, 200);
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  const auto r = HttpGet(server.port(), "/api/v1/twaps/568722");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ParseJson(r.body), json::parse(R"({"detail": "Database unavailable"})"));
  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  EXPECT_EQ(HttpGet(server.port(), "/api/v1/twaps/568722").status, 200);
}

TEST_F(ApiOutage, ExhaustedPoolAnswers503AfterTheWaitTimeout) {
  ApiServer server(db_.url(), {{"API_THREADS", "2"},
                               {"DB_POOL_SIZE", "1"},
                               {"DB_POOL_TIMEOUT_MS", "200"},
                               {"DB_STATEMENT_TIMEOUT_MS", "20000"}});
  ASSERT_EQ(HttpGet(server.port(), "/api/v1/twaps/568722").status, 200);
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  // This request holds the pool's only connection while it waits for the lock.
  auto blocked = std::async(std::launch::async, [&] {
    return HttpConnection(server.port(), milliseconds(30000)).Get("/api/v1/twaps/568722");
  });
  ASSERT_TRUE(WaitForLockWaiter(db_));
  const auto r = HttpGet(server.port(), "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ParseJson(r.body).at("database"), "unreachable");
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_in_use"), 1);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_wait_timeouts_total"), 1);
  EXPECT_GE(Metric(server.port(), "hltwap_db_pool_waits_total"), 1);
  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  EXPECT_EQ(blocked.get().status, 200);
  EXPECT_EQ(HttpGet(server.port(), "/healthz").status, 200);
}

// The threads of a process, as /proc lists them.
size_t ThreadCount(pid_t pid) {
  const std::filesystem::path tasks = fmt::format("/proc/{}/task", pid);
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(tasks),
                                           std::filesystem::directory_iterator()));
}

// Requests waiting on the database hold a pooled connection or a place in the pool's queue,
// never a thread: two threads and two connections carry twenty slow requests and a light one,
// and /metrics answers meanwhile.
TEST_F(ApiOutage, SlowRequestsWaitForThePoolNotForAThread) {
  ApiServer server(db_.url(), {{"API_THREADS", "2"},
                               {"DB_POOL_SIZE", "2"},
                               {"DB_POOL_TIMEOUT_MS", "60000"},
                               {"DB_STATEMENT_TIMEOUT_MS", "60000"}});
  ASSERT_EQ(HttpGet(server.port(), "/api/v1/twaps/568722").status, 200);
  const size_t threads = ThreadCount(server.process().pid());
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  constexpr int kSlow = 20;
  std::vector<std::future<HttpResult>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::async(std::launch::async, [&] {
      return HttpConnection(server.port(), milliseconds(60000)).Get("/api/v1/twaps/568722");
    }));
  }
  // Both connections wait for the lock, the other eighteen requests for a connection.
  ASSERT_TRUE(WaitForLockWaiter(db_, 2));
  ASSERT_TRUE(WaitForMetric(server.port(), "hltwap_db_pool_waits_total", kSlow - 2));
  // The coverage report does not read twap_status: it waits only for the pool.
  auto light = std::async(std::launch::async, [&] {
    return HttpConnection(server.port(), milliseconds(60000)).Get("/api/v1/coverage");
  });
  ASSERT_TRUE(WaitForMetric(server.port(), "hltwap_db_pool_waits_total", kSlow - 1));
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_in_use"), 2);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_open"), 2);
  EXPECT_EQ(ThreadCount(server.process().pid()), threads);

  // The best of five under 100 ms: a server whose threads were all waiting would take until
  // the lock is released.
  auto best = std::chrono::steady_clock::duration::max();
  for (int i = 0; i < 5; ++i) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(HttpGet(server.port(), "/metrics").status, 200);
    best = std::min(best, std::chrono::steady_clock::now() - started);
  }
  EXPECT_LT(best, milliseconds(100));
  EXPECT_EQ(light.wait_for(milliseconds(0)), std::future_status::timeout);

  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  for (auto& r : slow) EXPECT_EQ(r.get().status, 200);
  EXPECT_EQ(light.get().status, 200);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_wait_timeouts_total"), 0);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_open"), 2);
}

// List requests hold at most three of four connections: a lookup by id is answered while they
// and more of them wait, not after.
TEST_F(ApiOutage, LookupsByIdDoNotWaitBehindLists) {
  ApiServer server(db_.url(), {{"API_THREADS", "2"},
                               {"DB_POOL_SIZE", "4"},
                               {"DB_POOL_TIMEOUT_MS", "60000"},
                               {"DB_STATEMENT_TIMEOUT_MS", "60000"}});
  const std::string list_target =
      std::string("/api/v1/twaps?wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  const auto list = HttpGet(server.port(), list_target);
  ASSERT_EQ(list.status, 200);
  const auto twap = HttpGet(server.port(), "/api/v1/twaps/568722");
  ASSERT_EQ(twap.status, 200);
  // A page is read from the per-TWAP table, a TWAP by id from its status rows.
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_span IN ACCESS EXCLUSIVE MODE").ok());
  auto held = HoldRequests(server.port(), list_target, 6, 3);
  ASSERT_TRUE(WaitForLockWaiter(db_, 3));
  ASSERT_TRUE(WaitForMetric(server.port(), "hltwap_db_pool_waits_total", 3));
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_in_use"), 3);

  const auto during =
      HttpConnection(server.port(), milliseconds(60000)).Get("/api/v1/twaps/568722");
  EXPECT_EQ(during.status, 200);
  EXPECT_EQ(during.body, twap.body);
  for (auto& r : held) {
    EXPECT_EQ(r.wait_for(milliseconds(0)), std::future_status::timeout);
  }

  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  for (auto& r : held) EXPECT_EQ(r.get().body, list.body);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_wait_timeouts_total"), 0);
}

TEST_F(ApiOutage, EveryDeadPooledConnectionIsReplacedWhileTheDatabaseIsUp) {
  ApiServer server(db_.url(), {{"API_THREADS", "4"}, {"DB_POOL_SIZE", "3"}});
  // Three requests held behind a lock make the pool open three connections.
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  std::vector<std::future<HttpResult>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::async(std::launch::async, [&] {
      return HttpConnection(server.port(), milliseconds(30000)).Get("/api/v1/twaps/568722");
    }));
  }
  ASSERT_TRUE(WaitForLockWaiter(db_, 3));
  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  for (auto& r : held) EXPECT_EQ(r.get().status, 200);
  EXPECT_EQ(Metric(server.port(), "hltwap_db_pool_open"), 3);

  TerminateOtherSessions(db_);  // every idle pooled connection dies; the database stays up
  for (int i = 0; i < 5; ++i) {
    const auto r = HttpGet(server.port(), "/api/v1/twaps/568722");
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_GE(Metric(server.port(), "hltwap_db_pool_discarded_total"), 3);
}

// A large list page is sent in pieces written from the result in hand: once its statement has
// answered, the rest of the page goes out while every pooled connection is held by a frozen
// database.
TEST_F(ApiOutage, ALargePageIsSentWhileThePoolIsHeld) {
  constexpr const char* kBulk = "0x00000000000000000000000000000000000000b1";
  auto conn = db_.Connect();
  ASSERT_TRUE(conn.Exec(fmt::format(R"sql(
      INSERT INTO twap_status (twap_id, wallet, ts, asset, side, size_requested, size_executed,
                               notional_executed, status, duration_minutes, s3_object_key,
                               raw_payload)
      SELECT (800000 + i)::text, '{}', '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute',
             'BTC', 'B', 1, 1, 100, 'finished', 5, 'k',
             jsonb_build_object('i', i, 'pad', repeat(md5(i::text), 64))
      FROM generate_series(1, 5000) AS i
    )sql",
                                    kBulk))
                  .ok());
  const UrlParts parts = PartsOf(db_);
  TcpProxy proxy(parts.port);
  // Requests beyond the pool wait for a connection as long as the held ones hold theirs.
  ApiServer server(
      fmt::format("postgresql://postgres@127.0.0.1:{}/{}", proxy.port(), parts.database),
      {{"API_THREADS", "2"},
       {"DB_POOL_SIZE", "2"},
       {"DB_POOL_TIMEOUT_MS", "60000"},
       {"DB_STATEMENT_TIMEOUT_MS", "60000"}});
  const std::string small_target =
      std::string("/api/v1/twaps?wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  ASSERT_EQ(HttpGet(server.port(), small_target).status, 200);

  // Tens of MiB, more than the sockets buffer: the server is still sending when it is frozen.
  RawConnection page(server.port());
  ASSERT_TRUE(page.connected());
  ASSERT_TRUE(page.Send(fmt::format(
      "GET /api/v1/twaps?wallet={}&start=2025-01-01&end=2026-01-01&limit=5000&latest_per_twap=false"
      " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      kBulk)));
  const std::string head = page.ReadAtLeast(4096, milliseconds(30000));
  ASSERT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head.substr(0, 300);

  proxy.Freeze();
  auto held = HoldRequests(server.port(), small_target, 4, 2);
  ASSERT_EQ(Metric(server.port(), "hltwap_db_pool_in_use"), 2);

  // The whole page arrives, its last chunk included, while the held requests still wait.
  const std::string rest = page.ReadUntilClosed(milliseconds(30000));
  EXPECT_GT(head.size() + rest.size(), size_t{10} << 20);
  EXPECT_EQ(rest.substr(rest.size() - 5), "0\r\n\r\n");
  for (auto& r : held) {
    if (r.wait_for(std::chrono::seconds(0)) != std::future_status::timeout) {
      const auto got = r.get();
      ADD_FAILURE() << "a held request was answered: " << got.status << " " << got.body;
    }
  }
  proxy.Stop();
  for (auto& r : held) {
    if (r.valid()) {
      EXPECT_EQ(r.get().status, 503);
    }
  }
}

}  // namespace
}  // namespace hltwap::testing
