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

}  // namespace
}  // namespace hltwap
