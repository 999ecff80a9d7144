// JSON text for every Arrow type raw_payload meets, and strings that are always valid JSON and
// acceptable to PostgreSQL whatever bytes they came from.
#include "etl/raw_json_writer.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace hltwap {
namespace {

std::shared_ptr<arrow::Array> Array(const std::shared_ptr<arrow::DataType>& type,
                                    const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(array.ok()) << array.status().ToString();
  return *array;
}

std::vector<std::string> Rows(const arrow::RecordBatch& batch) {
  RawJsonWriter writer(batch);
  std::vector<std::string> rows;
  for (int64_t i = 0; i < batch.num_rows(); ++i) {
    std::string out;
    writer.AppendRow(i, out);
    boost::system::error_code ec;
    boost::json::parse(out, ec);
    EXPECT_FALSE(ec) << out;
    rows.push_back(out);
  }
  return rows;
}

TEST(RawJsonWriter, ScalarsOfEveryKind) {
  auto schema = arrow::schema({
      arrow::field("b", arrow::boolean()),
      arrow::field("i8", arrow::int8()),
      arrow::field("u64", arrow::uint64()),
      arrow::field("i64", arrow::int64()),
      arrow::field("f32", arrow::float32()),
      arrow::field("f64", arrow::float64()),
      arrow::field("bin", arrow::large_binary()),
      arrow::field("fixed", arrow::fixed_size_binary(2)),
      arrow::field("dec", arrow::decimal128(5, 2)),
      arrow::field("day", arrow::date64()),
      arrow::field("dur", arrow::duration(arrow::TimeUnit::MILLI)),
      arrow::field("tod", arrow::time64(arrow::TimeUnit::MICRO)),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::SECOND, "+09:00")),
      arrow::field("na", arrow::null()),
      arrow::field("key \"quoted\"", arrow::utf8()),
  });
  auto batch = arrow::RecordBatch::Make(
      schema, 2,
      {Array(arrow::boolean(), "[true, null]"), Array(arrow::int8(), "[-128, 0]"),
       Array(arrow::uint64(), "[18446744073709551615, 1]"),
       Array(arrow::int64(), "[-9223372036854775808, 9007199254740993]"),
       Array(arrow::float32(), "[0.1, Inf]"), Array(arrow::float64(), "[1e-7, NaN]"),
       Array(arrow::large_binary(), R"(["AB", ""])"),
       Array(arrow::fixed_size_binary(2), R"(["\u0001\u0002", null])"),
       Array(arrow::decimal128(5, 2), R"(["-1.50", "0.00"])"),
       Array(arrow::date64(), "[1761955200000, -1]"),
       Array(arrow::duration(arrow::TimeUnit::MILLI), "[1500, -1]"),
       Array(arrow::time64(arrow::TimeUnit::MICRO), "[3723000001, null]"),
       Array(arrow::timestamp(arrow::TimeUnit::SECOND, "+09:00"), "[1761984902, -1]"),
       Array(arrow::null(), "[null, null]"), Array(arrow::utf8(), R"(["v", null])")});
  const auto rows = Rows(*batch);
  EXPECT_EQ(rows[0], R"({"b":true,"i8":-128,"u64":18446744073709551615,"i64":-9223372036854775808,)"
                     R"("f32":0.1,"f64":1e-07,"bin":"0x4142","fixed":"0x0102","dec":"-1.50",)"
                     R"("day":"2025-11-01","dur":1500,"tod":"01:02:03.000001",)"
                     R"("ts":"2025-11-01T08:15:02Z","na":null,"key \"quoted\"":"v"})");
  EXPECT_EQ(rows[1],
            R"({"b":null,"i8":0,"u64":1,"i64":9007199254740993,"f32":null,"f64":null,)"
            R"("bin":"0x","fixed":null,"dec":"0.00","day":"1969-12-31","dur":-1,"tod":null,)"
            R"("ts":"1969-12-31T23:59:59Z","na":null,"key \"quoted\"":null})");
  EXPECT_EQ(boost::json::parse(rows[1]).at("i64").as_int64(), 9007199254740993)
      << "integers beyond 2^53 stay exact";
}

TEST(RawJsonWriter, NestedTypesAndSlicedBatches) {
  const auto item = arrow::struct_(
      {arrow::field("px", arrow::utf8()), arrow::field("tags", arrow::large_list(arrow::int32()))});
  auto schema = arrow::schema({
      arrow::field("items", arrow::list(item)),
      arrow::field("pair", arrow::fixed_size_list(arrow::float64(), 2)),
      arrow::field("by_id", arrow::map(arrow::int64(), arrow::boolean())),
  });
  auto batch = arrow::RecordBatch::Make(
      schema, 3,
      {Array(arrow::list(item),
             R"([[{"px": "1", "tags": [1, 2]}], null, [{"px": null, "tags": null}, null]])"),
       Array(arrow::fixed_size_list(arrow::float64(), 2), "[[1, 2], [3.5, null], null]"),
       Array(arrow::map(arrow::int64(), arrow::boolean()),
             "[[[1, true]], [], [[-2, false], [3, null]]]")});
  const auto rows = Rows(*batch);
  EXPECT_EQ(rows[0], R"({"items":[{"px":"1","tags":[1,2]}],"pair":[1,2],"by_id":{"1":true}})");
  EXPECT_EQ(rows[1], R"({"items":null,"pair":[3.5,null],"by_id":{}})");
  EXPECT_EQ(
      rows[2],
      R"({"items":[{"px":null,"tags":null},null],"pair":null,"by_id":{"-2":false,"3":null}})");

  const auto sliced = Rows(*batch->Slice(1, 2));
  ASSERT_EQ(sliced.size(), 2u);
  EXPECT_EQ(sliced[0], rows[1]);
  EXPECT_EQ(sliced[1], rows[2]);
}

TEST(RawJsonWriter, DictionaryValuesAreWrittenAsTheirValues) {
  auto dict = arrow::json::DictArrayFromJSONString(arrow::dictionary(arrow::int8(), arrow::utf8()),
                                                   "[1, null, 0, 1]", R"(["BTC", "@107"])");
  ASSERT_TRUE(dict.ok());
  auto batch =
      arrow::RecordBatch::Make(arrow::schema({arrow::field("coin", (*dict)->type())}), 4, {*dict});
  EXPECT_EQ(Rows(*batch), (std::vector<std::string>{R"({"coin":"@107"})", R"({"coin":null})",
                                                    R"({"coin":"BTC"})", R"({"coin":"@107"})"}));
}

TEST(RawJsonWriter, InstantsBeyondTheUsableYearsKeepTheirStoredNumber) {
  auto schema = arrow::schema({
      arrow::field("s", arrow::timestamp(arrow::TimeUnit::SECOND)),
      arrow::field("day32", arrow::date32()),
      arrow::field("day64", arrow::date64()),
  });
  auto batch = arrow::RecordBatch::Make(
      schema, 3,
      {Array(arrow::timestamp(arrow::TimeUnit::SECOND),
             "[9223372036854, 253402300799, -62135596801]"),
       Array(arrow::date32(), "[2147483647, 2932896, -719163]"),
       Array(arrow::date64(), "[9223372036854775807, 253402214400000, -62135596800001]")});
  EXPECT_EQ(Rows(*batch),
            (std::vector<std::string>{
                R"({"s":9223372036854,"day32":2147483647,"day64":9223372036854775807})",
                R"({"s":"9999-12-31T23:59:59Z","day32":"9999-12-31","day64":"9999-12-31"})",
                R"({"s":-62135596801,"day32":-719163,"day64":-62135596800001})"}));
}

// docs/design.md, Data semantics: a value over 64 KiB becomes a marker with its size, a row over
// 1 MiB a marker with the bound; both are counted, and the rest of the row is untouched.
TEST(RawJsonWriter, OversizedValuesAndRowsBecomeMarkers) {
  const std::string big(kMaxRawValueBytes + 1, 'x');
  const std::string fits(kMaxRawValueBytes, 'y');
  arrow::StringBuilder text;
  ASSERT_TRUE(text.Append(big).ok());
  ASSERT_TRUE(text.Append(fits).ok());
  arrow::BinaryBuilder bytes;
  ASSERT_TRUE(bytes.Append(std::string(kMaxRawValueBytes / 2 + 1, '\x01')).ok());
  ASSERT_TRUE(bytes.Append("\x01").ok());
  std::shared_ptr<arrow::Array> text_array, bytes_array;
  ASSERT_TRUE(text.Finish(&text_array).ok());
  ASSERT_TRUE(bytes.Finish(&bytes_array).ok());
  auto batch = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("s", arrow::utf8()), arrow::field("b", arrow::binary()),
                     arrow::field("n", arrow::int64())}),
      2, {text_array, bytes_array, Array(arrow::int64(), "[1, 2]")});
  RawJsonWriter writer(*batch);
  std::string first, second;
  EXPECT_EQ(writer.AppendRow(0, first), 2);
  EXPECT_EQ(first, R"({"s":{"truncated":true,"bytes":65537},"b":{"truncated":true,"bytes":32769},)"
                   R"("n":1})");
  EXPECT_EQ(writer.AppendRow(1, second), 0);
  EXPECT_EQ(second, R"({"s":")" + fits + R"(","b":"0x01","n":2})") << "at the bound: kept";

  // Seventeen values that fit, one row that does not: the row is the marker.
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int c = 0; c < 17; ++c) {
    arrow::StringBuilder b;
    ASSERT_TRUE(b.Append(fits).ok());
    columns.push_back(*b.Finish());
    fields.push_back(arrow::field("c" + std::to_string(c), arrow::utf8()));
  }
  auto wide = arrow::RecordBatch::Make(arrow::schema(fields), 1, columns);
  std::string row;
  EXPECT_EQ(RawJsonWriter(*wide).AppendRow(0, row), 1);
  EXPECT_EQ(row, R"({"truncated":true,"limit":1048576})");

  // A list too long for the row bound stops being written as soon as the bound is passed.
  std::string many = "[[";
  for (int i = 0; i < 200'000; ++i) many += (i > 0 ? ",\"" : "\"") + std::string(10, 'z') + "\"";
  const auto list = Array(arrow::list(arrow::utf8()), many + "]]");
  auto long_list = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("l", arrow::list(arrow::utf8()))}), 1, {list});
  row.clear();
  EXPECT_EQ(RawJsonWriter(*long_list).AppendRow(0, row), 1);
  EXPECT_EQ(row, R"({"truncated":true,"limit":1048576})");
}

}  // namespace
}  // namespace hltwap
