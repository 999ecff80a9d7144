// One `hltwap etl` run: choose the objects (a local file or directory, one object key, or the
// listing compared with the ingest log), then load each in its own transaction with N workers
// (see etl_worker.h; the per-object lock and transaction are ObjectClaim in ingest_log.h).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "etl/dataset.h"
#include "etl/etl_summary.h"

namespace hltwap {

enum class EtlSource {
  kIncremental,  // every .parquet object under the datasets' prefixes that is not done
  kSince,        // the same, limited to LastModified >= since
  kObjectKey,    // one object (HeadObject), loaded even when done
  kLocalFile,    // a parquet file, or the *.parquet files of a directory, loaded even when done
};

struct EtlOptions {
  // Listed in this order. An object key belongs to the dataset of its prefix; a local file
  // needs exactly one dataset.
  std::vector<Dataset> datasets = {Dataset::kTwapStatuses};
  EtlSource source = EtlSource::kIncremental;
  int64_t since = 0;  // micros since the epoch, for kSince
  std::string object_key;
  std::string local_path;
  bool reprocess = false;  // load objects even when done
  bool dry_run = false;    // list what would be loaded on `listing`; no GetObject, no writes
  unsigned jobs = 1;
  std::optional<bool> progress_bar;  // unset: when stderr is a terminal and logs are text
};

// The ingest log key of a local file: "file://" and its absolute, canonical path, so that the
// same file is one key whatever directory the command runs from.
std::string LocalFileKey(const std::string& path);

// The number of workers when --jobs is not given: one per core, at most 8.
unsigned DefaultJobs();

// Runs the ETL. An error is returned only when the run could not start (configuration, database
// or S3 unreachable, --object-key not found); failed objects are counted in the summary.
[[nodiscard]] Result<EtlSummary> RunEtl(const Config& config, const EtlOptions& options,
                                        std::FILE* listing = stdout);

}  // namespace hltwap
