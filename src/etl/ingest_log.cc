#include "etl/ingest_log.h"

#include <charconv>

#include "common/log.h"
#include "common/text.h"
#include "common/time_util.h"

namespace hltwap {
namespace {

// Timestamps leave the database as integer microseconds (EXTRACT returns exact numeric).
constexpr std::string_view kSelectColumns =
    "SELECT s3_object_key,"
    " (EXTRACT(EPOCH FROM last_modified) * 1000000)::bigint,"
    " rows_ingested, error_text,"
    " (EXTRACT(EPOCH FROM ingested_at) * 1000000)::bigint"
    " FROM etl_s3_ingest_log";

// ingested_at is when the log row is written (not when the object's transaction began, before
// its download): a --reprocess run compares it with its own start to leave alone objects that a
// concurrent run loaded after it started.
constexpr std::string_view kUpsert =
    "INSERT INTO etl_s3_ingest_log AS l"
    " (s3_object_key, last_modified, rows_ingested, error_text, ingested_at)"
    " VALUES ($1, $2::timestamptz, $3::integer, $4, clock_timestamp())"
    " ON CONFLICT (s3_object_key) DO UPDATE SET last_modified = EXCLUDED.last_modified,"
    " rows_ingested = EXCLUDED.rows_ingested, error_text = EXCLUDED.error_text,"
    " ingested_at = EXCLUDED.ingested_at";

// error_text is for people reading the log table: long enough for any real message.
constexpr size_t kMaxErrorText = 2000;

int64_t ParseInt64(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

IngestLogEntry EntryFromRow(const PgResult& r, int row) {
  IngestLogEntry e;
  e.last_modified = ParseInt64(r.Get(row, 1));
  if (auto rows = r.GetOptional(row, 2)) e.rows_ingested = ParseInt64(*rows);
  if (auto error = r.GetOptional(row, 3)) e.error_text = std::string(*error);
  e.ingested_at = r.IsNull(row, 4) ? 0 : ParseInt64(r.Get(row, 4));
  return e;
}

Status Upsert(PgConnection& conn, std::string_view key, int64_t last_modified,
              std::optional<std::string> rows, std::optional<std::string> error_text) {
  const std::string modified = FormatTimestampUtc(last_modified);
  std::vector<PgParam> params = {key, modified, PgParam(), PgParam()};
  if (rows) params[2] = *rows;
  if (error_text) params[3] = *error_text;
  return conn.Query(std::string(kUpsert), params).status().WithContext("etl_s3_ingest_log");
}

}  // namespace

bool IsDone(const IngestLogEntry& entry, int64_t object_last_modified) {
  return !entry.error_text && entry.last_modified >= object_last_modified;
}

Result<std::unordered_map<std::string, IngestLogEntry>> ReadIngestLog(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto r, conn.Query(std::string(kSelectColumns)));
  std::unordered_map<std::string, IngestLogEntry> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) {
    out.emplace(std::string(r.Get(row, 0)), EntryFromRow(r, row));
  }
  return out;
}

Result<std::optional<IngestLogEntry>> ReadIngestLogEntry(PgConnection& conn, std::string_view key) {
  HLTWAP_ASSIGN_OR_RETURN(
      auto r, conn.Query(std::string(kSelectColumns) + " WHERE s3_object_key = $1", {key}));
  if (r.rows() == 0) return std::optional<IngestLogEntry>();
  return std::optional<IngestLogEntry>(EntryFromRow(r, 0));
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

}  // namespace hltwap
