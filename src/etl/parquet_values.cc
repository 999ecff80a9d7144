#include "etl/parquet_values.h"

#include <arrow/api.h>
#include <arrow/extension_type.h>

#include <limits>

namespace hltwap {
namespace {

// Epoch milliseconds of 2000-01-01 and of 2200-01-01.
constexpr int64_t kMillis2000 = 946'684'800'000;
constexpr int64_t kMillis2200 = 7'258'118'400'000;

std::optional<int64_t> Multiply(int64_t value, int64_t factor) {
  int64_t out = 0;
  if (__builtin_mul_overflow(value, factor, &out)) return std::nullopt;
  return out;
}

int64_t FloorDivide(int64_t value, int64_t divisor) {
  const int64_t q = value / divisor;
  return (value % divisor < 0) ? q - 1 : q;
}

template <typename ArrayType>
int64_t ValueOf(const ArrowCell& cell) {
  return static_cast<int64_t>(static_cast<const ArrayType&>(*cell.array).Value(cell.index));
}

}  // namespace

ArrowCell ResolveCell(const arrow::Array& array, int64_t index) {
  const arrow::Array* current = &array;
  while (true) {
    switch (current->type_id()) {
      case arrow::Type::DICTIONARY: {
        const auto& dict = static_cast<const arrow::DictionaryArray&>(*current);
        if (dict.IsNull(index)) return {current, index};
        index = dict.GetValueIndex(index);
        current = dict.dictionary().get();
        break;
      }
      case arrow::Type::EXTENSION:
        current = static_cast<const arrow::ExtensionArray&>(*current).storage().get();
        break;
      default: return {current, index};
    }
  }
}

bool IsNullCell(const ArrowCell& cell) {
  return cell.array->IsNull(cell.index);
}

std::optional<std::string_view> StringCell(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::STRING:
      return static_cast<const arrow::StringArray&>(*cell.array).GetView(cell.index);
    case arrow::Type::LARGE_STRING:
      return static_cast<const arrow::LargeStringArray&>(*cell.array).GetView(cell.index);
    case arrow::Type::STRING_VIEW:
      return static_cast<const arrow::StringViewArray&>(*cell.array).GetView(cell.index);
    default: return std::nullopt;
  }
}

std::optional<int64_t> IntegerCell(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::INT8: return ValueOf<arrow::Int8Array>(cell);
    case arrow::Type::INT16: return ValueOf<arrow::Int16Array>(cell);
    case arrow::Type::INT32: return ValueOf<arrow::Int32Array>(cell);
    case arrow::Type::INT64: return ValueOf<arrow::Int64Array>(cell);
    case arrow::Type::UINT8: return ValueOf<arrow::UInt8Array>(cell);
    case arrow::Type::UINT16: return ValueOf<arrow::UInt16Array>(cell);
    case arrow::Type::UINT32: return ValueOf<arrow::UInt32Array>(cell);
    case arrow::Type::UINT64: {
      const uint64_t v = static_cast<const arrow::UInt64Array&>(*cell.array).Value(cell.index);
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return static_cast<int64_t>(v);
    }
    default: return std::nullopt;
  }
}

// Some early files hold epoch milliseconds in a timestamp[ns] column, so they read as a few
// minutes after 1970-01-01. Read as nanoseconds, a value in [2000-01-01, 2200-01-01) as epoch
// milliseconds (946'684'800'000 .. 7'258'118'400'000) is an instant between 00:15:46 and
// 02:00:59 on 1970-01-01, which no Hyperliquid record (2023 onwards) can carry; read as
// milliseconds it is a plausible date. So such a value is taken as milliseconds, value by value
// (a file may mix both), and any other value keeps its nanosecond meaning.
std::optional<int64_t> ArrowTimestampToMicros(int64_t value, arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return Multiply(value, 1'000'000);
    case arrow::TimeUnit::MILLI: return Multiply(value, 1'000);
    case arrow::TimeUnit::MICRO: return value;
    case arrow::TimeUnit::NANO:
      if (value >= kMillis2000 && value < kMillis2200) return value * 1'000;
      return FloorDivide(value, 1'000);
  }
  return std::nullopt;
}

std::optional<int64_t> EpochMillisToMicros(int64_t millis) {
  return Multiply(millis, 1'000);
}

}  // namespace hltwap
