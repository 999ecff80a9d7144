#include "etl/dataset.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace hltwap {
namespace {

TEST(Dataset, NamesParseInTheirOrderOnce) {
  const std::vector<std::string> both = {"twap_statuses", "fills", "twap_statuses"};
  auto parsed = ParseDatasets(both, "ETL_DATASETS");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, (std::vector<Dataset>{Dataset::kTwapStatuses, Dataset::kFills}));
  const std::vector<std::string> reversed = {"fills", "twap_statuses"};
  EXPECT_EQ(ParseDatasets(reversed, "x").value().front(), Dataset::kFills);

  const std::vector<std::string> unknown = {"fills", "Fills"};
  auto bad = ParseDatasets(unknown, "--dataset");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "--dataset: unknown dataset 'Fills' (expected twap_statuses or fills, or both "
            "comma-separated)");
  EXPECT_FALSE(ParseDatasets({}, "ETL_DATASETS").ok());
}

TEST(Dataset, AKeyBelongsToTheLongestPrefixThatStartsIt) {
  Config config;
  config.s3_prefix = "raw/";
  config.s3_fills_prefix = "raw/node_fills/hourly/";
  const std::vector<Dataset> both = {Dataset::kTwapStatuses, Dataset::kFills};
  EXPECT_EQ(DatasetOfKey(config, both, "raw/node_fills/hourly/2025/11/01/08/a.parquet"),
            Dataset::kFills);
  EXPECT_EQ(DatasetOfKey(config, both, "raw/twap_statuses/a.parquet"), Dataset::kTwapStatuses);
  EXPECT_EQ(DatasetOfKey(config, both, "other/a.parquet"), std::nullopt);
  const std::vector<Dataset> statuses = {Dataset::kTwapStatuses};
  EXPECT_EQ(DatasetOfKey(config, statuses, "raw/node_fills/hourly/a.parquet"),
            Dataset::kTwapStatuses);
}

TEST(Dataset, SettingsComeFromTheEnvironment) {
  ::unsetenv("AWS_S3_FILLS_PREFIX");
  ::unsetenv("ETL_DATASETS");
  auto defaults = LoadConfig(/*need_database=*/false);
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->s3_fills_prefix, "raw/node_fills/hourly/");
  EXPECT_EQ(defaults->etl_datasets, std::vector<std::string>{"twap_statuses"});
  EXPECT_EQ(DatasetPrefix(*defaults, Dataset::kFills), "raw/node_fills/hourly/");
  EXPECT_EQ(DatasetPrefix(*defaults, Dataset::kTwapStatuses), defaults->s3_prefix);

  ::setenv("AWS_S3_FILLS_PREFIX", "fills/", 1);
  ::setenv("ETL_DATASETS", " twap_statuses , fills ,", 1);
  auto set = LoadConfig(/*need_database=*/false);
  ::unsetenv("AWS_S3_FILLS_PREFIX");
  ::unsetenv("ETL_DATASETS");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->s3_fills_prefix, "fills/");
  EXPECT_EQ(set->etl_datasets, (std::vector<std::string>{"twap_statuses", "fills"}));
}

}  // namespace
}  // namespace hltwap
