// Node fills parquet files for tests: one TestFill per row, written with the column names of
// the data provider (camelCase) or their snake_case spelling, numbers as decimal strings.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/parquet_test_table.h"

namespace hltwap::testing {

inline constexpr const char* kFillWallet = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
inline constexpr const char* kZeroHash =
    "0x0000000000000000000000000000000000000000000000000000000000000000";

struct TestFill {
  std::optional<int64_t> twap_id = 1;  // null or 0: not a TWAP slice
  std::string user = kFillWallet;
  int64_t tid = 1;
  int64_t time_ms = 1761984000000;  // 2025-11-01T08:00:00Z, written as timestamp[ms, UTC]
  std::string coin = "BTC";
  std::string side = "B";
  std::string px = "100000.5";
  std::string sz = "0.001";
  std::string fee = "0.0435";
  std::string fee_token = "USDC";
  std::string closed_pnl = "0.0";
  std::string start_position = "0.0";
  std::string dir = "Open Long";
  bool crossed = true;
  int64_t oid = 9000;
  bool metadata = false;  // the provider's _metadata flag: true rows are not fills
};

inline TestFill MakeFill(int64_t twap_id, int64_t tid, std::string user = kFillWallet) {
  TestFill f;
  f.twap_id = twap_id;
  f.tid = tid;
  f.user = std::move(user);
  f.time_ms += tid * 1000;
  f.oid += tid;
  return f;
}

enum class Naming { kCamel, kSnake };

// The columns of `fills`; `naming` spells the multi-word names.
inline std::vector<Column> FillColumns(const std::vector<TestFill>& fills,
                                       Naming naming = Naming::kCamel) {
  const bool camel = naming == Naming::kCamel;
  std::vector<std::string> values(17);
  for (size_t i = 0; i < fills.size(); ++i) {
    const TestFill& f = fills[i];
    const std::string sep = i > 0 ? "," : "";
    const std::vector<std::string> row = {
        fmt::format("\"{}\"", f.coin),
        fmt::format("\"{}\"", f.px),
        fmt::format("\"{}\"", f.sz),
        fmt::format("\"{}\"", f.side),
        std::to_string(f.time_ms),
        fmt::format("\"{}\"", f.start_position),
        fmt::format("\"{}\"", f.dir),
        fmt::format("\"{}\"", f.closed_pnl),
        fmt::format("\"{}\"", kZeroHash),
        std::to_string(f.oid),
        f.crossed ? "true" : "false",
        fmt::format("\"{}\"", f.fee),
        std::to_string(f.tid),
        fmt::format("\"{}\"", f.fee_token),
        f.twap_id ? std::to_string(*f.twap_id) : "null",
        fmt::format("\"{}\"", f.user),
        f.metadata ? "true" : "false",
    };
    for (size_t c = 0; c < row.size(); ++c) values[c] += sep + row[c];
  }
  auto column = [&](size_t c, std::string name, std::shared_ptr<arrow::DataType> type) {
    return Column{std::move(name), std::move(type), "[" + values[c] + "]"};
  };
  const auto text = arrow::utf8();
  return {column(0, "coin", text),
          column(1, "px", text),
          column(2, "sz", text),
          column(3, "side", text),
          column(4, "time", arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")),
          column(5, camel ? "startPosition" : "start_position", text),
          column(6, "dir", text),
          column(7, camel ? "closedPnl" : "closed_pnl", text),
          column(8, "hash", text),
          column(9, "oid", arrow::int64()),
          column(10, "crossed", arrow::boolean()),
          column(11, "fee", text),
          column(12, "tid", arrow::int64()),
          column(13, camel ? "feeToken" : "fee_token", text),
          column(14, camel ? "twapId" : "twap_id", arrow::int64()),
          column(15, "user", text),
          column(16, "_metadata", arrow::boolean())};
}

inline void WriteFills(const std::string& path, const std::vector<TestFill>& fills,
                       Naming naming = Naming::kCamel) {
  WriteColumns(path, FillColumns(fills, naming));
}

}  // namespace hltwap::testing
