// hltwap: Hyperliquid TWAP data service. One program, five subcommands: db, etl, api, coverage,
// export.
#include <CLI/CLI.hpp>

#include "api/api_command.h"
#include "api/coverage_command.h"
#include "api/export_command.h"
#include "common/command.h"
#include "common/config.h"
#include "db/db_command.h"
#include "etl/etl_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "hltwap: Hyperliquid TWAP orders from a requester-pays S3 bucket into PostgreSQL, served as "
      "a JSON API.\nConfiguration comes from the environment and a .env file in the working "
      "directory (see .env.example)."};
  app.set_version_flag("--version", std::string("hltwap ") + HLTWAP_VERSION);
  app.require_subcommand(1);
  std::string env_file = ".env";
  app.add_option("--env-file", env_file,
                 "Read variables from this file (variables already set win)")
      ->capture_default_str();

  int exit_code = hltwap::kExitOk;
  hltwap::AddDbCommand(app, exit_code);
  hltwap::AddEtlCommand(app, exit_code);
  hltwap::AddApiCommand(app, exit_code);
  hltwap::AddCoverageCommand(app, exit_code);
  hltwap::AddExportCommand(app, exit_code);

  // The .env file must be read before any subcommand runs, and subcommands run during parsing.
  app.parse_complete_callback([&env_file] {
    const auto st = hltwap::LoadDotEnv(env_file);
    if (!st.ok()) std::exit(hltwap::ReportFailure(st));
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with status 0; every real parse error is a usage error.
    return app.exit(e) == 0 ? hltwap::kExitOk : hltwap::kExitUsage;
  }
  return exit_code;
}
