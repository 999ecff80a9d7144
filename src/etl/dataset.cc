#include "etl/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "etl/fill_loader.h"

namespace hltwap {
namespace {

constexpr std::array kDatasets = {Dataset::kTwapStatuses, Dataset::kFills};

}  // namespace

std::string_view DatasetName(Dataset dataset) {
  switch (dataset) {
    case Dataset::kTwapStatuses: return "twap_statuses";
    case Dataset::kFills: return "fills";
  }
  return "";
}

Result<std::vector<Dataset>> ParseDatasets(std::span<const std::string> names,
                                           std::string_view origin) {
  std::vector<Dataset> out;
  for (const std::string& name : names) {
    const auto* known = std::find_if(kDatasets.begin(), kDatasets.end(),
                                     [&](Dataset d) { return DatasetName(d) == name; });
    if (known == kDatasets.end()) {
      return Status::InvalidArgument(fmt::format(
          "{}: unknown dataset '{}' (expected twap_statuses or fills, or both comma-separated)",
          origin, name));
    }
    if (std::find(out.begin(), out.end(), *known) == out.end()) out.push_back(*known);
  }
  if (out.empty()) {
    return Status::InvalidArgument(
        fmt::format("{} names no dataset (expected twap_statuses or fills)", origin));
  }
  return out;
}

const std::string& DatasetPrefix(const Config& config, Dataset dataset) {
  return dataset == Dataset::kFills ? config.s3_fills_prefix : config.s3_prefix;
}

std::optional<Dataset> DatasetOfKey(const Config& config, std::span<const Dataset> datasets,
                                    std::string_view key) {
  std::optional<Dataset> best;
  size_t best_length = 0;
  for (const Dataset dataset : datasets) {
    const std::string& prefix = DatasetPrefix(config, dataset);
    if (key.substr(0, prefix.size()) != prefix) continue;
    if (!best || prefix.size() > best_length) {
      best = dataset;
      best_length = prefix.size();
    }
  }
  return best;
}

Result<LoadStats> LoadDatasetFile(Dataset dataset, PgConnection& conn, const std::string& path,
                                  std::string_view s3_object_key,
                                  const ParquetReadOptions& options) {
  switch (dataset) {
    case Dataset::kTwapStatuses: return LoadParquetFile(conn, path, s3_object_key, options);
    case Dataset::kFills: return LoadFillParquetFile(conn, path, s3_object_key, options.batch_rows);
  }
  return Status::Internal("unknown dataset");
}

}  // namespace hltwap
