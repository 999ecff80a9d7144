// Binary COPY (PGCOPY format) into a table through libpq: the fastest way to move rows into
// PostgreSQL. Values are encoded in PostgreSQL's binary wire formats, so the server does no text
// parsing; rows are buffered and sent in large chunks with PQputCopyData.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

// Appends the binary form of a NUMERIC (as numeric_send writes it) for decimal text such as
// "10.5", "-0.001", ".5" or "1.5e-7". The value and its display scale are exactly those
// PostgreSQL's numeric_in gives the same text ("10.50" stays "10.50"). Text that is not a
// decimal, or whose exponent lies beyond what NUMERIC accepts, is a data error.
Status AppendNumericBinary(std::string_view decimal_text, std::string& out);

class CopyWriter {
 public:
  // Starts `COPY table (columns...) FROM STDIN (FORMAT binary)` on the connection. The table
  // and column names are SQL identifiers written by the program, never user input.
  [[nodiscard]] static Result<CopyWriter> Begin(PgConnection& conn, std::string_view table,
                                                const std::vector<std::string>& columns);

  CopyWriter(CopyWriter&& other) noexcept;
  CopyWriter& operator=(CopyWriter&&) = delete;
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;
  // An unfinished COPY is cancelled, which fails the surrounding transaction (the caller rolls
  // it back) but leaves the connection usable.
  ~CopyWriter();

  // Each row is StartRow(), then exactly one Add* per column in the COPY's column order, then
  // EndRow().
  void StartRow();
  void AddNull();
  void AddText(std::string_view value);
  void AddBool(bool value);
  void AddInt32(int32_t value);
  void AddInt64(int64_t value);
  // Microseconds since the Unix epoch, UTC.
  void AddTimestamptz(int64_t micros_since_epoch);
  // A JSON document as text; the server validates it.
  void AddJsonb(std::string_view json);
  Status AddNumeric(std::string_view decimal_text);
  // Sends the buffer when it has grown large; fails when the connection is gone.
  Status EndRow();
  // Forgets the row begun by the last StartRow() (for a value that cannot be encoded).
  void CancelRow();

  // Ends the COPY and returns the number of rows the server stored.
  [[nodiscard]] Result<int64_t> Finish();
  // Cancels the COPY with a reason (the server reports it as the error of the COPY).
  void Abort(std::string_view reason);

  int64_t rows() const { return rows_; }

 private:
  explicit CopyWriter(PgConnection& conn);
  Status Flush();
  void AppendInt16(int16_t v);
  void AppendInt32(int32_t v);
  void AppendInt64(int64_t v);
  // Reads results until libpq has none left; returns the status of the COPY's result.
  Result<int64_t> DrainResults();

  PgConnection* conn_;
  std::string buffer_;
  size_t row_start_ = 0;
  int16_t columns_ = 0;
  int16_t fields_in_row_ = 0;
  int64_t rows_ = 0;
  bool active_ = false;
};

}  // namespace hltwap
