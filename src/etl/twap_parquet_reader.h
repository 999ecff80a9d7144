// Streams a TWAP status parquet file as normalised TwapRows (see docs/design.md, Data
// semantics), a batch at a time, so memory stays bounded whatever the size of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "etl/parquet_fields.h"
#include "etl/twap_row.h"

namespace hltwap {

struct ParquetReadOptions {
  // TWAP_TS_COLUMN: the column ts comes from. Empty: `time` (the status event time) when the
  // file has it, else `state_timestamp`. A named column the file lacks is an error.
  std::string ts_column;
  int64_t batch_rows = 65536;  // rows per Next() at most
};

class TwapParquetReader {
 public:
  ~TwapParquetReader();
  TwapParquetReader(const TwapParquetReader&) = delete;
  TwapParquetReader& operator=(const TwapParquetReader&) = delete;

  // A missing, empty or corrupt file is a kData error; a ts_column the file lacks is
  // kInvalidArgument.
  [[nodiscard]] static Result<std::unique_ptr<TwapParquetReader>> Open(
      const std::string& path, ParquetReadOptions options = {});

  // Fills `rows` (cleared first) with the next normalised rows, at most batch_rows of them;
  // returns false, with `rows` empty, when the file is done.
  [[nodiscard]] Result<bool> Next(std::vector<TwapRow>& rows);

  const ParquetReadStats& stats() const;

 private:
  explicit TwapParquetReader(std::unique_ptr<ParquetFieldReader> fields);
  std::unique_ptr<ParquetFieldReader> fields_;
};

}  // namespace hltwap
