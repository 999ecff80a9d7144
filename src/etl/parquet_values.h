// Single values out of the Arrow arrays a parquet file decodes to, whatever their physical
// layout (dictionary-encoded, extension, string / large_string / string_view), and their
// conversion into the kinds a row field takes (see docs/design.md, Data semantics).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "common/time_util.h"

namespace hltwap {

// One value of an array: the array that really holds it (never a dictionary or extension
// array) and its index there.
struct ArrowCell {
  const arrow::Array* array = nullptr;
  int64_t index = 0;
};

// The bytes of a string value (string, large_string, string_view); nullopt for other types.
std::optional<std::string_view> StringCell(const ArrowCell& cell);

// An integer value of any width or signedness that fits int64; nullopt for other types.
std::optional<int64_t> IntegerCell(const ArrowCell& cell);

// Instants are kept within kMinTimestampMicros..kMaxTimestampMicros (common/time_util.h):
// PostgreSQL's timestamptz reaches further (4713 BC .. 294276 AD), but ISO-8601 text with a
// four-digit year, which raw_payload and the API write, does not. Every conversion below gives
// nullopt outside, never a wrapped value.

// A value of an Arrow timestamp of the given unit, in microseconds since the epoch (floored).
// Corrects the early files that wrote epoch milliseconds into timestamp[ns] columns (see the
// .cc for the rule).
std::optional<int64_t> ArrowTimestampToMicros(int64_t value, arrow::TimeUnit::type unit);

std::optional<int64_t> EpochMillisToMicros(int64_t millis);
std::optional<int64_t> EpochDaysToMicros(int64_t days);

// What a field's values become.
enum class ValueKind {
  kText,           // strings (made valid UTF-8) and integers as text; "" is a value
  kNonEmptyText,   // strings only; "" is no value
  kIntegerText,    // a whole number 0 .. 20 digits of any type, in its one canonical spelling
  kDecimal,        // exact decimal text from decimal strings, floats, decimal32..256, integers
  kTimestamp,      // UTC microseconds from timestamps of any unit, dates, epoch ms, ISO text
  kInt32,          // a whole number within int32, from integers, whole floats or text
  kInt64,          // a whole number within int64, likewise
  kBool,           // booleans, 0 / 1, "true" / "false" (any case)
  kWalletAddress,  // "0x" and 40 hex digits (common/wallet.h), lowercased; strings only
};

// The most digits of a kIntegerText value: a u64 has 20, and twap_fill's tid and oid are
// NUMERIC(20, 0).
inline constexpr size_t kMaxIntegerTextDigits = 20;

// The most bytes a string value of `kind` may have (docs/design.md, Data semantics: 256 for
// text, 42 for a wallet, 1024 for a decimal, 64 for the rest). It is checked on the bytes in
// the file, before anything is copied; a longer value is unusable.
size_t MaxStringBytes(ValueKind kind);

// A converted value; monostate when there is none (the text kinds hold std::string, kTimestamp
// and the integer kinds int64_t, kBool bool).
using FieldValue = std::variant<std::monostate, std::string, int64_t, bool>;

// Converts one non-null value; an error whose message says why it is unusable.
using ValueConverter = Result<FieldValue> (*)(const ArrowCell& cell);

// The converter of values of `value_type` (a dictionary's value type, an extension's storage
// type) into `kind`; nullptr when that type has no such reading.
ValueConverter ConverterFor(ValueKind kind, const arrow::DataType& value_type);

}  // namespace hltwap
