// etl_s3_ingest_log: which objects are done, which failed and why.
//
// An object is done when its log row has error_text NULL and a last_modified not older than the
// object's LastModified (DESIGN §4). A failure is recorded with error_text (one line, masked) and
// rows_ingested NULL, and the object is retried by the next run. The log always shows the latest
// attempt: a failed reprocess of a done object marks it failed (its earlier rows stay, and the
// retry is idempotent).
#pragma once

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

}  // namespace hltwap
