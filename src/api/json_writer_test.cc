#include "api/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hltwap::api {
namespace {

TEST(JsonWriter, WritesNestedValues) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(-5).Key("b").BeginArray().String("x").Null().Bool(true);
  w.BeginObject().EndObject().EndArray().Key("c").OptionalString(std::nullopt);
  w.Key("raw").Raw(R"({"n": 123456789012345678901234567890})").EndObject();
  EXPECT_EQ(
      w.str(),
      R"({"a":-5,"b":["x",null,true,{}],"c":null,"raw":{"n": 123456789012345678901234567890}})");
}

TEST(JsonWriter, EscapesAndRepairsStrings) {
  JsonWriter w;
  w.BeginArray().String("q\"b\\s\n\t\x01\x7f").String("\xC3\xA9\xF0\x9F\x98\x80");
  w.String("bad\xFF\xC3").String(std::string_view("nul\0", 4)).EndArray();
  EXPECT_EQ(w.str(),
            "[\"q\\\"b\\\\s\\n\\t\\u0001\\u007f\",\"\xC3\xA9\xF0\x9F\x98\x80\","
            "\"bad\xEF\xBF\xBD\xEF\xBF\xBD\",\"nul\\u0000\"]");
  // Whatever the bytes, the output parses.
  boost::system::error_code ec;
  boost::json::parse(w.str(), ec);
  EXPECT_FALSE(ec) << w.str();
}

}  // namespace
}  // namespace hltwap::api
