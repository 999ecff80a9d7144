// What every subcommand does first and last: read the configuration, set up logging, and turn
// a failure into one line on stderr and an exit status.
#pragma once

#include "common/config.h"
#include "common/status.h"

namespace hltwap {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the work failed (database down, object failed)
inline constexpr int kExitUsage = 2;    // bad flags or configuration

// Loads the configuration and initialises logging from it.
Result<Config> LoadCommandConfig(bool need_database);

// Prints "hltwap: <message>" (masked) and returns the exit status for the error's kind.
int ReportFailure(const Status& status);

}  // namespace hltwap
