// etl_s3_ingest_log: which objects are done, which failed and why.
//
// An object is done when its log row has error_text NULL and a last_modified not older than the
// object's LastModified. A failure is recorded with error_text (one line, masked) and
// rows_ingested NULL, and the object is retried by the next run. The log always shows the latest
// attempt: a failed reprocess of a done object marks it failed (its earlier rows stay, and the
// retry is idempotent).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

struct IngestLogEntry {
  int64_t last_modified = 0;  // micros since the epoch
  std::optional<int64_t> rows_ingested;
  std::optional<std::string> error_text;
  int64_t ingested_at = 0;  // micros since the epoch (database clock)
};

// True when `entry` says the object with this LastModified is already loaded.
bool IsDone(const IngestLogEntry& entry, int64_t object_last_modified);

// Every log row, by key (one query: the listing is compared against it in memory).
[[nodiscard]] Result<std::unordered_map<std::string, IngestLogEntry>> ReadIngestLog(
    PgConnection& conn);

// The log row of one key, if any.
[[nodiscard]] Result<std::optional<IngestLogEntry>> ReadIngestLogEntry(PgConnection& conn,
                                                                       std::string_view key);

// Marks the object done (inside the transaction that stored its rows).
Status RecordIngestSuccess(PgConnection& conn, std::string_view key, int64_t last_modified,
                           int64_t rows_ingested);

// Marks the object failed. The message is reduced to one masked line.
Status RecordIngestFailure(PgConnection& conn, std::string_view key, int64_t last_modified,
                           std::string_view error_text);

// The text stored in error_text for an error message: one line, secrets masked, bounded length.
std::string IngestErrorText(std::string_view message);

// The database clock ingested_at is written with, in micros since the epoch.
[[nodiscard]] Result<int64_t> IngestLogClock(PgConnection& conn);

enum class ClaimOutcome {
  kClaimed,  // this session holds the object's lock
  kBusy,     // another process holds the object's lock and is loading it
  kDone,     // the log says the object is done (nothing to load)
};

// One object's claim, from taking its lock to recording how its load ended. No transaction is
// open while the object downloads, so a slow or stalled download holds no transaction and no
// row lock, only the object's advisory lock (docs/design.md, Ingestion guarantees):
//   TryClaim: pg_try_advisory_lock(hashtextextended(key, 0)), a session lock tried for up to
//     `lock_wait` - still held elsewhere: kBusy; then the object's log row - done: kDone;
//   the caller downloads the object, outside any transaction;
//   Begin: BEGIN, the log row again, SAVEPOINT - done meanwhile: kDone;
//   the caller loads the rows on the same connection;
//   Commit (log row with error_text NULL, COMMIT) or Fail (back to the savepoint, log row with
//     the error, COMMIT; before Begin the log row alone).
// The lock is released as the claim ends: after Commit or Fail, on kBusy or kDone, and when it
// is destroyed (which also rolls back an open transaction). A lost connection ends the
// session, and its lock and transaction go with it.
class ObjectClaim {
 public:
  // `force` claims a done object anyway (reprocessing), unless its log row was written at or
  // after `run_started` (database clock): a concurrent run loaded it during this one. The lock
  // is waited for up to `lock_wait` (a concurrent run finishes the object meanwhile, or a
  // session orphaned by a killed run ends). An error means nothing is held.
  [[nodiscard]] static Result<ObjectClaim> TryClaim(PgConnection& conn, std::string_view key,
                                                    int64_t last_modified, bool force,
                                                    int64_t run_started,
                                                    std::chrono::milliseconds lock_wait);

  ObjectClaim(ObjectClaim&& other) noexcept;
  ObjectClaim& operator=(ObjectClaim&&) = delete;
  ObjectClaim(const ObjectClaim&) = delete;
  ObjectClaim& operator=(const ObjectClaim&) = delete;
  ~ObjectClaim();

  ClaimOutcome outcome() const { return outcome_; }

  // Opens the transaction the rows are loaded in: kClaimed, or kDone (and the claim ended)
  // when the log says the object was loaded meanwhile.
  [[nodiscard]] Result<ClaimOutcome> Begin();

  // Records the object done with the version that was loaded, commits and unlocks. On an error
  // the claim stays open: Fail() records it.
  Status Commit(int64_t last_modified, int64_t rows_ingested);

  // Drops the rows loaded since Begin, records `error` for the object, commits and unlocks.
  // Returns why nothing could be recorded, if so (the connection was lost, or the log write
  // failed).
  Status Fail(int64_t last_modified, const Status& error);

 private:
  ObjectClaim(PgConnection& conn, std::string key, int64_t last_modified, bool force,
              int64_t run_started)
      : conn_(&conn),
        key_(std::move(key)),
        last_modified_(last_modified),
        force_(force),
        run_started_(run_started) {}
  // Whether the log says the object needs no load.
  [[nodiscard]] Result<bool> LoggedDone();
  // Rolls back an open transaction and releases the lock.
  void End();

  PgConnection* conn_;
  std::string key_;
  int64_t last_modified_;
  bool force_;
  int64_t run_started_;
  ClaimOutcome outcome_ = ClaimOutcome::kClaimed;
  bool locked_ = false;  // the session holds the object's lock
  bool open_ = false;    // the transaction is ours to end
};

}  // namespace hltwap
