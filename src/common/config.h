// Runtime configuration from the environment (and a .env file), with the spec's variable names.
#pragma once

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

  // API server.
  std::string api_host = "0.0.0.0";
  uint16_t api_port = 8000;
  unsigned api_threads = 0;   // 0: one per core
  unsigned db_pool_size = 0;  // 0: two per API thread
  std::vector<std::string> cors_origins;

  // ETL.
  std::string twap_ts_column;  // empty: the event time column when present, else state_timestamp

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

// An integer environment variable within [min, max]; unset or empty gives `fallback`. The error
// names the variable.
Result<int64_t> EnvInteger(const char* name, int64_t min, int64_t max, int64_t fallback);

// Reads every variable. `need_database` makes an unset DATABASE_URL an error. Errors name the
// variable in one line and never echo a secret.
Result<Config> LoadConfig(bool need_database);

}  // namespace hltwap
