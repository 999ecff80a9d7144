// Loads a dataset's normalised rows into its table: binary COPY into a temporary staging table,
// then one INSERT ... SELECT ... ON CONFLICT merge under the object's key (see docs/design.md,
// Ingestion guarantees). A dataset describes its staging with a StagingSpec: the SQL that
// creates the staging table, the columns staged (one table that drives both the COPY's column
// list and the order a row's values are written in) and the merge SQL. RowLoader and LoadRows
// are the one implementation every dataset shares.
//
// TWAP status rows (the spec below, src/etl/sql/create_staging.sql and merge_staging.sql) keep,
// for every (twap_id, wallet, ts), the most advanced row, so that no status is lost (see
// docs/design.md, Data semantics):
//   - the higher hltwap_status_rank wins: a terminal status (finished, terminated, stopped,
//     error...) beats activated (or anything else), which beats waitingForTrigger;
//   - at equal rank, the larger executed size wins (NULL counts as the smallest);
//   - otherwise the row already stored stays, so re-ingesting the same rows changes nothing.
// Rows of one file that share a key are reduced to the most advanced one first (the later row
// of the file wins a complete tie), so a file can never make ON CONFLICT touch a row twice.
//
// The loader runs inside the caller's transaction and does not commit: the caller commits the
// rows together with the object's ingest log row.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "db/copy_writer.h"
#include "etl/etl_summary.h"
#include "etl/twap_parquet_reader.h"
#include "etl/twap_row.h"

namespace hltwap {

// One column of the COPY into a staging table: its name, and how a row's value is written (a
// data error: the value cannot be stored, such as a number beyond NUMERIC's range).
template <typename Row>
struct StagedColumn {
  std::string_view name;
  Status (*write)(CopyWriter& w, const Row& row, int64_t ord);
};

template <typename Row>
struct StagingSpec {
  std::string_view create_sql;  // creates `table`, dropped at commit
  std::string_view table;
  std::span<const StagedColumn<Row>> columns;
  std::string_view merge_sql;  // $1 s3_object_key; affects the rows it inserts or changes
  std::string (*describe)(const Row& row);  // names a row in a rejection ("twap_id 7")
  // Counts the staged rows that share the merge's key with another staged row (the merge keeps
  // one of each such group); empty: not counted.
  std::string_view collapsed_sql = {};
};

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

inline Status AddOptionalNumeric(CopyWriter& w, const std::optional<std::string>& v) {
  if (!v) {
    w.AddNull();
    return Status::Ok();
  }
  return w.AddNumeric(*v);
}

template <typename Row>
class RowLoader {
 public:
  // Creates the staging table (dropped at commit) and starts the COPY into it.
  [[nodiscard]] static Result<RowLoader> Begin(PgConnection& conn, const StagingSpec<Row>& spec) {
    HLTWAP_RETURN_IF_ERROR(conn.Exec(spec.create_sql));
    std::vector<std::string> names;
    for (const auto& column : spec.columns) names.emplace_back(column.name);
    HLTWAP_ASSIGN_OR_RETURN(auto writer, CopyWriter::Begin(conn, spec.table, names));
    return RowLoader(conn, spec, std::move(writer));
  }

  // Stages one row. A data error means this row cannot be stored (a number beyond NUMERIC's
  // range) and was left out, `failed_column` (if given) names the column; any other error ends
  // the load.
  Status Add(const Row& row, std::string_view* failed_column = nullptr) {
    writer_.StartRow();
    for (const auto& column : spec_->columns) {
      const Status st = column.write(writer_, row, staged_);
      if (!st.ok()) {
        writer_.CancelRow();
        if (failed_column != nullptr) *failed_column = column.name;
        return st.WithContext(std::string(column.name));
      }
    }
    HLTWAP_RETURN_IF_ERROR(writer_.EndRow());
    ++staged_;
    return Status::Ok();
  }

  // Ends the COPY and merges the staged rows with `s3_object_key`. Returns the rows inserted or
  // changed (rows that changed nothing are not counted).
  [[nodiscard]] Result<int64_t> Merge(std::string_view s3_object_key) {
    HLTWAP_RETURN_IF_ERROR(writer_.Finish().status().WithContext("staging rows"));
    if (!spec_->collapsed_sql.empty()) {
      HLTWAP_ASSIGN_OR_RETURN(auto collapsed, conn_->Query(std::string(spec_->collapsed_sql)));
      collapsed_ = std::stoll(std::string(collapsed.Get(0, 0)));
    }
    HLTWAP_ASSIGN_OR_RETURN(auto merged,
                            conn_->Query(std::string(spec_->merge_sql), {s3_object_key}));
    return merged.AffectedRows();
  }

  int64_t rows_staged() const { return staged_; }
  // Staged rows the merge folded into another with the same key (known after Merge).
  int64_t rows_collapsed() const { return collapsed_; }

 private:
  RowLoader(PgConnection& conn, const StagingSpec<Row>& spec, CopyWriter writer)
      : conn_(&conn), spec_(&spec), writer_(std::move(writer)) {}

  PgConnection* conn_;
  const StagingSpec<Row>* spec_;
  CopyWriter writer_;
  int64_t staged_ = 0;
  int64_t collapsed_ = 0;
};

struct LoadStats {
  int64_t rows_read = 0;      // rows in the file
  int64_t rows_rejected = 0;  // rows left out (a required field missing, bad numbers)
  int64_t rows_skipped = 0;   // rows that are not the dataset's (fills of no TWAP)
  int64_t rows_staged = 0;    // rows handed to the merge: read - rejected - skipped
  int64_t rows_inserted = 0;  // rows of the table inserted or changed
  std::string first_rejection;
  RowNotes notes;  // collapsed, nulled, truncated, rejections by reason
};

// Loads every row `reader` gives (a dataset's parquet reader: Next(std::vector<Row>&), stats())
// with RowLoader under `s3_object_key`, inside the caller's transaction, batch by batch.
template <typename Reader, typename Row>
[[nodiscard]] Result<LoadStats> LoadRows(PgConnection& conn, Reader& reader,
                                         const StagingSpec<Row>& spec,
                                         std::string_view s3_object_key) {
  HLTWAP_ASSIGN_OR_RETURN(auto loader, RowLoader<Row>::Begin(conn, spec));
  LoadStats stats;
  std::vector<Row> batch;
  while (true) {
    HLTWAP_ASSIGN_OR_RETURN(const bool more, reader.Next(batch));
    for (const auto& row : batch) {
      std::string_view column;
      const Status st = loader.Add(row, &column);
      if (st.ok()) continue;
      if (st.kind() != ErrorKind::kData) return st;
      ++stats.rows_rejected;
      ++stats.notes.rejected_by_reason[fmt::format("{} not storable", column)];
      if (stats.first_rejection.empty()) {
        stats.first_rejection = fmt::format("{}: {}", spec.describe(row), st.message());
      }
    }
    if (!more) break;
  }
  const ParquetReadStats& read = reader.stats();
  stats.rows_read = read.rows_read;
  stats.rows_rejected += read.rows_rejected;
  stats.rows_skipped = read.rows_skipped;
  if (!read.sample_rejections.empty()) stats.first_rejection = read.sample_rejections.front();
  for (const auto& [reason, rows] : read.rejected_by_reason) {
    stats.notes.rejected_by_reason[reason] += rows;
  }
  stats.notes.values_nulled = read.values_nulled;
  stats.notes.raw_values_truncated = read.raw_values_truncated;
  stats.rows_staged = loader.rows_staged();
  HLTWAP_ASSIGN_OR_RETURN(stats.rows_inserted, loader.Merge(s3_object_key));
  stats.notes.collapsed = loader.rows_collapsed();
  return stats;
}

// TWAP status rows into twap_status.
using TwapLoader = RowLoader<TwapRow>;
const StagingSpec<TwapRow>& TwapStaging();

// Reads a TWAP status parquet file batch by batch (memory does not grow with the file) and
// loads it under `s3_object_key`, inside the caller's transaction.
[[nodiscard]] Result<LoadStats> LoadParquetFile(PgConnection& conn, const std::string& path,
                                                std::string_view s3_object_key,
                                                const ParquetReadOptions& options);

}  // namespace hltwap
