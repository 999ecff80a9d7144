#include "api/errors.h"

#include "api/json_writer.h"

namespace hltwap::api {

std::string DetailBody(std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("detail").String(message).EndObject();
  return w.Take();
}

std::string ValidationErrorBody(const std::vector<ValidationIssue>& issues) {
  JsonWriter w;
  w.BeginObject().Key("detail").BeginArray();
  for (const auto& issue : issues) {
    w.BeginObject().Key("type").String(issue.type).Key("loc").BeginArray();
    for (const auto& part : issue.loc) w.String(part);
    w.EndArray().Key("msg").String(issue.msg).Key("input").OptionalString(issue.input);
    if (!issue.ctx_json.empty()) w.Key("ctx").Raw(issue.ctx_json);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace hltwap::api
