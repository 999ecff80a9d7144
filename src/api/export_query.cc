#include "api/export_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "common/time_util.h"

namespace hltwap::api {
namespace {

template <typename T, size_t N>
using Choices = std::array<std::pair<std::string_view, T>, N>;

constexpr Choices<ExportFormat, 3> kFormats = {{{"csv", ExportFormat::kCsv},
                                                {"awaken", ExportFormat::kAwaken},
                                                {"koinly", ExportFormat::kKoinly}}};
constexpr Choices<ExportLevel, 2> kLevels = {
    {{"fill", ExportLevel::kFill}, {"twap", ExportLevel::kTwap}}};
constexpr Choices<Market, 2> kMarkets = {{{"perp", Market::kPerp}, {"spot", Market::kSpot}}};

// A parameter with a fixed set of values, refused as pydantic v2 refuses a Literal / Enum.
template <typename T, size_t N>
std::optional<T> ParseChoice(std::string_view name, const std::string& text,
                             const Choices<T, N>& choices, std::vector<ValidationIssue>& issues) {
  for (const auto& [word, value] : choices) {
    if (text == word) return value;
  }
  std::string expected;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) expected += i + 1 == N ? " or " : ", ";
    expected += fmt::format("'{}'", choices[i].first);
  }
  // The expected list is plain ASCII with no character JSON escapes.
  issues.push_back({"enum",
                    {"query", std::string(name)},
                    "Input should be " + expected,
                    text,
                    fmt::format(R"({{"expected":"{}"}})", expected)});
  return std::nullopt;
}

// 20250101T000000Z: the second, without its fraction.
std::string CompactTime(int64_t micros) {
  const std::string iso = FormatTimestampUtc(micros);  // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  std::string out;
  for (const char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

}  // namespace

std::variant<ExportQuery, std::vector<ValidationIssue>> ParseExportQuery(
    const QueryParams& params) {
  std::vector<ValidationIssue> issues;
  const auto get = [&](std::string_view name) -> const std::string* {
    const auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  };
  ExportQuery q;
  const WalletWindow window = ParseWalletWindow(params, issues);
  if (const auto* text = get("format")) {
    q.format = ParseChoice("format", *text, kFormats, issues).value_or(ExportFormat::kCsv);
  }
  if (const auto* text = get("level")) {
    q.level = ParseChoice("level", *text, kLevels, issues).value_or(ExportLevel::kFill);
  }
  // As on the list endpoints, an empty optional parameter is an absent one.
  if (const auto* asset = OptionalParam(params, "asset")) q.asset = *asset;
  if (const auto* text = OptionalParam(params, "market")) {
    q.market = ParseChoice("market", *text, kMarkets, issues);
  }
  if (!issues.empty()) return issues;
  if (!CheckWindowOrder(params, window, issues)) return issues;
  if (q.level == ExportLevel::kTwap && q.format != ExportFormat::kCsv) {
    issues.push_back({"value_error",
                      {"query", "level"},
                      "Value error, level=twap is only available with format=csv: the tax "
                      "formats have one row per fill",
                      *get("level"),
                      R"({"error":{}})"});
    return issues;
  }
  q.wallet = window.wallet;
  // The parser takes years PostgreSQL does not (0000): the window's edges are clamped to its
  // range, which changes no row.
  q.start_micros = std::clamp(*window.start, kMinTimestampMicros, kMaxTimestampMicros);
  q.end_micros = std::clamp(*window.end, kMinTimestampMicros, kMaxTimestampMicros);
  return q;
}

Market MarketOf(std::string_view coin) {
  const bool spot = (!coin.empty() && coin.front() == '@') || coin.find('/') != coin.npos;
  return spot ? Market::kSpot : Market::kPerp;
}

std::string_view LayoutName(ExportLayout layout) {
  switch (layout) {
    case ExportLayout::kCsvFills: return "csv";
    case ExportLayout::kCsvTwaps: return "csv-twap";
    case ExportLayout::kAwakenPerp: return "awaken-perp";
    case ExportLayout::kAwakenSpot: return "awaken-spot";
    case ExportLayout::kKoinly: return "koinly";
  }
  return "csv";
}

std::string ExportFileName(const ExportQuery& query, ExportLayout layout) {
  constexpr size_t kMaxWallet = 64;
  std::string wallet;
  for (const char c : query.wallet.substr(0, kMaxWallet)) {
    const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    wallet += safe ? c : '_';
  }
  return fmt::format("hltwap-{}-{}-{}-{}.csv", wallet, CompactTime(query.start_micros),
                     CompactTime(query.end_micros), LayoutName(layout));
}

ValidationIssue MixedMarketsIssue() {
  return {"value_error",
          {"query", "market"},
          "Value error, the window holds both perpetual and spot fills, which Awaken imports in "
          "two different formats: export them one at a time with market=perp and market=spot "
          "(or one asset)",
          std::nullopt,
          R"({"error":{}})"};
}

}  // namespace hltwap::api
