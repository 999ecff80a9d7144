// Streams a TWAP status parquet file as normalised TwapRows (DESIGN §3), a batch at a time, so
// memory stays bounded whatever the size of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "etl/twap_row.h"

namespace hltwap {

struct ParquetReadOptions {
  // TWAP_TS_COLUMN: the column ts comes from. Empty: `time` (the status event time) when the
  // file has it, else `state_timestamp`. A named column the file lacks is an error.
  std::string ts_column;
  int64_t batch_rows = 65536;  // rows per Next() at most
};

struct ParquetReadStats {
  int64_t rows_read = 0;                       // rows of the file seen so far
  int64_t rows_rejected = 0;                   // rows without twap_id, wallet or a usable timestamp
  std::vector<std::string> sample_rejections;  // up to 5 reasons, "row 17: missing state_user"
  // Values of optional fields that could not be used (a size that is not a decimal, minutes
  // out of range, ...): stored as NULL, the row still loads.
  int64_t values_nulled = 0;
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
  struct Impl;
  explicit TwapParquetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hltwap
