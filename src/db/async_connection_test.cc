#include "db/async_connection.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <thread>

#include "tests/support/await.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using testing::Await;
using testing::TestDatabase;
using Clock = std::chrono::steady_clock;

constexpr auto kConnectTimeout = milliseconds(5000);

Clock::time_point In(milliseconds ms) {
  return Clock::now() + ms;
}

PgConnection Connected(const TestDatabase& db) {
  auto conn = Await(ConnectAsync(db.url(), kConnectTimeout));
  EXPECT_TRUE(conn.ok()) << conn.status().message();
  return std::move(conn).value();
}

Result<PgResult> Query(PgConnection& conn, const std::string& sql,
                       const std::vector<PgParam>& params = {},
                       milliseconds timeout = milliseconds(10000)) {
  return Await(QueryAsync(conn, sql, params, In(timeout)));
}

TEST(AsyncConnection, RunsStatementsWithTextParametersAndNulls) {
  TestDatabase db(/*migrate=*/false);
  PgConnection conn = Connected(db);
  EXPECT_EQ(PQisnonblocking(conn.get()), 1);

  auto r = Query(conn, "SELECT $1::int + 1 AS n, $2::text AS t, NULL::text AS z", {"41", {}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows(), 1);
  EXPECT_EQ(r->Get(0, 0), "42");
  EXPECT_TRUE(r->IsNull(0, 1));
  EXPECT_TRUE(r->IsNull(0, 2));
  EXPECT_EQ(r->ColumnIndex("t"), 1);

  ASSERT_TRUE(
      Await(PrepareAsync(conn, "twice", "SELECT $1::int * 2", In(milliseconds(10000)))).ok());
  auto prepared = Await(ExecPreparedAsync(conn, "twice", {"21"}, In(milliseconds(10000))));
  ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  EXPECT_EQ(prepared->Get(0, 0), "42");

  // A result larger than one socket read arrives whole.
  auto big = Query(conn, "SELECT repeat('x', 1000) FROM generate_series(1, 2000)");
  ASSERT_TRUE(big.ok()) << big.status().message();
  EXPECT_EQ(big->rows(), 2000);
  EXPECT_EQ(big->Get(1999, 0).size(), 1000u);
}

TEST(AsyncConnection, ServerErrorsKeepTheirKindAndTheConnection) {
  TestDatabase db(/*migrate=*/false);
  PgConnection conn = Connected(db);
  auto division = Query(conn, "SELECT 1 / $1::int", {"0"});
  ASSERT_FALSE(division.ok());
  EXPECT_EQ(division.status().kind(), ErrorKind::kData) << division.status().message();
  auto syntax = Query(conn, "SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().kind(), ErrorKind::kInvalidArgument);
  auto unknown = Await(ExecPreparedAsync(conn, "nope", {}, In(milliseconds(10000))));
  EXPECT_FALSE(unknown.ok());
  // Errors end in a connection ready for the next statement.
  EXPECT_EQ(PQtransactionStatus(conn.get()), PQTRANS_IDLE);
  EXPECT_EQ(Query(conn, "SELECT 'still here'")->Get(0, 0), "still here");
}

TEST(AsyncConnection, APassedDeadlineIsRetryableAndLeavesTheConnectionMidStatement) {
  TestDatabase db(/*migrate=*/false);
  PgConnection conn = Connected(db);
  auto slow = Query(conn, "SELECT pg_sleep(30)", {}, milliseconds(200));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().kind(), ErrorKind::kRetryable) << slow.status().message();
  // Not idle: a pool discards it (closing the socket ends the statement on the server too).
  EXPECT_NE(PQtransactionStatus(conn.get()), PQTRANS_IDLE);
}

TEST(AsyncConnection, ALostConnectionIsAConnectionErrorAndANewOneWorks) {
  TestDatabase db(/*migrate=*/false);
  PgConnection conn = Connected(db);
  const std::string pid(Query(conn, "SELECT pg_backend_pid()")->Get(0, 0));
  db.Scalar("SELECT pg_terminate_backend(" + pid + ")");
  auto lost = Query(conn, "SELECT 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().kind(), ErrorKind::kConnection) << lost.status().message();
  PgConnection again = Connected(db);
  EXPECT_EQ(Query(again, "SELECT 2")->Get(0, 0), "2");
}

TEST(AsyncConnection, ConnectFailuresAreConnectionErrorsWithinTheTimeout) {
  const std::string refused =
      "postgresql://postgres@127.0.0.1:" + std::to_string(testing::FreePort()) + "/nodb";
  auto no_server = Await(ConnectAsync(refused, kConnectTimeout));
  ASSERT_FALSE(no_server.ok());
  EXPECT_EQ(no_server.status().kind(), ErrorKind::kConnection);
  EXPECT_NE(no_server.status().message().find("cannot connect to the database"), std::string::npos);

  // A server that accepts the TCP connection and never answers: only the timeout ends this.
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string mute =
      "postgresql://postgres@127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/nodb";
  auto timed_out = Await(ConnectAsync(mute, milliseconds(300)));
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().kind(), ErrorKind::kConnection);
  EXPECT_NE(timed_out.status().message().find("timeout expired"), std::string::npos)
      << timed_out.status().message();
}

// One thread, two connections: a statement blocked on a lock does not hold up the other.
TEST(AsyncConnection, AWaitingStatementHoldsNoThread) {
  TestDatabase db(/*migrate=*/false);
  auto locker = db.Connect();
  ASSERT_TRUE(locker.Exec("SELECT pg_advisory_lock(7)").ok());
  PgConnection blocked = Connected(db);
  PgConnection free = Connected(db);

  // The coroutines start later, in run_one(): what they refer to must outlive this statement.
  const std::vector<PgParam> none;
  const std::string lock = "SELECT pg_advisory_lock(7)";
  const std::string sql = "SELECT 'answered'";
  asio::io_context io;
  std::optional<Result<PgResult>> waiting;
  std::optional<Result<PgResult>> answered;
  testing::Spawn(io, QueryAsync(blocked, lock, none, In(milliseconds(30000))), waiting);
  testing::Spawn(io, QueryAsync(free, sql, none, In(milliseconds(30000))), answered);
  // Runs the loop until the free statement is done; the blocked one is still waiting.
  while (!answered) io.run_one();
  ASSERT_TRUE(answered->ok()) << answered->status().message();
  EXPECT_EQ((*answered)->Get(0, 0), "answered");
  EXPECT_FALSE(waiting);

  ASSERT_TRUE(locker.Exec("SELECT pg_advisory_unlock(7)").ok());
  io.run();
  ASSERT_TRUE(waiting);
  EXPECT_TRUE(waiting->ok()) << waiting->status().message();
}

}  // namespace
}  // namespace hltwap
