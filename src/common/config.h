// Runtime configuration from the environment (and a .env file), with the spec's variable names.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace hltwap {

enum class LogFormat { kText, kJson };

struct Config {
  // S3 source.
  std::string aws_region = "us-east-1";
  std::string s3_bucket = "artemis-hyperliquid-data";
  std::string s3_prefix = "raw/twap_statuses/";
  std::string request_payer = "requester";
  std::string s3_endpoint_url;  // AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL; empty means AWS

  // Database: DATABASE_URL as given; db/database_url.h turns it into a libpq connection string.
  std::string database_url;
  // Read-only standbys for the API's queries (DATABASE_READ_URLS, comma-separated URLs), and
  // the replay lag beyond which a standby leaves rotation.
  std::string database_read_urls;
  std::chrono::milliseconds db_max_replica_lag{30000};

  // API server.
  std::string api_host = "0.0.0.0";
  uint16_t api_port = 8000;
  unsigned api_threads = 0;   // 0: one per core
  unsigned db_pool_size = 0;  // 0: two per API thread
  std::vector<std::string> cors_origins;
  std::string assets_dir;  // Swagger UI files; empty: the source tree's copy
  std::string web_dir;     // the explorer's page, scripts and styles; empty: the source tree's web/
  std::string uplot_dir;   // uPlot's dist files; empty: the source tree's node_modules copy

  // API limits: open connections (at the cap an idle one is closed to make room, else the new one
  // is), open connections per client address, requests on one connection; the
  // waits for a request's first byte (idle), silence while it arrives (read), the whole request,
  // one response (write), and requests in flight at SIGTERM (shutdown).
  unsigned api_max_connections = 1024;
  unsigned api_max_connections_per_client = 256;  // per remote address; 0: no per-client bound
  unsigned api_max_requests_per_connection = 1000;
  std::chrono::milliseconds api_idle_timeout{5000};
  std::chrono::milliseconds api_read_timeout{5000};
  std::chrono::milliseconds api_request_timeout{10000};
  std::chrono::milliseconds api_write_timeout{10000};
  std::chrono::milliseconds api_shutdown_timeout{10000};

  // API database pool: waiting for a free connection, connecting (libpq treats values below 2
  // as 2), each statement.
  std::chrono::milliseconds db_pool_timeout{1000};
  int db_connect_timeout_seconds = 2;
  std::chrono::milliseconds db_statement_timeout{5000};

  // ETL.
  std::string twap_ts_column;  // empty: the event time column when present, else state_timestamp
  // An S3 transfer moving less than a byte a second for this long fails (and is retried).
  int s3_stall_timeout_seconds = 30;

  // ETL datasets: the node fills' prefix, and what a run loads (`hltwap etl --dataset` wins).
  std::string s3_fills_prefix = "raw/node_fills/hourly/";
  std::vector<std::string> etl_datasets = {"twap_statuses"};  // ETL_DATASETS, a comma list

  // Logging.
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
};

// Reads KEY=VALUE lines (python-dotenv style: comments, `export`, quotes) into the process
// environment. Variables already set win, as with python-dotenv. A missing file is not an error.
Status LoadDotEnv(const std::string& path);

// An environment variable; unset or empty gives `fallback`. Settings are read by LoadConfig;
// this is for what must be read when it is used (the AWS credential chain, as the AWS SDKs do).
std::string GetEnv(const char* name, std::string fallback = {});

// Reads every variable. `need_database` makes an unset DATABASE_URL an error. Errors name the
// variable in one line and never echo a secret.
Result<Config> LoadConfig(bool need_database);

}  // namespace hltwap
