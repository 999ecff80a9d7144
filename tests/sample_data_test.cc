// The committed sample files: Arrow C++ links and reads them, they are what their generator
// writes, the statuses have the shape docs/design.md ("Data semantics") describes, and the TWAP
// slices among the fills add up exactly to the statuses' executed size and notional.
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>

#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "common/time_util.h"
#include "tests/support/subprocess.h"

namespace hltwap::testing {
namespace {

std::shared_ptr<arrow::Table> ReadParquet(const std::string& path) {
  auto file = arrow::io::ReadableFile::Open(path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  auto reader = parquet::arrow::OpenFile(*file, arrow::default_memory_pool());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  auto table = (*reader)->ReadTable();
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return *table;
}

std::string SamplePath() {
  return SourceDir() + "/tests/data/sample_twap.parquet";
}

std::string FillsPath() {
  return SourceDir() + "/tests/data/sample_fills.parquet";
}

// Runs the generator with `args` plus a fresh output path and compares with the committed file.
void ExpectGeneratorWrites(const std::string& committed_path, std::vector<std::string> args) {
  // Named after the committed file: the tests may run at the same time.
  const std::string fresh =
      ::testing::TempDir() + "/regenerated_" + committed_path.substr(committed_path.rfind('/') + 1);
  const std::string binary = HltwapBinary();
  args.insert(args.begin(), binary.substr(0, binary.rfind('/')) + "/make_sample_parquet");
  args.push_back(fresh);
  auto r = RunProcess(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto committed = ReadParquet(committed_path);
  auto regenerated = ReadParquet(fresh);
  ASSERT_TRUE(committed && regenerated);
  EXPECT_TRUE(committed->Equals(*regenerated)) << "run `make sample` and commit the result";
  std::remove(fresh.c_str());
}

TEST(SampleData, CommittedFileIsWhatTheGeneratorWrites) {
  ExpectGeneratorWrites(SamplePath(), {});
}

TEST(SampleData, CommittedFillsFileIsWhatTheGeneratorWrites) {
  ExpectGeneratorWrites(FillsPath(), {"--fills"});
}

TEST(SampleData, HasTheShapeOfRealTwapStatuses) {
  auto table = ReadParquet(SamplePath());
  ASSERT_TRUE(table);
  for (const char* column :
       {"twap_id", "state_user", "state_coin", "state_side", "state_sz", "state_executedSz",
        "state_executedNtl", "state_minutes", "state_reduceOnly", "state_randomize",
        "state_timestamp", "status", "time"}) {
    EXPECT_NE(table->GetColumnByName(column), nullptr) << column;
  }
  EXPECT_EQ(table->GetColumnByName("state_sz")->type()->id(), arrow::Type::STRING);
  EXPECT_EQ(table->GetColumnByName("state_timestamp")->type()->id(), arrow::Type::INT64);

  auto combined = table->CombineChunksToBatch();
  ASSERT_TRUE(combined.ok());
  const auto& batch = **combined;
  auto ids = std::static_pointer_cast<arrow::Int64Array>(batch.GetColumnByName("twap_id"));
  auto users = std::static_pointer_cast<arrow::StringArray>(batch.GetColumnByName("state_user"));
  auto coins = std::static_pointer_cast<arrow::StringArray>(batch.GetColumnByName("state_coin"));
  auto statuses = std::static_pointer_cast<arrow::StringArray>(batch.GetColumnByName("status"));
  auto created =
      std::static_pointer_cast<arrow::Int64Array>(batch.GetColumnByName("state_timestamp"));

  std::set<std::string> wallets, coin_set, status_set;
  std::map<int64_t, std::set<int64_t>> created_per_twap;
  std::map<int64_t, std::set<std::string>> statuses_per_twap;
  for (int64_t i = 0; i < batch.num_rows(); ++i) {
    wallets.insert(users->GetString(i));
    coin_set.insert(coins->GetString(i));
    status_set.insert(statuses->GetString(i));
    created_per_twap[ids->Value(i)].insert(created->Value(i));
    statuses_per_twap[ids->Value(i)].insert(statuses->GetString(i));
    EXPECT_EQ(users->GetString(i).size(), 42u);
  }
  EXPECT_GE(wallets.size(), 3u);
  EXPECT_TRUE(coin_set.count("xyz:NVDA")) << "a HIP-3 coin";
  EXPECT_TRUE(coin_set.count("@107")) << "a spot coin";
  for (const char* s : {"activated", "finished", "terminated", "error"}) {
    EXPECT_TRUE(status_set.count(s)) << s;
  }
  int with_terminal = 0;
  for (const auto& [id, stamps] : created_per_twap) {
    EXPECT_EQ(stamps.size(), 1u) << "state_timestamp is the creation time, shared by every row of "
                                 << id;
    if (statuses_per_twap[id].size() == 2) ++with_terminal;
  }
  EXPECT_GE(with_terminal, 10);
}

// A decimal string as an exact integer count of 10^-9 (every sample amount has at most nine
// decimals), so that sums and products of sample amounts are exact; written here rather than
// taken from the product's own decimal code, which is what the sample checks.
using Units = __int128;
constexpr int kScale = 9;

std::optional<Units> ParseUnits(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  Units units = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9' || decimals >= kScale) return std::nullopt;
    units = units * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  if (text.empty() || text == ".") return std::nullopt;
  for (int i = decimals < 0 ? 0 : decimals; i < kScale; ++i) units *= 10;
  return negative ? -units : units;
}

std::string ToString(Units v) {
  std::string digits;
  const bool negative = v < 0;
  for (Units u = negative ? -v : v; u > 0 || digits.empty(); u /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
  }
  return (negative ? "-" : "") + digits;
}

struct StatusTotals {
  std::string wallet, coin, side;
  int64_t activated_us = 0;
  int64_t terminal_us = 0;  // 0 while still running
  Units executed_sz = 0, executed_ntl = 0;
};

struct FillTotals {
  int slices = 0;
  Units sz = 0;
  Units ntl = 0;  // 10^-18 units: a product of two amounts
};

std::shared_ptr<arrow::RecordBatch> Batch(const std::string& path) {
  auto table = ReadParquet(path);
  EXPECT_TRUE(table);
  if (!table) return nullptr;
  auto combined = table->CombineChunksToBatch();
  EXPECT_TRUE(combined.ok());
  return combined.ok() ? *combined : nullptr;
}

template <typename ArrayType>
std::shared_ptr<ArrayType> Column(const arrow::RecordBatch& batch, const std::string& name) {
  auto column = batch.GetColumnByName(name);
  EXPECT_NE(column, nullptr) << name;
  return std::static_pointer_cast<ArrayType>(column);
}

// The columns of the fills file the tests read.
struct FillColumns {
  explicit FillColumns(const arrow::RecordBatch& batch)
      : twap_ids(Column<arrow::Int64Array>(batch, "twapId")),
        tids(Column<arrow::Int64Array>(batch, "tid")),
        times(Column<arrow::TimestampArray>(batch, "time")),
        users(Column<arrow::StringArray>(batch, "user")),
        coins(Column<arrow::StringArray>(batch, "coin")),
        sides(Column<arrow::StringArray>(batch, "side")),
        px(Column<arrow::StringArray>(batch, "px")),
        sz(Column<arrow::StringArray>(batch, "sz")),
        hashes(Column<arrow::StringArray>(batch, "hash")),
        fees(Column<arrow::StringArray>(batch, "fee")),
        tokens(Column<arrow::StringArray>(batch, "feeToken")),
        metadata(Column<arrow::StringArray>(batch, "_metadata")) {}

  // A TWAP slice: the rows the product stores.
  bool IsSlice(int64_t i) const { return !twap_ids->IsNull(i) && twap_ids->Value(i) != 0; }

  std::shared_ptr<arrow::Int64Array> twap_ids, tids;
  std::shared_ptr<arrow::TimestampArray> times;
  std::shared_ptr<arrow::StringArray> users, coins, sides, px, sz, hashes, fees, tokens, metadata;
};

std::map<int64_t, StatusTotals> StatusesById() {
  std::map<int64_t, StatusTotals> out;
  auto batch = Batch(SamplePath());
  if (!batch) return out;
  auto ids = Column<arrow::Int64Array>(*batch, "twap_id");
  auto users = Column<arrow::StringArray>(*batch, "state_user");
  auto coins = Column<arrow::StringArray>(*batch, "state_coin");
  auto sides = Column<arrow::StringArray>(*batch, "state_side");
  auto times = Column<arrow::StringArray>(*batch, "time");
  auto statuses = Column<arrow::StringArray>(*batch, "status");
  auto ex_sz = Column<arrow::StringArray>(*batch, "state_executedSz");
  auto ex_ntl = Column<arrow::StringArray>(*batch, "state_executedNtl");
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    StatusTotals& t = out[ids->Value(i)];
    t.wallet = users->GetString(i);
    t.coin = coins->GetString(i);
    t.side = sides->GetString(i);
    const int64_t at = ParseTimestampUtc(times->GetString(i)).value();
    if (statuses->GetString(i) == "activated") {
      t.activated_us = at;
      continue;
    }
    t.terminal_us = at;
    t.executed_sz = ParseUnits(ex_sz->GetString(i)).value();
    t.executed_ntl = ParseUnits(ex_ntl->GetString(i)).value() * 1'000'000'000;
  }
  return out;
}

TEST(SampleData, FillsHaveTheShapeOfRealNodeFills) {
  auto table = ReadParquet(FillsPath());
  ASSERT_TRUE(table);
  for (const char* column :
       {"user", "coin", "px", "sz", "side", "startPosition", "dir", "closedPnl", "hash", "fee",
        "feeToken", "builderFee", "cloid", "_metadata"}) {
    ASSERT_NE(table->GetColumnByName(column), nullptr) << column;
    EXPECT_EQ(table->GetColumnByName(column)->type()->id(), arrow::Type::STRING) << column;
  }
  for (const char* column : {"oid", "tid", "twapId"}) {
    ASSERT_NE(table->GetColumnByName(column), nullptr) << column;
    EXPECT_EQ(table->GetColumnByName(column)->type()->id(), arrow::Type::INT64) << column;
  }
  EXPECT_EQ(table->GetColumnByName("time")->type()->id(), arrow::Type::TIMESTAMP);
  EXPECT_EQ(table->GetColumnByName("crossed")->type()->id(), arrow::Type::BOOL);

  auto batch = Batch(FillsPath());
  ASSERT_TRUE(batch);
  const FillColumns c(*batch);
  int null_twap = 0, zero_twap = 0, rebates = 0, metadata_rows = 0;
  std::set<std::string> fee_tokens;
  std::map<int64_t, std::vector<int64_t>> slice_rows_by_tid;
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    if (!c.metadata->IsNull(i)) {
      ++metadata_rows;
      EXPECT_TRUE(c.users->IsNull(i) && c.twap_ids->IsNull(i)) << "row " << i << " is not a fill";
      continue;
    }
    EXPECT_EQ(c.users->GetString(i).size(), 42u);
    EXPECT_EQ(c.hashes->GetString(i).size(), 66u);
    fee_tokens.insert(c.tokens->GetString(i));
    if (ParseUnits(c.fees->GetString(i)).value() < 0) ++rebates;
    if (!c.IsSlice(i)) {
      c.twap_ids->IsNull(i) ? ++null_twap : ++zero_twap;
      EXPECT_NE(c.hashes->GetString(i), "0x" + std::string(64, '0'));
      continue;
    }
    EXPECT_EQ(c.hashes->GetString(i), "0x" + std::string(64, '0')) << "a slice has a zero hash";
    slice_rows_by_tid[c.tids->Value(i)].push_back(i);
  }
  EXPECT_GE(null_twap, 2);
  EXPECT_EQ(zero_twap, 1);
  EXPECT_GE(rebates, 2) << "a maker fill of a TWAP and one of another order";
  EXPECT_EQ(metadata_rows, 1);
  EXPECT_GE(fee_tokens.size(), 2u);
  int both_sides = 0;
  for (const auto& [tid, rows] : slice_rows_by_tid) {
    if (rows.size() < 2) continue;
    ASSERT_EQ(rows.size(), 2u) << tid;
    ++both_sides;
    EXPECT_NE(c.twap_ids->Value(rows[0]), c.twap_ids->Value(rows[1]));
    EXPECT_NE(c.users->GetString(rows[0]), c.users->GetString(rows[1]));
    EXPECT_NE(c.sides->GetString(rows[0]), c.sides->GetString(rows[1]));
  }
  EXPECT_EQ(both_sides, 1) << "one trade with TWAPs on both sides";
}

TEST(SampleData, TwapSlicesAddUpExactlyToTheStatuses) {
  const auto statuses = StatusesById();
  ASSERT_FALSE(statuses.empty());
  auto batch = Batch(FillsPath());
  ASSERT_TRUE(batch);
  const FillColumns c(*batch);
  ASSERT_EQ(std::static_pointer_cast<arrow::TimestampType>(c.times->type())->unit(),
            arrow::TimeUnit::MILLI);

  std::map<int64_t, FillTotals> fills;
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    if (!c.IsSlice(i)) continue;
    const int64_t id = c.twap_ids->Value(i);
    SCOPED_TRACE(::testing::Message() << "fill row " << i << " of TWAP " << id);
    ASSERT_TRUE(statuses.count(id)) << "a slice of a TWAP the statuses do not have";
    const StatusTotals& t = statuses.at(id);
    EXPECT_EQ(c.users->GetString(i), t.wallet);
    EXPECT_EQ(c.coins->GetString(i), t.coin);
    EXPECT_EQ(c.sides->GetString(i), t.side);
    const int64_t at = c.times->Value(i) * 1000;
    EXPECT_GT(at, t.activated_us);
    ASSERT_NE(t.terminal_us, 0) << "the statuses have this TWAP still running";
    EXPECT_LT(at, t.terminal_us);
    const auto price = ParseUnits(c.px->GetString(i));
    const auto size = ParseUnits(c.sz->GetString(i));
    ASSERT_TRUE(price && size) << c.px->GetString(i) << " " << c.sz->GetString(i);
    EXPECT_GT(*price, 0);
    EXPECT_GT(*size, 0);
    FillTotals& f = fills[id];
    ++f.slices;
    f.sz += *size;
    f.ntl += *price * *size;
  }
  for (const auto& [id, t] : statuses) {
    SCOPED_TRACE(::testing::Message() << "TWAP " << id);
    const FillTotals f = fills.count(id) ? fills.at(id) : FillTotals{};
    EXPECT_EQ(ToString(f.sz), ToString(t.executed_sz)) << "Σsz == executedSz, in 10^-9";
    EXPECT_EQ(ToString(f.ntl), ToString(t.executed_ntl)) << "Σpx·sz == executedNtl, in 10^-18";
    if (t.executed_sz > 0) {
      EXPECT_GE(f.slices, 2);
    }
  }
  EXPECT_GE(fills.size(), 10u);
}

}  // namespace
}  // namespace hltwap::testing
