// Over 400 lines: one case per normalisation rule, each on its own parquet file.
// The normalisation rules of docs/design.md (Data semantics), pinned on real parquet files written
// here with Arrow's parquet writer.
#include "etl/twap_parquet_reader.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/json/from_string.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>
#include <parquet/file_reader.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "tests/parquet_test_table.h"
#include "tests/support/subprocess.h"

namespace hltwap {
namespace {

constexpr const char* kWallet = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
constexpr const char* kWalletMixedCase = "0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4";

int64_t Micros(const char* iso) {
  return ParseTimestampUtc(iso).value();
}

// One column of a test file: its name, Arrow type and values as Arrow's JSON array text.
struct Column {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  std::string json;
};

std::shared_ptr<arrow::Array> MakeArray(const std::shared_ptr<arrow::DataType>& type,
                                        const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(array.ok()) << array.status().ToString() << " for " << json;
  return *array;
}

std::shared_ptr<arrow::Array> MakeDictionary(const std::string& indices,
                                             const std::string& dictionary) {
  auto array = arrow::json::DictArrayFromJSONString(
      arrow::dictionary(arrow::int32(), arrow::utf8()), indices, dictionary);
  EXPECT_TRUE(array.ok()) << array.status().ToString();
  return *array;
}

std::shared_ptr<arrow::Table> MakeTable(const std::vector<Column>& columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (const auto& c : columns) {
    fields.push_back(arrow::field(c.name, c.type));
    arrays.push_back(MakeArray(c.type, c.json));
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

using ReadOutcome = testing::ReadOutcome<TwapRow>;

ReadOutcome ReadAll(const std::string& path, ParquetReadOptions options = {}) {
  return testing::ReadRows<TwapRow>(TwapParquetReader::Open(path, options));
}

boost::json::value Json(const std::string& text) {
  return boost::json::parse(text);
}

// The Arrow type a column of a parquet file reads back as.
arrow::Type::type ReadBackType(const std::string& path, const std::string& column) {
  auto file = arrow::io::ReadableFile::Open(path);
  EXPECT_TRUE(file.ok());
  auto reader = parquet::arrow::OpenFile(*file, arrow::default_memory_pool());
  EXPECT_TRUE(reader.ok());
  std::shared_ptr<arrow::Schema> schema;
  EXPECT_TRUE((*reader)->GetSchema(&schema).ok());
  return schema->GetFieldByName(column)->type()->id();
}

class TwapParquetReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("hltwap_parquet_" + std::to_string(getpid()) + "_" + info->name() + "_" +
            std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes `table` with the Arrow schema stored (so dictionary, large_string and timestamp
  // units read back as written), `row_group_rows` rows per row group.
  std::string Write(const std::string& name, const arrow::Table& table,
                    int64_t row_group_rows = 1 << 20) {
    const std::string path = (dir_ / name).string();
    auto out = arrow::io::FileOutputStream::Open(path);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    const auto arrow_properties = parquet::ArrowWriterProperties::Builder().store_schema()->build();
    const auto st =
        parquet::arrow::WriteTable(table, arrow::default_memory_pool(), *out, row_group_rows,
                                   parquet::default_writer_properties(), arrow_properties);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE((*out)->Close().ok());
    return path;
  }
  std::string Write(const std::string& name, const std::vector<Column>& columns) {
    return Write(name, *MakeTable(columns));
  }

  std::string WriteBytes(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

// The three required columns for `n` rows: ids 1..n, one wallet, the event time of row i
// 2025-11-01T08:00:00Z plus i seconds.
std::vector<Column> RequiredColumns(int n) {
  std::string ids, users, times;
  for (int i = 1; i <= n; ++i) {
    const std::string sep = i > 1 ? "," : "";
    ids += sep + std::to_string(i);
    users += sep + "\"" + kWallet + "\"";
    times += sep + fmt::format("\"2025-11-01T08:{:02}:{:02}\"", i / 60, i % 60);
  }
  return {{"twap_id", arrow::int64(), "[" + ids + "]"},
          {"state_user", arrow::utf8(), "[" + users + "]"},
          {"time", arrow::utf8(), "[" + times + "]"}};
}

std::vector<Column> With(std::vector<Column> columns, const std::vector<Column>& more) {
  columns.insert(columns.end(), more.begin(), more.end());
  return columns;
}

TEST_F(TwapParquetReaderTest, SizesAsDecimalStringsAreKeptAsGivenAndInvalidOnesBecomeNull) {
  const auto path =
      Write("sizes.parquet",
            With(RequiredColumns(4),
                 {{"state_sz", arrow::utf8(), R"(["12.3456", "abc", "", "1.5e-7"])"},
                  {"state_executedSz", arrow::utf8(), R"(["0.00000001", "-0.5", null, "NaN"])"},
                  {"state_executedNtl", arrow::utf8(), R"(["54210.350000", "1,5", "3.", ".5"])"}}));
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[0].size_requested, "12.3456");
  EXPECT_EQ(out.rows[0].size_executed, "0.00000001");
  EXPECT_EQ(out.rows[0].notional_executed, "54210.350000");
  EXPECT_EQ(out.rows[1].size_requested, std::nullopt) << "'abc' is not a decimal";
  EXPECT_EQ(out.rows[1].size_executed, "-0.5");
  EXPECT_EQ(out.rows[1].notional_executed, std::nullopt) << "'1,5' is not a decimal";
  EXPECT_EQ(out.rows[2].size_requested, std::nullopt) << "an empty string is no value";
  EXPECT_EQ(out.rows[2].size_executed, std::nullopt);
  EXPECT_EQ(out.rows[2].notional_executed, "3.");
  EXPECT_EQ(out.rows[3].size_requested, "1.5e-7");
  EXPECT_EQ(out.rows[3].size_executed, std::nullopt) << "NaN is not a decimal";
  EXPECT_EQ(out.rows[3].notional_executed, ".5");
  EXPECT_EQ(out.stats.values_nulled, 3) << "abc, 1,5 and NaN; not the empty string or null";
  EXPECT_EQ(out.stats.rows_rejected, 0) << "an unusable size never rejects the row";
  EXPECT_EQ(Json(out.rows[1].raw_payload).at("state_sz"), "abc") << "raw keeps the original";
}

TEST_F(TwapParquetReaderTest, SizesAsFloatsBecomeTheirShortestDecimal) {
  const auto path =
      Write("floats.parquet",
            With(RequiredColumns(4),
                 {{"state_sz", arrow::float64(), "[0.1, 1e-7, 123456789.125, NaN]"},
                  {"state_executedSz", arrow::float32(), "[0.1, 3.4028235e38, 0.3, -2.5]"},
                  {"state_executedNtl", arrow::int64(), "[0, -7, 9223372036854775807, 12]"}}));
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[0].size_requested, "0.1") << "never 0.1000000000000000055";
  EXPECT_EQ(out.rows[1].size_requested, "0.0000001");
  EXPECT_EQ(out.rows[2].size_requested, "123456789.125");
  EXPECT_EQ(out.rows[3].size_requested, std::nullopt);
  EXPECT_EQ(out.rows[0].size_executed, "0.1") << "the float's own digits, not 0.10000000149";
  EXPECT_EQ(out.rows[1].size_executed, "340282350000000000000000000000000000000");
  EXPECT_EQ(out.rows[2].size_executed, "0.3");
  EXPECT_EQ(out.rows[3].size_executed, "-2.5");
  EXPECT_EQ(out.rows[0].notional_executed, "0");
  EXPECT_EQ(out.rows[1].notional_executed, "-7");
  EXPECT_EQ(out.rows[2].notional_executed, "9223372036854775807");
  EXPECT_EQ(out.stats.values_nulled, 1);
  EXPECT_EQ(Json(out.rows[3].raw_payload).at("state_sz"), nullptr) << "NaN is null in raw";
}

TEST_F(TwapParquetReaderTest, SizesAsDecimal128And256AreExact) {
  const auto path = Write(
      "decimals.parquet",
      With(RequiredColumns(3),
           {{"state_sz", arrow::decimal128(10, 4), R"(["12345.6789", "-0.0001", "0.0000"])"},
            {"state_executedSz", arrow::decimal256(40, 20),
             R"(["12345678901234567890.12345678901234567890", "1.00000000000000000001", null])"},
            {"state_executedNtl", arrow::decimal128(38, 0),
             R"(["99999999999999999999999999999999999999", "0", "-5"])"}}));
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0].size_requested, "12345.6789");
  EXPECT_EQ(out.rows[1].size_requested, "-0.0001");
  EXPECT_EQ(out.rows[2].size_requested, "0.0000");
  EXPECT_EQ(out.rows[0].size_executed, "12345678901234567890.12345678901234567890");
  EXPECT_EQ(out.rows[1].size_executed, "1.00000000000000000001");
  EXPECT_EQ(out.rows[2].size_executed, std::nullopt);
  EXPECT_EQ(out.rows[0].notional_executed, "99999999999999999999999999999999999999");
  EXPECT_EQ(out.rows[2].notional_executed, "-5");
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("state_sz"), "12345.6789") << "decimals as strings";
}

TEST_F(TwapParquetReaderTest, ParquetTimestampsOfEveryUnitAndZoneAreTheSameUtcInstant) {
  const int64_t instant = Micros("2025-11-01T08:15:02.123Z");
  const std::vector<std::pair<arrow::TimeUnit::type, int64_t>> units = {
      {arrow::TimeUnit::SECOND, instant / 1'000'000},
      {arrow::TimeUnit::MILLI, instant / 1'000},
      {arrow::TimeUnit::MICRO, instant},
      {arrow::TimeUnit::NANO, instant * 1'000 + 789}};
  for (const auto& [unit, value] : units) {
    for (const std::string zone : {"", "UTC", "+09:00", "America/New_York"}) {
      SCOPED_TRACE(::testing::Message() << "unit " << unit << " zone '" << zone << "'");
      auto type = zone.empty() ? arrow::timestamp(unit) : arrow::timestamp(unit, zone);
      auto columns = RequiredColumns(1);
      columns[2] = {"time", type, "[" + std::to_string(value) + "]"};
      columns.push_back({"state_timestamp", type, "[" + std::to_string(value) + "]"});
      const auto out = ReadAll(Write("ts.parquet", columns));
      ASSERT_EQ(out.rows.size(), 1u);
      const int64_t expected =
          unit == arrow::TimeUnit::SECOND ? instant / 1'000'000 * 1'000'000 : instant;
      EXPECT_EQ(out.rows[0].ts, expected);
      EXPECT_EQ(out.rows[0].created_at, expected);
      EXPECT_EQ(Json(out.rows[0].raw_payload).at("time"),
                boost::json::value(FormatTimestampUtc(expected)))
          << "timestamps are ISO-8601 UTC in raw";
    }
  }
}

TEST_F(TwapParquetReaderTest, IntegersInTimestampColumnsAreEpochMilliseconds) {
  // No event time: ts and created_at both come from state_timestamp.
  const auto path =
      Write("epoch_ms.parquet", {{"twap_id", arrow::int64(), "[1, 2]"},
                                 {"state_user", arrow::utf8(), testing::WalletsJson("ab")},
                                 {"state_timestamp", arrow::int64(), "[1761984902123, 0]"}});
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].ts, Micros("2025-11-01T08:15:02.123Z"));
  EXPECT_EQ(out.rows[0].created_at, out.rows[0].ts);
  EXPECT_EQ(out.rows[1].ts, 0);
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("state_timestamp"), 1761984902123)
      << "raw keeps the number";

  const auto int32_path =
      Write("epoch_ms32.parquet", {{"twap_id", arrow::int64(), "[1]"},
                                   {"state_user", arrow::utf8(), testing::WalletsJson("a")},
                                   {"state_timestamp", arrow::int32(), "[86400000]"}});
  const auto out32 = ReadAll(int32_path);
  ASSERT_EQ(out32.rows.size(), 1u);
  EXPECT_EQ(out32.rows[0].ts, Micros("1970-01-02T00:00:00Z"));
}

TEST_F(TwapParquetReaderTest, IsoStringsWithNanosecondsAndOffsets) {
  const auto path =
      Write("iso.parquet",
            With({{"twap_id", arrow::int64(), "[1, 2, 3, 4]"},
                  {"state_user", arrow::utf8(), testing::WalletsJson("aaaa")},
                  {"time", arrow::large_utf8(),
                   R"(["2025-11-01T08:15:02.123456789", "2025-11-01T17:15:02.123456789+09:00",
                 "2025-11-01 08:15:02Z", "2025-11-01T08:15:02.1"])"}},
                 {{"state_timestamp", arrow::utf8(),
                   R"(["2025-11-01T08:00:00.000000001Z", "garbage", null, "2025-11-01"])"}}));
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[0].ts, Micros("2025-11-01T08:15:02.123456Z")) << "nanoseconds truncated";
  EXPECT_EQ(out.rows[1].ts, Micros("2025-11-01T08:15:02.123456Z")) << "offset applied";
  EXPECT_EQ(out.rows[2].ts, Micros("2025-11-01T08:15:02Z"));
  EXPECT_EQ(out.rows[3].ts, Micros("2025-11-01T08:15:02.100Z"));
  EXPECT_EQ(out.rows[0].created_at, Micros("2025-11-01T08:00:00Z"));
  EXPECT_EQ(out.rows[1].created_at, std::nullopt) << "an unusable created_at is NULL";
  EXPECT_EQ(out.rows[2].created_at, std::nullopt);
  EXPECT_EQ(out.rows[3].created_at, Micros("2025-11-01T00:00:00Z"));
  EXPECT_EQ(out.stats.values_nulled, 1);
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("time"), "2025-11-01T08:15:02.123456789")
      << "raw keeps the original string";
}

TEST_F(TwapParquetReaderTest, MillisecondsStoredInANanosecondColumnAreRecognised) {
  const int64_t ms = 1761984902123;  // 2025-11-01T08:15:02.123Z in epoch milliseconds
  const int64_t real_ns = Micros("2025-11-01T09:00:00.5Z") * 1000;
  const auto path = Write(
      "quirk.parquet",
      {{"twap_id", arrow::int64(), "[1, 2, 3]"},
       {"state_user", arrow::utf8(), testing::WalletsJson("aaa")},
       {"time", arrow::timestamp(arrow::TimeUnit::NANO),
        "[" + std::to_string(ms) + "," + std::to_string(real_ns) + ", 5000]"},
       {"state_timestamp", arrow::timestamp(arrow::TimeUnit::NANO, "UTC"),
        "[" + std::to_string(ms) + "," + std::to_string(ms) + "," + std::to_string(ms) + "]"}});
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0].ts, Micros("2025-11-01T08:15:02.123Z")) << "read as 1970 without the fix";
  EXPECT_EQ(out.rows[0].created_at, Micros("2025-11-01T08:15:02.123Z"));
  EXPECT_EQ(out.rows[1].ts, Micros("2025-11-01T09:00:00.5Z")) << "real nanoseconds unchanged";
  EXPECT_EQ(out.rows[2].ts, 5) << "a small value is not a millisecond date after 2000";
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("time"), "2025-11-01T08:15:02.123000Z")
      << "raw shows the corrected instant";
}

TEST_F(TwapParquetReaderTest, StatusAsStringOrStructKeepsTheStructWholeInRaw) {
  const auto plain = ReadAll(
      Write("status_string.parquet",
            With(RequiredColumns(2), {{"status", arrow::utf8(), R"(["activated", "finished"])"}})));
  ASSERT_EQ(plain.rows.size(), 2u);
  EXPECT_EQ(plain.rows[0].status, "activated");
  EXPECT_EQ(plain.rows[1].status, "finished");

  const auto status_type = arrow::struct_(
      {arrow::field("status", arrow::utf8()), arrow::field("description", arrow::utf8())});
  const auto structured = ReadAll(Write(
      "status_struct.parquet",
      With(RequiredColumns(3), {{"status", status_type,
                                 R"([{"status": "error", "description": "Insufficient margin"},
                 null,
                 {"status": null, "description": "x"}])"}})));
  ASSERT_EQ(structured.rows.size(), 3u);
  EXPECT_EQ(structured.rows[0].status, "error");
  EXPECT_EQ(structured.rows[1].status, std::nullopt);
  EXPECT_EQ(structured.rows[2].status, std::nullopt);
  EXPECT_EQ(Json(structured.rows[0].raw_payload).at("status"),
            Json(R"({"status": "error", "description": "Insufficient margin"})"));
  EXPECT_EQ(Json(structured.rows[1].raw_payload).at("status"), nullptr);
}

TEST_F(TwapParquetReaderTest, MissingOptionalColumnsAndNullsGiveNull) {
  const auto out = ReadAll(Write("minimal.parquet", RequiredColumns(1)));
  ASSERT_EQ(out.rows.size(), 1u);
  const TwapRow& row = out.rows[0];
  EXPECT_EQ(row.twap_id, "1");
  EXPECT_EQ(row.wallet, kWallet);
  EXPECT_EQ(row.ts, Micros("2025-11-01T08:00:01Z"));
  EXPECT_EQ(row.created_at, std::nullopt);
  EXPECT_EQ(row.asset, std::nullopt);
  EXPECT_EQ(row.side, std::nullopt);
  EXPECT_EQ(row.size_requested, std::nullopt);
  EXPECT_EQ(row.size_executed, std::nullopt);
  EXPECT_EQ(row.notional_executed, std::nullopt);
  EXPECT_EQ(row.status, std::nullopt);
  EXPECT_EQ(row.duration_minutes, std::nullopt);
  EXPECT_EQ(Json(row.raw_payload), Json(std::string(R"({"twap_id":1,"state_user":")") + kWallet +
                                        R"(","time":"2025-11-01T08:00:01"})"));
  EXPECT_EQ(out.stats.values_nulled, 0);

  const auto nulls = ReadAll(
      Write("nulls.parquet",
            With(RequiredColumns(1), {{"state_coin", arrow::utf8(), "[null]"},
                                      {"state_side", arrow::utf8(), "[null]"},
                                      {"state_sz", arrow::utf8(), "[null]"},
                                      {"state_executedSz", arrow::float64(), "[null]"},
                                      {"state_executedNtl", arrow::decimal128(10, 2), "[null]"},
                                      {"state_minutes", arrow::int64(), "[null]"},
                                      {"state_timestamp", arrow::int64(), "[null]"},
                                      {"status", arrow::utf8(), "[null]"},
                                      {"state_reduceOnly", arrow::boolean(), "[null]"}})));
  ASSERT_EQ(nulls.rows.size(), 1u);
  const TwapRow& n = nulls.rows[0];
  EXPECT_EQ(n.asset, std::nullopt);
  EXPECT_EQ(n.side, std::nullopt);
  EXPECT_EQ(n.size_requested, std::nullopt);
  EXPECT_EQ(n.size_executed, std::nullopt);
  EXPECT_EQ(n.notional_executed, std::nullopt);
  EXPECT_EQ(n.duration_minutes, std::nullopt);
  EXPECT_EQ(n.created_at, std::nullopt);
  EXPECT_EQ(n.status, std::nullopt);
  EXPECT_EQ(nulls.stats.values_nulled, 0) << "a null is no value, not an unusable one";
  const auto raw = Json(n.raw_payload);
  for (const char* column :
       {"state_coin", "state_side", "state_sz", "state_executedSz", "state_executedNtl",
        "state_minutes", "state_timestamp", "status", "state_reduceOnly"}) {
    EXPECT_EQ(raw.at(column), nullptr) << column;
  }
}

TEST_F(TwapParquetReaderTest, ExtraColumnsIncludingNestedOnesGoOnlyToRaw) {
  const auto nested = arrow::struct_(
      {arrow::field("a", arrow::int64()), arrow::field("b", arrow::list(arrow::utf8())),
       arrow::field("c", arrow::struct_({arrow::field("d", arrow::boolean())}))});
  const auto out = ReadAll(Write(
      "extra.parquet",
      With(RequiredColumns(2),
           {{"extra_nested", nested,
             R"([{"a": 1, "b": ["x", "y"], "c": {"d": true}}, {"a": null, "b": [], "c": null}])"},
            {"extra_list", arrow::list(arrow::float64()), "[[1.5, NaN, -2], null]"},
            {"extra_list_of_structs",
             arrow::list(arrow::struct_({arrow::field("px", arrow::utf8())})),
             R"([[{"px": "1.0"}, {"px": null}], [null]])"},
            {"extra_map", arrow::map(arrow::utf8(), arrow::int64()),
             R"([[["k1", 1], ["k2", 2]], []])"},
            {"extra_int_map", arrow::map(arrow::int32(), arrow::utf8()),
             R"([[[7, "seven"]], null])"},
            {"extra_big", arrow::uint64(), "[18446744073709551615, 0]"},
            {"extra_binary", arrow::binary(), R"(["\u0000\u00ff", ""])"},
            {"extra_date", arrow::date32(), "[20393, null]"}})));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].asset, std::nullopt) << "extra columns map to no field";
  const std::string head = std::string(R"({"twap_id":1,"state_user":")") + kWallet +
                           R"(","time":"2025-11-01T08:00:01",)";
  EXPECT_EQ(Json(out.rows[0].raw_payload),
            Json(head + R"("extra_nested":{"a":1,"b":["x","y"],"c":{"d":true}},
                           "extra_list":[1.5,null,-2],
                           "extra_list_of_structs":[{"px":"1.0"},{"px":null}],
                           "extra_map":{"k1":1,"k2":2},
                           "extra_int_map":{"7":"seven"},
                           "extra_big":18446744073709551615,
                           "extra_binary":"0x00c3bf",
                           "extra_date":"2025-11-01"})"));
  const std::string head2 = std::string(R"({"twap_id":2,"state_user":")") + kWallet +
                            R"(","time":"2025-11-01T08:00:02",)";
  EXPECT_EQ(Json(out.rows[1].raw_payload),
            Json(head2 + R"("extra_nested":{"a":null,"b":[],"c":null},
                            "extra_list":null,
                            "extra_list_of_structs":[null],
                            "extra_map":{},
                            "extra_int_map":null,
                            "extra_big":0,
                            "extra_binary":"0x",
                            "extra_date":null})"));
}

TEST_F(TwapParquetReaderTest, OneFullySpecifiedRowNormalisesAndKeepsItsRawRowExactly) {
  // Columns in an unusual order, dictionary-encoded and large strings among them.
  const auto status_type = arrow::struct_(
      {arrow::field("status", arrow::utf8()), arrow::field("description", arrow::utf8())});
  std::vector<std::shared_ptr<arrow::Field>> fields = {
      arrow::field("status", status_type),
      arrow::field("state_executedNtl", arrow::decimal128(12, 4)),
      arrow::field("state_user", arrow::dictionary(arrow::int32(), arrow::utf8())),
      arrow::field("time", arrow::utf8()),
      arrow::field("twap_id", arrow::int64()),
      arrow::field("state_coin", arrow::large_utf8()),
      arrow::field("state_side", arrow::dictionary(arrow::int32(), arrow::utf8())),
      arrow::field("state_sz", arrow::utf8()),
      arrow::field("state_executedSz", arrow::float64()),
      arrow::field("state_minutes", arrow::int16()),
      arrow::field("state_reduceOnly", arrow::boolean()),
      arrow::field("state_timestamp", arrow::int64()),
      arrow::field("note", arrow::utf8()),
      arrow::field("fill_time", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
  };
  std::vector<std::shared_ptr<arrow::Array>> arrays = {
      MakeArray(status_type, R"([{"status": "error", "description": "Insufficient margin"}])"),
      MakeArray(arrow::decimal128(12, 4), R"(["12345.6789"])"),
      MakeDictionary("[0]", std::string("[\"") + kWalletMixedCase + "\"]"),
      MakeArray(arrow::utf8(), R"(["2025-11-01T08:45:02.123456789"])"),
      MakeArray(arrow::int64(), "[568722]"),
      MakeArray(arrow::large_utf8(), R"(["xyz:NVDA"])"),
      MakeDictionary("[0]", R"(["A"])"),
      MakeArray(arrow::utf8(), R"(["10.5"])"),
      MakeArray(arrow::float64(), "[0.1]"),
      MakeArray(arrow::int16(), "[30]"),
      MakeArray(arrow::boolean(), "[false]"),
      MakeArray(arrow::int64(), "[1761984902123]"),
      MakeArray(arrow::utf8(), R"(["say \"hi\"\n\tnow é"])"),
      MakeArray(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[1761986702500000]"),
  };
  const auto table = arrow::Table::Make(arrow::schema(fields), arrays);
  const auto path = Write("full.parquet", *table);
  ASSERT_EQ(ReadBackType(path, "state_coin"), arrow::Type::LARGE_STRING);
  ASSERT_EQ(ReadBackType(path, "state_side"), arrow::Type::DICTIONARY);
  const auto out = ReadAll(path);
  ASSERT_EQ(out.rows.size(), 1u);
  const TwapRow& row = out.rows[0];
  EXPECT_EQ(row.twap_id, "568722");
  EXPECT_EQ(row.wallet, kWallet) << "lowercased";
  EXPECT_EQ(row.ts, Micros("2025-11-01T08:45:02.123456Z"));
  EXPECT_EQ(row.created_at, Micros("2025-11-01T08:15:02.123Z"));
  EXPECT_EQ(row.asset, "xyz:NVDA");
  EXPECT_EQ(row.side, "A");
  EXPECT_EQ(row.size_requested, "10.5");
  EXPECT_EQ(row.size_executed, "0.1");
  EXPECT_EQ(row.notional_executed, "12345.6789");
  EXPECT_EQ(row.status, "error");
  EXPECT_EQ(row.duration_minutes, 30);
  const std::string expected =
      std::string(R"({"status":{"status":"error","description":"Insufficient margin"},)") +
      R"("state_executedNtl":"12345.6789",)" + R"("state_user":")" + kWalletMixedCase + R"(",)" +
      R"("time":"2025-11-01T08:45:02.123456789",)" + R"("twap_id":568722,)" +
      R"("state_coin":"xyz:NVDA",)" + R"("state_side":"A",)" + R"("state_sz":"10.5",)" +
      R"("state_executedSz":0.1,)" + R"("state_minutes":30,)" + R"("state_reduceOnly":false,)" +
      R"("state_timestamp":1761984902123,)" + R"("note":"say \"hi\"\n\tnow é",)" +
      R"("fill_time":"2025-11-01T08:45:02.500000Z"})";
  EXPECT_EQ(row.raw_payload, expected);
}

TEST_F(TwapParquetReaderTest, IdentifiersWalletsAndMinutesOfOtherTypes) {
  const auto out = ReadAll(Write(
      "types.parquet", {{"twap_id", arrow::utf8(), R"(["00568722", "+7", "568723.000", "-0"])"},
                        {"state_user", arrow::utf8(), testing::WalletsJson("Dddd")},
                        {"time", arrow::utf8(),
                         R"(["2025-11-01T00:00:00", "2025-11-01T00:00:00", "2025-11-01T00:00:00",
            "2025-11-01T00:00:00"])"},
                        {"state_minutes", arrow::float64(), "[30.0, 30.5, 1e12, -1]"}}));
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[0].twap_id, "568722");
  EXPECT_EQ(out.rows[1].twap_id, "7");
  EXPECT_EQ(out.rows[2].twap_id, "568723");
  EXPECT_EQ(out.rows[3].twap_id, "0");
  EXPECT_EQ(out.rows[0].wallet, testing::TestWallet('d'));
  EXPECT_EQ(out.rows[0].duration_minutes, 30);
  EXPECT_EQ(out.rows[1].duration_minutes, std::nullopt) << "not a whole number";
  EXPECT_EQ(out.rows[2].duration_minutes, std::nullopt) << "out of int32";
  EXPECT_EQ(out.rows[3].duration_minutes, -1);
  EXPECT_EQ(out.stats.values_nulled, 2);

  const auto ints =
      ReadAll(Write("int_types.parquet",
                    {{"twap_id", arrow::uint64(), "[18446744073709551615, 5]"},
                     {"state_user", arrow::utf8(), testing::WalletsJson("ab")},
                     {"time", arrow::utf8(), R"(["2025-11-01T00:00:00", "2025-11-01T00:00:00"])"},
                     {"state_minutes", arrow::int64(), "[2147483648, 1440]"}}));
  ASSERT_EQ(ints.rows.size(), 2u);
  EXPECT_EQ(ints.rows[0].twap_id, "18446744073709551615");
  EXPECT_EQ(ints.rows[0].duration_minutes, std::nullopt);
  EXPECT_EQ(ints.rows[1].duration_minutes, 1440);

  const auto floats =
      ReadAll(Write("float_id.parquet",
                    {{"twap_id", arrow::float64(), "[568722.0, 1.5]"},
                     {"state_user", arrow::utf8(), testing::WalletsJson("ab")},
                     {"time", arrow::utf8(), R"(["2025-11-01T00:00:00", "2025-11-01T00:00:00"])"},
                     {"state_minutes", arrow::int8(), "[5, -128]"}}));
  ASSERT_EQ(floats.rows.size(), 1u);
  EXPECT_EQ(floats.rows[0].twap_id, "568722");
  EXPECT_EQ(floats.rows[0].duration_minutes, 5);
  EXPECT_EQ(floats.stats.sample_rejections,
            std::vector<std::string>{"row 1: unusable twap_id: 1.5 is not an integer"});
}

TEST_F(TwapParquetReaderTest, DictionaryEncodedColumnsAcrossRowGroups) {
  std::vector<std::shared_ptr<arrow::Field>> fields = {
      arrow::field("twap_id", arrow::int64()),
      arrow::field("state_user", arrow::dictionary(arrow::int32(), arrow::utf8())),
      arrow::field("time", arrow::utf8()),
      arrow::field("state_coin", arrow::dictionary(arrow::int32(), arrow::utf8())),
      arrow::field("status", arrow::dictionary(arrow::int32(), arrow::utf8())),
  };
  std::vector<std::shared_ptr<arrow::Array>> arrays = {
      MakeArray(arrow::int64(), "[1, 2, 3, 4, 5]"),
      MakeDictionary("[0, 1, 0, null, 1]", testing::WalletsJson("Ab")),
      MakeArray(arrow::utf8(), R"(["2025-11-01", "2025-11-02", "2025-11-03", "2025-11-04",
                                   "2025-11-05"])"),
      MakeDictionary("[1, 1, 0, 0, null]", R"(["BTC", "@107"])"),
      MakeDictionary("[0, 1, 1, 0, 1]", R"(["activated", "finished"])"),
  };
  const auto table = arrow::Table::Make(arrow::schema(fields), arrays);
  ParquetReadOptions options;
  options.batch_rows = 2;
  const auto path = Write("dict.parquet", *table, 2);
  ASSERT_EQ(ReadBackType(path, "state_user"), arrow::Type::DICTIONARY);
  const auto out = ReadAll(path, options);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.stats.rows_rejected, 1);
  EXPECT_EQ(out.stats.sample_rejections, std::vector<std::string>{"row 3: missing state_user"});
  const std::vector<std::string> wallets = {testing::TestWallet('a'), testing::TestWallet('b'),
                                            testing::TestWallet('a'), testing::TestWallet('b')};
  const std::vector<std::optional<std::string>> coins = {"@107", "@107", "BTC", std::nullopt};
  const std::vector<std::string> statuses = {"activated", "finished", "finished", "finished"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out.rows[i].wallet, wallets[i]) << i;
    EXPECT_EQ(out.rows[i].asset, coins[i]) << i;
    EXPECT_EQ(out.rows[i].status, statuses[i]) << i;
  }
  EXPECT_EQ(std::string(Json(out.rows[0].raw_payload).at("state_user").as_string()),
            testing::TestWallet('A'));
}

TEST_F(TwapParquetReaderTest, RowsWithoutRequiredFieldsAreRejectedAndCounted) {
  const auto out = ReadAll(
      Write("rejects.parquet",
            {{"twap_id", arrow::utf8(), R"(["1", null, "3", "4", "5", "abc", "7", "8", "9"])"},
             {"state_user", arrow::utf8(), testing::WalletsJson("aa-aaa_aa")},
             {"time", arrow::utf8(),
              R"(["2025-11-01", "2025-11-01", "2025-11-01", null, "not a time", "2025-11-01",
            "2025-11-01", "2025-11-01", "2025-11-01T25:00:00"])"}}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].twap_id, "1");
  EXPECT_EQ(out.rows[1].twap_id, "8");
  EXPECT_EQ(out.stats.rows_read, 9);
  EXPECT_EQ(out.stats.rows_rejected, 7);
  EXPECT_EQ(out.stats.sample_rejections,
            (std::vector<std::string>{
                "row 1: missing twap_id", "row 2: missing state_user", "row 3: missing time",
                "row 4: unusable time: invalid timestamp 'not a time': expected YYYY-MM-DD",
                "row 5: unusable twap_id: 'abc' is not an integer"}))
      << "the first five reasons";
}

TEST_F(TwapParquetReaderTest, AFileWithoutTheRequiredColumnsRejectsEveryRow) {
  const auto out =
      ReadAll(Write("no_ids.parquet", {{"state_user", arrow::utf8(), testing::WalletsJson("a")},
                                       {"time", arrow::utf8(), R"(["2025-11-01"])"}}));
  EXPECT_TRUE(out.rows.empty());
  EXPECT_EQ(out.stats.rows_read, 1);
  EXPECT_EQ(out.stats.rows_rejected, 1);
  EXPECT_EQ(out.stats.sample_rejections, std::vector<std::string>{"row 0: missing twap_id"});
}

TEST_F(TwapParquetReaderTest, ManyRowGroupsReadInSmallBatchesGiveEveryRowOnceInOrder) {
  constexpr int kRows = 50;
  const auto path = Write("groups.parquet", *MakeTable(RequiredColumns(kRows)), 7);
  {
    auto file = parquet::ParquetFileReader::OpenFile(path);
    ASSERT_EQ(file->metadata()->num_row_groups(), 8);
  }
  ParquetReadOptions options;
  options.batch_rows = 4;
  const auto out = ReadAll(path, options);
  ASSERT_EQ(out.rows.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) EXPECT_EQ(out.rows[i].twap_id, std::to_string(i + 1));
  EXPECT_GE(out.batch_sizes.size(), static_cast<size_t>(kRows / 4));
  for (const size_t n : out.batch_sizes) EXPECT_LE(n, 4u);
  EXPECT_EQ(out.stats.rows_read, kRows);
  EXPECT_EQ(out.stats.rows_rejected, 0);
}

TEST_F(TwapParquetReaderTest, TheCommittedSampleNormalisesCompletely) {
  const auto out = ReadAll(testing::SourceDir() + "/tests/data/sample_twap.parquet");
  ASSERT_EQ(out.rows.size(), 25u) << "13 TWAPs, 12 of them with a terminal row";
  EXPECT_EQ(out.stats.rows_read, 25);
  EXPECT_EQ(out.stats.rows_rejected, 0);
  EXPECT_EQ(out.stats.values_nulled, 0);
  std::map<std::string, std::vector<const TwapRow*>> per_twap;
  for (const auto& row : out.rows) per_twap[row.twap_id].push_back(&row);
  EXPECT_EQ(per_twap.size(), 13u);
  int with_terminal = 0;
  for (const auto& [id, rows] : per_twap) {
    SCOPED_TRACE(id);
    ASSERT_GE(rows.size(), 1u);
    EXPECT_EQ(rows[0]->status, "activated");
    ASSERT_TRUE(rows[0]->created_at.has_value());
    EXPECT_EQ(rows[0]->ts / 1000, *rows[0]->created_at / 1000)
        << "activated at creation, to the millisecond";
    if (rows.size() == 2) {
      ++with_terminal;
      EXPECT_NE(rows[1]->status, "activated");
      EXPECT_GT(rows[1]->ts, rows[0]->ts) << "the terminal row has its own event time";
      EXPECT_EQ(rows[1]->created_at, rows[0]->created_at) << "one creation time per TWAP";
    }
  }
  EXPECT_EQ(with_terminal, 12);
  const TwapRow& first = *per_twap.at("568722")[1];
  EXPECT_EQ(first.wallet, "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4");
  EXPECT_EQ(first.asset, "BTC");
  EXPECT_EQ(first.side, "B");
  EXPECT_EQ(first.size_requested, "0.5");
  EXPECT_EQ(first.size_executed, "0.5");
  EXPECT_EQ(first.notional_executed, "54210.35");
  EXPECT_EQ(first.status, "finished");
  EXPECT_EQ(first.duration_minutes, 30);
  EXPECT_EQ(first.ts, Micros("2025-11-01T08:45:02.123456Z"));
  EXPECT_EQ(first.created_at, Micros("2025-11-01T08:15:02.123Z"));
  EXPECT_EQ(per_twap.at("568725")[1]->status, "error");
}

TEST_F(TwapParquetReaderTest, TsColumnOverride) {
  const auto path = Write(
      "override.parquet",
      With(RequiredColumns(1), {{"state_timestamp", arrow::int64(), "[1761984902123]"},
                                {"other_time", arrow::utf8(), R"(["2030-01-01T00:00:00"])"}}));
  EXPECT_EQ(ReadAll(path).rows.at(0).ts, Micros("2025-11-01T08:00:01Z")) << "time by default";
  ParquetReadOptions options;
  options.ts_column = "state_timestamp";
  const auto created = ReadAll(path, options);
  EXPECT_EQ(created.rows.at(0).ts, Micros("2025-11-01T08:15:02.123Z"));
  EXPECT_EQ(created.rows.at(0).created_at, created.rows.at(0).ts);
  options.ts_column = "other_time";
  EXPECT_EQ(ReadAll(path, options).rows.at(0).ts, Micros("2030-01-01T00:00:00Z"));

  options.ts_column = "no_such_column";
  auto reader = TwapParquetReader::Open(path, options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(reader.status().message().find("no_such_column"), std::string::npos);
}

TEST_F(TwapParquetReaderTest, CorruptEmptyAndMissingFilesAreErrorsNotCrashes) {
  const auto empty = WriteBytes("empty.parquet", "");
  auto r = TwapParquetReader::Open(empty);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kData);
  EXPECT_NE(r.status().message().find("empty"), std::string::npos) << r.status().message();

  const auto garbage = WriteBytes("garbage.parquet", std::string(4096, 'x'));
  r = TwapParquetReader::Open(garbage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kData);
  EXPECT_NE(r.status().message().find("garbage.parquet"), std::string::npos);

  const auto good = Write("good.parquet", RequiredColumns(40));
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  r = TwapParquetReader::Open(WriteBytes("truncated.parquet", bytes.substr(0, bytes.size() / 2)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kData);

  // A valid footer over column data that is not what it claims: an error on Open or Next.
  std::string damaged = bytes;
  for (size_t i = 4; i < damaged.size() / 2; ++i) damaged[i] = static_cast<char>(0xA5 ^ i);
  auto damaged_reader = TwapParquetReader::Open(WriteBytes("damaged.parquet", damaged));
  if (damaged_reader.ok()) {
    std::vector<TwapRow> rows;
    Result<bool> more = true;
    while (more.ok() && *more) more = (*damaged_reader)->Next(rows);
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.status().kind(), ErrorKind::kData);
  } else {
    EXPECT_EQ(damaged_reader.status().kind(), ErrorKind::kData);
  }

  r = TwapParquetReader::Open((dir_ / "missing.parquet").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kNotFound);
}

TEST_F(TwapParquetReaderTest, AnEmptyFileOfRowsIsDoneAtOnce) {
  const auto out = ReadAll(Write("no_rows.parquet", {{"twap_id", arrow::int64(), "[]"},
                                                     {"state_user", arrow::utf8(), "[]"},
                                                     {"time", arrow::utf8(), "[]"}}));
  EXPECT_TRUE(out.rows.empty());
  EXPECT_TRUE(out.batch_sizes.empty());
  EXPECT_EQ(out.stats.rows_read, 0);
}

// Instants outside years 0001..9999 (PostgreSQL takes more, ISO-8601 text with a four-digit year
// does not) reject the row when they are ts, become NULL otherwise, and stay numbers in raw:
// never a wrapped product or a garbled date.
TEST_F(TwapParquetReaderTest, Date32BeyondTheUsableYearsIsRejectedNotWrapped) {
  // 213524353 days (year ~586,600) times 86,400,000,000 wraps around int64 to 2025-10-09.
  const auto out = ReadAll(Write(
      "date32.parquet",
      {{"twap_id", arrow::int64(), "[1, 2, 3, 4, 5, 6]"},
       {"state_user", arrow::utf8(), testing::WalletsJson("aaaaaa")},
       {"time", arrow::date32(), "[213524353, 2932896, 2932897, -719162, -719163, -2147483648]"},
       {"state_timestamp", arrow::date32(), "[0, 2147483647, 0, 0, 0, 0]"}}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].twap_id, "2");
  EXPECT_EQ(out.rows[0].ts, Micros("9999-12-31T00:00:00Z"));
  EXPECT_EQ(out.rows[0].created_at, std::nullopt) << "year ~5.9 million";
  EXPECT_EQ(out.rows[1].twap_id, "4");
  EXPECT_EQ(out.rows[1].ts, Micros("0001-01-01T00:00:00Z"));
  EXPECT_EQ(out.stats.rows_rejected, 4);
  EXPECT_EQ(out.stats.values_nulled, 1);
  EXPECT_EQ(out.stats.sample_rejections.at(0),
            "row 0: unusable time: out of the range of years 1 to 9999");
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("time"), "9999-12-31");
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("state_timestamp"), 2147483647)
      << "raw keeps a date it cannot write as the stored number";
}

TEST_F(TwapParquetReaderTest, SecondTimestampsBeyondTheUsableYearsAreRejected) {
  const auto second = arrow::timestamp(arrow::TimeUnit::SECOND);
  const auto out =
      ReadAll(Write("ts_s.parquet",
                    {{"twap_id", arrow::int64(), "[1, 2, 3, 4, 5, 6]"},
                     {"state_user", arrow::utf8(), testing::WalletsJson("aaaaaa")},
                     {"time", second,
                      "[253402300799, 253402300800, -62135596800, -62135596801, 9223372036854775, "
                      "1761984902]"},
                     {"state_timestamp", second, "[0, 0, 0, 0, 0, 9223372036854]"}}));
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0].ts, Micros("9999-12-31T23:59:59Z"));
  EXPECT_EQ(out.rows[1].ts, Micros("0001-01-01T00:00:00Z"));
  EXPECT_EQ(out.rows[2].ts, Micros("2025-11-01T08:15:02Z"));
  EXPECT_EQ(out.rows[2].created_at, std::nullopt) << "year ~294,000 fits int64 microseconds";
  EXPECT_EQ(out.stats.rows_rejected, 3);
  EXPECT_EQ(out.stats.values_nulled, 1);
  EXPECT_EQ(
      out.stats.sample_rejections,
      (std::vector<std::string>{"row 1: unusable time: out of the range of years 1 to 9999",
                                "row 3: unusable time: out of the range of years 1 to 9999",
                                "row 4: unusable time: out of the range of years 1 to 9999"}));
  EXPECT_EQ(Json(out.rows[0].raw_payload).at("time"), "9999-12-31T23:59:59Z");
  // Parquet has no second unit: Arrow writes (and reads back) these as milliseconds.
  EXPECT_EQ(Json(out.rows[2].raw_payload).at("state_timestamp"), 9223372036854000)
      << "not a garbled year";
}

TEST_F(TwapParquetReaderTest, EpochMillisecondsBeyondTheUsableYearsAreRejected) {
  const auto out = ReadAll(
      Write("int_ms.parquet",
            {{"twap_id", arrow::int64(), "[1, 2, 3, 4, 5]"},
             {"state_user", arrow::utf8(), testing::WalletsJson("aaaaa")},
             {"time", arrow::int64(),
              "[253402300799999, 253402300800000, 9223372036854775807, -9223372036854775808, "
              "-62135596800000]"},
             {"state_timestamp", arrow::uint64(), "[18446744073709551615, 0, 0, 0, 0]"}}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].ts, Micros("9999-12-31T23:59:59.999Z"));
  EXPECT_EQ(out.rows[0].created_at, std::nullopt);
  EXPECT_EQ(out.rows[1].ts, Micros("0001-01-01T00:00:00Z"));
  EXPECT_EQ(out.stats.rows_rejected, 3);
  EXPECT_EQ(out.stats.values_nulled, 1) << "the uint64 beyond int64";
  EXPECT_EQ(
      out.stats.sample_rejections,
      (std::vector<std::string>{"row 1: unusable time: out of the range of years 1 to 9999",
                                "row 2: unusable time: out of the range of years 1 to 9999",
                                "row 3: unusable time: out of the range of years 1 to 9999"}));
}

}  // namespace
}  // namespace hltwap
