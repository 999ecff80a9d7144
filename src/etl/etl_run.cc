#include "etl/etl_run.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/log.h"
#include "common/time_util.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "db/migrations.h"
#include "etl/ingest_log.h"
#include "etl/loader.h"
#include "etl/s3/s3_client.h"
#include "etl/sql.h"

namespace hltwap {
namespace {

namespace fs = std::filesystem;

constexpr int kReconnectAttempts = 4;
constexpr auto kReconnectFirstDelay = std::chrono::milliseconds(500);

struct WorkItem {
  std::string key;         // the ingest log's (and twap_status's) s3_object_key
  std::string local_path;  // set for local files; S3 objects are downloaded
  int64_t last_modified = 0;
  int64_t size = 0;
  bool force = false;  // load even when the log says done
};

// A temporary file that is removed when this goes out of scope.
class TempFile {
 public:
  static Result<TempFile> Create() {
    std::error_code ec;
    fs::path dir = fs::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "hltwap-etl-XXXXXX.parquet").string();
    const int fd = ::mkstemps(pattern.data(), static_cast<int>(std::string(".parquet").size()));
    if (fd < 0) {
      return Status::Internal(fmt::format("cannot create a temporary file in {}: {}", dir.string(),
                                          std::strerror(errno)));
    }
    ::close(fd);
    return TempFile(pattern);
  }
  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

bool IsParquetKey(std::string_view key) {
  constexpr std::string_view kSuffix = ".parquet";
  return key.size() > kSuffix.size() && key.substr(key.size() - kSuffix.size()) == kSuffix &&
         key.back() != '/';
}

int64_t FileMtimeMicros(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
}

Result<std::vector<WorkItem>> LocalItems(const std::string& path) {
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
    items.push_back(std::move(item));
  }
  return items;
}

Result<PgConnection> ConnectChecked(const std::string& conninfo) {
  HLTWAP_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(conninfo));
  HLTWAP_RETURN_IF_ERROR(CheckSchemaCurrent(conn));
  return conn;
}

// Shared by the workers of one run.
struct RunState {
  std::string conninfo;
  const EtlOptions* options = nullptr;
  ParquetReadOptions read_options;
  int64_t run_started = 0;  // database clock, micros
  std::vector<WorkItem> items;
  std::atomic<size_t> next{0};
  std::atomic<int64_t> attempted{0};
  std::atomic<bool> database_down{false};
  Progress* progress = nullptr;
};

class Worker {
 public:
  Worker(RunState& run, PgConnection conn, std::unique_ptr<s3::Client> client)
      : run_(run), conn_(std::move(conn)), client_(std::move(client)) {}

  void Run() {
    while (!run_.database_down.load()) {
      const size_t i = run_.next.fetch_add(1);
      if (i >= run_.items.size()) return;
      if (!EnsureConnection()) {
        run_.database_down = true;
        return;
      }
      const auto started = std::chrono::steady_clock::now();
      ObjectReport report = Process(run_.items[i]);
      report.key = run_.items[i].key;
      report.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      run_.progress->Report(report);
      ++run_.attempted;
    }
  }

 private:
  // A lost connection is replaced before the next object, with a few spaced attempts.
  bool EnsureConnection() {
    if (conn_.ok()) return true;
    auto delay = kReconnectFirstDelay;
    for (int attempt = 1; attempt <= kReconnectAttempts; ++attempt) {
      auto conn = PgConnection::Connect(run_.conninfo);
      if (conn.ok()) {
        conn_ = std::move(conn).value();
        log::Info("reconnected to the database");
        return true;
      }
      log::Warn("reconnecting to the database (attempt {} of {}): {}", attempt, kReconnectAttempts,
                conn.status().message());
      if (attempt < kReconnectAttempts) std::this_thread::sleep_for(delay);
      delay *= 2;
    }
    return false;
  }

  ObjectReport Failed(std::string message) {
    ObjectReport r;
    r.outcome = ObjectOutcome::kFailed;
    r.message = std::move(message);
    return r;
  }

  // Ends the object's transaction without keeping anything.
  void Rollback() {
    if (conn_.ok()) (void)conn_.Exec("ROLLBACK");
  }

  // Records the failure in the object's transaction and commits it. With the connection gone
  // nothing can be recorded: the transaction (and its lock) went with it.
  ObjectReport RecordFailure(const WorkItem& item, int64_t last_modified, const Status& error,
                             int64_t bytes) {
    ObjectReport r = Failed(IngestErrorText(error.message()));
    r.bytes = bytes;
    if (!conn_.ok()) {
      r.message += " (database connection lost; nothing was recorded)";
      return r;
    }
    Status st = RecordIngestFailure(conn_, item.key, last_modified, error.message());
    if (st.ok()) st = conn_.Exec("COMMIT");
    if (!st.ok()) {
      Rollback();
      r.message += fmt::format(" (and recording the failure failed: {})", st.message());
    }
    return r;
  }

  ObjectReport Process(const WorkItem& item) {
    if (const Status st = conn_.Exec("BEGIN"); !st.ok()) return Failed(st.message());
    auto locked = conn_.Query(std::string(etl::sql::kTryLockObject), {item.key});
    if (!locked.ok()) {
      Rollback();
      return Failed(locked.status().message());
    }
    if (locked->Get(0, 0) != "t") {
      Rollback();
      ObjectReport r;
      r.outcome = ObjectOutcome::kBusy;
      r.message = "another hltwap etl is loading it";
      return r;
    }
    // Under the lock, the log is current: another process may have finished the object since
    // it was listed.
    auto entry = ReadIngestLogEntry(conn_, item.key);
    if (!entry.ok()) {
      Rollback();
      return Failed(entry.status().message());
    }
    if (*entry && IsDone(**entry, item.last_modified)) {
      const bool done_during_this_run = (*entry)->ingested_at >= run_.run_started;
      if (!item.force || done_during_this_run) {
        Rollback();
        ObjectReport r;
        r.outcome = ObjectOutcome::kSkipped;
        r.message = "already ingested";
        return r;
      }
    }

    // The file to load: the local file, or the object downloaded to a temporary file.
    int64_t last_modified = item.last_modified;
    int64_t bytes = item.size;
    std::optional<TempFile> download;
    std::string path = item.local_path;
    if (path.empty()) {
      auto temp = TempFile::Create();
      if (!temp.ok()) return RecordFailure(item, last_modified, temp.status(), 0);
      download.emplace(std::move(temp).value());
      auto info = client_->GetObjectToFile(item.key, download->path());
      if (!info.ok()) return RecordFailure(item, last_modified, info.status(), 0);
      // The object may have been rewritten since it was listed: log what was loaded.
      last_modified = info->last_modified;
      bytes = info->size;
      path = download->path();
    }

    if (const Status st = conn_.Exec("SAVEPOINT object_rows"); !st.ok()) {
      return RecordFailure(item, last_modified, st, bytes);
    }
    auto loaded = LoadParquetFile(conn_, path, item.key, run_.read_options);
    if (loaded.ok()) {
      Status st = RecordIngestSuccess(conn_, item.key, last_modified, loaded->rows_staged);
      if (st.ok()) st = conn_.Exec("COMMIT");
      if (st.ok()) {
        ObjectReport r;
        r.outcome = ObjectOutcome::kOk;
        r.rows_read = loaded->rows_read;
        r.rows_inserted = loaded->rows_inserted;
        r.rows_rejected = loaded->rows_rejected;
        r.first_rejection = loaded->first_rejection;
        r.bytes = bytes;
        return r;
      }
      loaded = st;
    }
    if (conn_.ok() && !conn_.Exec("ROLLBACK TO SAVEPOINT object_rows").ok()) Rollback();
    return RecordFailure(item, last_modified, loaded.status(), bytes);
  }

  RunState& run_;
  PgConnection conn_;
  std::unique_ptr<s3::Client> client_;
};

void ListItems(FILE* out, const std::vector<WorkItem>& items) {
  for (const auto& item : items) {
    const std::string line =
        fmt::format("{}\t{}\t{}\n", item.key, item.size, FormatTimestampUtc(item.last_modified));
    std::fputs(line.c_str(), out);
  }
  std::fflush(out);
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
  const bool from_s3 = options.source != EtlSource::kLocalFile;
  const bool needs_log = !(options.dry_run && (options.source == EtlSource::kLocalFile ||
                                               options.source == EtlSource::kObjectKey));
  const unsigned jobs = std::max(1u, options.jobs);

  std::string conninfo;
  std::optional<PgConnection> conn;
  if (needs_log) {
    HLTWAP_ASSIGN_OR_RETURN(conninfo, DatabaseConninfo(config));
    HLTWAP_ASSIGN_OR_RETURN(conn, ConnectChecked(conninfo));
  }
  std::unique_ptr<s3::Client> lister;
  if (from_s3) {
    HLTWAP_ASSIGN_OR_RETURN(lister, s3::Client::Create(s3::ClientOptionsFromConfig(config)));
  }

  // Choose the work.
  std::vector<WorkItem> items;
  int64_t already_done = 0;
  switch (options.source) {
    case EtlSource::kLocalFile: {
      HLTWAP_ASSIGN_OR_RETURN(items, LocalItems(options.local_path));
      break;
    }
    case EtlSource::kObjectKey: {
      auto info = lister->HeadObject(options.object_key);
      if (!info.ok()) return info.status().WithContext("--object-key " + options.object_key);
      items.push_back(WorkItem{options.object_key, "", info->last_modified, info->size, true});
      break;
    }
    case EtlSource::kIncremental:
    case EtlSource::kSince: {
      HLTWAP_ASSIGN_OR_RETURN(auto objects, lister->ListObjects(config.s3_prefix));
      HLTWAP_ASSIGN_OR_RETURN(auto log_rows, ReadIngestLog(*conn));
      size_t parquet = 0;
      for (auto& object : objects) {
        if (!IsParquetKey(object.key)) continue;
        if (options.source == EtlSource::kSince && object.last_modified < options.since) continue;
        ++parquet;
        const auto logged = log_rows.find(object.key);
        if (!options.reprocess && logged != log_rows.end() &&
            IsDone(logged->second, object.last_modified)) {
          ++already_done;
          continue;
        }
        items.push_back(WorkItem{std::move(object.key), "", object.last_modified, object.size,
                                 options.reprocess});
      }
      log::Info("{} parquet objects under s3://{}/{}{}: {} to load, {} already done", parquet,
                config.s3_bucket, config.s3_prefix,
                options.source == EtlSource::kSince
                    ? " modified since " + FormatTimestampUtc(options.since)
                    : std::string(),
                items.size(), already_done);
      break;
    }
  }
  if (options.reprocess) {
    for (auto& item : items) item.force = true;
  }

  if (options.dry_run) {
    ListItems(listing, items);
    EtlSummary summary;
    summary.objects_skipped = already_done;
    for (const auto& item : items) summary.bytes += item.size;
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log::Info("dry run: {} objects ({} bytes) would be loaded, {} already done", items.size(),
              summary.bytes, already_done);
    return summary;
  }

  // One S3 client and one database connection per worker.
  RunState run;
  run.conninfo = conninfo;
  run.options = &options;
  run.read_options.ts_column = config.twap_ts_column;
  HLTWAP_ASSIGN_OR_RETURN(auto clock, conn->Query(std::string(etl::sql::kClockMicros)));
  run.run_started = std::stoll(std::string(clock.Get(0, 0)));
  const size_t workers_wanted = std::min<size_t>(jobs, std::max<size_t>(items.size(), 1));
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t w = 0; w < workers_wanted; ++w) {
    PgConnection worker_conn;
    if (w == 0) {
      worker_conn = std::move(*conn);
    } else {
      HLTWAP_ASSIGN_OR_RETURN(worker_conn, PgConnection::Connect(conninfo));
    }
    std::unique_ptr<s3::Client> client;
    if (from_s3) {
      if (w == 0) {
        client = std::move(lister);
      } else {
        HLTWAP_ASSIGN_OR_RETURN(client, s3::Client::Create(s3::ClientOptionsFromConfig(config)));
      }
    }
    workers.push_back(std::make_unique<Worker>(run, std::move(worker_conn), std::move(client)));
  }

  int64_t total_bytes = 0;
  for (const auto& item : items) total_bytes += item.size;
  run.items = std::move(items);
  Progress progress(options.progress_bar.value_or(Progress::StderrIsInteractive() &&
                                                  config.log_format == LogFormat::kText),
                    static_cast<int64_t>(run.items.size()), total_bytes);
  progress.AddSkipped(already_done);
  run.progress = &progress;
  {
    std::vector<std::thread> threads;
    for (auto& worker : workers) threads.emplace_back([&worker] { worker->Run(); });
    for (auto& t : threads) t.join();
  }
  progress.Finish();

  EtlSummary summary = progress.Summary();
  if (run.database_down) {
    const int64_t unattempted = static_cast<int64_t>(run.items.size()) - run.attempted.load();
    if (unattempted > 0) {
      log::Error("{} objects not attempted: the database is unreachable", unattempted);
      summary.objects_failed += unattempted;
    }
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace hltwap
