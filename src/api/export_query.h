// The parameters of an export (GET /api/v1/export and `hltwap export`), validated with the list
// endpoint's rules and FastAPI's 422 shapes, and the name of the file an export becomes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/errors.h"
#include "api/query_params.h"

namespace hltwap::api {

enum class ExportFormat { kCsv, kAwaken, kKoinly };
enum class ExportLevel { kFill, kTwap };
enum class Market { kPerp, kSpot };

struct ExportQuery {
  std::string wallet;  // normalised by the wallet rule
  int64_t start_micros = 0;
  int64_t end_micros = 0;
  ExportFormat format = ExportFormat::kCsv;
  ExportLevel level = ExportLevel::kFill;
  std::optional<std::string> asset;
  std::optional<Market> market;
};

// The five file layouts (docs/design.md, API contract: exports).
enum class ExportLayout { kCsvFills, kCsvTwaps, kAwakenPerp, kAwakenSpot, kKoinly };

// wallet, start, end, format, level, asset, market: every problem, in that order, then the rules
// between them (start <= end; level=twap only with format=csv).
std::variant<ExportQuery, std::vector<ValidationIssue>> ParseExportQuery(const QueryParams& params);

// Hyperliquid names spot markets "@<index>" or "BASE/QUOTE"; every other coin is a perpetual.
Market MarketOf(std::string_view coin);

// "csv", "csv-twap", "awaken-perp", "awaken-spot", "koinly".
std::string_view LayoutName(ExportLayout layout);

// hltwap-<wallet>-<start>-<end>-<layout>.csv, times as 20250101T000000Z, and only [0-9A-Za-z]
// of the wallet (anything else becomes '_', at most 64 characters), so the name is safe in a
// header and on any file system.
std::string ExportFileName(const ExportQuery& query, ExportLayout layout);

// The 422 issue for an Awaken export of fills whose window holds both perpetual and spot fills,
// which Awaken imports in two different formats.
ValidationIssue MixedMarketsIssue();

}  // namespace hltwap::api
