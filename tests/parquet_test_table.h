// Parquet files for tests, written with Arrow from columns given as Arrow JSON array text, so a
// test states every value and type it feeds the reader.
#pragma once

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "etl/parquet_fields.h"

namespace hltwap::testing {

// One column of a test file: its name, Arrow type and values as Arrow's JSON array text.
struct Column {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  std::string json;
};

// A wallet address for tests: "0x" and forty times `c` (a hex digit; upper case stays).
inline std::string TestWallet(char c) {
  return "0x" + std::string(40, c);
}

// Wallet addresses as the JSON array of a test column, one per character of `spec`: a hex
// digit gives TestWallet of it, '-' a null, '_' an empty string.
inline std::string WalletsJson(std::string_view spec) {
  std::string out = "[";
  for (const char c : spec) {
    if (out.size() > 1) out += ", ";
    out += c == '-' ? "null" : c == '_' ? "\"\"" : "\"" + TestWallet(c) + "\"";
  }
  return out + "]";
}

// `columns` with the column called `name` replaced by `column` (dropped when its name is empty).
inline std::vector<Column> Replaced(std::vector<Column> columns, const std::string& name,
                                    Column column) {
  const auto at =
      std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == name; });
  EXPECT_NE(at, columns.end()) << name;
  if (at == columns.end()) return columns;
  if (column.name.empty()) {
    columns.erase(at);
  } else {
    *at = std::move(column);
  }
  return columns;
}

inline std::shared_ptr<arrow::Table> MakeTable(const std::vector<Column>& columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (const auto& c : columns) {
    auto array = arrow::json::ArrayFromJSONString(c.type, c.json);
    EXPECT_TRUE(array.ok()) << array.status().ToString() << " for " << c.name << ": " << c.json;
    if (!array.ok()) return nullptr;
    fields.push_back(arrow::field(c.name, c.type));
    arrays.push_back(*array);
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

// Writes `columns` to `path` with the Arrow schema stored (so timestamp units and string kinds
// read back as written), `row_group_rows` rows per row group.
inline void WriteColumns(const std::string& path, const std::vector<Column>& columns,
                         int64_t row_group_rows = 1 << 20) {
  const auto table = MakeTable(columns);
  ASSERT_NE(table, nullptr);
  auto out = arrow::io::FileOutputStream::Open(path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto arrow_properties = parquet::ArrowWriterProperties::Builder().store_schema()->build();
  const auto st =
      parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, row_group_rows,
                                 parquet::default_writer_properties(), arrow_properties);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE((*out)->Close().ok());
}

template <typename Row>
struct ReadOutcome {
  std::vector<Row> rows;
  ParquetReadStats stats;
  std::vector<size_t> batch_sizes;  // rows per Next()
};

// Every row a dataset's reader (TwapParquetReader, FillParquetReader) gives, batch by batch.
template <typename Row, typename Reader>
ReadOutcome<Row> ReadRows(Result<std::unique_ptr<Reader>> reader) {
  ReadOutcome<Row> outcome;
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return outcome;
  std::vector<Row> rows;
  while (true) {
    auto more = (*reader)->Next(rows);
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) break;
    outcome.batch_sizes.push_back(rows.size());
    for (auto& row : rows) outcome.rows.push_back(std::move(row));
  }
  EXPECT_TRUE(rows.empty());
  outcome.stats = (*reader)->stats();
  return outcome;
}

}  // namespace hltwap::testing
