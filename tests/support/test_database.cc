#include "tests/support/test_database.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>

#include "db/migrations.h"

namespace hltwap::testing {
namespace {

std::string UniqueName() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return fmt::format("hltwap_test_{}_{}_{:08x}", ::getpid(), counter++, rd());
}

// Replaces the database part of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme + 3);
  const auto query = url.find('?', scheme + 3);
  std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + rest;
}

PgConnection MustConnect(const std::string& url) {
  auto conn = PgConnection::Connect(url);
  if (!conn.ok()) throw std::runtime_error(conn.status().message());
  return std::move(conn).value();
}

}  // namespace

std::string AdminUrl() {
  const char* url = std::getenv("HLTWAP_TEST_ADMIN_URL");
  return url != nullptr && *url != '\0' ? url : "postgresql://postgres@127.0.0.1:5432/postgres";
}

TestDatabase::TestDatabase(bool migrate) : name_(UniqueName()) {
  auto admin = MustConnect(AdminUrl());
  const auto st = admin.Exec(fmt::format("CREATE DATABASE {}", name_));
  if (!st.ok()) throw std::runtime_error("CREATE DATABASE failed: " + st.message());
  url_ = WithDatabase(AdminUrl(), name_);
  if (migrate) {
    auto conn = Connect();
    auto applied = ApplyMigrations(conn);
    if (!applied.ok()) throw std::runtime_error("migrations failed: " + applied.status().message());
  }
}

TestDatabase::~TestDatabase() {
  auto admin = PgConnection::Connect(AdminUrl());
  if (!admin.ok()) return;
  (void)admin->Exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
}

PgConnection TestDatabase::Connect() const {
  return MustConnect(url_);
}

std::string TestDatabase::Scalar(const std::string& sql) const {
  auto conn = Connect();
  auto r = conn.Query(sql);
  if (!r.ok()) throw std::runtime_error(sql + ": " + r.status().message());
  if (r->rows() == 0) return "";
  return r->IsNull(0, 0) ? "NULL" : std::string(r->Get(0, 0));
}

void WhileBlocked(const TestDatabase& db, PgConnection& holder, const std::string& statement) {
  auto other = db.Connect();
  const std::string pid = std::string(other.Query("SELECT pg_backend_pid()")->Get(0, 0));
  Status result;
  std::thread writer([&] { result = other.Exec(statement); });
  auto watcher = db.Connect();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto waiting = watcher.Query(
        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", {pid});
    if (waiting.ok() && waiting->rows() == 1 && waiting->Get(0, 0) == "t") break;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the second writer never waited for the first";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(holder.Exec("COMMIT").ok());
  writer.join();
  EXPECT_TRUE(result.ok()) << result.message();
}

}  // namespace hltwap::testing
