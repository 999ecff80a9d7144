// Streams a node fills parquet file (every fill of every user in an hour) as the TWAP slice
// fills it holds, a batch at a time, so memory stays bounded whatever the size of the file.
// Only rows with a non-null, non-zero TWAP id are fills of a TWAP; the others, and `_metadata`
// rows, are skipped (counted, never rejected) after reading nothing but those two columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "etl/fill_row.h"
#include "etl/parquet_fields.h"

namespace hltwap {

class FillParquetReader {
 public:
  ~FillParquetReader();
  FillParquetReader(const FillParquetReader&) = delete;
  FillParquetReader& operator=(const FillParquetReader&) = delete;

  // A missing, empty or corrupt file is a kData error.
  [[nodiscard]] static Result<std::unique_ptr<FillParquetReader>> Open(const std::string& path,
                                                                       int64_t batch_rows = 65536);

  // Fills `rows` (cleared first) with the slice fills of the next batches that hold any, at
  // most batch_rows of them; returns false, with `rows` empty, when the file is done.
  [[nodiscard]] Result<bool> Next(std::vector<FillRow>& rows);

  const ParquetReadStats& stats() const;

 private:
  explicit FillParquetReader(std::unique_ptr<ParquetFieldReader> fields);
  // False for a row that is not a TWAP slice fill (to be skipped).
  bool IsSliceFill(int64_t row) const;

  std::unique_ptr<ParquetFieldReader> fields_;
};

}  // namespace hltwap
