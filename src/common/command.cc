#include "common/command.h"

#include <cstdio>

#include "common/log.h"

namespace hltwap {

Result<Config> LoadCommandConfig(bool need_database) {
  auto config = LoadConfig(need_database);
  if (config.ok()) log::Init(config->log_format, config->log_level);
  return config;
}

int ReportFailure(const Status& status) {
  const std::string line = "hltwap: " + log::MaskSecrets(status.message()) + "\n";
  std::fputs(line.c_str(), stderr);
  return status.kind() == ErrorKind::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace hltwap
