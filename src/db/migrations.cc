#include "db/migrations.h"

#include <fmt/format.h>

#include <charconv>
#include <set>
#include <string>

#include "db/sql.h"

namespace hltwap {
namespace {

Result<std::set<int>> AppliedVersions(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string(db::sql::kAppliedMigrations)));
  std::set<int> applied;
  for (int r = 0; r < rows.rows(); ++r) {
    int v = 0;
    const auto text = rows.Get(r, 0);
    std::from_chars(text.data(), text.data() + text.size(), v);
    applied.insert(v);
  }
  return applied;
}

}  // namespace

const std::vector<Migration>& AllMigrations() {
  namespace sql = db::sql;
  static const std::vector<Migration> migrations = {
      {1, "initial schema", sql::kMigrations0001InitialSchema},
      {2, "twap_status.created_at", sql::kMigrations0002CreatedAt},
      {3, "etl_s3_ingest_log index for the last ingested object",
       sql::kMigrations0003IngestLogDoneIndex},
      {4, "hltwap_status_rank", sql::kMigrations0004StatusRank},
      {5, "hltwap_api_row", sql::kMigrations0005ApiRow},
      {6, "twap_fill", sql::kMigrations0006TwapFill},
      {7, "hltwap_fills_summary", sql::kMigrations0007FillsSummary},
      {8, "twap_span", sql::kMigrations0008TwapSpan},
      {9, "twap_fill_total", sql::kMigrations0009TwapFillTotal},
      {10, "twap_span.last_row", sql::kMigrations0010TwapSpanLastRow},
      {11, "hltwap_fills_summary gated per token", sql::kMigrations0011FillsSummaryGate},
      {12, "twap_fill_total insert trigger without an array",
       sql::kMigrations0012FillTotalInsertDirect},
  };
  return migrations;
}

Result<std::vector<int>> ApplyMigrations(PgConnection& conn) {
  HLTWAP_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto run = [&]() -> Result<std::vector<int>> {
    HLTWAP_RETURN_IF_ERROR(conn.Exec(db::sql::kLockMigrations));
    HLTWAP_RETURN_IF_ERROR(conn.Exec(db::sql::kCreateMigrationsTable));
    HLTWAP_ASSIGN_OR_RETURN(const auto applied, AppliedVersions(conn));
    std::vector<int> done;
    for (const auto& m : AllMigrations()) {
      if (applied.count(m.version) != 0) continue;
      HLTWAP_RETURN_IF_ERROR(
          conn.Exec(m.sql).WithContext(fmt::format("migration {} ({})", m.version, m.name)));
      HLTWAP_RETURN_IF_ERROR(
          conn.Query(std::string(db::sql::kRecordMigration), {std::to_string(m.version), m.name})
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

Status CheckSchemaCurrent(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto exists, conn.Query(std::string(db::sql::kMigrationsTableExists)));
  std::set<int> applied;
  if (exists.Get(0, 0) == "t") {
    HLTWAP_ASSIGN_OR_RETURN(applied, AppliedVersions(conn));
  }
  for (const auto& m : AllMigrations()) {
    if (applied.count(m.version) != 0) continue;
    return Status::InvalidArgument(fmt::format(
        "the database schema is missing or out of date (no migration {}, {}): run `hltwap db init`",
        m.version, m.name));
  }
  return Status::Ok();
}

}  // namespace hltwap
