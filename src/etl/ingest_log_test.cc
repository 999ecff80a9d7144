#include "etl/ingest_log.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "common/log.h"
#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using testing::TestDatabase;

constexpr int64_t kMonday = 1761523200000000;  // 2025-10-27T00:00:00Z

TEST(IngestLog, DoneMeansNoErrorAndNotOlderThanTheObject) {
  IngestLogEntry e;
  e.last_modified = kMonday;
  e.rows_ingested = 5;
  EXPECT_TRUE(IsDone(e, kMonday));
  EXPECT_TRUE(IsDone(e, kMonday - 1));
  EXPECT_FALSE(IsDone(e, kMonday + 1000000)) << "rewritten upstream";
  e.error_text = "corrupt";
  EXPECT_FALSE(IsDone(e, kMonday)) << "failed objects are retried";
}

TEST(IngestLog, RecordsSuccessAndFailureAndKeepsTheLatestAttempt) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(RecordIngestSuccess(conn, "raw/a.parquet", kMonday, 42).ok());
  ASSERT_TRUE(RecordIngestFailure(conn, "raw/b.parquet", kMonday + 1, "bad\nfile").ok());

  auto all = ReadIngestLog(conn);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  const auto& a = all->at("raw/a.parquet");
  EXPECT_EQ(a.last_modified, kMonday);
  EXPECT_EQ(a.rows_ingested, 42);
  EXPECT_FALSE(a.error_text);
  EXPECT_GT(a.ingested_at, kMonday);
  const auto& b = all->at("raw/b.parquet");
  EXPECT_EQ(b.last_modified, kMonday + 1);
  EXPECT_FALSE(b.rows_ingested);
  EXPECT_EQ(b.error_text, "bad file");

  // The retry succeeds: the error is cleared.
  ASSERT_TRUE(RecordIngestSuccess(conn, "raw/b.parquet", kMonday + 2, 0).ok());
  auto b2 = ReadIngestLogEntry(conn, "raw/b.parquet");
  ASSERT_TRUE(b2.ok());
  ASSERT_TRUE(b2->has_value());
  EXPECT_FALSE((*b2)->error_text);
  EXPECT_EQ((*b2)->rows_ingested, 0);
  EXPECT_EQ((*b2)->last_modified, kMonday + 2);
  EXPECT_EQ(db.Scalar("SELECT last_modified = '2025-10-27T00:00:00.000002Z' FROM etl_s3_ingest_log "
                      "WHERE s3_object_key = 'raw/b.parquet'"),
            "t");

  auto missing = ReadIngestLogEntry(conn, "raw/none.parquet");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(IngestLog, ErrorTextIsOneMaskedBoundedLine) {
  log::RegisterSecret("s3cr3t-token-value");
  EXPECT_EQ(IngestErrorText("GET failed:\n  token s3cr3t-token-value\trejected"),
            "GET failed: token *** rejected");
  EXPECT_EQ(IngestErrorText("cannot connect to postgresql://u:hunter22@db/x"),
            "cannot connect to postgresql://u:***@db/x");
  EXPECT_EQ(IngestErrorText(""), "failed");
  const std::string long_text(5000, 'x');
  const std::string cut = IngestErrorText(long_text);
  EXPECT_LT(cut.size(), 2100u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  // Never cut inside a UTF-8 character.
  std::string accents;
  for (int i = 0; i < 1500; ++i) accents += "é";
  const std::string cut_accents = IngestErrorText(accents);
  EXPECT_EQ((cut_accents.size() - 3) % 2, 0u);
}

TEST(IngestLog, LongKeysAndQuotesAreStoredAsGiven) {
  TestDatabase db;
  auto conn = db.Connect();
  const std::string key = "raw/it's a \"key\"/" + std::string(900, 'k') + ".parquet";
  ASSERT_TRUE(RecordIngestSuccess(conn, key, kMonday, 1).ok());
  auto e = ReadIngestLogEntry(conn, key);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->has_value());
}

bool InTransaction(const PgConnection& conn) {
  return PQtransactionStatus(conn.get()) != PQTRANS_IDLE;
}

constexpr std::chrono::milliseconds kNoWait{0};

// Advisory locks held in this test's database (pg_locks shows the whole server's).
constexpr const char* kAdvisoryLocksHere =
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
    "(SELECT oid FROM pg_database WHERE datname = current_database())";

Result<ObjectClaim> Claim(PgConnection& conn) {
  return ObjectClaim::TryClaim(conn, "raw/a.parquet", kMonday, false, 0, kNoWait);
}

// The outcome of claiming an object, the claim ended at once.
std::optional<ClaimOutcome> ClaimOnce(PgConnection& conn, int64_t last_modified = kMonday,
                                      bool force = false, int64_t run_started = 0,
                                      const std::string& key = "raw/a.parquet") {
  auto claim = ObjectClaim::TryClaim(conn, key, last_modified, force, run_started, kNoWait);
  if (!claim.ok()) {
    ADD_FAILURE() << claim.status().message();
    return std::nullopt;
  }
  return claim->outcome();
}

TEST(IngestLog, ClockIsTheDatabaseClockInMicros) {
  TestDatabase db;
  auto conn = db.Connect();
  auto clock = IngestLogClock(conn);
  ASSERT_TRUE(clock.ok()) << clock.status().message();
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_LT(std::abs(*clock - now), 60'000'000);
}

TEST(ObjectClaim, BusyWhileAnotherConnectionHoldsTheObject) {
  TestDatabase db;
  auto first = db.Connect();
  auto second = db.Connect();
  {
    auto held = Claim(first);
    ASSERT_TRUE(held.ok()) << held.status().message();
    EXPECT_EQ(held->outcome(), ClaimOutcome::kClaimed);
    EXPECT_FALSE(InTransaction(first)) << "no transaction is open while the object downloads";

    auto busy = Claim(second);
    ASSERT_TRUE(busy.ok()) << busy.status().message();
    EXPECT_EQ(busy->outcome(), ClaimOutcome::kBusy);
    EXPECT_FALSE(InTransaction(second));
    EXPECT_EQ(ClaimOnce(second, kMonday, false, 0, "raw/b.parquet"), ClaimOutcome::kClaimed)
        << "the lock is per object";

    auto begun = held->Begin();
    ASSERT_TRUE(begun.ok()) << begun.status().message();
    EXPECT_EQ(*begun, ClaimOutcome::kClaimed);
    EXPECT_TRUE(InTransaction(first));
    EXPECT_EQ(ClaimOnce(second), ClaimOutcome::kBusy) << "the lock covers the transaction";
  }
  EXPECT_FALSE(InTransaction(first));
  EXPECT_EQ(ClaimOnce(second), ClaimOutcome::kClaimed) << "ending the claim frees the lock";
}

TEST(ObjectClaim, CommitAndFailReleaseTheLock) {
  TestDatabase db;
  auto conn = db.Connect();
  auto other = db.Connect();
  auto committed = Claim(conn);
  ASSERT_TRUE(committed.ok()) << committed.status().message();
  ASSERT_TRUE(committed->Begin().ok());
  ASSERT_TRUE(committed->Commit(kMonday, 1).ok());
  EXPECT_EQ(ClaimOnce(other, kMonday + 1), ClaimOutcome::kClaimed);

  // A download that fails before Begin: the failure is recorded on its own.
  auto failed = ObjectClaim::TryClaim(conn, "raw/a.parquet", kMonday + 1, false, 0, kNoWait);
  ASSERT_TRUE(failed.ok()) << failed.status().message();
  ASSERT_EQ(failed->outcome(), ClaimOutcome::kClaimed) << "a newer version is not done";
  ASSERT_TRUE(failed->Fail(kMonday + 1, Status::Connection("S3 GetObject: reset")).ok());
  EXPECT_FALSE(InTransaction(conn));
  EXPECT_EQ(db.Scalar("SELECT error_text FROM etl_s3_ingest_log"), "S3 GetObject: reset");
  EXPECT_EQ(ClaimOnce(other, kMonday + 1), ClaimOutcome::kClaimed);
  EXPECT_EQ(db.Scalar(kAdvisoryLocksHere), "0");
}

// The log is read again once the transaction is open: an object found done then is not loaded.
TEST(ObjectClaim, BeginFindsAnObjectDoneMeanwhile) {
  TestDatabase db;
  auto conn = db.Connect();
  auto claim = Claim(conn);
  ASSERT_TRUE(claim.ok()) << claim.status().message();
  ASSERT_EQ(claim->outcome(), ClaimOutcome::kClaimed);
  auto writer = db.Connect();
  ASSERT_TRUE(RecordIngestSuccess(writer, "raw/a.parquet", kMonday, 3).ok());
  auto begun = claim->Begin();
  ASSERT_TRUE(begun.ok()) << begun.status().message();
  EXPECT_EQ(*begun, ClaimOutcome::kDone);
  EXPECT_FALSE(InTransaction(conn));
  EXPECT_EQ(db.Scalar(kAdvisoryLocksHere), "0");
}

TEST(ObjectClaim, DoneObjectsAreSkippedUnlessForcedAndNotDoneDuringThisRun) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(RecordIngestSuccess(conn, "raw/a.parquet", kMonday, 3).ok());
  auto before_run = IngestLogClock(conn);
  ASSERT_TRUE(before_run.ok());

  EXPECT_EQ(ClaimOnce(conn), ClaimOutcome::kDone);
  EXPECT_EQ(ClaimOnce(conn, kMonday, /*force=*/true, /*run_started=*/*before_run),
            ClaimOutcome::kClaimed)
      << "reprocessing an object done before the run";
  EXPECT_EQ(ClaimOnce(conn, kMonday, /*force=*/true, /*run_started=*/0), ClaimOutcome::kDone)
      << "a concurrent run loaded it since the run started";
  EXPECT_EQ(ClaimOnce(conn, kMonday + 1), ClaimOutcome::kClaimed)
      << "a newer LastModified is not done";
}

// A claimed object with one row written in its transaction (to the `probe` table).
class ClaimedObject : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(conn_.Exec("CREATE TABLE probe (x int)").ok());
    auto claim = Claim(conn_);
    ASSERT_TRUE(claim.ok()) << claim.status().message();
    claim_.emplace(std::move(claim).value());
    auto begun = claim_->Begin();
    ASSERT_TRUE(begun.ok()) << begun.status().message();
    ASSERT_EQ(*begun, ClaimOutcome::kClaimed);
    ASSERT_TRUE(conn_.Exec("INSERT INTO probe VALUES (1)").ok());
  }

  std::optional<IngestLogEntry> LogEntry() {
    auto entry = ReadIngestLogEntry(conn_, "raw/a.parquet");
    EXPECT_TRUE(entry.ok());
    return entry.ok() ? *entry : std::nullopt;
  }

  TestDatabase db_;
  PgConnection conn_ = db_.Connect();
  std::optional<ObjectClaim> claim_;
};

TEST_F(ClaimedObject, CommitRecordsSuccessWithTheRows) {
  ASSERT_TRUE(claim_->Commit(kMonday + 5, 7).ok());
  EXPECT_FALSE(InTransaction(conn_));
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM probe"), "1");
  const auto entry = LogEntry();
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->rows_ingested, 7);
  EXPECT_EQ(entry->last_modified, kMonday + 5);
  EXPECT_FALSE(entry->error_text);
}

TEST_F(ClaimedObject, FailDropsTheRowsAndRecordsTheError) {
  EXPECT_FALSE(conn_.Exec("SELECT 1/0").ok()) << "the failure aborts the transaction";
  ASSERT_TRUE(claim_->Fail(kMonday, Status::Data("bad\nrow")).ok());
  EXPECT_FALSE(InTransaction(conn_));
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM probe"), "0");
  const auto entry = LogEntry();
  ASSERT_TRUE(entry);
  EXPECT_FALSE(entry->rows_ingested);
  EXPECT_EQ(entry->error_text, "bad row");
}

TEST_F(ClaimedObject, DestroyedWithoutAnOutcomeRollsBack) {
  claim_.reset();
  EXPECT_FALSE(InTransaction(conn_));
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM probe"), "0");
  EXPECT_FALSE(LogEntry());
  auto other = db_.Connect();
  EXPECT_EQ(ClaimOnce(other), ClaimOutcome::kClaimed) << "the lock was released";
}

TEST(ObjectClaim, FailWithTheConnectionLostRecordsNothing) {
  TestDatabase db;
  for (const bool begun : {false, true}) {  // lost during the download, or during the load
    auto conn = db.Connect();
    auto claim = Claim(conn);
    ASSERT_TRUE(claim.ok()) << claim.status().message();
    if (begun) {
      ASSERT_TRUE(claim->Begin().ok());
    }
    EXPECT_EQ(
        db.Scalar("SELECT pg_terminate_backend(" + std::to_string(PQbackendPID(conn.get())) + ")"),
        "t");
    const Status st = claim->Fail(kMonday, Status::Data("bad"));
    EXPECT_EQ(st.kind(), ErrorKind::kConnection) << begun;
    EXPECT_EQ(st.message(), "database connection lost; nothing was recorded") << begun;
    EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log"), "0") << begun;
  }
  auto other = db.Connect();
  EXPECT_EQ(ClaimOnce(other), ClaimOutcome::kClaimed) << "the lock went with the session";
}

}  // namespace
}  // namespace hltwap
