// The datasets `hltwap etl` loads: what each is called (ETL_DATASETS, --dataset), where its
// objects live in the bucket, and how one of its files is loaded. Everything else of a run
// (listing, ingest log, per-object claim, download, progress, summary) is shared.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "db/connection.h"
#include "etl/loader.h"

namespace hltwap {

enum class Dataset {
  kTwapStatuses,  // TWAP status changes under AWS_S3_PREFIX, into twap_status
  kFills,         // node fills under AWS_S3_FILLS_PREFIX, their TWAP slices into twap_fill
};

// "twap_statuses", "fills".
std::string_view DatasetName(Dataset dataset);

// The datasets `names` (from `origin`: "ETL_DATASETS", "--dataset") name, in their order,
// each once. An unknown or missing name is kInvalidArgument saying which names are valid.
[[nodiscard]] Result<std::vector<Dataset>> ParseDatasets(std::span<const std::string> names,
                                                         std::string_view origin);

// The dataset's key prefix in the bucket.
const std::string& DatasetPrefix(const Config& config, Dataset dataset);

// Of `datasets`, the one whose prefix starts `key`, the longest prefix winning (so prefixes may
// nest); nullopt when none does.
std::optional<Dataset> DatasetOfKey(const Config& config, std::span<const Dataset> datasets,
                                    std::string_view key);

// Loads one file of `dataset` under `s3_object_key`, inside the caller's transaction.
[[nodiscard]] Result<LoadStats> LoadDatasetFile(Dataset dataset, PgConnection& conn,
                                                const std::string& path,
                                                std::string_view s3_object_key,
                                                const ParquetReadOptions& options);

}  // namespace hltwap
