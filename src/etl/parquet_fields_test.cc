// How a field table finds its columns in a file's schema.
#include "etl/parquet_fields.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <string_view>

namespace hltwap {
namespace {

TEST(ParquetFields, ColumnsMatchExactlyFirstThenIgnoringCaseAndUnderscores) {
  const auto schema = arrow::schema({arrow::field("closed_pnl", arrow::utf8()),
                                     arrow::field("startPosition", arrow::utf8()),
                                     arrow::field("closedPnl", arrow::utf8())});
  const std::string_view closed[] = {"closedPnl"};
  const std::string_view start[] = {"start_position"};
  const std::string_view fee[] = {"fee", "builder_fee"};
  EXPECT_EQ(FindColumn(*schema, closed), 2) << "the exact name wins";
  EXPECT_EQ(FindColumn(*schema, start), 1);
  EXPECT_EQ(FindColumn(*schema, fee), -1);
}

}  // namespace
}  // namespace hltwap
