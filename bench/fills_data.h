// Benchmark node fills shaped like the real hourly files (raw/node_fills/hourly/YYYY/MM/DD/HH/):
// one row per fill per user side, the columns and types of tests/data/make_sample_parquet.cc
// (--fills), every user's fills, a few percent of them TWAP slices of the status data's TWAPs.
#pragma once

#include <arrow/status.h>

#include <cstdint>
#include <span>
#include <string>

namespace bench {

// A TWAP of the status data, as its slices need it.
struct TwapWindow {
  int64_t twap_id;
  int64_t start_ns;        // activated
  int64_t end_ns;          // terminal
  int64_t executed_units;  // executed size in units of the coin's size precision
  const char* wallet;      // 42 characters
  uint8_t coin;            // index into kCoins
  bool buy;
};

struct FillsOptions {
  std::string out_dir;      // one file per hour, DIR/YYYYMMDD_HH.parquet
  std::string single_file;  // or every hour into this one file
  std::string manifest_path;
  int64_t start_ns = 0;  // first hour
  int64_t hours = 1;
  int64_t rows_per_hour = 210000;  // about 25 MB a file
  double twap_share = 0.03;        // share of rows that are TWAP slices
  int64_t row_group_rows = 65536;
  uint64_t seed = 42;
  bool quiet = false;
};

struct FillsSummary {
  int64_t files = 0;
  int64_t rows = 0;
  int64_t slice_rows = 0;
};

// Writes the fills of `hours` hours from start_ns; slices belong to `twaps` (sorted by start).
[[nodiscard]] arrow::Status WriteFills(const FillsOptions& options,
                                       std::span<const TwapWindow> twaps, FillsSummary* summary);

}  // namespace bench
