// Value conversions; instants exact within years 0001..9999, nullopt outside, never wrapped.
#include "etl/parquet_values.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace hltwap {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(ParquetValues, SecondsMillisecondsAndDaysOverflowToNothing) {
  using arrow::TimeUnit;
  EXPECT_EQ(ArrowTimestampToMicros(253'402'300'799, TimeUnit::SECOND), 253'402'300'799'000'000);
  EXPECT_EQ(ArrowTimestampToMicros(253'402'300'800, TimeUnit::SECOND), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(-62'135'596'800, TimeUnit::SECOND), kMinTimestampMicros);
  EXPECT_EQ(ArrowTimestampToMicros(-62'135'596'801, TimeUnit::SECOND), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(9'223'372'036'854, TimeUnit::SECOND), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(kMax, TimeUnit::SECOND), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(kMin, TimeUnit::MILLI), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(kMax, TimeUnit::MICRO), std::nullopt);
  EXPECT_EQ(ArrowTimestampToMicros(kMin, TimeUnit::NANO), -9'223'372'036'854'776)
      << "1677, floored";
  EXPECT_EQ(ArrowTimestampToMicros(kMax, TimeUnit::NANO), 9'223'372'036'854'775);
  EXPECT_EQ(EpochMillisToMicros(kMax), std::nullopt);
  EXPECT_EQ(EpochMillisToMicros(253'402'300'800'000), std::nullopt);
  EXPECT_EQ(EpochDaysToMicros(213'524'353), std::nullopt) << "wraps to 2025-10-09 unchecked";
  EXPECT_EQ(EpochDaysToMicros(2'932'896), 253'402'214'400'000'000);
  EXPECT_EQ(EpochDaysToMicros(-719'163), std::nullopt);
}

// Converts element `i` of `json` read as `type` into `kind`.
Result<FieldValue> Convert(ValueKind kind, const std::shared_ptr<arrow::DataType>& type,
                           const std::string& json, int64_t i) {
  const auto array = *arrow::json::ArrayFromJSONString(type, json);
  const ValueConverter convert = ConverterFor(kind, *type);
  if (convert == nullptr) return Status::Data("no converter");
  return convert(ArrowCell{array.get(), i});
}

TEST(ParquetValues, BooleansAndInt64FromTheirUsualSpellings) {
  EXPECT_EQ(*Convert(ValueKind::kBool, arrow::boolean(), "[true]", 0), FieldValue(true));
  EXPECT_EQ(*Convert(ValueKind::kBool, arrow::int8(), "[0]", 0), FieldValue(false));
  EXPECT_EQ(*Convert(ValueKind::kBool, arrow::utf8(), R"(["TRUE"])", 0), FieldValue(true));
  EXPECT_FALSE(Convert(ValueKind::kBool, arrow::utf8(), R"(["yes"])", 0).ok());
  EXPECT_FALSE(Convert(ValueKind::kBool, arrow::int64(), "[2]", 0).ok());
  EXPECT_FALSE(Convert(ValueKind::kBool, arrow::float64(), "[1]", 0).ok()) << "no converter";
  EXPECT_EQ(*Convert(ValueKind::kInt64, arrow::utf8(), R"(["9223372036854775807"])", 0),
            FieldValue(kMax));
  EXPECT_FALSE(Convert(ValueKind::kInt64, arrow::uint64(), "[18446744073709551615]", 0).ok());
  EXPECT_FALSE(Convert(ValueKind::kInt32, arrow::int64(), "[2147483648]", 0).ok());
}

// docs/design.md, Data semantics: identifiers are whole numbers 0 .. 20 digits, from any type.
TEST(ParquetValues, IdentifiersAreNotNegativeAndAtMostTwentyDigits) {
  const auto id = [](const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
    return Convert(ValueKind::kIntegerText, type, json, 0);
  };
  EXPECT_EQ(*id(arrow::uint64(), "[18446744073709551615]"), FieldValue("18446744073709551615"));
  EXPECT_EQ(*id(arrow::utf8(), R"(["+00012345678901234567890"])"),
            FieldValue("12345678901234567890"));
  EXPECT_EQ(*id(arrow::utf8(), R"(["-0"])"), FieldValue("0"));
  EXPECT_FALSE(id(arrow::utf8(), R"(["123456789012345678901"])").ok()) << "21 digits";
  EXPECT_FALSE(id(arrow::decimal128(38, 0), R"(["123456789012345678901234567890"])").ok());
  EXPECT_FALSE(id(arrow::int64(), "[-5]").ok());
  EXPECT_FALSE(id(arrow::utf8(), R"(["-5"])").ok());
  EXPECT_FALSE(id(arrow::float64(), "[-5.0]").ok());
  EXPECT_EQ(id(arrow::int64(), "[-5]").status().message(), "-5 is negative");
}

TEST(ParquetValues, WalletsAreAddressesLowercased) {
  const auto wallet = [](const std::string& json) {
    return Convert(ValueKind::kWalletAddress, arrow::utf8(), json, 0);
  };
  EXPECT_EQ(*wallet(R"(["0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4"])"),
            FieldValue("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"));
  EXPECT_EQ(*wallet(R"([""])"), FieldValue()) << "an empty wallet is none";
  EXPECT_EQ(wallet(R"(["0xabc"])").status().message(),
            "'0xabc' is not an address (0x and 40 hex digits)");
  EXPECT_FALSE(wallet(R"(["'; DROP TABLE twap_status; --"])").ok());
  EXPECT_EQ(ConverterFor(ValueKind::kWalletAddress, *arrow::int64()), nullptr);
}

TEST(ParquetValues, StringBoundsPerKind) {
  EXPECT_EQ(MaxStringBytes(ValueKind::kText), 256u);
  EXPECT_EQ(MaxStringBytes(ValueKind::kNonEmptyText), 256u);
  EXPECT_EQ(MaxStringBytes(ValueKind::kWalletAddress), 42u);
  EXPECT_EQ(MaxStringBytes(ValueKind::kDecimal), 1024u);
  EXPECT_EQ(MaxStringBytes(ValueKind::kIntegerText), 64u);
  EXPECT_EQ(MaxStringBytes(ValueKind::kTimestamp), 64u);
}

}  // namespace
}  // namespace hltwap
