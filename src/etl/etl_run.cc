#include "etl/etl_run.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/time_util.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "db/migrations.h"
#include "etl/etl_worker.h"
#include "etl/ingest_log.h"
#include "etl/s3/s3_client.h"
#include "etl/temp_files.h"

namespace hltwap {
namespace {

namespace fs = std::filesystem;

bool IsParquetKey(std::string_view key) {
  constexpr std::string_view kSuffix = ".parquet";
  return key.size() > kSuffix.size() && key.substr(key.size() - kSuffix.size()) == kSuffix &&
         key.back() != '/';
}

// The file's mtime, brought into the range the ingest log can hold: a local file is always
// loaded, so its mtime only dates the log row, and a clock far off must not stop the load.
int64_t FileMtimeMicros(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  constexpr int64_t kMinSeconds = kMinTimestampMicros / 1'000'000;
  constexpr int64_t kMaxSeconds = kMaxTimestampMicros / 1'000'000;
  const int64_t seconds = st.st_mtim.tv_sec;
  if (seconds < kMinSeconds || seconds > kMaxSeconds) {
    log::Warn("{}: mtime out of the years 1 to 9999; logged as the nearest of those",
              path.string());
    return seconds < kMinSeconds ? kMinTimestampMicros : kMaxTimestampMicros;
  }
  return seconds * 1'000'000 + st.st_mtim.tv_nsec / 1000;
}

Result<std::vector<WorkItem>> LocalItems(const std::string& path, Dataset dataset) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return Status::InvalidArgument(fmt::format("--local-file {}: no such file or directory", path));
  }
  std::vector<fs::path> files;
  if (fs::is_directory(status)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file() && IsParquetKey(entry.path().filename().string())) {
        files.push_back(entry.path());
      }
    }
    if (ec) {
      return Status::InvalidArgument(fmt::format("--local-file {}: {}", path, ec.message()));
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }
  std::vector<WorkItem> items;
  for (const auto& file : files) {
    WorkItem item;
    item.key = LocalFileKey(file.string());
    item.local_path = file.string();
    item.last_modified = FileMtimeMicros(file);
    item.size = static_cast<int64_t>(fs::file_size(file, ec));
    if (ec) item.size = 0;
    item.force = true;
    item.dataset = dataset;
    items.push_back(std::move(item));
  }
  return items;
}

Result<PgConnection> ConnectChecked(const std::string& conninfo) {
  HLTWAP_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(conninfo));
  HLTWAP_RETURN_IF_ERROR(CheckSchemaCurrent(conn));
  return conn;
}

double SecondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// What a run will load, and the connections opened to decide it (the first worker takes them).
struct Plan {
  std::vector<WorkItem> items;
  int64_t already_done = 0;  // listed objects the log says are done
  std::string conninfo;
  std::optional<PgConnection> conn;
  std::unique_ptr<s3::Client> lister;

  int64_t bytes() const {
    int64_t total = 0;
    for (const auto& item : items) total += item.size;
    return total;
  }
};

// The dataset of the object named by --object-key or --local-file: the only one selected, else
// the one of the key's prefix.
Result<Dataset> NamedObjectDataset(const Config& config, const EtlOptions& options) {
  if (options.datasets.size() == 1) return options.datasets.front();
  const bool local = options.source == EtlSource::kLocalFile;
  if (!local) {
    if (const auto dataset = DatasetOfKey(config, options.datasets, options.object_key)) {
      return *dataset;
    }
  }
  return Status::InvalidArgument(fmt::format(
      "{} {}: more than one dataset is selected and its name does not say which it holds; "
      "choose one with --dataset twap_statuses or --dataset fills",
      local ? "--local-file" : "--object-key", local ? options.local_path : options.object_key));
}

Result<WorkItem> ObjectKeyItem(s3::Client& lister, const std::string& key, Dataset dataset) {
  auto info = lister.HeadObject(key);
  if (!info.ok()) return info.status().WithContext("--object-key " + key);
  return WorkItem{key, "", info->last_modified, info->size, true, dataset};
}

// The .parquet objects under each dataset's prefix (modified since --since) that the log says
// are not done, or all of them with --reprocess. Datasets are listed in the order given; a key
// under the prefixes of two of them belongs to the longer prefix's.
Status ChooseListed(const Config& config, const EtlOptions& options, Plan& plan) {
  HLTWAP_ASSIGN_OR_RETURN(auto log_rows, ReadIngestLog(*plan.conn));
  const bool since = options.source == EtlSource::kSince;
  for (const Dataset dataset : options.datasets) {
    const std::string& prefix = DatasetPrefix(config, dataset);
    HLTWAP_ASSIGN_OR_RETURN(auto objects, plan.lister->ListObjects(prefix));
    size_t parquet = 0;
    size_t to_load = 0;
    int64_t done = 0;
    for (auto& object : objects) {
      if (!IsParquetKey(object.key)) continue;
      if (since && object.last_modified < options.since) continue;
      if (DatasetOfKey(config, options.datasets, object.key) != dataset) continue;
      ++parquet;
      const auto logged = log_rows.find(object.key);
      if (!options.reprocess && logged != log_rows.end() &&
          IsDone(logged->second, object.last_modified)) {
        ++done;
        continue;
      }
      ++to_load;
      plan.items.push_back(WorkItem{std::move(object.key), "", object.last_modified, object.size,
                                    options.reprocess, dataset});
    }
    plan.already_done += done;
    log::Info("{} {} parquet objects under s3://{}/{}{}: {} to load, {} already done", parquet,
              DatasetName(dataset), config.s3_bucket, prefix,
              since ? " modified since " + FormatTimestampUtc(options.since) : std::string(),
              to_load, done);
  }
  return Status::Ok();
}

Result<Plan> ChooseWork(const Config& config, const EtlOptions& options) {
  Plan plan;
  // A dry run of explicitly named objects does not read the log.
  const bool named =
      options.source == EtlSource::kLocalFile || options.source == EtlSource::kObjectKey;
  Dataset named_dataset = Dataset::kTwapStatuses;
  if (named) {
    HLTWAP_ASSIGN_OR_RETURN(named_dataset, NamedObjectDataset(config, options));
  }
  if (!(options.dry_run && named)) {
    HLTWAP_ASSIGN_OR_RETURN(plan.conninfo, DatabaseConninfo(config));
    HLTWAP_ASSIGN_OR_RETURN(plan.conn, ConnectChecked(plan.conninfo));
  }
  if (options.source != EtlSource::kLocalFile) {
    HLTWAP_ASSIGN_OR_RETURN(plan.lister, s3::Client::Create(s3::ClientOptionsFromConfig(config)));
  }
  switch (options.source) {
    case EtlSource::kLocalFile: {
      HLTWAP_ASSIGN_OR_RETURN(plan.items, LocalItems(options.local_path, named_dataset));
      break;
    }
    case EtlSource::kObjectKey: {
      HLTWAP_ASSIGN_OR_RETURN(auto item,
                              ObjectKeyItem(*plan.lister, options.object_key, named_dataset));
      plan.items.push_back(std::move(item));
      break;
    }
    case EtlSource::kIncremental:
    case EtlSource::kSince: HLTWAP_RETURN_IF_ERROR(ChooseListed(config, options, plan)); break;
  }
  if (options.reprocess) {
    for (auto& item : plan.items) item.force = true;
  }
  return plan;
}

// Prints what would be loaded (key, size, LastModified) and counts it; loads nothing.
EtlSummary DryRun(const Plan& plan, FILE* out, std::chrono::steady_clock::time_point started) {
  for (const auto& item : plan.items) {
    const std::string line =
        fmt::format("{}\t{}\t{}\n", item.key, item.size, FormatTimestampUtc(item.last_modified));
    std::fputs(line.c_str(), out);
  }
  std::fflush(out);
  EtlSummary summary;
  summary.objects_skipped = plan.already_done;
  summary.bytes = plan.bytes();
  summary.seconds = SecondsSince(started);
  log::Info("dry run: {} objects ({} bytes) would be loaded, {} already done", plan.items.size(),
            summary.bytes, plan.already_done);
  return summary;
}

// One S3 client and one database connection per worker, at most one worker per object.
Result<std::vector<std::unique_ptr<Worker>>> StartWorkers(const Config& config,
                                                          const EtlOptions& options, Plan& plan,
                                                          RunState& run) {
  const size_t wanted =
      std::min<size_t>(std::max(1u, options.jobs), std::max<size_t>(plan.items.size(), 1));
  const bool from_s3 = options.source != EtlSource::kLocalFile;
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t w = 0; w < wanted; ++w) {
    PgConnection conn;
    std::unique_ptr<s3::Client> client;
    if (w == 0) {
      conn = std::move(*plan.conn);
      client = std::move(plan.lister);
    } else {
      HLTWAP_ASSIGN_OR_RETURN(conn, PgConnection::Connect(plan.conninfo));
      if (from_s3) {
        HLTWAP_ASSIGN_OR_RETURN(client, s3::Client::Create(s3::ClientOptionsFromConfig(config)));
      }
    }
    workers.push_back(std::make_unique<Worker>(run, std::move(conn), std::move(client)));
  }
  return workers;
}

// Runs the workers to the end of the list; objects left when the database became unreachable
// count as failed.
EtlSummary RunWorkers(std::vector<std::unique_ptr<Worker>>& workers, RunState& run,
                      Progress& progress) {
  run.progress = &progress;
  {
    std::vector<std::thread> threads;
    for (auto& worker : workers) threads.emplace_back([&worker] { worker->Run(); });
    for (auto& t : threads) t.join();
  }
  progress.Finish();
  EtlSummary summary = progress.Summary();
  const int64_t unattempted = static_cast<int64_t>(run.items.size()) - run.attempted.load();
  if (run.database_down && unattempted > 0) {
    log::Error("{} objects not attempted: the database is unreachable", unattempted);
    summary.objects_failed += unattempted;
  }
  return summary;
}

// The download directory, cleared of the files of runs killed during a download. Its failure
// stops a run from S3; a run of local files downloads nothing and goes on.
Status PrepareDownloads(const EtlOptions& options, RunState& run) {
  auto dir = PrepareDownloadDir();
  if (!dir.ok()) {
    if (options.source != EtlSource::kLocalFile) return dir.status();
    log::Warn("{}", dir.status().message());
    return Status::Ok();
  }
  run.download_dir = std::move(*dir);
  if (const int64_t removed = RemoveStaleDownloads(run.download_dir); removed > 0) {
    log::Info("removed {} temporary file{} of earlier runs that were killed from {}", removed,
              removed == 1 ? "" : "s", run.download_dir);
  }
  return Status::Ok();
}

}  // namespace

std::string LocalFileKey(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) canonical = fs::absolute(path).lexically_normal();
  return "file://" + canonical.string();
}

unsigned DefaultJobs() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

Result<EtlSummary> RunEtl(const Config& config, const EtlOptions& options, std::FILE* listing) {
  const auto started = std::chrono::steady_clock::now();
  HLTWAP_ASSIGN_OR_RETURN(Plan plan, ChooseWork(config, options));
  if (options.dry_run) return DryRun(plan, listing, started);

  RunState run;
  HLTWAP_RETURN_IF_ERROR(PrepareDownloads(options, run));
  run.conninfo = plan.conninfo;
  run.read_options.ts_column = config.twap_ts_column;
  HLTWAP_ASSIGN_OR_RETURN(run.run_started, IngestLogClock(*plan.conn));
  HLTWAP_ASSIGN_OR_RETURN(auto workers, StartWorkers(config, options, plan, run));
  const int64_t total_bytes = plan.bytes();
  run.items = std::move(plan.items);
  Progress progress(options.progress_bar.value_or(Progress::StderrIsInteractive() &&
                                                  config.log_format == LogFormat::kText),
                    static_cast<int64_t>(run.items.size()), total_bytes);
  progress.AddSkipped(plan.already_done);
  EtlSummary summary = RunWorkers(workers, run, progress);
  summary.seconds = SecondsSince(started);
  return summary;
}

}  // namespace hltwap
