#include "etl/ingest_log.h"

#include <fmt/format.h>

#include <charconv>
#include <thread>
#include <utility>

#include "common/log.h"
#include "common/text.h"
#include "common/time_util.h"
#include "etl/sql.h"

namespace hltwap {
namespace {

// error_text is for people reading the log table: long enough for any real message.
constexpr size_t kMaxErrorText = 2000;

Result<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Internal(fmt::format("etl_s3_ingest_log: '{}' is not an integer", text));
  }
  return v;
}

Result<IngestLogEntry> EntryFromRow(const PgResult& r, int row) {
  IngestLogEntry e;
  HLTWAP_ASSIGN_OR_RETURN(e.last_modified, ParseInt64(r.Get(row, 1)));
  if (auto rows = r.GetOptional(row, 2)) {
    HLTWAP_ASSIGN_OR_RETURN(e.rows_ingested, ParseInt64(*rows));
  }
  if (auto error = r.GetOptional(row, 3)) e.error_text = std::string(*error);
  if (auto ingested_at = r.GetOptional(row, 4)) {
    HLTWAP_ASSIGN_OR_RETURN(e.ingested_at, ParseInt64(*ingested_at));
  }
  return e;
}

Status Upsert(PgConnection& conn, std::string_view key, int64_t last_modified,
              std::optional<std::string> rows, std::optional<std::string> error_text) {
  const std::string modified = FormatTimestampUtc(last_modified);
  std::vector<PgParam> params = {key, modified, PgParam(), PgParam()};
  if (rows) params[2] = *rows;
  if (error_text) params[3] = *error_text;
  return conn.Query(std::string(etl::sql::kIngestLogUpsert), params)
      .status()
      .WithContext("etl_s3_ingest_log");
}

// Polled: a blocking pg_advisory_lock would need lock_timeout to be bounded, and a session
// waiting on a lock cannot say how long it waited.
Result<bool> TryLockFor(PgConnection& conn, std::string_view key,
                        std::chrono::milliseconds lock_wait) {
  constexpr auto kPoll = std::chrono::milliseconds(200);
  const auto deadline = std::chrono::steady_clock::now() + lock_wait;
  while (true) {
    HLTWAP_ASSIGN_OR_RETURN(auto locked, conn.Query(std::string(etl::sql::kTryLockObject), {key}));
    if (locked.Get(0, 0) == "t") return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace

bool IsDone(const IngestLogEntry& entry, int64_t object_last_modified) {
  return !entry.error_text && entry.last_modified >= object_last_modified;
}

Result<std::unordered_map<std::string, IngestLogEntry>> ReadIngestLog(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto r, conn.Query(std::string(etl::sql::kIngestLogRows), {PgParam()}));
  std::unordered_map<std::string, IngestLogEntry> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) {
    HLTWAP_ASSIGN_OR_RETURN(auto entry, EntryFromRow(r, row));
    out.emplace(std::string(r.Get(row, 0)), std::move(entry));
  }
  return out;
}

Result<std::optional<IngestLogEntry>> ReadIngestLogEntry(PgConnection& conn, std::string_view key) {
  HLTWAP_ASSIGN_OR_RETURN(auto r, conn.Query(std::string(etl::sql::kIngestLogRows), {key}));
  if (r.rows() == 0) return std::optional<IngestLogEntry>();
  HLTWAP_ASSIGN_OR_RETURN(auto entry, EntryFromRow(r, 0));
  return std::optional<IngestLogEntry>(std::move(entry));
}

Status RecordIngestSuccess(PgConnection& conn, std::string_view key, int64_t last_modified,
                           int64_t rows_ingested) {
  // rows_ingested is INTEGER in the spec's table.
  const int64_t rows = std::min<int64_t>(rows_ingested, INT32_MAX);
  return Upsert(conn, key, last_modified, std::to_string(rows), std::nullopt);
}

Status RecordIngestFailure(PgConnection& conn, std::string_view key, int64_t last_modified,
                           std::string_view error_text) {
  return Upsert(conn, key, last_modified, std::nullopt, IngestErrorText(error_text));
}

std::string IngestErrorText(std::string_view message) {
  std::string text = OneLine(log::MaskSecrets(message));
  if (text.empty()) text = "failed";
  if (text.size() > kMaxErrorText) {
    // Cut on a UTF-8 character boundary.
    size_t cut = kMaxErrorText;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

Result<int64_t> IngestLogClock(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto clock, conn.Query(std::string(etl::sql::kClockMicros)));
  return ParseInt64(clock.Get(0, 0));
}

Result<ObjectClaim> ObjectClaim::TryClaim(PgConnection& conn, std::string_view key,
                                          int64_t last_modified, bool force, int64_t run_started,
                                          std::chrono::milliseconds lock_wait) {
  ObjectClaim claim(conn, std::string(key), last_modified, force, run_started);
  HLTWAP_ASSIGN_OR_RETURN(claim.locked_, TryLockFor(conn, key, lock_wait));
  if (!claim.locked_) {
    claim.outcome_ = ClaimOutcome::kBusy;
    return claim;
  }
  // Under the lock, the log is current: another process may have finished the object since
  // it was listed. From here an error return releases the lock.
  HLTWAP_ASSIGN_OR_RETURN(const bool done, claim.LoggedDone());
  if (done) {
    claim.End();
    claim.outcome_ = ClaimOutcome::kDone;
  }
  return claim;
}

ObjectClaim::ObjectClaim(ObjectClaim&& other) noexcept
    : conn_(other.conn_),
      key_(std::move(other.key_)),
      last_modified_(other.last_modified_),
      force_(other.force_),
      run_started_(other.run_started_),
      outcome_(other.outcome_),
      locked_(std::exchange(other.locked_, false)),
      open_(std::exchange(other.open_, false)) {}

ObjectClaim::~ObjectClaim() {
  End();
}

Result<bool> ObjectClaim::LoggedDone() {
  HLTWAP_ASSIGN_OR_RETURN(auto entry, ReadIngestLogEntry(*conn_, key_));
  if (!entry || !IsDone(*entry, last_modified_)) return false;
  const bool done_during_this_run = entry->ingested_at >= run_started_;
  return !force_ || done_during_this_run;
}

void ObjectClaim::End() {
  if (!conn_->ok()) {
    open_ = locked_ = false;  // the session, its transaction and its lock are gone
    return;
  }
  if (open_) (void)conn_->Exec("ROLLBACK");
  open_ = false;
  if (locked_) (void)conn_->Query(std::string(etl::sql::kUnlockObject), {key_});
  locked_ = false;
}

Result<ClaimOutcome> ObjectClaim::Begin() {
  HLTWAP_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
  open_ = true;
  // The lock has been held since TryClaim, so this finds what that found; it costs one read of
  // the key and keeps the decision inside the transaction that writes the log row.
  HLTWAP_ASSIGN_OR_RETURN(const bool done, LoggedDone());
  if (done) {
    End();
    outcome_ = ClaimOutcome::kDone;
    return outcome_;
  }
  HLTWAP_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT object_rows"));
  return outcome_;
}

Status ObjectClaim::Commit(int64_t last_modified, int64_t rows_ingested) {
  Status st = RecordIngestSuccess(*conn_, key_, last_modified, rows_ingested);
  if (st.ok()) st = conn_->Exec("COMMIT");
  if (!st.ok()) return st;
  open_ = false;
  End();
  return st;
}

Status ObjectClaim::Fail(int64_t last_modified, const Status& error) {
  if (open_ && conn_->ok() && !conn_->Exec("ROLLBACK TO SAVEPOINT object_rows").ok()) {
    (void)conn_->Exec("ROLLBACK");
    open_ = false;
  }
  // In the object's transaction when it was begun, else on its own.
  Status st = conn_->ok() ? RecordIngestFailure(*conn_, key_, last_modified, error.message())
                          : Status::Connection("");
  if (st.ok() && open_) st = conn_->Exec("COMMIT");
  if (st.ok()) open_ = false;
  End();
  if (st.ok()) return st;
  // With the connection gone, the transaction and the lock went with the session.
  if (!conn_->ok()) return Status::Connection("database connection lost; nothing was recorded");
  return Status::Error(st.kind(), "and recording the failure failed: " + st.message());
}

}  // namespace hltwap
