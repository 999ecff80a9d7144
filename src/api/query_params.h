// Query-string parameters and their validation with FastAPI's rules and pydantic v2's error
// types and messages, so a bad request gets the same 422 body the Python original would give.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/cursor.h"
#include "api/errors.h"

namespace hltwap::api {

// Decoded query parameters; a repeated name keeps its last value (as Starlette's mapping does).
using QueryParams = std::map<std::string, std::string, std::less<>>;

struct TwapsQuery {
  std::string wallet;  // lowercased
  int64_t start_micros = 0;
  int64_t end_micros = 0;
  std::optional<std::string> asset;
  bool latest_per_twap = true;
  int limit = 500;
  std::optional<TwapCursor> cursor;
};

inline constexpr int kDefaultLimit = 500;
inline constexpr int kMinLimit = 1;
inline constexpr int kMaxLimit = 5000;

inline constexpr int kDefaultFillsLimit = 1000;

struct FillsQuery {
  int limit = kDefaultFillsLimit;
  std::optional<FillCursor> cursor;
};

// wallet, start and end as every wallet endpoint reads them: wallet required and non-empty
// (normalised by the wallet rule), start and end required datetimes. Problems are appended in
// that order; a value is set only when it is valid.
struct WalletWindow {
  std::string wallet;
  std::optional<int64_t> start;
  std::optional<int64_t> end;
};
WalletWindow ParseWalletWindow(const QueryParams& params, std::vector<ValidationIssue>& issues);
// The cross-field rule start <= end, checked once every parameter is valid (as FastAPI does);
// false with an issue for loc ["query", "end"] when broken.
bool CheckWindowOrder(const QueryParams& params, const WalletWindow& window,
                      std::vector<ValidationIssue>& issues);

// The query of GET /api/v1/twaps, or every problem with it (all parameters are checked, as
// FastAPI does, before the cross-field rule start <= end).
std::variant<TwapsQuery, std::vector<ValidationIssue>> ParseTwapsQuery(const QueryParams& params);

// The query of GET /api/v1/twaps/{twap_id}/fills (limit and cursor), or every problem with it.
std::variant<FillsQuery, std::vector<ValidationIssue>> ParseFillsQuery(const QueryParams& params);

// The value of an optional parameter, or nullptr when it is absent or empty: an empty value is
// an absent one (docs/design.md, API contract), so `asset=` matches every asset and `cursor=`
// asks for the first page.
const std::string* OptionalParam(const QueryParams& params, std::string_view name);

// Single-parameter parsers; on failure they append one issue for loc ["query", name].
std::optional<int64_t> ParseDateTimeParam(std::string_view name, const std::string& text,
                                          std::vector<ValidationIssue>& issues);
std::optional<bool> ParseBoolParam(std::string_view name, const std::string& text,
                                   std::vector<ValidationIssue>& issues);
std::optional<int64_t> ParseIntParam(std::string_view name, const std::string& text, int64_t min,
                                     int64_t max, std::vector<ValidationIssue>& issues);

}  // namespace hltwap::api
