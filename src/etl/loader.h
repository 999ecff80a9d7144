// Loads normalised TWAP rows into twap_status: binary COPY into a temporary staging table, then
// one INSERT ... SELECT ... ON CONFLICT that keeps, for every (twap_id, wallet, ts), the most
// advanced row, so that no status is lost (see docs/design.md, Data semantics):
//   - the higher hltwap_status_rank wins: a terminal status (finished, terminated, stopped,
//     error...) beats activated (or anything else), which beats waitingForTrigger;
//   - at equal rank, the larger executed size wins (NULL counts as the smallest);
//   - otherwise the row already stored stays, so re-ingesting the same rows changes nothing.
// Rows of one file that share a key are reduced to the most advanced one first (the later row
// of the file wins a complete tie), so a file can never make ON CONFLICT touch a row twice.
// The statements are src/etl/sql/create_staging.sql and merge_staging.sql.
//
// The loader runs inside the caller's transaction and does not commit: the caller commits the
// rows together with the object's ingest log row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "db/connection.h"
#include "db/copy_writer.h"
#include "etl/twap_parquet_reader.h"
#include "etl/twap_row.h"

namespace hltwap {

class TwapLoader {
 public:
  // Creates the staging table (dropped at commit) and starts the COPY into it.
  [[nodiscard]] static Result<TwapLoader> Begin(PgConnection& conn);

  // Stages one row. A data error means this row cannot be stored (a number beyond NUMERIC's
  // range) and was left out; any other error ends the load.
  Status Add(const TwapRow& row);

  // Ends the COPY and merges the staged rows into twap_status with `s3_object_key`. Returns the
  // rows inserted or upgraded (rows that changed nothing are not counted).
  [[nodiscard]] Result<int64_t> Merge(std::string_view s3_object_key);

  int64_t rows_staged() const { return staged_; }

 private:
  TwapLoader(PgConnection& conn, CopyWriter writer) : conn_(&conn), writer_(std::move(writer)) {}

  PgConnection* conn_;
  CopyWriter writer_;
  int64_t staged_ = 0;
};

struct LoadStats {
  int64_t rows_read = 0;      // rows in the file
  int64_t rows_rejected = 0;  // rows left out (no twap_id, wallet or timestamp; bad numbers)
  int64_t rows_staged = 0;    // rows handed to the merge: rows_read - rows_rejected
  int64_t rows_inserted = 0;  // rows of twap_status inserted or upgraded
  std::string first_rejection;
};

// Reads a parquet file batch by batch (memory does not grow with the file) and loads it with
// TwapLoader under `s3_object_key`, inside the caller's transaction.
[[nodiscard]] Result<LoadStats> LoadParquetFile(PgConnection& conn, const std::string& path,
                                                std::string_view s3_object_key,
                                                const ParquetReadOptions& options);

}  // namespace hltwap
