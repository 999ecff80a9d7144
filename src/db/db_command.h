#pragma once

#include <CLI/CLI.hpp>

namespace hltwap {

// `hltwap db init` and `hltwap db check [--repair]`.
void AddDbCommand(CLI::App& app, int& exit_code);

}  // namespace hltwap
