#include "db/db_command.h"

#include "common/command.h"
#include "common/log.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "db/migrations.h"

namespace hltwap {
namespace {

int RunDbInit() {
  auto config = LoadCommandConfig(/*need_database=*/true);
  if (!config.ok()) return ReportFailure(config.status());
  auto conninfo = DatabaseConninfo(*config);
  if (!conninfo.ok()) return ReportFailure(conninfo.status());
  auto conn = PgConnection::Connect(*conninfo);
  if (!conn.ok()) return ReportFailure(conn.status());
  auto applied = ApplyMigrations(*conn);
  if (!applied.ok()) return ReportFailure(applied.status().WithContext("db init"));
  const int latest = AllMigrations().back().version;
  if (applied->empty()) {
    log::Info("schema of {} is up to date (version {})", DescribeConninfo(*conninfo), latest);
  } else {
    log::Info("schema of {} upgraded to version {} ({} migration(s) applied)",
              DescribeConninfo(*conninfo), latest, applied->size());
  }
  return kExitOk;
}

}  // namespace

void AddDbCommand(CLI::App& app, int& exit_code) {
  auto* db = app.add_subcommand("db", "Database schema commands");
  db->require_subcommand(1);
  auto* init = db->add_subcommand(
      "init", "Create or upgrade the schema (twap_status, etl_s3_ingest_log, indexes); idempotent");
  init->callback([&exit_code] { exit_code = RunDbInit(); });
}

}  // namespace hltwap
