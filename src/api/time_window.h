// The `start` and `end` query parameters of the summary and coverage endpoints, read as the list
// endpoint reads them (query_params.h): RFC 3339 / ISO-8601, a bare date its midnight UTC, both
// inclusive, `end` not earlier than `start`.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "api/errors.h"
#include "api/query_params.h"

namespace hltwap::api {

struct TimeWindow {
  int64_t start_micros = 0;
  int64_t end_micros = 0;
};

enum class WindowRule {
  kRequired,       // both parameters must be given
  kBothOrNeither,  // optional, but one alone is refused
};

// The window of `params`, nullopt when it may be and is absent, or every problem with it.
std::variant<std::optional<TimeWindow>, std::vector<ValidationIssue>> ParseTimeWindow(
    const QueryParams& params, WindowRule rule);

}  // namespace hltwap::api
