// `hltwap etl --local-file` on hostile parquet files, each generated here with Arrow and loaded
// through the real program into a real database: oversized values, invalid UTF-8, SQL
// metacharacters, extreme dates and integers, wrong types, and files that are empty, have no
// rows, are not parquet or are cut short. Every case states its exit status and how many rows
// were inserted, rejected (by reason), nulled and truncated; the whole table is printed.
#include <arrow/api.h>
#include <fmt/format.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/etl_test_files.h"
#include "tests/parquet_test_table.h"

namespace hltwap::testing {
namespace {

constexpr const char* kWallet = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";

// What one run did, read from its summary line.
struct Outcome {
  int exit_code = -1;
  int64_t ok = -1, failed = -1;  // objects
  int64_t read = -1, inserted = -1, rejected = -1, skipped = -1, collapsed = -1, nulled = -1,
          truncated = -1;
  std::string reasons;    // the summary's "rejected: ..." part, "" when none
  int64_t peak_kib = -1;  // the run's peak resident memory, as it logs it
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "exit " << o.exit_code << ", " << o.failed << " failed, " << o.read << " read, "
            << o.inserted << " inserted, " << o.rejected << " rejected, " << o.nulled << " nulled, "
            << o.truncated << " truncated; " << o.reasons << "\n"
            << o.err;
}

Outcome Parse(const ProcessResult& r) {
  Outcome o;
  o.exit_code = r.exit_code;
  o.err = r.err.size() > 4000 ? r.err.substr(r.err.size() - 4000) : r.err;
  static const std::regex peak(R"(peak resident memory (\d+) KiB)");
  if (std::smatch m; std::regex_search(r.err, m, peak)) o.peak_kib = std::stoll(m[1]);
  static const std::regex summary(
      R"(etl: \d+ objects \((\d+) ok, (\d+) failed, .*?, (\d+) rows read, (\d+) inserted, (\d+) )"
      R"(rejected, (\d+) skipped, (\d+) collapsed, (\d+) values nulled, (\d+) raw values )"
      R"(truncated, [^;\n]*(; rejected: ([^;\n]*))?)");
  std::smatch m;
  if (!std::regex_search(r.err, m, summary)) return o;
  int64_t* counts[] = {&o.ok,      &o.failed,    &o.read,   &o.inserted, &o.rejected,
                       &o.skipped, &o.collapsed, &o.nulled, &o.truncated};
  for (size_t i = 0; i < std::size(counts); ++i) *counts[i] = std::stoll(m[i + 1]);
  o.reasons = m[11];
  return o;
}

// A parquet file built column by column: an Arrow array per column, in order.
class File {
 public:
  File& Add(const std::string& name, std::shared_ptr<arrow::Array> array) {
    fields_.push_back(arrow::field(name, array->type()));
    arrays_.push_back(std::move(array));
    return *this;
  }
  File& Json(const std::string& name, std::shared_ptr<arrow::DataType> type,
             const std::string& json) {
    auto array = arrow::json::ArrayFromJSONString(type, json);
    EXPECT_TRUE(array.ok()) << name << ": " << array.status().ToString();
    return array.ok() ? Add(name, *array) : *this;
  }
  void Write(const std::string& path) const {
    const auto table = arrow::Table::Make(arrow::schema(fields_), arrays_);
    auto out = arrow::io::FileOutputStream::Open(path);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const auto arrow_properties = parquet::ArrowWriterProperties::Builder().store_schema()->build();
    const auto st =
        parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, 1 << 20,
                                   parquet::default_writer_properties(), arrow_properties);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE((*out)->Close().ok());
  }

 private:
  std::vector<std::shared_ptr<arrow::Field>> fields_;
  std::vector<std::shared_ptr<arrow::Array>> arrays_;
};

// A string column from raw bytes (no JSON, so any byte and any length goes in); nullopt: null.
std::shared_ptr<arrow::Array> Strings(const std::vector<std::optional<std::string>>& values) {
  arrow::StringBuilder builder;
  for (const auto& v : values) {
    EXPECT_TRUE((v ? builder.Append(*v) : builder.AppendNull()).ok());
  }
  std::shared_ptr<arrow::Array> array;
  EXPECT_TRUE(builder.Finish(&array).ok());
  return array;
}

// `n` characters of `alphabet` in no order PostgreSQL could compress (a repeated character
// would shrink to a few bytes and hide the size from the index).
std::string Noise(size_t n, std::string_view alphabet) {
  std::string out(n, ' ');
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = alphabet[x % alphabet.size()];
  }
  return out;
}

std::shared_ptr<arrow::Array> Repeat(const std::string& value, int n) {
  return Strings(std::vector<std::optional<std::string>>(static_cast<size_t>(n), value));
}

std::string JsonInts(int first, int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i > 0 ? "," : "") + std::to_string(first + i);
  return out + "]";
}

// The columns of `n` valid status rows (TWAP ids 1..n, one wallet, one event time each), then
// `extra` in their place or added: a column of `extra` with a name of the base replaces it.
File StatusFile(int n, std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>> extra) {
  std::vector<std::optional<std::string>> times;
  for (int i = 0; i < n; ++i) times.emplace_back(fmt::format("2025-11-01T08:00:{:02}", i % 60));
  std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>> columns = {
      {"time", Strings(times)},
      {"twap_id", *arrow::json::ArrayFromJSONString(arrow::int64(), JsonInts(1, n))},
      {"state_user", Repeat(kWallet, n)},
      {"state_coin", Repeat("BTC", n)},
      {"state_side", Repeat("B", n)},
      {"state_sz", Repeat("10", n)},
      {"state_executedSz", Repeat("0.0", n)},
      {"state_executedNtl", Repeat("0.0", n)},
      {"state_minutes", *arrow::json::ArrayFromJSONString(arrow::int64(), JsonInts(30, n))},
      {"status", Repeat("activated", n)},
  };
  for (auto& [name, array] : extra) {
    auto same = std::find_if(columns.begin(), columns.end(),
                             [&](const auto& c) { return c.first == name; });
    if (same != columns.end()) {
      same->second = std::move(array);
    } else {
      columns.emplace_back(name, std::move(array));
    }
  }
  File file;
  for (auto& [name, array] : columns) file.Add(name, array);
  return file;
}

class EtlHostile : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    std::cout << "\nhostile inputs: exit status, objects failed, rows read, inserted, rejected, "
                 "nulled, raw values truncated, rejections by reason\n"
              << table_;
  }

  // Loads `path` with `hltwap etl --local-file` and records the case in the table.
  Outcome Load(const std::string& name, const std::string& path,
               const std::string& dataset = "twap_statuses") {
    EnvOverrides env = DbEnv(db_);
    env["LOG_LEVEL"] = "debug";  // for the peak memory
    const Outcome o =
        Parse(RunEtlCommand({"--dataset", dataset, "--local-file", path, "--reprocess"}, env));
    table_ +=
        fmt::format("  {:<30} {:>4} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  {}\n", name, o.exit_code,
                    o.failed, o.read, o.inserted, o.rejected, o.nulled, o.truncated, o.reasons);
    return o;
  }

  std::string Scalar(const std::string& sql) const { return db_.Scalar(sql); }

  TestDatabase db_;
  TempDir dir_;
  static inline std::string table_;
};

// One oversized value rejects its row (or, in an optional field, is stored as NULL), and one
// beyond the raw bound is replaced by a marker in raw_payload; the rest of the file loads.
TEST_F(EtlHostile, OversizedValuesRejectTheirRowNotTheFile) {
  const std::string blob = Noise(20 << 20, "abcdefghijklmnopqrstuvwxyz");  // 20 MiB, one value
  const std::string path = dir_.File("oversized.parquet");
  StatusFile(6, {{"state_user", Strings({kWallet, "0x" + Noise(9000, "0123456789abcdef"), kWallet,
                                         kWallet, kWallet, kWallet})},
                 {"twap_id", Strings({"1", "2", "1" + Noise(5000, "0123456789"), "4", "5", "6"})},
                 {"status", Strings({"activated", "activated", "activated", "activated",
                                     Noise(300, "abcdefghijklmnopqrstuvwxyz"), "activated"})},
                 {"blob", Strings({"small", "small", "small", blob, "small", "small"})}})
      .Write(path);
  const Outcome o = Load("oversized values", path);
  EXPECT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.read, 6) << o;
  EXPECT_EQ(o.inserted, 4) << o;
  EXPECT_EQ(o.rejected, 2) << o;
  EXPECT_EQ(o.reasons, "1 state_user too long, 1 twap_id too long") << o;
  EXPECT_EQ(o.nulled, 1) << "the 300-byte status" << o;
  EXPECT_EQ(o.truncated, 1) << o;
  EXPECT_EQ(Scalar("SELECT string_agg(left(twap_id, 20) || ':' || coalesce(status, 'NULL'), ' ' "
                   "ORDER BY twap_id) FROM twap_status"),
            "1:activated 4:activated 5:NULL 6:activated");
  EXPECT_EQ(Scalar("SELECT left(raw_payload->>'blob', 100) FROM twap_status WHERE twap_id = '4'"),
            R"({"bytes": 20971520, "truncated": true})");
  EXPECT_EQ(Scalar("SELECT length(raw_payload->>'status') FROM twap_status WHERE twap_id = '5'"),
            "300")
      << "raw_payload keeps what the column could not";
}

// Invalid UTF-8 and NUL bytes become U+FFFD, in the columns and in raw_payload alike.
TEST_F(EtlHostile, InvalidUtf8IsReplacedNotRefused) {
  const std::string path = dir_.File("utf8.parquet");
  StatusFile(3, {{"state_coin", Strings({"\xff\xfe"
                                         "BTC",
                                         "ETH", "SOL"})},
                 {"status", Strings({"activated", "act\xc3", "activated"})},
                 {"note", Strings({"a\x80"
                                   "b",
                                   std::string("a\0b", 3), "\xed\xa0\x80"})}})
      .Write(path);
  const Outcome o = Load("invalid UTF-8 and NUL", path);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 3) << o;
  EXPECT_EQ(o.rejected, 0) << o;
  EXPECT_EQ(Scalar("SELECT asset = U&'\\FFFD\\FFFDBTC' FROM twap_status WHERE twap_id = '1'"), "t");
  EXPECT_EQ(Scalar("SELECT status = U&'act\\FFFD' FROM twap_status WHERE twap_id = '2'"), "t");
  EXPECT_EQ(Scalar("SELECT string_agg(raw_payload->>'note', '|' ORDER BY twap_id) = "
                   "U&'a\\FFFDb|a\\FFFDb|\\FFFD\\FFFD\\FFFD' FROM twap_status"),
            "t");
}

// Text that is SQL to a careless loader is data here: stored and returned byte for byte.
TEST_F(EtlHostile, SqlMetacharactersAreStoredVerbatim) {
  const std::string path = dir_.File("sql.parquet");
  const std::string drop = "'; DROP TABLE twap_status; --";
  const std::string sleep = "x'||pg_sleep(10)||'";
  StatusFile(3, {{"state_coin", Strings({drop, "BTC", "$1"})},
                 {"status", Strings({"activated", sleep, R"(activated"); --)"})},
                 {R"(we"ird'col)", Strings({R"(\)", "%s%n", R"(E'\x00')"})}})
      .Write(path);
  const Outcome o = Load("SQL metacharacters", path);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 3) << o;
  EXPECT_EQ(Scalar("SELECT asset FROM twap_status WHERE twap_id = '1'"), drop);
  EXPECT_EQ(Scalar("SELECT status FROM twap_status WHERE twap_id = '2'"), sleep);
  EXPECT_EQ(Scalar(R"(SELECT raw_payload->>'we"ird''col' FROM twap_status WHERE twap_id = '3')"),
            R"(E'\x00')");
  EXPECT_EQ(Scalar("SELECT count(*) FROM twap_status"), "3");
}

// Instants beyond what PostgreSQL and ISO text hold, and integers beyond their column: a
// required time rejects the row, an optional value is NULL, raw keeps the stored number.
TEST_F(EtlHostile, ExtremeDatesAndIntegersAreRejectedOrNulledNeverWrapped) {
  const std::string path = dir_.File("extreme.parquet");
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  StatusFile(
      4, {{"time", *arrow::json::ArrayFromJSONString(
                       arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"),
                       fmt::format("[{}, {}, 253402300800000, 1761984000000]", max, min))},
          {"twap_id",
           *arrow::json::ArrayFromJSONString(arrow::uint64(), "[1, 2, 3, 18446744073709551615]")},
          {"state_timestamp",
           *arrow::json::ArrayFromJSONString(arrow::int64(), fmt::format("[0, 0, 0, {}]", max))},
          {"state_minutes",
           *arrow::json::ArrayFromJSONString(arrow::int64(), "[30, 30, 30, 1099511627776]")},
          {"d32",
           *arrow::json::ArrayFromJSONString(arrow::date32(), "[0, 0, -2147483648, 2147483647]")}})
      .Write(path);
  const Outcome o = Load("extreme dates and integers", path);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.read, 4) << o;
  EXPECT_EQ(o.inserted, 1) << o;
  EXPECT_EQ(o.rejected, 3) << o;
  EXPECT_EQ(o.reasons, "3 unusable time") << o;
  EXPECT_EQ(o.nulled, 2) << "created_at and minutes of the last row" << o;
  EXPECT_EQ(Scalar("SELECT concat_ws('|', twap_id, created_at IS NULL, duration_minutes IS NULL, "
                   "raw_payload->'d32', raw_payload->'state_timestamp') FROM twap_status"),
            fmt::format("18446744073709551615|t|t|2147483647|{}", max));
}

// A column of a type its field has no reading for: a required field rejects every row, an
// optional one is NULL in every row; nothing crashes and the rest of each row loads.
TEST_F(EtlHostile, WrongTypesRejectOrNullTheirField) {
  const std::string required = dir_.File("wrong_required.parquet");
  StatusFile(3, {{"twap_id", *arrow::json::ArrayFromJSONString(arrow::list(arrow::int64()),
                                                               "[[1], [2], null]")}})
      .Write(required);
  Outcome o = Load("wrong type: twap_id list", required);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 0) << o;
  EXPECT_EQ(o.reasons, "2 unusable twap_id, 1 missing twap_id") << o;

  const std::string wallet = dir_.File("wrong_wallet.parquet");
  StatusFile(2, {{"state_user", *arrow::json::ArrayFromJSONString(arrow::int64(), "[1, 2]")}})
      .Write(wallet);
  o = Load("wrong type: state_user int", wallet);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 0) << o;
  EXPECT_EQ(o.reasons, "2 unusable state_user") << o;

  const std::string optional = dir_.File("wrong_optional.parquet");
  StatusFile(2, {{"state_sz", *arrow::json::ArrayFromJSONString(arrow::boolean(), "[true, false]")},
                 {"state_minutes", Strings({"thirty", "30"})},
                 {"state_coin", *arrow::json::ArrayFromJSONString(arrow::float64(), "[1.5, 2]")},
                 {"status", *arrow::json::ArrayFromJSONString(
                                arrow::struct_({arrow::field("code", arrow::int32())}),
                                R"([{"code": 1}, null])")}})
      .Write(optional);
  o = Load("wrong types: optional fields", optional);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 2) << o;
  EXPECT_EQ(o.rejected, 0) << o;
  EXPECT_EQ(o.nulled, 5) << "state_sz twice, minutes once, coin twice; a struct without status "
                            "gives no value"
                         << o;
  EXPECT_EQ(Scalar("SELECT count(*) FROM twap_status WHERE size_requested IS NULL AND asset IS "
                   "NULL AND status IS NULL"),
            "2");
}

// NaN and infinities, as text or as floats, are no decimals: NULL, counted; raw shows null.
TEST_F(EtlHostile, NanAndInfinitiesAreNulled) {
  const std::string path = dir_.File("nan.parquet");
  arrow::DoubleBuilder executed;
  ASSERT_TRUE(executed.Append(std::numeric_limits<double>::quiet_NaN()).ok());
  ASSERT_TRUE(executed.Append(std::numeric_limits<double>::infinity()).ok());
  ASSERT_TRUE(executed.Append(-std::numeric_limits<double>::infinity()).ok());
  StatusFile(3, {{"state_sz", Strings({"NaN", "Infinity", "1"})},
                 {"state_executedSz", *executed.Finish()}})
      .Write(path);
  const Outcome o = Load("NaN and infinities", path);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 3) << o;
  EXPECT_EQ(o.nulled, 5) << o;
  EXPECT_EQ(Scalar("SELECT string_agg(concat_ws('|', size_requested, size_executed, "
                   "raw_payload->'state_executedSz'), ' ' ORDER BY twap_id) FROM twap_status"),
            "null null 1|null");
}

// A row whose raw_payload would pass 1 MiB (a list of 300,000 numbers) keeps its columns and
// gets the row marker; duplicated column names read the first, and raw keeps the last.
TEST_F(EtlHostile, HugeListsAndDuplicatedColumnNames) {
  const std::string path = dir_.File("list.parquet");
  std::string numbers = "[[";
  for (int i = 0; i < 300'000; ++i) numbers += (i > 0 ? "," : "") + std::to_string(1'000'000 + i);
  StatusFile(2, {{"big", *arrow::json::ArrayFromJSONString(arrow::list(arrow::int64()),
                                                           numbers + "], [1]]")}})
      .Add("twap_id", Strings({"x", "y"}))
      .Write(path);
  const Outcome o = Load("huge list, duplicated names", path);
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.inserted, 2) << o;
  EXPECT_EQ(o.truncated, 1) << o;
  EXPECT_EQ(Scalar("SELECT string_agg(twap_id || ' ' || CASE WHEN twap_id = '1' THEN "
                   "raw_payload::text ELSE raw_payload->>'big' END, ' | ' ORDER BY twap_id) FROM "
                   "twap_status"),
            R"(1 {"limit": 1048576, "truncated": true} | 2 [1])");
  EXPECT_EQ(Scalar("SELECT raw_payload->>'twap_id' FROM twap_status WHERE twap_id = '2'"), "y");
}

// Files that are not parquet, or no longer whole: the object fails with its reason and is
// retried by the next run; a file without rows is an object done.
TEST_F(EtlHostile, EmptyTruncatedAndForeignFiles) {
  const std::string empty = dir_.File("empty.parquet");
  { std::ofstream(empty) << ""; }
  Outcome o = Load("empty file (0 bytes)", empty);
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_EQ(o.failed, 1) << o;

  const std::string foreign = dir_.File("foreign.parquet");
  { std::ofstream(foreign) << "a,b\n1,2\n"; }
  o = Load("not parquet (CSV)", foreign);
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_EQ(o.failed, 1) << o;

  const std::string magic = dir_.File("magic.parquet");
  { std::ofstream(magic) << "PAR1" << std::string(100, '\xff') << "PAR1"; }
  o = Load("parquet magic, garbage footer", magic);
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_EQ(o.failed, 1) << o;

  const std::string whole = dir_.File("whole.parquet");
  StatusFile(100, {}).Write(whole);
  const std::string bytes = ReadFileBytes(whole);
  for (const size_t keep : {bytes.size() / 2, bytes.size() - 1}) {
    const std::string cut = dir_.File(fmt::format("cut{}.parquet", keep));
    { std::ofstream(cut, std::ios::binary) << bytes.substr(0, keep); }
    o = Load(fmt::format("truncated to {} of {} bytes", keep, bytes.size()), cut);
    EXPECT_EQ(o.exit_code, 1) << o;
    EXPECT_EQ(o.failed, 1) << o;
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NOT NULL AND "
                   "rows_ingested IS NULL"),
            "5");
  EXPECT_EQ(Scalar("SELECT count(*) FROM twap_status"), "0");

  const std::string none = dir_.File("none.parquet");
  StatusFile(0, {}).Write(none);
  o = Load("zero rows", none);
  EXPECT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.ok, 1) << o;
  EXPECT_EQ(o.read, 0) << o;
}

// The fills dataset meets the same bounds: an oversized or malformed identity rejects the row,
// an oversized optional text is NULL, the fill rules reject by their own reasons.
TEST_F(EtlHostile, HostileFills) {
  std::vector<TestFill> fills;
  for (int i = 1; i <= 9; ++i) fills.push_back(MakeFill(i == 9 ? 0 : 1, i));
  fills[1].user = "0x" + Noise(9000, "0123456789abcdef");
  fills[3].px = "-1";
  fills[4].side = "Z";
  fills[5].fee = "NaN";
  fills[6].coin = "'; DROP TABLE twap_fill; --";
  auto columns = FillColumns(fills);
  columns = Replaced(columns, "tid",
                     {"tid", arrow::utf8(),
                      R"(["1", "2", "123456789012345678901", "4", "5", "6", "7", "8", "9"])"});
  std::string hashes = "[";
  for (int i = 0; i < 9; ++i) {
    hashes +=
        fmt::format("{}\"0x{}\"", i > 0 ? "," : "", i == 7 ? Noise(1000, "0123456789ab") : "1");
  }
  columns = Replaced(columns, "hash", {"hash", arrow::utf8(), hashes + "]"});
  const std::string path = dir_.File("fills.parquet");
  WriteColumns(path, columns);
  const Outcome o = Load("fills: hostile rows", path, "fills");
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.read, 9) << o;
  EXPECT_EQ(o.skipped, 1) << "TWAP id 0" << o;
  EXPECT_EQ(o.rejected, 4) << o;
  EXPECT_EQ(o.reasons, "1 px not positive, 1 side not B or A, 1 unusable tid, 1 user too long")
      << o;
  EXPECT_EQ(o.nulled, 2) << "the fee NaN and the 1000-byte hash" << o;
  EXPECT_EQ(o.inserted, 4) << o;
  EXPECT_EQ(Scalar("SELECT string_agg(concat_ws('|', tid, coalesce(fee::text, 'NULL'), "
                   "coalesce(left(hash, 4), 'NULL')), ' ' ORDER BY tid) FROM twap_fill"),
            "1|0.0435|0x1 6|NULL|0x1 7|0.0435|0x1 8|0.0435|NULL");
  EXPECT_EQ(Scalar("SELECT coin FROM twap_fill WHERE tid = 7"), "'; DROP TABLE twap_fill; --");
}

// One 20 MiB value (beyond the raw bound) costs the run about what Arrow needs to decode it, not
// a multiple: no copy of it is made, and the rows after it do not each reserve as much. The
// peak resident set of a run with it is compared with that of the same file without it.
TEST_F(EtlHostile, OneLargeValueIsNotMultipliedInMemory) {
  constexpr size_t kBlob = 20 << 20;
  constexpr int kRows = 50;
  std::vector<std::optional<std::string>> small(kRows, std::string("small"));
  std::vector<std::optional<std::string>> large = small;
  large[0] = Noise(kBlob, "abcdefghijklmnopqrstuvwxyz");
  const std::string without = dir_.File("without.parquet");
  const std::string with = dir_.File("with.parquet");
  StatusFile(kRows, {{"blob", Strings(small)}}).Write(without);
  StatusFile(kRows, {{"blob", Strings(large)}}).Write(with);
  large.clear();
  const Outcome big = Load("50 rows, one 20 MiB value", with);
  const Outcome base = Load("the same 50 rows without it", without);
  ASSERT_EQ(big.exit_code, 0) << big;
  ASSERT_EQ(base.exit_code, 0) << base;
  EXPECT_EQ(big.inserted, kRows) << big;
  EXPECT_EQ(big.truncated, 1) << big;
  EXPECT_EQ(Scalar("SELECT left(raw_payload->>'blob', 100) FROM twap_status WHERE twap_id = '1'"),
            R"({"bytes": 20971520, "truncated": true})");
  ASSERT_GT(big.peak_kib, 0) << big;
  ASSERT_GT(base.peak_kib, 0) << base;
  const int64_t extra_kib = big.peak_kib - base.peak_kib;
  std::cout << fmt::format(
      "peak resident memory: {} KiB without the value, {} KiB with it (+{} "
      "MiB)\n",
      base.peak_kib, big.peak_kib, extra_kib / 1024);
  // Arrow holds the value about four times while it decodes it (the page read, the page
  // decompressed, the array growing); a copy in raw_payload, the COPY buffer and a reserve for
  // every later row took it to ten.
  EXPECT_LT(extra_kib, 6 * static_cast<int64_t>(kBlob) / 1024)
      << "more than six times the value: it is copied, or reserved for other rows";
}

}  // namespace
}  // namespace hltwap::testing
