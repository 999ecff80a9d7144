// raw_payload: a parquet row as one JSON object, written straight into a reused buffer.
//
// The JSON form of each Arrow type (docs/design.md, Data semantics, and the choices it left open):
//   null                              null
//   boolean                           true / false
//   integers of any width             JSON numbers, exact (jsonb keeps big integers exactly)
//   float16/float32/float64           shortest round-trip number; NaN and ±Inf -> null
//   string, large_string, view        JSON string; invalid UTF-8 bytes and NUL (which jsonb
//                                     refuses) become U+FFFD, control characters are escaped
//   binary of any kind                "0x" + lowercase hex, as addresses and hashes are written
//                                     on Hyperliquid
//   decimal32/64/128/256              string with the column's scale, exactly ("12345.6789")
//   timestamp (any unit, any zone)    ISO-8601 UTC string, microseconds ("…T08:15:02.123456Z"),
//                                     with the ms-in-ns correction applied; outside years
//                                     0001..9999 the stored number
//   date32/date64                     "YYYY-MM-DD"; outside years 0001..9999 the stored number
//   duration                          number in the column's unit
//   struct                            object with the field names, in field order
//   list, large_list, fixed_size_list array
//   map                               object; keys as text (non-string keys in their JSON form,
//                                     quoted); on a duplicate key jsonb keeps the last
//   dictionary, extension             the value they stand for
//   anything else (time, interval)    string: Arrow's own text for the value
//
// Bounded, so that one huge value cannot fail the file (jsonb refuses strings over 256 MiB) or
// multiply in memory: a string, binary or other text value over kMaxRawValueBytes is written
// as {"truncated":true,"bytes":N}, N its size in bytes; a row whose JSON passes kMaxRawRowBytes
// all the same (many columns, long lists) is written as {"truncated":true,"limit":1048576}
// instead. Each marker is counted.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hltwap {

inline constexpr size_t kMaxRawValueBytes = 64 * 1024;
inline constexpr size_t kMaxRawRowBytes = 1024 * 1024;

class RawJsonWriter {
 public:
  // Prepares for the rows of `batch`, which must outlive the writer.
  explicit RawJsonWriter(const arrow::RecordBatch& batch);

  // Appends row `row` as one JSON object: every column, under its own name, in file order.
  // Returns how many markers it wrote in place of values too large (see above).
  int64_t AppendRow(int64_t row, std::string& out) const;

  struct Node {
    const arrow::Array* array = nullptr;
    std::shared_ptr<arrow::Array> owned;  // keeps child arrays Arrow hands out by value alive
    std::vector<Node> children;
    std::vector<std::string> keys;  // struct fields: "\"name\":"
  };

 private:
  std::vector<std::string> keys_;  // "\"name\":" per column
  std::vector<Node> columns_;
};

}  // namespace hltwap
