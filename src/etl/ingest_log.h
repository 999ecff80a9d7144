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
  kClaimed,  // the transaction is open, holding the object's lock
  kBusy,     // another process holds the object's lock and is loading it
  kDone,     // the log says the object is done (nothing to load)
};

// One object's transaction, from claiming it to recording how its load ended:
//   BEGIN; pg_try_advisory_xact_lock(hashtextextended(key, 0)), tried for up to `lock_wait` -
//   still held elsewhere: kBusy;
//   re-read the object's log row under the lock - done meanwhile: kDone; SAVEPOINT.
// The rows are loaded by the caller on the same connection, then either Commit() (log row with
// error_text NULL, COMMIT) or Fail() (back to the savepoint, log row with the error, COMMIT),
// so the lock covers the log row too. Destroyed without either: ROLLBACK.
class ObjectClaim {
 public:
  // `force` claims a done object anyway (reprocessing), unless its log row was written at or
  // after `run_started` (database clock): a concurrent run loaded it during this one. The lock
  // is waited for up to `lock_wait` (a concurrent run finishes the object meanwhile, or a
  // statement orphaned by a killed run ends). A busy or done object's transaction is already
  // rolled back. An error means nothing is held.
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

  // Records the object done with the version that was loaded, and commits. On an error the
  // claim stays open: Fail() records it.
  Status Commit(int64_t last_modified, int64_t rows_ingested);

  // Drops the rows loaded since the claim, records `error` for the object and commits. Returns
  // why nothing could be recorded, if so (the connection was lost, or the log write failed).
  Status Fail(int64_t last_modified, const Status& error);

 private:
  ObjectClaim(PgConnection& conn, std::string key, ClaimOutcome outcome)
      : conn_(&conn), key_(std::move(key)), outcome_(outcome) {}
  void Rollback();

  PgConnection* conn_;
  std::string key_;
  ClaimOutcome outcome_;
  bool open_ = false;  // the transaction is ours to end
};

}  // namespace hltwap
