#include "api/query_params.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "api/json_writer.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/wallet.h"

namespace hltwap::api {
namespace {

std::vector<std::string> QueryLoc(std::string_view name) {
  return {"query", std::string(name)};
}

std::string ErrorCtx(std::string_view reason) {
  JsonWriter w;
  w.BeginObject().Key("error").String(reason).EndObject();
  return w.Take();
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool DigitsAt(std::string_view t, size_t at, size_t n) {
  if (at + n > t.size()) return false;
  return std::all_of(t.begin() + static_cast<std::ptrdiff_t>(at),
                     t.begin() + static_cast<std::ptrdiff_t>(at + n), IsDigit);
}

int TwoDigits(std::string_view t, size_t at) {
  return (t[at] - '0') * 10 + (t[at + 1] - '0');
}

// Why the date part (YYYY-MM-DD) of a text is not a date, in the words of speedate (the parser
// behind pydantic v2), or empty when the date part is fine.
std::string DateProblem(std::string_view t) {
  if (t.size() < 10) return "input is too short";
  if (!DigitsAt(t, 0, 4)) return "invalid character in year";
  if (t[4] != '-') return "invalid date separator, expected `-`";
  if (!DigitsAt(t, 5, 2)) return "invalid character in month";
  if (t[7] != '-') return "invalid date separator, expected `-`";
  if (!DigitsAt(t, 8, 2)) return "invalid character in day";
  const int month = TwoDigits(t, 5);
  if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
  if (!ParseTimestampUtc(t.substr(0, 10)).ok()) return "day value is outside expected range";
  return {};
}

// Why the time part (after a valid date) is not a time.
std::string TimeProblem(std::string_view t) {
  const char sep = t[10];
  if (sep != 'T' && sep != 't' && sep != ' ') {
    return "invalid datetime separator, expected `T`, `t` or space";
  }
  if (t.size() < 16) return "input is too short";
  if (!DigitsAt(t, 11, 2)) return "invalid character in hour";
  if (TwoDigits(t, 11) > 23) return "hour value is outside expected range of 0-23";
  if (t[13] != ':') return "invalid time separator, expected `:`";
  if (!DigitsAt(t, 14, 2)) return "invalid character in minute";
  if (TwoDigits(t, 14) > 59) return "minute value is outside expected range of 0-59";
  size_t i = 16;
  if (i < t.size() && t[i] == ':') {
    if (!DigitsAt(t, 17, 2)) return "invalid character in second";
    if (TwoDigits(t, 17) > 59) return "second value is outside expected range of 0-59";
    i = 19;
    if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
      size_t digits = 0;
      while (i + 1 + digits < t.size() && IsDigit(t[i + 1 + digits])) ++digits;
      if (digits == 0) return "invalid character in second fraction";
      if (digits > 9) return "second fraction value is more than 9 digits long";
      i += 1 + digits;
    }
  }
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    return "unexpected extra characters at the end of the input";
  }
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    if (!DigitsAt(t, i + 1, 2)) return "invalid timezone hour";
    if (TwoDigits(t, i + 1) > 23) return "timezone offset hour value is outside expected range";
    return "invalid timezone offset, expected `+HH:MM`, `+HHMM` or `+HH`";
  }
  if (i < t.size()) return "invalid timezone sign";
  return "invalid datetime";
}

ValidationIssue InvalidCursorIssue(const std::string& text) {
  return {"value_error", QueryLoc("cursor"),
          "Value error, invalid cursor: pass the next_cursor of a previous response", text,
          R"({"error":{}})"};
}

}  // namespace

const std::string* OptionalParam(const QueryParams& params, std::string_view name) {
  const auto it = params.find(name);
  return it == params.end() || it->second.empty() ? nullptr : &it->second;
}

std::optional<int64_t> ParseDateTimeParam(std::string_view name, const std::string& text,
                                          std::vector<ValidationIssue>& issues) {
  auto parsed = ParseTimestampUtc(text);
  if (parsed.ok()) return *parsed;
  if (const std::string problem = DateProblem(text); !problem.empty()) {
    issues.push_back({"datetime_from_date_parsing", QueryLoc(name),
                      "Input should be a valid datetime or date, " + problem, text,
                      ErrorCtx(problem)});
  } else {
    const std::string time_problem = TimeProblem(text);
    issues.push_back({"datetime_parsing", QueryLoc(name),
                      "Input should be a valid datetime, " + time_problem, text,
                      ErrorCtx(time_problem)});
  }
  return std::nullopt;
}

std::optional<bool> ParseBoolParam(std::string_view name, const std::string& text,
                                   std::vector<ValidationIssue>& issues) {
  // pydantic's lax bool: these words, in any letter case.
  static constexpr std::array<std::string_view, 6> kTrue = {"1", "on", "t", "true", "y", "yes"};
  static constexpr std::array<std::string_view, 6> kFalse = {"0", "off", "f", "false", "n", "no"};
  const std::string lower = ToLower(text);
  if (std::find(kTrue.begin(), kTrue.end(), lower) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), lower) != kFalse.end()) return false;
  issues.push_back({"bool_parsing", QueryLoc(name),
                    "Input should be a valid boolean, unable to interpret input", text, ""});
  return std::nullopt;
}

std::optional<int64_t> ParseIntParam(std::string_view name, const std::string& text, int64_t min,
                                     int64_t max, std::vector<ValidationIssue>& issues) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    issues.push_back({"int_parsing", QueryLoc(name),
                      "Input should be a valid integer, unable to parse string as an integer", text,
                      ""});
    return std::nullopt;
  }
  // Any number of digits is an integer to pydantic; only its range can be wrong.
  const auto first = digits.find_first_not_of('0');
  const std::string_view significant =
      first == std::string_view::npos ? std::string_view("0") : digits.substr(first);
  int64_t value = 0;
  if (significant.size() > 18) {
    value = negative ? min - 1 : max + 1;
  } else {
    for (const char c : significant) value = value * 10 + (c - '0');
    if (negative) value = -value;
  }
  if (value < min) {
    issues.push_back({"greater_than_equal", QueryLoc(name),
                      fmt::format("Input should be greater than or equal to {}", min), text,
                      fmt::format(R"({{"ge":{}}})", min)});
    return std::nullopt;
  }
  if (value > max) {
    issues.push_back({"less_than_equal", QueryLoc(name),
                      fmt::format("Input should be less than or equal to {}", max), text,
                      fmt::format(R"({{"le":{}}})", max)});
    return std::nullopt;
  }
  return value;
}

WalletWindow ParseWalletWindow(const QueryParams& params, std::vector<ValidationIssue>& issues) {
  const auto get = [&](std::string_view name) -> const std::string* {
    const auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  };
  const auto missing = [&](std::string_view name) {
    issues.push_back({"missing", QueryLoc(name), "Field required", std::nullopt, ""});
  };
  WalletWindow w;
  if (const auto* wallet = get("wallet"); wallet == nullptr) {
    missing("wallet");
  } else if (wallet->empty()) {
    issues.push_back({"string_too_short", QueryLoc("wallet"),
                      "String should have at least 1 character", *wallet, R"({"min_length":1})"});
  } else {
    w.wallet = NormalizeWallet(*wallet);
  }
  if (const auto* text = get("start"); text == nullptr) {
    missing("start");
  } else {
    w.start = ParseDateTimeParam("start", *text, issues);
  }
  if (const auto* text = get("end"); text == nullptr) {
    missing("end");
  } else {
    w.end = ParseDateTimeParam("end", *text, issues);
  }
  return w;
}

bool CheckWindowOrder(const QueryParams& params, const WalletWindow& window,
                      std::vector<ValidationIssue>& issues) {
  if (*window.start <= *window.end) return true;
  issues.push_back({"value_error", QueryLoc("end"),
                    "Value error, end must not be earlier than start", params.find("end")->second,
                    R"({"error":{}})"});
  return false;
}

std::variant<TwapsQuery, std::vector<ValidationIssue>> ParseTwapsQuery(const QueryParams& params) {
  std::vector<ValidationIssue> issues;
  const auto get = [&](std::string_view name) -> const std::string* {
    const auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  };

  TwapsQuery q;
  const WalletWindow window = ParseWalletWindow(params, issues);
  if (const auto* asset = OptionalParam(params, "asset")) q.asset = *asset;
  if (const auto* text = get("latest_per_twap")) {
    q.latest_per_twap = ParseBoolParam("latest_per_twap", *text, issues).value_or(true);
  }
  if (const auto* text = get("limit")) {
    q.limit = static_cast<int>(
        ParseIntParam("limit", *text, kMinLimit, kMaxLimit, issues).value_or(kDefaultLimit));
  }
  if (const auto* text = OptionalParam(params, "cursor")) {
    q.cursor = DecodeCursor(*text);
    if (!q.cursor) issues.push_back(InvalidCursorIssue(*text));
  }
  if (!issues.empty()) return issues;
  if (!CheckWindowOrder(params, window, issues)) return issues;
  q.wallet = window.wallet;
  q.start_micros = *window.start;
  q.end_micros = *window.end;
  return q;
}

std::variant<FillsQuery, std::vector<ValidationIssue>> ParseFillsQuery(const QueryParams& params) {
  std::vector<ValidationIssue> issues;
  FillsQuery q;
  if (const auto it = params.find("limit"); it != params.end()) {
    q.limit = static_cast<int>(ParseIntParam("limit", it->second, kMinLimit, kMaxLimit, issues)
                                   .value_or(kDefaultFillsLimit));
  }
  if (const auto* text = OptionalParam(params, "cursor")) {
    q.cursor = DecodeFillCursor(*text);
    if (!q.cursor) issues.push_back(InvalidCursorIssue(*text));
  }
  if (!issues.empty()) return issues;
  return q;
}

}  // namespace hltwap::api
