// Reading single values out of the Arrow arrays a parquet file decodes to, whatever their
// physical layout (dictionary-encoded, extension, string / large_string / string_view).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace hltwap {

// One value of an array: the array that really holds it and its index there.
struct ArrowCell {
  const arrow::Array* array = nullptr;
  int64_t index = 0;
};

// Looks through dictionary and extension arrays to the array holding the value of `index`.
// The result's array is never a dictionary or extension array; it lives as long as `array`.
ArrowCell ResolveCell(const arrow::Array& array, int64_t index);

bool IsNullCell(const ArrowCell& cell);

// The bytes of a string value (string, large_string, string_view); nullopt for other types.
std::optional<std::string_view> StringCell(const ArrowCell& cell);

// An integer value of any width or signedness that fits int64; nullopt for other types.
std::optional<int64_t> IntegerCell(const ArrowCell& cell);

// A value of an Arrow timestamp of the given unit, in microseconds since the epoch (floored),
// or nullopt when it does not fit. Corrects the early files that wrote epoch milliseconds into
// timestamp[ns] columns (see the .cc for the rule).
std::optional<int64_t> ArrowTimestampToMicros(int64_t value, arrow::TimeUnit::type unit);

// Epoch milliseconds to microseconds, nullopt on overflow.
std::optional<int64_t> EpochMillisToMicros(int64_t millis);

}  // namespace hltwap
