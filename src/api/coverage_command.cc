#include "api/coverage_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "api/coverage_handler.h"
#include "api/sql.h"
#include "api/time_window.h"
#include "common/command.h"
#include "db/database_url.h"
#include "db/migrations.h"

namespace hltwap {
namespace {

struct CoverageFlags {
  std::string start;
  std::string end;
  std::string format = "text";
};

// The window of --start and --end, by the rules of the endpoint's parameters.
Result<std::optional<api::TimeWindow>> Window(const CoverageFlags& flags, const CLI::App& cmd) {
  api::QueryParams params;
  if (cmd.count("--start") > 0) params["start"] = flags.start;
  if (cmd.count("--end") > 0) params["end"] = flags.end;
  auto parsed = api::ParseTimeWindow(params, api::WindowRule::kBothOrNeither);
  if (auto* issues = std::get_if<std::vector<api::ValidationIssue>>(&parsed)) {
    const api::ValidationIssue& issue = issues->front();
    return Status::InvalidArgument("--" + issue.loc.back() + ": " + issue.msg);
  }
  return std::get<std::optional<api::TimeWindow>>(parsed);
}

int RunCoverage(const CoverageFlags& flags, const CLI::App& cmd) {
  auto config = LoadCommandConfig(/*need_database=*/true);
  if (!config.ok()) return ReportFailure(config.status());
  auto window = Window(flags, cmd);
  if (!window.ok()) return ReportFailure(window.status());
  auto conninfo = DatabaseConninfo(*config);
  if (!conninfo.ok()) return ReportFailure(conninfo.status());
  auto conn = PgConnection::Connect(*conninfo);
  if (!conn.ok()) return ReportFailure(conn.status());
  if (const Status current = CheckSchemaCurrent(*conn); !current.ok()) {
    return ReportFailure(current);
  }
  auto rows = conn->Query(std::string(api::sql::kCoverageObjects));
  if (!rows.ok()) return ReportFailure(rows.status().WithContext("coverage"));

  api::CoverageOptions options{api::CoverageDatasets(*config), std::nullopt, std::nullopt};
  if (*window) {
    options.start_micros = (*window)->start_micros;
    options.end_micros = (*window)->end_micros;
  }
  const api::CoverageReport report = api::CoverageOfLog(*rows, options);
  const std::string out =
      flags.format == "json" ? api::CoverageJson(report) + "\n" : api::CoverageText(report);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void AddCoverageCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "coverage",
      "Report which data hours of each dataset are ingested, which are missing and which "
      "objects failed (the body of GET /api/v1/coverage); needs only DATABASE_URL. Exits 0 "
      "whenever the report is printed, complete or not");
  auto flags = std::make_shared<CoverageFlags>();
  cmd->add_option("--start", flags->start,
                  "First instant of the window (ISO-8601; a bare date is its midnight UTC); "
                  "needs --end");
  cmd->add_option("--end", flags->end, "Last instant of the window, inclusive; needs --start");
  cmd->add_option("--format", flags->format, "text (default) or json (the API's body)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&exit_code, flags, cmd] { exit_code = RunCoverage(*flags, *cmd); });
}

}  // namespace hltwap
