#include "api/api_command.h"

#include "common/command.h"

namespace hltwap {

void AddApiCommand(CLI::App& app, int& exit_code) {
  auto* api = app.add_subcommand("api", "Serve the HTTP JSON API");
  api->callback([&exit_code] {
    exit_code = ReportFailure(Status::Internal("api is not built into this version"));
  });
}

}  // namespace hltwap
