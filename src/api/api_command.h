#pragma once

#include <CLI/CLI.hpp>

namespace hltwap {

// `hltwap api`: the HTTP JSON API.
void AddApiCommand(CLI::App& app, int& exit_code);

}  // namespace hltwap
