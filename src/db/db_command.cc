#include "db/db_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "common/command.h"
#include "common/log.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "db/derived_tables.h"
#include "db/migrations.h"

namespace hltwap {
namespace {

Result<PgConnection> ConnectPrimary(std::string& conninfo_out) {
  HLTWAP_ASSIGN_OR_RETURN(auto config, LoadCommandConfig(/*need_database=*/true));
  HLTWAP_ASSIGN_OR_RETURN(conninfo_out, DatabaseConninfo(config));
  return PgConnection::Connect(conninfo_out);
}

int RunDbInit() {
  std::string conninfo;
  auto conn = ConnectPrimary(conninfo);
  if (!conn.ok()) return ReportFailure(conn.status());
  auto applied = ApplyMigrations(*conn);
  if (!applied.ok()) return ReportFailure(applied.status().WithContext("db init"));
  const int latest = AllMigrations().back().version;
  if (applied->empty()) {
    log::Info("schema of {} is up to date (version {})", DescribeConninfo(conninfo), latest);
  } else {
    log::Info("schema of {} upgraded to version {} ({} migration(s) applied)",
              DescribeConninfo(conninfo), latest, applied->size());
  }
  return kExitOk;
}

constexpr int kCheckExamples = 5;

int RunDbCheck(bool repair) {
  std::string conninfo;
  auto conn = ConnectPrimary(conninfo);
  if (!conn.ok()) return ReportFailure(conn.status());
  if (const Status current = CheckSchemaCurrent(*conn); !current.ok()) {
    return ReportFailure(current);
  }
  std::string out;
  bool differ = false;
  for (const DerivedTable& table : DerivedTables()) {
    auto check = CheckDerivedTable(*conn, table, kCheckExamples);
    if (!check.ok()) return ReportFailure(check.status().WithContext("db check"));
    out += DerivedCheckText(table, *check);
    differ = differ || check->differences > 0;
    if (check->differences == 0 || !repair) continue;
    auto repaired = RepairDerivedTable(*conn, table);
    if (!repaired.ok()) return ReportFailure(repaired.status().WithContext("db check --repair"));
    out += fmt::format("{}: {} key(s) recomputed from {}\n", table.name, *repaired, table.source);
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return differ && !repair ? kExitFailure : kExitOk;
}

}  // namespace

void AddDbCommand(CLI::App& app, int& exit_code) {
  auto* db = app.add_subcommand("db", "Database schema commands");
  db->require_subcommand(1);
  auto* init = db->add_subcommand(
      "init", "Create or upgrade the schema (twap_status, etl_s3_ingest_log, indexes); idempotent");
  init->callback([&exit_code] { exit_code = RunDbInit(); });
  auto* check = db->add_subcommand(
      "check",
      "Compare the derived tables with their sources (twap_span with twap_status, "
      "twap_fill_total with twap_fill); exit 1 when they differ");
  auto repair = std::make_shared<bool>(false);
  check->add_flag("--repair", *repair,
                  "Recompute the differing keys from their sources (one transaction each), exit 0");
  check->callback([&exit_code, repair] { exit_code = RunDbCheck(*repair); });
}

}  // namespace hltwap
