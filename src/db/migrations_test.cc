#include "db/migrations.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using testing::TestDatabase;

struct ColumnInfo {
  std::string type;
  bool not_null;
  std::string default_expr;
};

std::map<std::string, ColumnInfo> Columns(const TestDatabase& db, const std::string& table) {
  auto conn = db.Connect();
  auto r = conn.Query(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "       coalesce(pg_get_expr(d.adbin, d.adrelid), '') "
      "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
      "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped",
      {table});
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::map<std::string, ColumnInfo> out;
  for (int i = 0; r.ok() && i < r->rows(); ++i) {
    out[std::string(r->Get(i, 0))] = {std::string(r->Get(i, 1)), r->Get(i, 2) == "t",
                                      std::string(r->Get(i, 3))};
  }
  return out;
}

void ExpectColumns(const TestDatabase& db, const std::string& table,
                   const std::map<std::string, ColumnInfo>& expected) {
  const auto actual = Columns(db, table);
  ASSERT_EQ(actual.size(), expected.size()) << table;
  for (const auto& [name, info] : expected) {
    ASSERT_TRUE(actual.count(name)) << table << "." << name;
    EXPECT_EQ(actual.at(name).type, info.type) << table << "." << name;
    EXPECT_EQ(actual.at(name).not_null, info.not_null) << table << "." << name;
    EXPECT_EQ(actual.at(name).default_expr, info.default_expr) << table << "." << name;
  }
}

std::string IndexDef(const TestDatabase& db, const std::string& index) {
  return db.Scalar("SELECT indexdef FROM pg_indexes WHERE indexname = '" + index + "'");
}

// A database at version 1, as the first release left it.
void MakeVersionOneDatabase(PgConnection& conn) {
  ASSERT_TRUE(conn.Exec(AllMigrations().front().sql).ok());
  ASSERT_TRUE(
      conn.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                "NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); "
                "INSERT INTO schema_migrations VALUES (1, 'initial schema')")
          .ok());
}

TEST(Migrations, CreateTheSpecTablesExactly) {
  TestDatabase db;
  ExpectColumns(db, "twap_status",
                {
                    {"twap_id", {"text", true, ""}},
                    {"wallet", {"text", true, ""}},
                    {"ts", {"timestamp with time zone", true, ""}},
                    {"asset", {"text", false, ""}},
                    {"side", {"text", false, ""}},
                    {"size_requested", {"numeric", false, ""}},
                    {"size_executed", {"numeric", false, ""}},
                    {"notional_executed", {"numeric", false, ""}},
                    {"status", {"text", false, ""}},
                    {"duration_minutes", {"integer", false, ""}},
                    {"s3_object_key", {"text", true, ""}},
                    {"raw_payload", {"jsonb", false, ""}},
                    {"inserted_at", {"timestamp with time zone", false, "now()"}},
                    {"created_at", {"timestamp with time zone", false, ""}},
                });

  ExpectColumns(db, "etl_s3_ingest_log",
                {
                    {"s3_object_key", {"text", true, ""}},
                    {"last_modified", {"timestamp with time zone", true, ""}},
                    {"rows_ingested", {"integer", false, ""}},
                    {"error_text", {"text", false, ""}},
                    {"ingested_at", {"timestamp with time zone", false, "now()"}},
                });

  EXPECT_EQ(IndexDef(db, "twap_status_pkey"),
            "CREATE UNIQUE INDEX twap_status_pkey ON public.twap_status USING btree (twap_id, "
            "wallet, ts)");
  EXPECT_EQ(IndexDef(db, "etl_s3_ingest_log_pkey"),
            "CREATE UNIQUE INDEX etl_s3_ingest_log_pkey ON public.etl_s3_ingest_log USING btree "
            "(s3_object_key)");
  EXPECT_EQ(
      IndexDef(db, "twap_status_wallet_ts_idx"),
      "CREATE INDEX twap_status_wallet_ts_idx ON public.twap_status USING btree (wallet, ts)");
  EXPECT_EQ(IndexDef(db, "twap_status_twap_id_idx"),
            "CREATE INDEX twap_status_twap_id_idx ON public.twap_status USING btree (twap_id)");
  EXPECT_EQ(IndexDef(db, "etl_s3_ingest_log_done_idx"),
            "CREATE INDEX etl_s3_ingest_log_done_idx ON public.etl_s3_ingest_log USING btree "
            "(ingested_at DESC NULLS LAST, s3_object_key DESC) WHERE (error_text IS NULL)");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(AllMigrations().size()));
}

TEST(Migrations, CreateTheFillTableKeyedByTwapWalletAndTrade) {
  TestDatabase db;
  const std::string ts = "timestamp with time zone";
  ExpectColumns(db, "twap_fill",
                {{"twap_id", {"text", true, ""}},
                 {"wallet", {"text", true, ""}},
                 {"tid", {"numeric(20,0)", true, ""}},
                 {"time", {ts, true, ""}},
                 {"coin", {"text", true, ""}},
                 {"side", {"text", true, ""}},
                 {"px", {"numeric", true, ""}},
                 {"sz", {"numeric", true, ""}},
                 {"fee", {"numeric", false, ""}},
                 {"fee_token", {"text", false, ""}},
                 {"closed_pnl", {"numeric", false, ""}},
                 {"start_position", {"numeric", false, ""}},
                 {"dir", {"text", false, ""}},
                 {"crossed", {"boolean", false, ""}},
                 {"oid", {"numeric(20,0)", false, ""}},
                 {"hash", {"text", false, ""}},
                 {"builder_fee", {"numeric", false, ""}},
                 {"s3_object_key", {"text", true, ""}},
                 {"raw_payload", {"jsonb", false, ""}},
                 {"inserted_at", {ts, true, "now()"}}});
  EXPECT_EQ(IndexDef(db, "twap_fill_pkey"),
            "CREATE UNIQUE INDEX twap_fill_pkey ON public.twap_fill USING btree (twap_id, wallet, "
            "tid)");
  EXPECT_EQ(IndexDef(db, "twap_fill_twap_time_idx"),
            "CREATE INDEX twap_fill_twap_time_idx ON public.twap_fill USING btree (twap_id, "
            "\"time\", tid)");
  EXPECT_EQ(IndexDef(db, "twap_fill_wallet_time_idx"),
            "CREATE INDEX twap_fill_wallet_time_idx ON public.twap_fill USING btree (wallet, "
            "\"time\", tid)");
}

TEST(Migrations, RunningTwiceChangesNothing) {
  TestDatabase db;
  auto conn = db.Connect();
  auto again = ApplyMigrations(conn);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->empty());
}

TEST(Migrations, AdoptADatabaseMadeFromTheSpecDdlWithItsRows) {
  TestDatabase db(/*migrate=*/false);
  auto conn = db.Connect();
  // An older deployment: the spec's DDL run by hand, no migrations table, one row loaded.
  ASSERT_TRUE(conn.Exec(AllMigrations().front().sql).ok());
  ASSERT_TRUE(conn.Exec("INSERT INTO twap_status (twap_id, wallet, ts, s3_object_key) "
                        "VALUES ('1', '0xabc', '2025-11-01T00:00:00Z', 'k')")
                  .ok());
  auto applied = ApplyMigrations(conn);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->size(), AllMigrations().size());
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "1");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM information_schema.columns "
                      "WHERE table_name = 'twap_status' AND column_name = 'created_at'"),
            "1");
}

TEST(Migrations, UpgradeADatabaseAtTheFirstVersion) {
  TestDatabase db(/*migrate=*/false);
  auto conn = db.Connect();
  MakeVersionOneDatabase(conn);
  auto applied = ApplyMigrations(conn);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  ASSERT_EQ(applied->size(), AllMigrations().size() - 1);
  EXPECT_EQ(applied->front(), 2);
}

TEST(Migrations, VersionsCountUpFromOne) {
  int expected = 1;
  for (const auto& m : AllMigrations()) EXPECT_EQ(m.version, expected++) << m.name;
}

TEST(Migrations, SchemaCheckAsksForDbInitUntilEveryMigrationIsApplied) {
  TestDatabase db(/*migrate=*/false);
  auto conn = db.Connect();
  Status st = CheckSchemaCurrent(conn);
  EXPECT_EQ(st.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(st.message().find("run `hltwap db init`"), std::string::npos) << st.message();
  MakeVersionOneDatabase(conn);
  st = CheckSchemaCurrent(conn);
  EXPECT_NE(st.message().find("no migration 2"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("run `hltwap db init`"), std::string::npos) << st.message();
  ASSERT_TRUE(ApplyMigrations(conn).ok());
  EXPECT_TRUE(CheckSchemaCurrent(conn).ok());
}

}  // namespace
}  // namespace hltwap
