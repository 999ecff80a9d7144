#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "common/config.h"
#include "common/text.h"
#include "common/time_util.h"

namespace hltwap {

bool IsLogLevel(std::string_view level) {
  static constexpr std::array<std::string_view, 5> kLevels = {"trace", "debug", "info", "warn",
                                                              "error"};
  return std::find(kLevels.begin(), kLevels.end(), level) != kLevels.end();
}

namespace log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};

std::mutex g_secrets_mutex;
std::vector<std::string>& Secrets() {
  static std::vector<std::string> secrets;
  return secrets;
}

constexpr std::string_view kMask = "***";

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

// Masks "scheme://user:password@" whatever the password is.
void MaskUrlPasswords(std::string& text) {
  size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string::npos) {
    const size_t user_start = pos + 3;
    const size_t at = text.find('@', user_start);
    const size_t end = text.find_first_of(" /\"'\t\n", user_start);
    if (at == std::string::npos || (end != std::string::npos && end < at)) {
      pos = user_start;
      continue;
    }
    const size_t colon = text.find(':', user_start);
    if (colon != std::string::npos && colon < at) {
      text.replace(colon + 1, at - colon - 1, kMask);
    }
    pos = user_start;
  }
}

// Masks the value after a key such as "password=" up to the next separator.
void MaskKeyValues(std::string& text) {
  static constexpr std::array<std::string_view, 6> kKeys = {
      "password=",          "X-Amz-Security-Token=", "Signature=", "aws_secret_access_key=",
      "aws_session_token=", "AWS_SECRET_ACCESS_KEY="};
  for (const auto key : kKeys) {
    size_t pos = 0;
    while ((pos = text.find(key, pos)) != std::string::npos) {
      const size_t start = pos + key.size();
      size_t end = text.find_first_of(" &,\"'\t\n", start);
      if (end == std::string::npos) end = text.size();
      if (text.compare(start, end - start, kMask) != 0) text.replace(start, end - start, kMask);
      pos = start + kMask.size();
    }
  }
}

// spdlog's thread-safe stderr sink writes the lines; the line itself (text or JSON, masked) is
// built here, so its pattern is only the message.
spdlog::logger& Logger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("hltwap",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

}  // namespace

void Init(LogFormat format, std::string_view level) {
  g_format = format;
  if (level == "trace")
    g_level = Level::kTrace;
  else if (level == "debug")
    g_level = Level::kDebug;
  else if (level == "warn")
    g_level = Level::kWarn;
  else if (level == "error")
    g_level = Level::kError;
  else
    g_level = Level::kInfo;
}

bool Enabled(Level level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

void RegisterSecret(std::string_view secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(g_secrets_mutex);
  auto& secrets = Secrets();
  if (std::find(secrets.begin(), secrets.end(), secret) == secrets.end()) {
    secrets.emplace_back(secret);
  }
}

std::string MaskSecrets(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard lock(g_secrets_mutex);
    for (const auto& secret : Secrets()) {
      size_t pos = 0;
      while ((pos = out.find(secret, pos)) != std::string::npos) {
        out.replace(pos, secret.size(), kMask);
        pos += kMask.size();
      }
    }
  }
  MaskUrlPasswords(out);
  MaskKeyValues(out);
  return out;
}

void Write(Level level, std::string_view message) {
  const std::string masked = MaskSecrets(message);
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  const std::string ts = FormatTimestampUtc(now.time_since_epoch().count());
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","msg":)", ts, LevelName(level));
    AppendJsonString(masked, line, Nul::kKeep);
    line += '}';
  } else {
    line = fmt::format("{} {:<5} {}", ts, LevelName(level), masked);
  }
  Logger().log(spdlog::level::info, line);
}

}  // namespace log
}  // namespace hltwap
