#pragma once

#include <CLI/CLI.hpp>

namespace hltwap {

// `hltwap export`: the file GET /api/v1/export serves, byte for byte, from the database alone.
void AddExportCommand(CLI::App& app, int& exit_code);

}  // namespace hltwap
