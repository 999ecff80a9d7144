#include "db/db_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "common/command.h"
#include "common/log.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "db/migrations.h"
#include "db/twap_span.h"

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
  auto check = CheckTwapSpans(*conn, kCheckExamples);
  if (!check.ok()) return ReportFailure(check.status().WithContext("db check"));
  std::string out = SpanCheckText(*check);
  if (check->differences > 0 && repair) {
    auto repaired = RepairTwapSpans(*conn);
    if (!repaired.ok()) return ReportFailure(repaired.status().WithContext("db check --repair"));
    out += fmt::format("twap_span: {} span(s) recomputed from twap_status\n", *repaired);
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return check->differences > 0 && !repair ? kExitFailure : kExitOk;
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
      "Compare twap_span (the per-TWAP table the list endpoint pages over) with twap_status; "
      "exit 1 when they differ");
  auto repair = std::make_shared<bool>(false);
  check->add_flag("--repair", *repair,
                  "Recompute the differing spans from twap_status (one transaction), exit 0");
  check->callback([&exit_code, repair] { exit_code = RunDbCheck(*repair); });
}

}  // namespace hltwap
