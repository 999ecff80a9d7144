// Reading a dataset's rows out of a parquet file from one table of its fields: the table says
// which columns a field may come from and what its values become; ParquetFieldReader finds the
// columns, picks a converter for each column's type, streams the file a batch at a time (so
// memory follows the batch, not the file), and rejects and counts rows whose required fields
// are missing or unusable.
#pragma once

#include <arrow/type_fwd.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "etl/parquet_values.h"

namespace hltwap {

enum class Presence {
  kRequired,  // a row without a usable value is rejected
  kOptional,  // no value or an unusable one gives NULL (the latter counted)
};

struct FieldSpec {
  int id;  // the field's index in its table
  // Accepted column names, preferred first; matched exactly, else ignoring case and '_'
  // ("state_executedSz" also finds "state_executed_sz" and "STATE_EXECUTEDSZ").
  std::array<std::string_view, 3> names;
  ValueKind kind;
  Presence presence;
  // For a struct column: the member holding the value (a null struct is no value).
  std::string_view member = {};
};

// True when every spec's id is its index, so that a dataset's field enum indexes its table.
constexpr bool IdsAreIndexes(std::span<const FieldSpec> fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].id != static_cast<int>(i)) return false;
  }
  return true;
}

struct ParquetReadStats {
  int64_t rows_read = 0;                       // rows of the file seen so far
  int64_t rows_rejected = 0;                   // rows without a usable required field
  int64_t rows_skipped = 0;                    // rows that are not the dataset's (Skip)
  std::vector<std::string> sample_rejections;  // up to 5 reasons, "row 17: missing state_user"
  // The rejected rows by reason: "missing state_user", "unusable twap_id", "state_user too
  // long", or a dataset's own rule ("side not B or A").
  std::map<std::string, int64_t> rejected_by_reason;
  // Values of optional fields that could not be used (a size that is not a decimal or NaN,
  // minutes out of range, a type with no reading, a text too long): stored as NULL, the row
  // still loads.
  int64_t values_nulled = 0;
  // raw_payload values replaced by a marker for their size (a whole row's payload counts one;
  // see raw_json_writer.h).
  int64_t raw_values_truncated = 0;
};

// The column of `schema` with one of `names` (see FieldSpec::names), -1 when none; of
// duplicated names the first column counts.
int FindColumn(const arrow::Schema& schema, std::span<const std::string_view> names);

class ParquetFieldReader {
 public:
  ~ParquetFieldReader();
  ParquetFieldReader(const ParquetFieldReader&) = delete;
  ParquetFieldReader& operator=(const ParquetFieldReader&) = delete;

  // Opens `path` and binds `fields` to its columns. A missing file is kNotFound, an empty or
  // corrupt one kData.
  [[nodiscard]] static Result<std::unique_ptr<ParquetFieldReader>> Open(
      const std::string& path, std::span<const FieldSpec> fields, int64_t batch_rows);

  const std::string& path() const;
  const arrow::Schema& schema() const;

  // Binds `field` to the column with one of `names` instead (for a dataset's own rules);
  // false, and the field unbound, when the file has none.
  bool Rebind(int field, std::span<const std::string_view> names);

  // The next at most batch_rows rows; false when the file is done.
  [[nodiscard]] Result<bool> NextBatch();
  const arrow::RecordBatch& batch() const;
  int64_t batch_size() const;  // rows in the current batch

  // Fills `rows` (cleared first) from the next batches until one gives any: `read_row(i, rows)`
  // handles row i of the current batch, appending it to `rows` or leaving it out (skipped or
  // rejected, counted). False, with `rows` empty, when the file is done; an error Arrow throws
  // while a batch is read is a kData error.
  template <typename Rows, typename ReadRow>
  [[nodiscard]] Result<bool> NextRows(Rows& rows, ReadRow read_row) {
    rows.clear();
    while (true) {
      HLTWAP_ASSIGN_OR_RETURN(const bool more, NextBatch());
      if (!more) return false;
      HLTWAP_RETURN_IF_ERROR(Guarded([&] {
        for (int64_t i = 0; i < batch_size(); ++i) read_row(i, rows);
      }));
      if (!rows.empty()) return true;
    }
  }

  // Appends row `row` of the current batch to `out` as raw_payload: the whole row as one JSON
  // object (see raw_json_writer.h).
  void AppendRawRow(int64_t row, std::string& out);

  // Converts the fields of row `row` of the current batch into `values` (one per field):
  // false, with the row rejected and counted, when a required field is missing or unusable;
  // an unusable optional value is counted and left empty.
  bool ReadRow(int64_t row, std::span<FieldValue> values);

  // The value of `field` alone in row `row` of the current batch: monostate when there is
  // none, an error when unusable; nothing is counted. For a dataset's rule that decides from a
  // field or two whether a row is wanted at all, before the rest of it is converted.
  [[nodiscard]] Result<FieldValue> ReadField(int field, int64_t row) const;

  // Row `row` of the current batch breaks a dataset's own rule: rejected and counted under
  // `reason` (a few words, no value) like a missing required field, `why` kept as a sample.
  void Reject(int64_t row, std::string_view reason, std::string why);

  // A row that is not the dataset's (a fill of no TWAP): counted as skipped, never rejected.
  void Skip();

  const ParquetReadStats& stats() const;

 private:
  struct Impl;
  explicit ParquetFieldReader(std::unique_ptr<Impl> impl);
  // Runs `body`, turning an exception into a kData error naming the file.
  Status Guarded(const std::function<void()>& body) const;
  std::unique_ptr<Impl> impl_;
};

// The text a text, decimal or integer-text field holds, moved out; nullopt when none.
std::optional<std::string> TakeText(FieldValue& value);
// The number a timestamp or integer field holds; nullopt when none.
std::optional<int64_t> NumberOf(const FieldValue& value);
// The value of a bool field; nullopt when none.
std::optional<bool> BoolOf(const FieldValue& value);

}  // namespace hltwap
