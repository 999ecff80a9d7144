// Writes JSON text directly. Unlike building a boost::json::value, it can splice in JSON that is
// already text (raw_payload as PostgreSQL prints it), so numbers in it are never re-rounded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hltwap::api {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  // Escaped as common/text.h's AppendJsonString does, NUL kept as "\u0000"; always valid JSON.
  JsonWriter& String(std::string_view value);
  JsonWriter& OptionalString(std::optional<std::string_view> value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A complete JSON value that is already text; the caller vouches for its validity.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  // The text so far; the writer goes on from where it is, with an empty buffer.
  std::string Take() { return std::exchange(out_, {}); }
  // The text so far into `buffer`, whose storage the writer then reuses (emptied).
  void TakeInto(std::string& buffer) {
    out_.swap(buffer);
    out_.clear();
  }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> has_members_;  // one entry per open object or array
  bool after_key_ = false;
};

}  // namespace hltwap::api
