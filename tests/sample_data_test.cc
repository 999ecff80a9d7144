// The committed sample file: Arrow C++ links and reads it, it is what its generator writes, and
// it has the shape docs/design.md ("Data semantics") describes.
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>

#include <map>
#include <set>

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

TEST(SampleData, CommittedFileIsWhatTheGeneratorWrites) {
  const std::string fresh = ::testing::TempDir() + "/sample_regenerated.parquet";
  const std::string binary = HltwapBinary();
  auto r = RunProcess({binary.substr(0, binary.rfind('/')) + "/make_sample_parquet", fresh});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto committed = ReadParquet(SamplePath());
  auto regenerated = ReadParquet(fresh);
  ASSERT_TRUE(committed && regenerated);
  EXPECT_TRUE(committed->Equals(*regenerated)) << "run `make sample` and commit the result";
  std::remove(fresh.c_str());
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

}  // namespace
}  // namespace hltwap::testing
