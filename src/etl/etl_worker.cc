#include "etl/etl_worker.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <thread>

#include "common/log.h"
#include "etl/ingest_log.h"
#include "etl/temp_files.h"

namespace hltwap {
namespace {

constexpr int kReconnectAttempts = 4;
constexpr auto kReconnectFirstDelay = std::chrono::milliseconds(500);

// The file to load, with the version that is loaded (an S3 object may have been rewritten since
// it was listed: the log records what was loaded).
struct FileToLoad {
  std::string path;
  int64_t last_modified = 0;
  int64_t bytes = 0;
};

// The local file, or the object downloaded to `download`, a file in `download_dir`.
Result<FileToLoad> Fetch(const WorkItem& item, s3::Client* client, const std::string& download_dir,
                         std::optional<TempFile>& download) {
  if (!item.local_path.empty()) return FileToLoad{item.local_path, item.last_modified, item.size};
  HLTWAP_ASSIGN_OR_RETURN(auto temp, TempFile::Create(download_dir));
  download.emplace(std::move(temp));
  HLTWAP_ASSIGN_OR_RETURN(auto info, client->GetObjectToFile(item.key, download->path()));
  return FileToLoad{download->path(), info.last_modified, info.size};
}

ObjectReport Reported(ObjectOutcome outcome, std::string message) {
  ObjectReport r;
  r.outcome = outcome;
  r.message = std::move(message);
  return r;
}

// Records the failure (in the object's transaction when it was begun) and ends the claim.
ObjectReport Failed(ObjectClaim& claim, int64_t last_modified, const Status& error, int64_t bytes) {
  ObjectReport r = Reported(ObjectOutcome::kFailed, IngestErrorText(error.message()));
  r.bytes = bytes;
  if (const Status st = claim.Fail(last_modified, error); !st.ok()) {
    r.message += fmt::format(" ({})", st.message());
  }
  return r;
}

ObjectReport Loaded(const LoadStats& loaded, int64_t bytes) {
  ObjectReport r = Reported(ObjectOutcome::kOk, "");
  r.rows_read = loaded.rows_read;
  r.rows_inserted = loaded.rows_inserted;
  r.rows_rejected = loaded.rows_rejected;
  r.rows_skipped = loaded.rows_skipped;
  r.first_rejection = loaded.first_rejection;
  r.notes = loaded.notes;
  r.bytes = bytes;
  return r;
}

}  // namespace

void Worker::Run() {
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

// A lost connection is replaced before the next object, with a few spaced attempts.
bool Worker::EnsureConnection() {
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

ObjectReport Worker::Process(const WorkItem& item) {
  auto claim = ObjectClaim::TryClaim(conn_, item.key, item.last_modified, item.force,
                                     run_.run_started, run_.lock_wait);
  if (!claim.ok()) return Reported(ObjectOutcome::kFailed, claim.status().message());
  switch (claim->outcome()) {
    case ClaimOutcome::kBusy:
      return Reported(ObjectOutcome::kBusy, "another process holds its lock; not loaded");
    case ClaimOutcome::kDone: return Reported(ObjectOutcome::kSkipped, "already ingested");
    case ClaimOutcome::kClaimed: break;
  }
  // Downloaded with no transaction open: a slow download holds the object's lock only.
  std::optional<TempFile> download;
  auto file = Fetch(item, client_.get(), run_.download_dir, download);
  if (!file.ok()) return Failed(*claim, item.last_modified, file.status(), 0);
  auto begun = claim->Begin();
  if (!begun.ok()) return Failed(*claim, file->last_modified, begun.status(), file->bytes);
  if (*begun == ClaimOutcome::kDone) return Reported(ObjectOutcome::kSkipped, "already ingested");
  auto loaded = LoadDatasetFile(item.dataset, conn_, file->path, item.key, run_.read_options);
  if (!loaded.ok()) return Failed(*claim, file->last_modified, loaded.status(), file->bytes);
  if (Status st = claim->Commit(file->last_modified, loaded->rows_staged); !st.ok()) {
    return Failed(*claim, file->last_modified, st, file->bytes);
  }
  return Loaded(*loaded, file->bytes);
}

}  // namespace hltwap
