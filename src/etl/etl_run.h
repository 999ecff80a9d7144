// One `hltwap etl` run: choose the objects, then load each in its own transaction with N
// workers (each with its own S3 client and database connection, so downloads overlap loading).
//
// Per object (DESIGN §4):
//   BEGIN; pg_try_advisory_xact_lock(hashtextextended(key, 0)) - held by another process: the
//   object is "busy" and left to that process; re-read the object's log row - done meanwhile:
//   "skipped"; download to a temporary file (deleted afterwards); SAVEPOINT; COPY into staging and
//   merge into twap_status; log row (error_text NULL); COMMIT. A failure rolls back to the
//   savepoint and records error_text in the same transaction (so the lock covers it). A lost
//   database connection loses the transaction with it: no rows, no log row; the object is
//   reported failed and the next object gets a fresh connection.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/status.h"
#include "etl/progress.h"

namespace hltwap {

enum class EtlSource {
  kIncremental,  // every .parquet object under AWS_S3_PREFIX that is not done
  kSince,        // the same, limited to LastModified >= since
  kObjectKey,    // one object (HeadObject), loaded even when done
  kLocalFile,    // a parquet file, or the *.parquet files of a directory, loaded even when done
};

struct EtlOptions {
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
