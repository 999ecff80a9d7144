// The fill rules on real parquet files written here with Arrow: which rows are TWAP slice fills,
// every accepted encoding of numbers, times and identifiers, and the rejections.
#include "etl/fill_parquet_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "common/time_util.h"
#include "tests/fill_test_files.h"

namespace hltwap {
namespace {

using testing::Column;
using testing::FillColumns;
using testing::MakeFill;
using testing::Replaced;
using testing::TestFill;

int64_t Micros(const char* iso) {
  return ParseTimestampUtc(iso).value();
}

testing::ReadOutcome<FillRow> ReadAll(const std::string& path, int64_t batch_rows = 65536) {
  return testing::ReadRows<FillRow>(FillParquetReader::Open(path, batch_rows));
}

class FillParquetReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("hltwap_fills_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::vector<Column>& columns,
                    int64_t row_group_rows = 1 << 20) {
    const std::string path = (dir_ / name).string();
    testing::WriteColumns(path, columns, row_group_rows);
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(FillParquetReaderTest, CamelAndSnakeCaseNamesGiveTheSameFills) {
  const std::vector<TestFill> fills = {MakeFill(568722, 11), MakeFill(568723, 12)};
  const auto camel = ReadAll(Write("camel.parquet", FillColumns(fills, testing::Naming::kCamel)));
  const auto snake = ReadAll(Write("snake.parquet", FillColumns(fills, testing::Naming::kSnake)));
  ASSERT_EQ(camel.rows.size(), 2u);
  ASSERT_EQ(snake.rows.size(), 2u);
  for (const auto* out : {&camel, &snake}) {
    const FillRow& r = out->rows[0];
    EXPECT_EQ(r.twap_id, "568722");
    EXPECT_EQ(r.wallet, testing::kFillWallet);
    EXPECT_EQ(r.tid, "11");
    EXPECT_EQ(r.time, Micros("2025-11-01T08:00:11Z"));
    EXPECT_EQ(r.coin, "BTC");
    EXPECT_EQ(r.side, "B");
    EXPECT_EQ(r.px, "100000.5");
    EXPECT_EQ(r.sz, "0.001");
    EXPECT_EQ(r.fee, "0.0435");
    EXPECT_EQ(r.fee_token, "USDC") << "feeToken / fee_token";
    EXPECT_EQ(r.closed_pnl, "0.0") << "closedPnl / closed_pnl";
    EXPECT_EQ(r.start_position, "0.0") << "startPosition / start_position";
    EXPECT_EQ(r.dir, "Open Long");
    EXPECT_EQ(r.crossed, true);
    EXPECT_EQ(r.oid, "9011");
    EXPECT_EQ(r.hash, testing::kZeroHash);
    EXPECT_EQ(r.builder_fee, std::nullopt);
  }
  const auto raw = boost::json::parse(snake.rows[1].raw_payload).as_object();
  EXPECT_EQ(raw.at("twap_id"), 568723) << "raw keeps the file's own names";
  EXPECT_EQ(raw.at("fee_token"), "USDC");
  EXPECT_EQ(raw.at("_metadata"), false);
  EXPECT_EQ(raw.size(), 17u) << "every column";
}

TEST_F(FillParquetReaderTest, OnlyRowsWithANonZeroTwapIdAreKeptTheRestAreSkipped) {
  TestFill no_twap = MakeFill(0, 2);
  no_twap.twap_id = std::nullopt;
  TestFill metadata = MakeFill(7, 4);
  metadata.metadata = true;
  const auto out = ReadAll(
      Write("mixed.parquet",
            FillColumns({MakeFill(7, 1), no_twap, MakeFill(0, 3), metadata, MakeFill(8, 5)})));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].tid, "1");
  EXPECT_EQ(out.rows[1].tid, "5");
  EXPECT_EQ(out.stats.rows_read, 5);
  EXPECT_EQ(out.stats.rows_skipped, 3) << "null id, zero id, metadata row";
  EXPECT_EQ(out.stats.rows_rejected, 0);

  // Zero spelled as text, and TWAP ids given as strings.
  const auto text_ids = ReadAll(
      Write("text_ids.parquet",
            Replaced(FillColumns({MakeFill(1, 1), MakeFill(1, 2), MakeFill(1, 3), MakeFill(1, 4)}),
                     "twapId", {"twapId", arrow::utf8(), R"(["0", "000", "568722", null])"})));
  ASSERT_EQ(text_ids.rows.size(), 1u);
  EXPECT_EQ(text_ids.rows[0].twap_id, "568722");
  EXPECT_EQ(text_ids.stats.rows_skipped, 3);

  // No TWAP id column at all: an hour without TWAP activity.
  const auto none = ReadAll(
      Write("no_twaps.parquet", Replaced(FillColumns({MakeFill(1, 1)}), "twapId", Column{})));
  EXPECT_TRUE(none.rows.empty());
  EXPECT_EQ(none.stats.rows_skipped, 1);
}

TEST_F(FillParquetReaderTest, NumbersAsStringsFloatsAndDecimal128AreExact) {
  const auto fills = FillColumns({MakeFill(1, 1), MakeFill(1, 2), MakeFill(1, 3)});
  auto columns = Replaced(fills, "px", {"px", arrow::float64(), "[0.1, 123456.789, 3e-8]"});
  columns =
      Replaced(columns, "sz",
               {"sz", arrow::decimal128(20, 8), R"(["0.00100000", "12.50000000", "1.00000000"])"});
  columns = Replaced(columns, "fee", {"fee", arrow::utf8(), R"(["-0.00123", "0.0000001", null])"});
  columns = Replaced(columns, "closedPnl", {"closedPnl", arrow::float64(), "[-12.5, 0, 1e21]"});
  columns.push_back({"builderFee", arrow::decimal128(10, 6), R"(["0.000100", null, "-1.000000"])"});
  const auto out = ReadAll(Write("numbers.parquet", columns));
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0].px, "0.1") << "shortest round trip, never 0.1000000000000000055";
  EXPECT_EQ(out.rows[1].px, "123456.789");
  EXPECT_EQ(out.rows[2].px, "0.00000003");
  EXPECT_EQ(out.rows[0].sz, "0.00100000") << "decimal128 digit for digit";
  EXPECT_EQ(out.rows[1].sz, "12.50000000");
  EXPECT_EQ(out.rows[0].fee, "-0.00123") << "a rebate, exact";
  EXPECT_EQ(out.rows[1].fee, "0.0000001");
  EXPECT_EQ(out.rows[2].fee, std::nullopt);
  EXPECT_EQ(out.rows[0].closed_pnl, "-12.5");
  EXPECT_EQ(out.rows[2].closed_pnl, "1000000000000000000000");
  EXPECT_EQ(out.rows[0].builder_fee, "0.000100");
  EXPECT_EQ(out.rows[1].builder_fee, std::nullopt);
  EXPECT_EQ(out.rows[2].builder_fee, "-1.000000");
  EXPECT_EQ(boost::json::parse(out.rows[1].raw_payload).at("sz"), "12.50000000");
}

TEST_F(FillParquetReaderTest, TimesOfEveryEncodingAreTheSameUtcInstant) {
  const int64_t ms = 1761984902123;  // 2025-11-01T08:15:02.123Z
  const int64_t instant = Micros("2025-11-01T08:15:02.123Z");
  const std::string whole = std::to_string(ms / 1000);
  const std::vector<Column> encodings = {
      {"time", arrow::timestamp(arrow::TimeUnit::SECOND), "[" + whole + "]"},
      {"time", arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"), "[" + std::to_string(ms) + "]"},
      {"time", arrow::timestamp(arrow::TimeUnit::MICRO), "[" + std::to_string(instant) + "]"},
      {"time", arrow::timestamp(arrow::TimeUnit::NANO, "Asia/Tokyo"),
       "[" + std::to_string(instant * 1000) + "]"},
      {"time", arrow::timestamp(arrow::TimeUnit::NANO), "[" + std::to_string(ms) + "]"},
      {"time", arrow::int64(), "[" + std::to_string(ms) + "]"},
      {"time", arrow::utf8(), R"(["2025-11-01T08:15:02.123Z"])"},
      {"time", arrow::utf8(), R"(["2025-11-01T17:15:02.123+09:00"])"},
  };
  for (size_t i = 0; i < encodings.size(); ++i) {
    const auto out = ReadAll(Write(fmt::format("time{}.parquet", i),
                                   Replaced(FillColumns({MakeFill(1, 1)}), "time", encodings[i])));
    ASSERT_EQ(out.rows.size(), 1u) << encodings[i].type->ToString();
    const int64_t expected = i == 0 ? Micros("2025-11-01T08:15:02Z") : instant;
    EXPECT_EQ(out.rows[0].time, expected) << i << ": " << encodings[i].type->ToString();
  }
}

TEST_F(FillParquetReaderTest, IdentifiersAsUnsignedIntegersAndStrings) {
  auto columns = Replaced(FillColumns({MakeFill(1, 1), MakeFill(1, 2)}), "twapId",
                          {"twapId", arrow::uint64(), "[18446744073709551615, 568722]"});
  columns = Replaced(columns, "tid",
                     {"tid", arrow::uint64(), "[18446744073709551615, 9223372036854775808]"});
  columns = Replaced(columns, "oid", {"oid", arrow::utf8(), R"(["0042", null])"});
  columns = Replaced(
      columns, "user",
      {"user", arrow::utf8(),
       R"(["0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4", "0XABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD"])"});
  columns = Replaced(columns, "side", {"side", arrow::utf8(), R"(["a", "B"])"});
  const auto out = ReadAll(Write("ids.parquet", columns));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].twap_id, "18446744073709551615");
  EXPECT_EQ(out.rows[0].tid, "18446744073709551615");
  EXPECT_EQ(out.rows[1].tid, "9223372036854775808");
  EXPECT_EQ(out.rows[0].oid, "42");
  EXPECT_EQ(out.rows[1].oid, std::nullopt);
  EXPECT_EQ(out.rows[0].wallet, testing::kFillWallet) << "lowercased like status wallets";
  EXPECT_EQ(out.rows[1].wallet, "0xabcdefabcdefabcdefabcdefabcdefabcdefabcd");
  EXPECT_EQ(out.rows[0].side, "A");
  EXPECT_EQ(boost::json::parse(out.rows[0].raw_payload).at("user"),
            "0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4")
      << "raw keeps the original";
}

TEST_F(FillParquetReaderTest, BadRowsAreRejectedWithAReasonAndTheRestLoad) {
  std::vector<TestFill> fills;
  for (int i = 1; i <= 9; ++i) fills.push_back(MakeFill(5, i));
  auto columns = FillColumns(fills);
  columns = Replaced(columns, "tid", {"tid", arrow::int64(), "[1, null, 3, 4, 5, 6, 7, 8, 9]"});
  columns =
      Replaced(columns, "time",
               {"time", arrow::utf8(),
                R"(["2025-11-01T08:00:00Z", "2025-11-01T08:00:00Z", null, "2025-11-01T08:00:00Z",
          "2025-11-01T08:00:00Z", "2025-11-01T08:00:00Z", "2025-11-01T08:00:00Z", "soon",
          "2025-11-01T08:00:00Z"])"});
  columns = Replaced(columns, "px",
                     {"px", arrow::utf8(), R"(["1", "1", "1", "abc", "1", "1", "1", "1", "2"])"});
  columns = Replaced(columns, "sz",
                     {"sz", arrow::utf8(), R"(["1", "1", "1", "1", "0.000", "1", "1", "1", "3"])"});
  columns = Replaced(columns, "user", {"user", arrow::utf8(), testing::WalletsJson("aaaaa-aab")});
  columns = Replaced(columns, "side",
                     {"side", arrow::utf8(), R"(["B", "B", "B", "B", "B", "B", "X", "B", "A"])"});
  const auto out = ReadAll(Write("bad.parquet", columns));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].tid, "1");
  EXPECT_EQ(out.rows[1].tid, "9");
  EXPECT_EQ(out.rows[1].px, "2");
  EXPECT_EQ(out.stats.rows_rejected, 7);
  EXPECT_EQ(out.stats.rows_skipped, 0);
  ASSERT_EQ(out.stats.sample_rejections.size(), 5u);
  EXPECT_EQ(out.stats.sample_rejections[0], "row 1: missing tid");
  EXPECT_EQ(out.stats.sample_rejections[1], "row 2: missing time");
  EXPECT_NE(out.stats.sample_rejections[2].find("row 3: unusable px: 'abc' is not a decimal"),
            std::string::npos)
      << out.stats.sample_rejections[2];
  EXPECT_EQ(out.stats.sample_rejections[3], "row 4: sz 0.000 is not positive");
  EXPECT_EQ(out.stats.sample_rejections[4], "row 5: missing user");
}

TEST_F(FillParquetReaderTest, UnknownSideAndUnusableTwapIdAreRejectedNotSkipped) {
  auto columns = FillColumns({MakeFill(1, 1), MakeFill(1, 2)});
  columns = Replaced(columns, "twapId", {"twapId", arrow::utf8(), R"(["x7", "7"])"});
  columns = Replaced(columns, "side", {"side", arrow::utf8(), R"(["B", "Sell"])"});
  const auto out = ReadAll(Write("side.parquet", columns));
  EXPECT_TRUE(out.rows.empty());
  EXPECT_EQ(out.stats.rows_rejected, 2);
  ASSERT_EQ(out.stats.sample_rejections.size(), 2u);
  EXPECT_EQ(out.stats.sample_rejections[0], "row 0: unusable twapId: 'x7' is not an integer");
  EXPECT_EQ(out.stats.sample_rejections[1], "row 1: unknown side 'Sell' (expected B or A)");
}

// A big hour is mostly fills of no TWAP: batches stay bounded and every slice comes once.
TEST_F(FillParquetReaderTest, ManyRowGroupsInSmallBatchesGiveEverySliceOnceInOrder) {
  std::vector<TestFill> fills;
  for (int i = 0; i < 1000; ++i) {
    TestFill f = MakeFill(i % 10 == 0 ? 100 + i : 0, i);
    if (i % 10 != 0) f.twap_id = std::nullopt;
    fills.push_back(f);
  }
  const auto out = ReadAll(Write("big.parquet", FillColumns(fills), 128), 64);
  ASSERT_EQ(out.rows.size(), 100u);
  for (size_t i = 0; i < out.rows.size(); ++i) EXPECT_EQ(out.rows[i].tid, std::to_string(i * 10));
  for (const size_t n : out.batch_sizes) EXPECT_LE(n, 64u);
  EXPECT_EQ(out.stats.rows_read, 1000);
  EXPECT_EQ(out.stats.rows_skipped, 900);
}

TEST_F(FillParquetReaderTest, CorruptAndMissingFilesAreErrors) {
  const std::string corrupt = (dir_ / "corrupt.parquet").string();
  { std::ofstream(corrupt) << "PAR1 not really PAR1"; }
  EXPECT_FALSE(FillParquetReader::Open(corrupt).ok());
  const auto missing = FillParquetReader::Open((dir_ / "missing.parquet").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace hltwap
