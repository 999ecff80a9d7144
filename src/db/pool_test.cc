#include "db/pool.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <thread>
#include <vector>

#include "tests/support/await.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using std::chrono::milliseconds;
using testing::Await;
using testing::TestDatabase;

PgPoolOptions Options(const TestDatabase& db, size_t max_size = 2) {
  PgPoolOptions o;
  o.conninfo = db.url();
  o.max_size = max_size;
  o.acquire_timeout = milliseconds(200);
  o.statements = {{"one", "SELECT $1::int + 1"}, {"pid", "SELECT pg_backend_pid()"}};
  return o;
}

TEST(PgPool, ConnectsLazilyPreparesOnceAndReuses) {
  TestDatabase db(/*migrate=*/false);
  PgPool pool(Options(db));
  EXPECT_EQ(pool.Stats().open, 0u);
  std::string first_pid;
  {
    auto lease = Await(pool.Acquire());
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    EXPECT_FALSE(lease->reused());
    auto r = Await(lease->ExecPrepared("one", {"41"}));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->Get(0, 0), "42");
    first_pid = std::string(Await(lease->ExecPrepared("pid", {}))->Get(0, 0));
    EXPECT_EQ(pool.Stats().in_use, 1u);
  }
  EXPECT_EQ(pool.Stats().in_use, 0u);
  auto again = Await(pool.Acquire());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->reused());
  EXPECT_EQ(Await(again->ExecPrepared("pid", {}))->Get(0, 0), first_pid);
  const auto stats = pool.Stats();
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.open, 1u);
  EXPECT_EQ(stats.max_size, 2u);
  // A NULL parameter and an unknown statement.
  EXPECT_EQ(Await(again->ExecPrepared("one", {std::nullopt}))->IsNull(0, 0), true);
  EXPECT_FALSE(Await(again->ExecPrepared("nope", {})).ok());
}

TEST(PgPool, NeverOpensMoreThanMaxSizeAndWaitsAreBounded) {
  TestDatabase db(/*migrate=*/false);
  PgPool pool(Options(db, /*max_size=*/1));
  auto held = Await(pool.Acquire());
  ASSERT_TRUE(held.ok());
  auto timed_out = Await(pool.Acquire());
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().kind(), ErrorKind::kRetryable);
  EXPECT_EQ(pool.Stats().wait_timeouts, 1u);

  // A waiter gets the connection as soon as it is released.
  auto waiter = std::async(std::launch::async, [&] {
    auto lease = Await(pool.Acquire());
    return lease.ok() && lease->reused();
  });
  std::this_thread::sleep_for(milliseconds(50));
  { auto release = std::move(held).value(); }
  EXPECT_TRUE(waiter.get());
  const auto stats = pool.Stats();
  EXPECT_EQ(stats.open, 1u);
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.waits, 2u);
}

// Coroutines on one thread share the pool: the pool, not the thread, bounds the statements in
// flight, and every waiter is served in turn.
TEST(PgPool, ManyCoroutinesOnOneThreadShareTheConnections) {
  TestDatabase db(/*migrate=*/false);
  auto options = Options(db, /*max_size=*/2);
  options.acquire_timeout = milliseconds(60000);
  options.statements.push_back({"nap", "SELECT pg_sleep(0.05), $1::int"});
  PgPool pool(options);
  boost::asio::io_context io;
  constexpr int kRequests = 20;
  std::vector<std::future<std::string>> answers;
  for (int i = 0; i < kRequests; ++i) {
    answers.push_back(boost::asio::co_spawn(
        io,
        [&pool, i]() -> boost::asio::awaitable<std::string> {
          auto lease = co_await pool.Acquire();
          if (!lease.ok()) co_return lease.status().message();
          const std::string name = "nap";
          const std::string value = std::to_string(i);
          const std::vector<PgParam> params = {value};
          auto r = co_await lease->ExecPrepared(name, params);
          co_return r.ok() ? std::string(r->Get(0, 1)) : r.status().message();
        },
        boost::asio::use_future));
  }
  io.run();
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(answers[i].get(), std::to_string(i));
  const auto stats = pool.Stats();
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.open, 2u);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_GE(stats.waits, static_cast<uint64_t>(kRequests - 2));
  EXPECT_EQ(stats.wait_timeouts, 0u);
}

// Long statements never take the connections reserved for short ones, and a short Acquire is
// not queued behind a long one that waits for its share.
TEST(PgPool, ShortStatementsNeverWaitBehindLongOnes) {
  TestDatabase db(/*migrate=*/false);
  auto options = Options(db, /*max_size=*/3);
  options.reserved_for_short = 1;
  options.acquire_timeout = milliseconds(600000);
  PgPool pool(options);
  auto long_a = Await(pool.Acquire(StatementCost::kLong));
  auto long_b = Await(pool.Acquire(StatementCost::kLong));
  ASSERT_TRUE(long_a.ok() && long_b.ok());

  boost::asio::io_context io;
  std::vector<std::string> served;
  const auto start_waiting = [&](StatementCost cost, std::string name, uint64_t waits) {
    boost::asio::co_spawn(
        io,
        [&pool, &served, cost, name]() -> boost::asio::awaitable<void> {
          auto lease = co_await pool.Acquire(cost);
          served.push_back(lease.ok() ? name : lease.status().message());
        },
        boost::asio::detached);
    // The coroutine runs until it waits; nothing else is ready on `io`.
    while (io.poll_one() != 0) {
    }
    return pool.Stats().waits == waits;
  };
  // Two long leases are the long statements' share: a third waits although a connection could
  // still be opened, which a short Acquire then does.
  ASSERT_TRUE(start_waiting(StatementCost::kLong, "long", 1));
  EXPECT_EQ(pool.Stats().open, 2u);
  auto short_c = Await(pool.Acquire(StatementCost::kShort));
  ASSERT_TRUE(short_c.ok()) << short_c.status().message();
  EXPECT_EQ(pool.Stats().open, 3u);
  ASSERT_TRUE(start_waiting(StatementCost::kShort, "short", 2));
  EXPECT_TRUE(served.empty());

  // The short lease's connection goes to the short waiter, though the long one came first; the
  // long waiter gets the next long lease's connection.
  { auto release = std::move(short_c).value(); }
  while (served.empty() && io.run_one_for(std::chrono::seconds(60)) != 0) {
  }
  EXPECT_EQ(served, std::vector<std::string>{"short"});
  { auto release = std::move(long_a).value(); }
  io.run();
  EXPECT_EQ(served, (std::vector<std::string>{"short", "long"}));
  const auto stats = pool.Stats();
  EXPECT_EQ(stats.in_use, 1u);
  EXPECT_EQ(stats.open, 3u);
  EXPECT_EQ(stats.wait_timeouts, 0u);
}

// Ends these backends and waits until their processes are gone (so their sockets are closed).
void TerminateBackends(const TestDatabase& db, const std::vector<std::string>& pids) {
  std::string list;
  for (const auto& pid : pids) list += (list.empty() ? "" : ",") + pid;
  db.Scalar("SELECT count(pg_terminate_backend(pid)) FROM unnest(ARRAY[" + list + "]) AS pid");
  for (int i = 0; i < 600; ++i) {
    if (db.Scalar("SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + list + ")") == "0") {
      return;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  ADD_FAILURE() << "backends " << list << " did not end";
}

TEST(PgPool, BrokenConnectionsAreDiscardedAndRemade) {
  TestDatabase db(/*migrate=*/false);
  PgPool pool(Options(db));
  std::string pid;
  {
    auto lease = Await(pool.Acquire());
    ASSERT_TRUE(lease.ok());
    pid = std::string(Await(lease->ExecPrepared("pid", {}))->Get(0, 0));
  }
  TerminateBackends(db, {pid});
  // The dead idle connection is never handed out: the pool drops it and connects anew.
  auto fresh = Await(pool.Acquire());
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->reused());
  EXPECT_EQ(Await(fresh->ExecPrepared("one", {"1"}))->Get(0, 0), "2");
  EXPECT_EQ(pool.Stats().discarded, 1u);
  EXPECT_EQ(pool.Stats().open, 1u);
}

TEST(PgPool, EveryDeadIdleConnectionIsReplacedBeforeOneIsGivenOut) {
  TestDatabase db(/*migrate=*/false);
  PgPool pool(Options(db, /*max_size=*/4));
  std::vector<std::string> pids;
  {
    std::vector<PgPool::Lease> leases;
    for (int i = 0; i < 3; ++i) {
      auto lease = Await(pool.Acquire());
      ASSERT_TRUE(lease.ok());
      pids.emplace_back(Await(lease->ExecPrepared("pid", {}))->Get(0, 0));
      leases.push_back(std::move(lease).value());
    }
  }
  ASSERT_EQ(pool.Stats().open, 3u);
  TerminateBackends(db, pids);  // a server restart, as the pool sees it
  for (int i = 0; i < 3; ++i) {
    auto lease = Await(pool.Acquire());
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    auto r = Await(lease->ExecPrepared("one", {"41"}));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->Get(0, 0), "42");
  }
  EXPECT_EQ(pool.Stats().discarded, 3u);
}

TEST(PgPool, SlowStatementsAreCancelledByTheServerAndTheConnectionKept) {
  TestDatabase db(/*migrate=*/false);
  auto options = Options(db);
  options.statement_timeout = milliseconds(200);
  options.statements.push_back({"sleep", "SELECT pg_sleep(3)"});
  PgPool pool(options);
  {
    auto lease = Await(pool.Acquire());
    ASSERT_TRUE(lease.ok());
    auto r = Await(lease->ExecPrepared("sleep", {}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().kind(), ErrorKind::kRetryable) << r.status().message();
  }
  EXPECT_EQ(pool.Stats().discarded, 0u);
  auto next = Await(pool.Acquire());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Await(next->ExecPrepared("one", {"2"}))->Get(0, 0), "3");
  EXPECT_EQ(pool.Stats().connects, 1u);
}

TEST(PgPool, AServerThatStopsAnsweringHitsTheClientDeadlineAndTheConnectionIsDropped) {
  TestDatabase db(/*migrate=*/false);
  auto options = Options(db);
  options.statement_timeout = milliseconds(200);
  // With the server's own timeout switched off, only the client's deadline can end the sleep.
  options.statements.push_back({"no_server_timeout", "SET statement_timeout = 0"});
  options.statements.push_back({"sleep", "SELECT pg_sleep(5)"});
  PgPool pool(options);
  {
    auto lease = Await(pool.Acquire());
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE(Await(lease->ExecPrepared("no_server_timeout", {})).ok());
    auto r = Await(lease->ExecPrepared("sleep", {}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().kind(), ErrorKind::kRetryable) << r.status().message();
  }
  EXPECT_EQ(pool.Stats().discarded, 1u);
  auto next = Await(pool.Acquire());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Await(next->ExecPrepared("one", {"2"}))->Get(0, 0), "3");
}

TEST(PgPool, UnreachableServerFailsFastDuringTheBackoff) {
  PgPoolOptions options;
  options.conninfo =
      "postgresql://postgres@127.0.0.1:" + std::to_string(testing::FreePort()) + "/nodb";
  options.reconnect_backoff = milliseconds(60000);
  PgPool pool(options);
  auto first = Await(pool.Acquire());
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().kind(), ErrorKind::kConnection);
  auto second = Await(pool.Acquire());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().kind(), ErrorKind::kConnection);
  EXPECT_EQ(pool.Stats().connect_failures, 1u);  // the second did not try again
  EXPECT_EQ(pool.Stats().open, 0u);
}

TEST(PgPool, AStatementThatCannotBePreparedIsAnError) {
  TestDatabase db(/*migrate=*/false);
  auto options = Options(db);
  options.statements.push_back({"broken", "SELECT FROM no_such_table"});
  PgPool pool(options);
  auto lease = Await(pool.Acquire());
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.status().message().find("preparing broken"), std::string::npos)
      << lease.status().message();
  EXPECT_EQ(pool.Stats().open, 0u);
  // Not an unreachable server: the next attempt connects again.
  EXPECT_FALSE(Await(pool.Acquire()).ok());
  EXPECT_EQ(pool.Stats().connect_failures, 2u);
}

}  // namespace
}  // namespace hltwap
