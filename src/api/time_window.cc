#include "api/time_window.h"

namespace hltwap::api {

std::variant<std::optional<TimeWindow>, std::vector<ValidationIssue>> ParseTimeWindow(
    const QueryParams& params, WindowRule rule) {
  const auto start_text = params.find("start");
  const auto end_text = params.find("end");
  if (start_text == params.end() && end_text == params.end() &&
      rule == WindowRule::kBothOrNeither) {
    return std::nullopt;
  }
  std::vector<ValidationIssue> issues;
  const auto read = [&](const char* name, QueryParams::const_iterator text) {
    std::optional<int64_t> value;
    if (text != params.end()) {
      value = ParseDateTimeParam(name, text->second, issues);
    } else if (rule == WindowRule::kRequired) {
      issues.push_back({"missing", {"query", name}, "Field required", std::nullopt, ""});
    } else {
      issues.push_back({"value_error",
                        {"query", name},
                        "Value error, start and end must be given together",
                        std::nullopt,
                        R"({"error":{}})"});
    }
    return value;
  };
  const auto start = read("start", start_text);
  const auto end = read("end", end_text);
  if (!issues.empty()) return issues;
  if (*start > *end) {
    issues.push_back({"value_error",
                      {"query", "end"},
                      "Value error, end must not be earlier than start",
                      end_text->second,
                      R"({"error":{}})"});
    return issues;
  }
  return TimeWindow{*start, *end};
}

}  // namespace hltwap::api
