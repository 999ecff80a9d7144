#include "etl/loader.h"

#include <fmt/format.h>

#include <vector>

namespace hltwap {
namespace {

// `ord` is the row's position in the file: it breaks complete ties within a file.
constexpr std::string_view kCreateStaging = R"sql(
CREATE TEMPORARY TABLE twap_staging (
    ord                bigint,
    twap_id            text,
    wallet             text,
    ts                 timestamptz,
    created_at         timestamptz,
    asset              text,
    side               text,
    size_requested     numeric,
    size_executed      numeric,
    notional_executed  numeric,
    status             text,
    duration_minutes   integer,
    raw_payload        jsonb
) ON COMMIT DROP
)sql";

// In the COPY's order, which is the order TwapLoader::Add writes the fields in.
const std::vector<std::string>& StagingColumns() {
  static const std::vector<std::string> columns = {"ord",           "twap_id",
                                                   "wallet",        "ts",
                                                   "created_at",    "asset",
                                                   "side",          "size_requested",
                                                   "size_executed", "notional_executed",
                                                   "status",        "duration_minutes",
                                                   "raw_payload"};
  return columns;
}

// Keeps the most advanced row per key. A row's progress is (status rank, executed size): the
// rank is 1 for a terminal status (finished, terminated, error...), else 0; a missing size
// counts as the smallest. DISTINCT ON reduces the file's own duplicates (ties: later row); the
// ON CONFLICT condition replaces a stored row only by a strictly more advanced one, so storing
// the same row again is a no-op and the affected-row count counts real inserts and upgrades.
constexpr std::string_view kMerge = R"sql(
INSERT INTO twap_status AS t (twap_id, wallet, ts, created_at, asset, side, size_requested,
                              size_executed, notional_executed, status, duration_minutes,
                              s3_object_key, raw_payload)
SELECT DISTINCT ON (s.twap_id, s.wallet, s.ts)
       s.twap_id, s.wallet, s.ts, s.created_at, s.asset, s.side, s.size_requested,
       s.size_executed, s.notional_executed, s.status, s.duration_minutes, $1::text,
       s.raw_payload
FROM twap_staging AS s
ORDER BY s.twap_id, s.wallet, s.ts,
         CASE WHEN s.status IN ('finished', 'terminated') OR s.status LIKE 'error%'
              THEN 1 ELSE 0 END DESC,
         s.size_executed DESC NULLS LAST,
         s.ord DESC
ON CONFLICT (twap_id, wallet, ts) DO UPDATE SET
    created_at = EXCLUDED.created_at, asset = EXCLUDED.asset, side = EXCLUDED.side,
    size_requested = EXCLUDED.size_requested, size_executed = EXCLUDED.size_executed,
    notional_executed = EXCLUDED.notional_executed, status = EXCLUDED.status,
    duration_minutes = EXCLUDED.duration_minutes, s3_object_key = EXCLUDED.s3_object_key,
    raw_payload = EXCLUDED.raw_payload
WHERE (CASE WHEN EXCLUDED.status IN ('finished', 'terminated') OR EXCLUDED.status LIKE 'error%'
            THEN 1 ELSE 0 END,
       COALESCE(EXCLUDED.size_executed, '-Infinity'::numeric))
    > (CASE WHEN t.status IN ('finished', 'terminated') OR t.status LIKE 'error%'
            THEN 1 ELSE 0 END,
       COALESCE(t.size_executed, '-Infinity'::numeric))
)sql";

void AddOptionalText(CopyWriter& w, const std::optional<std::string>& v) {
  if (v) {
    w.AddText(*v);
  } else {
    w.AddNull();
  }
}

Status AddOptionalNumeric(CopyWriter& w, const std::optional<std::string>& v,
                          std::string_view column) {
  if (!v) {
    w.AddNull();
    return Status::Ok();
  }
  return w.AddNumeric(*v).WithContext(std::string(column));
}

}  // namespace

Result<TwapLoader> TwapLoader::Begin(PgConnection& conn) {
  HLTWAP_RETURN_IF_ERROR(conn.Exec(kCreateStaging));
  HLTWAP_ASSIGN_OR_RETURN(auto writer, CopyWriter::Begin(conn, "twap_staging", StagingColumns()));
  return TwapLoader(conn, std::move(writer));
}

Status TwapLoader::Add(const TwapRow& row) {
  CopyWriter& w = writer_;
  w.StartRow();
  w.AddInt64(staged_);
  w.AddText(row.twap_id);
  w.AddText(row.wallet);
  w.AddTimestamptz(row.ts);
  if (row.created_at) {
    w.AddTimestamptz(*row.created_at);
  } else {
    w.AddNull();
  }
  AddOptionalText(w, row.asset);
  AddOptionalText(w, row.side);
  for (const auto& [value, column] : {std::pair{&row.size_requested, "size_requested"},
                                      std::pair{&row.size_executed, "size_executed"},
                                      std::pair{&row.notional_executed, "notional_executed"}}) {
    const Status st = AddOptionalNumeric(w, *value, column);
    if (!st.ok()) {
      w.CancelRow();
      return st;
    }
  }
  AddOptionalText(w, row.status);
  if (row.duration_minutes) {
    w.AddInt32(*row.duration_minutes);
  } else {
    w.AddNull();
  }
  w.AddJsonb(row.raw_payload);
  HLTWAP_RETURN_IF_ERROR(w.EndRow());
  ++staged_;
  return Status::Ok();
}

Result<int64_t> TwapLoader::Merge(std::string_view s3_object_key) {
  HLTWAP_RETURN_IF_ERROR(writer_.Finish().status().WithContext("staging rows"));
  HLTWAP_ASSIGN_OR_RETURN(auto merged, conn_->Query(std::string(kMerge), {s3_object_key}));
  return merged.AffectedRows();
}

Result<LoadStats> LoadParquetFile(PgConnection& conn, const std::string& path,
                                  std::string_view s3_object_key,
                                  const ParquetReadOptions& options) {
  // The file is opened before the database is touched: a corrupt file fails fast.
  HLTWAP_ASSIGN_OR_RETURN(auto reader, TwapParquetReader::Open(path, options));
  HLTWAP_ASSIGN_OR_RETURN(auto loader, TwapLoader::Begin(conn));
  LoadStats stats;
  std::vector<TwapRow> batch;
  while (true) {
    HLTWAP_ASSIGN_OR_RETURN(const bool more, reader->Next(batch));
    for (const auto& row : batch) {
      const Status st = loader.Add(row);
      if (st.ok()) continue;
      if (st.kind() != ErrorKind::kData) return st;
      ++stats.rows_rejected;
      if (stats.first_rejection.empty()) {
        stats.first_rejection = fmt::format("twap_id {}: {}", row.twap_id, st.message());
      }
    }
    if (!more) break;
  }
  const auto& read = reader->stats();
  stats.rows_read = read.rows_read;
  stats.rows_rejected += read.rows_rejected;
  if (!read.sample_rejections.empty()) stats.first_rejection = read.sample_rejections.front();
  stats.rows_staged = loader.rows_staged();
  HLTWAP_ASSIGN_OR_RETURN(stats.rows_inserted, loader.Merge(s3_object_key));
  return stats;
}

}  // namespace hltwap
