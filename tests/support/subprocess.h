// Runs programs (hltwap itself, moto_server, psql) from tests, with extra environment.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hltwap::testing {

// Extra environment for a child: a value sets the variable, nullopt removes it.
using EnvOverrides = std::map<std::string, std::optional<std::string>>;

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs to completion, capturing stdout and stderr. `cwd` empty keeps the current directory.
ProcessResult RunProcess(const std::vector<std::string>& argv, const EnvOverrides& env = {},
                         const std::string& cwd = {});

// A child running in the background with stdout and stderr sent to a log file; killed (SIGKILL)
// when destroyed if still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const EnvOverrides& env = {},
                    const std::string& log_path = "/dev/null", const std::string& cwd = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for the exit and returns the exit code (128 + signal when killed).
  int Wait();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// Waits until something accepts connections on 127.0.0.1:port.
bool WaitForPort(int port, int timeout_ms);

// The hltwap binary under test.
std::string HltwapBinary();
// The project's source directory.
std::string SourceDir();

}  // namespace hltwap::testing
