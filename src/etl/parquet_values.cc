#include "etl/parquet_values.h"

#include <arrow/api.h>
#include <arrow/util/float16.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "common/decimal.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/wallet.h"

namespace hltwap {
namespace {

// Epoch milliseconds of 2000-01-01 and of 2200-01-01.
constexpr int64_t kMillis2000 = 946'684'800'000;
constexpr int64_t kMillis2200 = 7'258'118'400'000;
constexpr size_t kQuotedTextMax = 64;  // of a value quoted in an error message

std::optional<int64_t> Usable(int64_t micros) {
  if (micros < kMinTimestampMicros || micros > kMaxTimestampMicros) return std::nullopt;
  return micros;
}

std::optional<int64_t> ScaledToMicros(int64_t value, int64_t factor) {
  int64_t out = 0;
  if (__builtin_mul_overflow(value, factor, &out)) return std::nullopt;
  return Usable(out);
}

int64_t FloorDivide(int64_t value, int64_t divisor) {
  const int64_t q = value / divisor;
  return (value % divisor < 0) ? q - 1 : q;
}

template <typename ArrayType>
int64_t ValueOf(const ArrowCell& cell) {
  return static_cast<int64_t>(static_cast<const ArrayType&>(*cell.array).Value(cell.index));
}

template <typename ArrayType>
const ArrayType& ArrayOf(const ArrowCell& cell) {
  return static_cast<const ArrayType&>(*cell.array);
}

Status Unusable(std::string message) {
  return Status::Data(std::move(message));
}

std::string Quoted(std::string_view text) {
  return fmt::format("'{}'", SanitizeUtf8(text.substr(0, kQuotedTextMax)));
}

template <typename T>
std::string IntegerText(T value) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

// "568722", "+00568722", "568722.000" -> "568722": an integer in its one canonical spelling,
// so that the same TWAP gets the same key whichever way a file spelled it.
std::optional<std::string> CanonicalInteger(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t point = text.find('.');
  if (point != std::string_view::npos) {
    const std::string_view fraction = text.substr(point + 1);
    if (fraction.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    text = text.substr(0, point);
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const size_t first = text.find_first_not_of('0');
  if (first == std::string_view::npos) return "0";
  std::string out = negative ? "-" : "";
  out.append(text.substr(first));
  return out;
}

// A whole number held in a float, if it is one and fits int64.
std::optional<int64_t> IntegralDouble(double value) {
  if (!std::isfinite(value) || std::trunc(value) != value) return std::nullopt;
  if (value < -9.2e18 || value > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(value);
}

double FloatingValue(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::HALF_FLOAT:
      return arrow::util::Float16::FromBits(ArrayOf<arrow::HalfFloatArray>(cell).Value(cell.index))
          .ToFloat();
    case arrow::Type::FLOAT: return ArrayOf<arrow::FloatArray>(cell).Value(cell.index);
    default: return ArrayOf<arrow::DoubleArray>(cell).Value(cell.index);
  }
}

std::string DecimalValueText(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::DECIMAL32:
      return ArrayOf<arrow::Decimal32Array>(cell).FormatValue(cell.index);
    case arrow::Type::DECIMAL64:
      return ArrayOf<arrow::Decimal64Array>(cell).FormatValue(cell.index);
    case arrow::Type::DECIMAL128:
      return ArrayOf<arrow::Decimal128Array>(cell).FormatValue(cell.index);
    default: return ArrayOf<arrow::Decimal256Array>(cell).FormatValue(cell.index);
  }
}

// The converters, one per kind and source type; ConverterFor picks them once per column.

Result<FieldValue> TextFromString(const ArrowCell& cell) {
  return FieldValue(SanitizeUtf8(*StringCell(cell)));
}

Result<FieldValue> NonEmptyTextFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  if (text.empty()) return FieldValue();
  return FieldValue(SanitizeUtf8(text));
}

// Every integer type, uint64 to its full range.
Result<FieldValue> TextFromInteger(const ArrowCell& cell) {
  if (cell.array->type_id() == arrow::Type::UINT64) {
    return FieldValue(IntegerText(ArrayOf<arrow::UInt64Array>(cell).Value(cell.index)));
  }
  return FieldValue(IntegerText(*IntegerCell(cell)));
}

// A canonical integer as an identifier: not negative, at most kMaxIntegerTextDigits digits.
Result<FieldValue> Identifier(std::string canonical) {
  if (canonical.front() == '-') return Unusable(fmt::format("{} is negative", canonical));
  if (canonical.size() > kMaxIntegerTextDigits) {
    return Unusable(
        fmt::format("{} digits, more than {}", canonical.size(), kMaxIntegerTextDigits));
  }
  return FieldValue(std::move(canonical));
}

Result<FieldValue> IntegerTextFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  if (auto id = CanonicalInteger(text)) return Identifier(std::move(*id));
  return Unusable(fmt::format("{} is not an integer", Quoted(text)));
}

Result<FieldValue> IntegerTextFromInteger(const ArrowCell& cell) {
  return Identifier(std::get<std::string>(*TextFromInteger(cell)));
}

Result<FieldValue> IntegerTextFromFloat(const ArrowCell& cell) {
  const double value = FloatingValue(cell);
  if (const auto whole = IntegralDouble(value)) return Identifier(IntegerText(*whole));
  return Unusable(fmt::format("{} is not an integer", value));
}

Result<FieldValue> IntegerTextFromDecimal(const ArrowCell& cell) {
  const std::string text = DecimalValueText(cell);
  if (auto id = CanonicalInteger(text)) return Identifier(std::move(*id));
  return Unusable(fmt::format("{} is not an integer", text.substr(0, kQuotedTextMax)));
}

Result<FieldValue> WalletFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  if (text.empty()) return FieldValue();
  if (IsWalletAddress(text)) return FieldValue(NormalizeWallet(text));
  return Unusable(fmt::format("{} is not an address (0x and 40 hex digits)", Quoted(text)));
}

Result<FieldValue> DecimalFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  if (text.empty()) return FieldValue();
  if (IsDecimalText(text)) return FieldValue(std::string(text));
  return Unusable(fmt::format("{} is not a decimal", Quoted(text)));
}

Result<FieldValue> DecimalFromDecimal(const ArrowCell& cell) {
  return FieldValue(DecimalValueText(cell));
}

Result<FieldValue> DecimalFromFloat(const ArrowCell& cell) {
  double value = FloatingValue(cell);
  if (cell.array->type_id() != arrow::Type::DOUBLE) {
    // The float's own shortest digits ("0.1" for 0.1f), not those of the double it widens to
    // ("0.10000000149011612"): any text of at most 9 digits reads back into a double that
    // DoubleToDecimalText writes with the same digits.
    const float f = static_cast<float>(value);
    if (!std::isfinite(f)) return Unusable(fmt::format("{} is not a decimal", f));
    char buf[64];
    const auto written = std::to_chars(buf, buf + sizeof(buf), f);
    std::from_chars(buf, written.ptr, value);
  }
  if (auto text = DoubleToDecimalText(value)) return FieldValue(std::move(*text));
  return Unusable(fmt::format("{} is not a decimal", value));
}

Result<FieldValue> Instant(std::optional<int64_t> micros) {
  if (!micros || !Usable(*micros)) return Unusable("out of the range of years 1 to 9999");
  return FieldValue(*micros);
}

Result<FieldValue> TimestampFromTimestamp(const ArrowCell& cell) {
  const auto unit = static_cast<const arrow::TimestampType&>(*cell.array->type()).unit();
  return Instant(ArrowTimestampToMicros(ValueOf<arrow::TimestampArray>(cell), unit));
}

Result<FieldValue> TimestampFromDate32(const ArrowCell& cell) {
  return Instant(EpochDaysToMicros(ValueOf<arrow::Date32Array>(cell)));
}

Result<FieldValue> TimestampFromDate64(const ArrowCell& cell) {
  return Instant(EpochMillisToMicros(ValueOf<arrow::Date64Array>(cell)));
}

Result<FieldValue> TimestampFromString(const ArrowCell& cell) {
  auto parsed = ParseTimestampUtc(*StringCell(cell));
  if (!parsed.ok()) return Unusable(SanitizeUtf8(parsed.status().message()));
  return Instant(*parsed);
}

// Integers are epoch milliseconds; a uint64 beyond int64 is out of range.
Result<FieldValue> TimestampFromInteger(const ArrowCell& cell) {
  const auto millis = IntegerCell(cell);
  return Instant(millis ? EpochMillisToMicros(*millis) : std::nullopt);
}

// Floats are (fractional) epoch milliseconds.
Result<FieldValue> TimestampFromFloat(const ArrowCell& cell) {
  const double millis = FloatingValue(cell);
  if (!std::isfinite(millis) || std::fabs(millis) >= 9.2e15) return Instant(std::nullopt);
  return Instant(static_cast<int64_t>(std::llround(millis * 1000)));
}

template <typename Int>
Result<FieldValue> WholeInRange(int64_t value) {
  if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    return Unusable(fmt::format("{} is out of the integer range", value));
  }
  return FieldValue(value);
}

template <typename Int>
Result<FieldValue> WholeFromInteger(const ArrowCell& cell) {
  const auto value = IntegerCell(cell);
  if (!value) return Unusable("out of the integer range");  // a uint64 beyond int64
  return WholeInRange<Int>(*value);
}

template <typename Int>
Result<FieldValue> WholeFromFloat(const ArrowCell& cell) {
  const double value = FloatingValue(cell);
  const auto whole = IntegralDouble(value);
  if (!whole) return Unusable(fmt::format("{} is not a whole number", value));
  return WholeInRange<Int>(*whole);
}

template <typename Int>
Result<FieldValue> WholeFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  const auto canonical = CanonicalInteger(text);
  int64_t parsed = 0;
  if (!canonical ||
      std::from_chars(canonical->data(), canonical->data() + canonical->size(), parsed).ec !=
          std::errc()) {
    return Unusable(fmt::format("{} is not a whole number", Quoted(text)));
  }
  return WholeInRange<Int>(parsed);
}

Result<FieldValue> BoolFromBool(const ArrowCell& cell) {
  return FieldValue(ArrayOf<arrow::BooleanArray>(cell).Value(cell.index));
}

Result<FieldValue> BoolFromInteger(const ArrowCell& cell) {
  const auto value = IntegerCell(cell);
  if (value == 0 || value == 1) return FieldValue(*value == 1);
  return Unusable("not 0 or 1");
}

Result<FieldValue> BoolFromString(const ArrowCell& cell) {
  const std::string_view text = *StringCell(cell);
  const std::string lower = ToLower(text.substr(0, 8));
  if (lower == "true" || lower == "1") return FieldValue(true);
  if (lower == "false" || lower == "0") return FieldValue(false);
  return Unusable(fmt::format("{} is not a boolean", Quoted(text)));
}

// The families of source types the converters tell apart.
enum class Source { kString, kInteger, kFloat, kDecimal, kTime, kDate32, kDate64, kBool, kNone };

Source SourceOf(arrow::Type::type id) {
  if (arrow::is_string_or_string_view(id)) return Source::kString;
  if (arrow::is_integer(id)) return Source::kInteger;
  if (arrow::is_floating(id)) return Source::kFloat;
  if (arrow::is_decimal(id)) return Source::kDecimal;
  switch (id) {
    case arrow::Type::TIMESTAMP: return Source::kTime;
    case arrow::Type::DATE32: return Source::kDate32;
    case arrow::Type::DATE64: return Source::kDate64;
    case arrow::Type::BOOL: return Source::kBool;
    default: return Source::kNone;
  }
}

constexpr size_t kSourceCount = static_cast<size_t>(Source::kNone);

// The converter per kind (rows, in ValueKind order) and source (columns, in Source order).
constexpr ValueConverter kConverters[][kSourceCount] = {
    /* kText */ {TextFromString, TextFromInteger},
    /* kNonEmptyText */ {NonEmptyTextFromString},
    /* kIntegerText */
    {IntegerTextFromString, IntegerTextFromInteger, IntegerTextFromFloat, IntegerTextFromDecimal},
    /* kDecimal */ {DecimalFromString, TextFromInteger, DecimalFromFloat, DecimalFromDecimal},
    /* kTimestamp */
    {TimestampFromString, TimestampFromInteger, TimestampFromFloat, nullptr, TimestampFromTimestamp,
     TimestampFromDate32, TimestampFromDate64},
    /* kInt32 */ {WholeFromString<int32_t>, WholeFromInteger<int32_t>, WholeFromFloat<int32_t>},
    /* kInt64 */ {WholeFromString<int64_t>, WholeFromInteger<int64_t>, WholeFromFloat<int64_t>},
    /* kBool */
    {BoolFromString, BoolFromInteger, nullptr, nullptr, nullptr, nullptr, nullptr, BoolFromBool},
    /* kWalletAddress */ {WalletFromString},
};
static_assert(std::size(kConverters) == static_cast<size_t>(ValueKind::kWalletAddress) + 1);

}  // namespace

std::optional<std::string_view> StringCell(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::STRING: return ArrayOf<arrow::StringArray>(cell).GetView(cell.index);
    case arrow::Type::LARGE_STRING:
      return ArrayOf<arrow::LargeStringArray>(cell).GetView(cell.index);
    case arrow::Type::STRING_VIEW: return ArrayOf<arrow::StringViewArray>(cell).GetView(cell.index);
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
      const uint64_t v = ArrayOf<arrow::UInt64Array>(cell).Value(cell.index);
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
    case arrow::TimeUnit::SECOND: return ScaledToMicros(value, 1'000'000);
    case arrow::TimeUnit::MILLI: return ScaledToMicros(value, 1'000);
    case arrow::TimeUnit::MICRO: return Usable(value);
    case arrow::TimeUnit::NANO:
      if (value >= kMillis2000 && value < kMillis2200) return value * 1'000;
      return Usable(FloorDivide(value, 1'000));
  }
  return std::nullopt;
}

std::optional<int64_t> EpochMillisToMicros(int64_t millis) {
  return ScaledToMicros(millis, 1'000);
}

std::optional<int64_t> EpochDaysToMicros(int64_t days) {
  return ScaledToMicros(days, 86'400'000'000);
}

size_t MaxStringBytes(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kNonEmptyText: return 256;
    case ValueKind::kWalletAddress: return kWalletAddressLength;
    case ValueKind::kDecimal: return 1024;
    case ValueKind::kIntegerText:
    case ValueKind::kTimestamp:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kBool: return 64;
  }
  return 0;
}

ValueConverter ConverterFor(ValueKind kind, const arrow::DataType& value_type) {
  const auto source = static_cast<size_t>(SourceOf(value_type.id()));
  return source < kSourceCount ? kConverters[static_cast<size_t>(kind)][source] : nullptr;
}

}  // namespace hltwap
