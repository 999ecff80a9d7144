// One worker of an `hltwap etl` run: it takes the next object of the run's list, claims it in
// the ingest log (ObjectClaim: the object's lock), downloads it to a temporary file (S3) or
// reads it in place (local) with no transaction open, then loads its rows and records the
// outcome in one transaction, until the list is done. Each worker has its own S3 client and
// database connection, so downloads overlap loading.
//
// A lost database connection loses the object's transaction and lock with it: no rows, no log
// row; the object is reported failed and the next object gets a fresh connection. When none can
// be made, every worker stops and the run reports the objects it did not attempt.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "etl/dataset.h"
#include "etl/progress.h"
#include "etl/s3/s3_client.h"
#include "etl/twap_parquet_reader.h"

namespace hltwap {

struct WorkItem {
  std::string key;         // the ingest log's (and the rows') s3_object_key
  std::string local_path;  // set for local files; S3 objects are downloaded
  int64_t last_modified = 0;
  int64_t size = 0;
  bool force = false;  // load even when the log says done
  Dataset dataset = Dataset::kTwapStatuses;
};

// Shared by the workers of one run.
struct RunState {
  std::string conninfo;
  ParquetReadOptions read_options;  // of every dataset (ts_column is the statuses' only)
  int64_t run_started = 0;          // database clock, micros
  std::string download_dir;         // where S3 objects are downloaded (etl/temp_files.h)
  // How long an object locked by another process is waited for before it is reported busy.
  std::chrono::milliseconds lock_wait{10'000};
  std::vector<WorkItem> items;
  std::atomic<size_t> next{0};
  std::atomic<int64_t> attempted{0};
  std::atomic<bool> database_down{false};
  Progress* progress = nullptr;
};

class Worker {
 public:
  // `client` may be null when every item is a local file.
  Worker(RunState& run, PgConnection conn, std::unique_ptr<s3::Client> client)
      : run_(run), conn_(std::move(conn)), client_(std::move(client)) {}

  // Processes objects of the run until none is left or the database is unreachable.
  void Run();

 private:
  bool EnsureConnection();
  ObjectReport Process(const WorkItem& item);

  RunState& run_;
  PgConnection conn_;
  std::unique_ptr<s3::Client> client_;
};

}  // namespace hltwap
