#pragma once

#include <CLI/CLI.hpp>

namespace hltwap {

// `hltwap coverage`: the data coverage report of GET /api/v1/coverage, on the terminal.
void AddCoverageCommand(CLI::App& app, int& exit_code);

}  // namespace hltwap
