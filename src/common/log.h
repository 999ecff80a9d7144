// Logging to stderr, as text or JSON lines, with every known secret masked.
//
// Secrets are registered as they become known (the database password, AWS keys, session
// tokens) and replaced by "***" in every line; URL passwords and a few well-known secret
// fields are masked even when they were never registered.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace hltwap {
enum class LogFormat;
}

namespace hltwap::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

void Init(LogFormat format, std::string_view level);
bool Enabled(Level level);

// Remembers a secret value so that no log line ever shows it. Short values are ignored so
// that a password like "x" does not mask every x.
void RegisterSecret(std::string_view secret);
std::string MaskSecrets(std::string_view text);

void Write(Level level, std::string_view message);

template <typename... Args>
void Trace(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kTrace)) Write(Level::kTrace, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Debug(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Info(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Error(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kError)) Write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace hltwap::log

namespace hltwap {
bool IsLogLevel(std::string_view level);
}
