// Read scale-out on a real streaming-replication standby: a private primary on loopback, a
// standby made from it with pg_basebackup -R (scripts/postgres.sh standby), and `hltwap api` with
// the standby in DATABASE_READ_URLS. Every wait is for a condition, never for a time.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr auto kConditionTimeout = std::chrono::seconds(90);
const std::string kWalletQuery = std::string("/api/v1/twaps?wallet=") + kAlice +
                                 "&start=2025-01-01&end=2026-01-01&latest_per_twap=false";

// scripts/postgres.sh with `args`; its stdout (a URL) without the newline.
std::string Postgres(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SourceDir() + "/scripts/postgres.sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = RunProcess(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

PgConnection Connect(const std::string& url) {
  auto conn = PgConnection::Connect(url);
  EXPECT_TRUE(conn.ok()) << conn.status().message();
  return std::move(conn).value();
}

void Exec(const std::string& url, const std::string& sql) {
  auto conn = Connect(url);
  const Status st = conn.Exec(sql);
  ASSERT_TRUE(st.ok()) << st.message();
}

// hltwap_db_queries_total per target, from /metrics.
std::map<std::string, int64_t> QueriesByTarget(int port) {
  const auto r = HttpGet(port, "/metrics");
  EXPECT_EQ(r.status, 200);
  std::map<std::string, int64_t> counts;
  static const std::regex line(R"re(hltwap_db_queries_total\{target="([^"]+)"\} (\d+))re");
  for (std::sregex_iterator it(r.body.begin(), r.body.end(), line), end; it != end; ++it) {
    counts[(*it)[1]] = std::stoll((*it)[2]);
  }
  return counts;
}

// The standby's entry in /healthz.
json::object StandbyHealth(int port) {
  const auto r = HttpGet(port, "/healthz");
  const auto body = ParseJson(r.body);
  for (const auto& db : body.at("databases").as_array()) {
    if (db.at("name") == "standby-1") return db.as_object();
  }
  ADD_FAILURE() << "no standby in /healthz: " << r.body;
  return {};
}

template <typename Predicate>
bool WaitFor(Predicate&& done) {
  const auto deadline = Clock::now() + kConditionTimeout;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

bool InRotation(int port) {
  return StandbyHealth(port).at("in_rotation").as_bool();
}

class ReplicaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = ::testing::TempDir() + "hltwap_replica_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = new std::string(pattern);
    // The clusters belong to the postgres user when the tests run as root.
    ::chmod(dir_->c_str(), 0755);
    primary_url_ = new std::string(Postgres({"start", *dir_ + "/primary"}));
    const auto init = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "db", "init"},
                                 {{"DATABASE_URL", *primary_url_}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto conn = Connect(*primary_url_);
    for (const auto& row : SampleRows()) InsertRow(conn, row);
    standby_url_ = new std::string(Postgres({"standby", *dir_ + "/primary", *dir_ + "/standby"}));
    server_ = new ApiServer(*primary_url_, {{"DATABASE_READ_URLS", *standby_url_},
                                            {"DATABASE_MAX_REPLICA_LAG_S", "5"}});
  }

  static void TearDownTestSuite() {
    delete server_;
    Postgres({"stop", *dir_ + "/standby"});
    Postgres({"stop", *dir_ + "/primary"});
    std::error_code ignored;
    std::filesystem::remove_all(*dir_, ignored);
    delete standby_url_;
    delete primary_url_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(WaitFor([] { return InRotation(port()); })) << server_->Log();
  }

  static int port() { return server_->port(); }

  // One request, and which database answered it: the counters move for exactly one target.
  static std::string ServedBy(const std::string& target) {
    const auto before = QueriesByTarget(port());
    const auto r = HttpGet(port(), target);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto after = QueriesByTarget(port());
    std::string served;
    for (const auto& [name, count] : after) {
      if (count != before.at(name)) served += (served.empty() ? "" : ",") + name;
    }
    return served;
  }

  static inline std::string* dir_ = nullptr;
  static inline std::string* primary_url_ = nullptr;
  static inline std::string* standby_url_ = nullptr;
  static inline ApiServer* server_ = nullptr;
};

TEST_F(ReplicaTest, ReadsAreServedByTheStandbyAndHealthShowsBoth) {
  EXPECT_EQ(ServedBy(kWalletQuery), "standby-1");
  EXPECT_EQ(ServedBy("/api/v1/twaps/568722"), "standby-1");
  EXPECT_EQ(ServedBy("/api/v1/twaps/568722/fills"), "standby-1");

  const auto health = ParseJson(HttpGet(port(), "/healthz").body);
  EXPECT_EQ(health.at("status"), "ok");
  const auto& dbs = health.at("databases").as_array();
  ASSERT_EQ(dbs.size(), 2u);
  EXPECT_EQ(dbs[0].at("name"), "primary");
  EXPECT_EQ(dbs[0].at("role"), "primary");
  EXPECT_EQ(dbs[1].at("role"), "standby");
  EXPECT_EQ(dbs[1].at("status"), "ok");
  EXPECT_EQ(dbs[1].at("lag_seconds").to_number<double>(), 0.0);

  const auto checked = CheckResponses(port(), {"/healthz", "/metrics", kWalletQuery});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

TEST_F(ReplicaTest, RowsIngestedOnThePrimaryAreReadFromTheStandbyAfterReplay) {
  // The ETL writes to DATABASE_URL only, whatever DATABASE_READ_URLS says.
  const auto etl = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl",
                               "--local-file", SourceDir() + "/tests/data/sample_twap.parquet"},
                              {{"DATABASE_URL", *primary_url_}, {"DATABASE_READ_URLS", "x"}});
  ASSERT_EQ(etl.exit_code, 0) << etl.err;
  auto primary = Connect(*primary_url_);
  auto expected = primary.Query("SELECT count(DISTINCT twap_id) FROM twap_status WHERE wallet = $1",
                                {std::string(kAlice)});
  ASSERT_TRUE(expected.ok());
  const size_t twaps = std::stoul(std::string(expected->Get(0, 0)));
  const std::string query = kWalletQuery + "&limit=5000";
  ASSERT_TRUE(WaitFor([&] {
    return ParseJson(HttpGet(port(), query).body).at("twaps").as_array().size() == twaps;
  }));
  ASSERT_TRUE(WaitFor([] { return InRotation(port()); }));
  EXPECT_EQ(ServedBy(query), "standby-1");
}

TEST_F(ReplicaTest, StandbyStoppedUnderLoadFailsNoRequestAndReturnsWhenRestarted) {
  std::atomic<bool> stop{false};
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      while (!stop) {
        const auto r = HttpGet(port(), kWalletQuery);
        if (r.status != 200) ++failed;
        ++done;
      }
    });
  }
  ASSERT_TRUE(WaitFor([&] { return done >= 40; }));
  Postgres({"stop", *dir_ + "/standby"});
  const int at_stop = done;
  ASSERT_TRUE(WaitFor(
      [&] { return done >= at_stop + 40 && StandbyHealth(port()).at("status") == "unreachable"; }));
  EXPECT_FALSE(InRotation(port()));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed, 0) << "of " << done << " requests\n" << server_->Log();
  EXPECT_EQ(ServedBy(kWalletQuery), "primary");

  EXPECT_EQ(Postgres({"standby", *dir_ + "/primary", *dir_ + "/standby"}), *standby_url_);
  ASSERT_TRUE(WaitFor([] { return InRotation(port()); })) << server_->Log();
  EXPECT_EQ(ServedBy(kWalletQuery), "standby-1");
}

TEST_F(ReplicaTest, LaggingStandbyLeavesRotationUntilItCatchesUp) {
  Exec(*standby_url_, "SELECT pg_wal_replay_pause()");
  Exec(*primary_url_,
       "CREATE TABLE IF NOT EXISTS lag_probe (n int); INSERT INTO lag_probe VALUES (1)");
  ASSERT_TRUE(WaitFor([] { return StandbyHealth(port()).at("status") == "lagging"; }));
  EXPECT_FALSE(InRotation(port()));
  EXPECT_EQ(ServedBy(kWalletQuery), "primary");

  Exec(*standby_url_, "SELECT pg_wal_replay_resume()");
  ASSERT_TRUE(WaitFor([] { return InRotation(port()); })) << server_->Log();
  EXPECT_EQ(ServedBy(kWalletQuery), "standby-1");
}

}  // namespace
}  // namespace hltwap::testing
