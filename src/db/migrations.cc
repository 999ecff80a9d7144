#include "db/migrations.h"

#include <fmt/format.h>

#include <charconv>
#include <set>
#include <string>

namespace hltwap {
namespace {

// The spec's tables and indexes, verbatim but for IF NOT EXISTS: a database created from the
// spec's DDL before this program existed is adopted as it is.
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE IF NOT EXISTS twap_status (
    twap_id            TEXT NOT NULL,
    wallet             TEXT NOT NULL,
    ts                 TIMESTAMPTZ NOT NULL,
    asset              TEXT,
    side               TEXT,
    size_requested     NUMERIC,
    size_executed      NUMERIC,
    notional_executed  NUMERIC,
    status             TEXT,
    duration_minutes   INTEGER,
    s3_object_key      TEXT NOT NULL,
    raw_payload        JSONB,
    inserted_at        TIMESTAMPTZ DEFAULT now(),
    PRIMARY KEY (twap_id, wallet, ts)
);

CREATE TABLE IF NOT EXISTS etl_s3_ingest_log (
    s3_object_key  TEXT PRIMARY KEY,
    last_modified  TIMESTAMPTZ NOT NULL,
    rows_ingested  INTEGER,
    error_text     TEXT,
    ingested_at    TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS twap_status_wallet_ts_idx ON twap_status (wallet, ts);
CREATE INDEX IF NOT EXISTS twap_status_twap_id_idx ON twap_status (twap_id);
)sql";

// The TWAP's creation time (state_timestamp); ts holds the status event time.
constexpr std::string_view kCreatedAt = R"sql(
ALTER TABLE twap_status ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ;
)sql";

// /healthz asks for the most recently ingested object; a deployment logs ~9,000 objects a year.
constexpr std::string_view kIngestLogDoneIndex = R"sql(
CREATE INDEX IF NOT EXISTS etl_s3_ingest_log_done_idx
    ON etl_s3_ingest_log (ingested_at DESC NULLS LAST, s3_object_key DESC)
    WHERE error_text IS NULL;
)sql";

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
)sql";

// Any constant will do as long as every hltwap process uses the same one.
constexpr std::string_view kLockMigrations = "SELECT pg_advisory_xact_lock(7263351011)";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "initial schema", kInitialSchema},
      {2, "twap_status.created_at", kCreatedAt},
      {3, "etl_s3_ingest_log index for the last ingested object", kIngestLogDoneIndex},
  };
  return migrations;
}

Result<std::vector<int>> ApplyMigrations(PgConnection& conn) {
  HLTWAP_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto run = [&]() -> Result<std::vector<int>> {
    HLTWAP_RETURN_IF_ERROR(conn.Exec(kLockMigrations));
    HLTWAP_RETURN_IF_ERROR(conn.Exec(kCreateMigrationsTable));
    HLTWAP_ASSIGN_OR_RETURN(auto applied_rows, conn.Query("SELECT version FROM schema_migrations"));
    std::set<int> applied;
    for (int r = 0; r < applied_rows.rows(); ++r) {
      int v = 0;
      const auto text = applied_rows.Get(r, 0);
      std::from_chars(text.data(), text.data() + text.size(), v);
      applied.insert(v);
    }
    std::vector<int> done;
    for (const auto& m : AllMigrations()) {
      if (applied.count(m.version) != 0) continue;
      HLTWAP_RETURN_IF_ERROR(
          conn.Exec(m.sql).WithContext(fmt::format("migration {} ({})", m.version, m.name)));
      HLTWAP_RETURN_IF_ERROR(
          conn.Query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                     {std::to_string(m.version), m.name})
              .status());
      done.push_back(m.version);
    }
    return done;
  };
  auto result = run();
  if (!result.ok()) {
    (void)conn.Exec("ROLLBACK");
    return result.status();
  }
  HLTWAP_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return result;
}

}  // namespace hltwap
