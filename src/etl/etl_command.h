#pragma once

#include <CLI/CLI.hpp>

namespace hltwap {

// `hltwap etl`: S3 (or local parquet) to PostgreSQL.
void AddEtlCommand(CLI::App& app, int& exit_code);

}  // namespace hltwap
