// Error bodies in FastAPI's JSON shape, so clients written against the Python original keep
// working: {"detail": "..."} and, for bad input, 422 {"detail": [{type, loc, msg, input, ctx}]}
// with pydantic v2's types and messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hltwap::api {

struct ValidationIssue {
  std::string type;              // pydantic's error type: "missing", "int_parsing", ...
  std::vector<std::string> loc;  // ["query", "wallet"]
  std::string msg;
  std::optional<std::string> input;  // nullopt is JSON null (a missing parameter)
  std::string ctx_json;              // a JSON object, or empty for no "ctx"
};

// {"detail":"<message>"}
std::string DetailBody(std::string_view message);
// {"detail":[...]}
std::string ValidationErrorBody(const std::vector<ValidationIssue>& issues);

}  // namespace hltwap::api
