#include "common/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "common/log.h"
#include "common/text.h"

namespace hltwap {
namespace {

// Parses one .env value: quoted values keep their content, unquoted values lose a trailing
// ` # comment`.
std::string ParseDotEnvValue(std::string_view raw) {
  raw = Trim(raw);
  if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'')) {
    const char quote = raw.front();
    const auto close = raw.find(quote, 1);
    if (close != std::string_view::npos) {
      std::string out(raw.substr(1, close - 1));
      if (quote == '"') {
        std::string unescaped;
        for (size_t i = 0; i < out.size(); ++i) {
          if (out[i] == '\\' && i + 1 < out.size()) {
            const char n = out[++i];
            unescaped += n == 'n' ? '\n' : n;
          } else {
            unescaped += out[i];
          }
        }
        return unescaped;
      }
      return out;
    }
  }
  const auto hash = raw.find(" #");
  if (hash != std::string_view::npos) raw = Trim(raw.substr(0, hash));
  return std::string(raw);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const auto item = Trim(std::string_view(text).substr(
        pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// An integer variable within [min, max]; unset or empty gives `fallback`. The error names the
// variable.
Result<int64_t> EnvInteger(const char* name, int64_t min, int64_t max, int64_t fallback) {
  const std::string text = GetEnv(name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return Status::InvalidArgument(
        fmt::format("{} must be an integer from {} to {} (got '{}')", name, min, max, text));
  }
  return value;
}

template <typename T>
Status ReadInteger(const char* name, int64_t min, int64_t max, T& value) {
  HLTWAP_ASSIGN_OR_RETURN(const int64_t read,
                          EnvInteger(name, min, max, static_cast<int64_t>(value)));
  value = static_cast<T>(read);
  return Status::Ok();
}

// A duration in milliseconds, from 1 ms to an hour.
Status ReadMillis(const char* name, std::chrono::milliseconds& value) {
  constexpr int64_t kHour = 3'600'000;
  HLTWAP_ASSIGN_OR_RETURN(const int64_t ms, EnvInteger(name, 1, kHour, value.count()));
  value = std::chrono::milliseconds(ms);
  return Status::Ok();
}

}  // namespace

std::string GetEnv(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return v;
}

Status LoadDotEnv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Ok();
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view view = Trim(line);
    if (view.empty() || view.front() == '#') continue;
    if (view.substr(0, 7) == "export ") view = Trim(view.substr(7));
    const auto eq = view.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected KEY=VALUE", path, line_no));
    }
    const std::string key(Trim(view.substr(0, eq)));
    const std::string value = ParseDotEnvValue(view.substr(eq + 1));
    ::setenv(key.c_str(), value.c_str(), /*overwrite=*/0);
  }
  return Status::Ok();
}

Result<Config> LoadConfig(bool need_database) {
  Config c;
  c.aws_region = GetEnv("AWS_REGION", GetEnv("AWS_DEFAULT_REGION", c.aws_region));
  c.s3_bucket = GetEnv("AWS_S3_BUCKET", c.s3_bucket);
  c.s3_prefix = GetEnv("AWS_S3_PREFIX", c.s3_prefix);
  c.request_payer = GetEnv("AWS_REQUEST_PAYER", c.request_payer);
  c.s3_endpoint_url = GetEnv("AWS_ENDPOINT_URL_S3", GetEnv("AWS_ENDPOINT_URL"));
  if (!c.s3_endpoint_url.empty() && c.s3_endpoint_url.find("://") == std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "AWS_ENDPOINT_URL_S3/AWS_ENDPOINT_URL must be a URL like http://127.0.0.1:5000 (got '{}')",
        c.s3_endpoint_url));
  }

  c.database_url = GetEnv("DATABASE_URL");
  if (c.database_url.empty()) {
    if (need_database) {
      return Status::InvalidArgument(
          "DATABASE_URL is not set (example: postgresql://user:pass@localhost:5432/hyperliquid)");
    }
  }

  c.api_host = GetEnv("API_HOST", c.api_host);
  HLTWAP_RETURN_IF_ERROR(ReadInteger("API_PORT", 1, 65535, c.api_port));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("API_THREADS", 0, 1024, c.api_threads));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("DB_POOL_SIZE", 0, 1024, c.db_pool_size));
  c.cors_origins = SplitList(GetEnv("CORS_ORIGINS"));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("API_MAX_CONNECTIONS", 1, 1'000'000, c.api_max_connections));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("API_MAX_CONNECTIONS_PER_CLIENT", 0, 1'000'000,
                                     c.api_max_connections_per_client));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("API_MAX_REQUESTS_PER_CONNECTION", 1, 1'000'000,
                                     c.api_max_requests_per_connection));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("API_IDLE_TIMEOUT_MS", c.api_idle_timeout));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("API_READ_TIMEOUT_MS", c.api_read_timeout));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("API_REQUEST_TIMEOUT_MS", c.api_request_timeout));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("API_WRITE_TIMEOUT_MS", c.api_write_timeout));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("API_SHUTDOWN_TIMEOUT_MS", c.api_shutdown_timeout));
  c.assets_dir = GetEnv("HLTWAP_ASSETS_DIR");
  c.web_dir = GetEnv("HLTWAP_WEB_DIR");
  c.uplot_dir = GetEnv("HLTWAP_UPLOT_DIR");
  HLTWAP_RETURN_IF_ERROR(ReadMillis("DB_POOL_TIMEOUT_MS", c.db_pool_timeout));
  HLTWAP_RETURN_IF_ERROR(ReadInteger("DB_CONNECT_TIMEOUT", 1, 600, c.db_connect_timeout_seconds));
  HLTWAP_RETURN_IF_ERROR(ReadMillis("DB_STATEMENT_TIMEOUT_MS", c.db_statement_timeout));
  c.database_read_urls = GetEnv("DATABASE_READ_URLS");
  int64_t max_lag_seconds = c.db_max_replica_lag.count() / 1000;
  HLTWAP_RETURN_IF_ERROR(ReadInteger("DATABASE_MAX_REPLICA_LAG_S", 1, 86'400, max_lag_seconds));
  c.db_max_replica_lag = std::chrono::seconds(max_lag_seconds);

  c.twap_ts_column = GetEnv("TWAP_TS_COLUMN");
  HLTWAP_RETURN_IF_ERROR(ReadInteger("S3_STALL_TIMEOUT_S", 1, 3600, c.s3_stall_timeout_seconds));

  c.s3_fills_prefix = GetEnv("AWS_S3_FILLS_PREFIX", c.s3_fills_prefix);
  if (auto datasets = SplitList(GetEnv("ETL_DATASETS")); !datasets.empty()) {
    c.etl_datasets = std::move(datasets);
  }

  c.log_level = GetEnv("LOG_LEVEL", c.log_level);
  if (!IsLogLevel(c.log_level)) {
    return Status::InvalidArgument(fmt::format(
        "LOG_LEVEL must be one of trace, debug, info, warn, error (got '{}')", c.log_level));
  }
  const std::string format = GetEnv("LOG_FORMAT", "text");
  if (format == "text") {
    c.log_format = LogFormat::kText;
  } else if (format == "json") {
    c.log_format = LogFormat::kJson;
  } else {
    return Status::InvalidArgument(
        fmt::format("LOG_FORMAT must be 'text' or 'json' (got '{}')", format));
  }
  return c;
}

}  // namespace hltwap
