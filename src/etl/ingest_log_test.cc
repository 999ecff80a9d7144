#include "etl/ingest_log.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace hltwap
