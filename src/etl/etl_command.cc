#include "etl/etl_command.h"

#include "common/command.h"

namespace hltwap {

void AddEtlCommand(CLI::App& app, int& exit_code) {
  auto* etl = app.add_subcommand("etl", "Ingest TWAP status parquet files into PostgreSQL");
  etl->callback([&exit_code] {
    exit_code = ReportFailure(Status::Internal("etl is not built into this version"));
  });
}

}  // namespace hltwap
