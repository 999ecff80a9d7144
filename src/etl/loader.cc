#include "etl/loader.h"

#include <fmt/format.h>

#include <vector>

#include "etl/sql.h"

namespace hltwap {
namespace {

// Writes `v` with `add`, or NULL.
template <typename T, typename Value>
Status AddOptional(CopyWriter& w, const std::optional<T>& v, void (CopyWriter::*add)(Value)) {
  if (v) {
    (w.*add)(*v);
  } else {
    w.AddNull();
  }
  return Status::Ok();
}

Status AddOptionalNumeric(CopyWriter& w, const std::optional<std::string>& v) {
  if (!v) {
    w.AddNull();
    return Status::Ok();
  }
  return w.AddNumeric(*v);
}

// One column of the COPY into twap_staging: its name, and how a row's value is written (a data
// error: the value cannot be stored, such as a number beyond NUMERIC's range).
struct StagedColumn {
  std::string_view name;
  Status (*write)(CopyWriter& w, const TwapRow& row, int64_t ord);
};

// The COPY's column list and the order TwapLoader::Add writes the fields in: this one table
// drives both. The staging table takes its column types from twap_status
// (src/etl/sql/create_staging.sql); the merge (merge_staging.sql) names the columns it stores.
constexpr StagedColumn kStagedColumns[] = {
    {"ord",
     [](CopyWriter& w, const TwapRow&, int64_t ord) {
       w.AddInt64(ord);
       return Status::Ok();
     }},
    {"twap_id",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddText(row.twap_id);
       return Status::Ok();
     }},
    {"wallet",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddText(row.wallet);
       return Status::Ok();
     }},
    {"ts",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddTimestamptz(row.ts);
       return Status::Ok();
     }},
    {"created_at",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       return AddOptional(w, row.created_at, &CopyWriter::AddTimestamptz);
     }},
    {"asset", [](CopyWriter& w, const TwapRow& row,
                 int64_t) { return AddOptional(w, row.asset, &CopyWriter::AddText); }},
    {"side", [](CopyWriter& w, const TwapRow& row,
                int64_t) { return AddOptional(w, row.side, &CopyWriter::AddText); }},
    {"size_requested", [](CopyWriter& w, const TwapRow& row,
                          int64_t) { return AddOptionalNumeric(w, row.size_requested); }},
    {"size_executed", [](CopyWriter& w, const TwapRow& row,
                         int64_t) { return AddOptionalNumeric(w, row.size_executed); }},
    {"notional_executed", [](CopyWriter& w, const TwapRow& row,
                             int64_t) { return AddOptionalNumeric(w, row.notional_executed); }},
    {"status", [](CopyWriter& w, const TwapRow& row,
                  int64_t) { return AddOptional(w, row.status, &CopyWriter::AddText); }},
    {"duration_minutes",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       return AddOptional(w, row.duration_minutes, &CopyWriter::AddInt32);
     }},
    {"raw_payload",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddJsonb(row.raw_payload);
       return Status::Ok();
     }},
};

std::vector<std::string> StagedColumnNames() {
  std::vector<std::string> names;
  for (const auto& column : kStagedColumns) names.emplace_back(column.name);
  return names;
}

}  // namespace

Result<TwapLoader> TwapLoader::Begin(PgConnection& conn) {
  HLTWAP_RETURN_IF_ERROR(conn.Exec(etl::sql::kCreateStaging));
  HLTWAP_ASSIGN_OR_RETURN(auto writer,
                          CopyWriter::Begin(conn, "twap_staging", StagedColumnNames()));
  return TwapLoader(conn, std::move(writer));
}

Status TwapLoader::Add(const TwapRow& row) {
  writer_.StartRow();
  for (const auto& column : kStagedColumns) {
    const Status st = column.write(writer_, row, staged_);
    if (!st.ok()) {
      writer_.CancelRow();
      return st.WithContext(std::string(column.name));
    }
  }
  HLTWAP_RETURN_IF_ERROR(writer_.EndRow());
  ++staged_;
  return Status::Ok();
}

Result<int64_t> TwapLoader::Merge(std::string_view s3_object_key) {
  HLTWAP_RETURN_IF_ERROR(writer_.Finish().status().WithContext("staging rows"));
  HLTWAP_ASSIGN_OR_RETURN(auto merged,
                          conn_->Query(std::string(etl::sql::kMergeStaging), {s3_object_key}));
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
