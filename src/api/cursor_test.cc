#include "api/cursor.h"

#include <gtest/gtest.h>

namespace hltwap::api {
namespace {

TEST(Cursor, RoundTrips) {
  for (const TwapCursor& c :
       {TwapCursor{1762000000123456, "568722"}, TwapCursor{0, "a:b:c"},
        TwapCursor{-62135596800000000, "x"}, TwapCursor{253402300799999999, "\xC3\xA9t\xC3\xA9"}}) {
    const std::string text = EncodeCursor(c);
    EXPECT_EQ(
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << text;
    const auto back = DecodeCursor(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, c);
  }
}

TEST(Cursor, RejectsAnythingItDidNotWrite) {
  const std::string good = EncodeCursor({1762000000123456, "568722"});
  const std::vector<std::string> bad = {
      "",
      good + "=",                       // padding
      good.substr(0, good.size() - 1),  // truncated
      good + "A",
      "djE6",                             // "v1:"
      "djE6eDo1Njg3MjI",                  // "v1:x:568722"
      EncodeCursor({1, ""}),              // empty twap_id
      "djI6MTo1Njg3MjI",                  // "v2:1:568722"
      "djE6KzE6NTY4NzIy",                 // "v1:+1:568722"
      "djE6MDE6NTY4NzIy",                 // "v1:01:568722"
      "djE6MjUzNDAyMzAwODAwMDAwMDAwOjU",  // 10000-01-01: past year 9999
      std::string(2000, 'A'),
      "a b",
      "abc+",
  };
  for (const auto& text : bad) EXPECT_FALSE(DecodeCursor(text).has_value()) << text;
  // A NUL or invalid UTF-8 in the id is refused too.
  EXPECT_FALSE(DecodeCursor(EncodeCursor({1, std::string("a\0b", 3)})).has_value());
  EXPECT_FALSE(DecodeCursor(EncodeCursor({1, "\xFF"})).has_value());
}

TEST(Cursor, FillCursorsRoundTrip) {
  for (const FillCursor& c :
       {FillCursor{1762000000123456, "0", "0xabc"}, FillCursor{-1, "18446744073709551615", "a:b"},
        FillCursor{kMaxTimestampMicros, "7", "\xC3\xA9"}}) {
    const auto back = DecodeFillCursor(EncodeFillCursor(c));
    ASSERT_TRUE(back.has_value()) << EncodeFillCursor(c);
    EXPECT_EQ(*back, c);
  }
}

TEST(Cursor, EachKindRefusesTheOther) {
  const std::string twap = EncodeCursor(TwapCursor{1762000000123456, "568722"});
  const std::string fill = EncodeFillCursor(FillCursor{1762000000123456, "568722", "0xabc"});
  EXPECT_FALSE(DecodeFillCursor(twap).has_value());
  EXPECT_FALSE(DecodeCursor(fill).has_value());
}

TEST(Cursor, FillCursorRejectsBadTids) {
  for (const FillCursor& c :
       {FillCursor{1, "", "0xabc"}, FillCursor{1, "01", "0xabc"}, FillCursor{1, "-1", "0xabc"},
        FillCursor{1, "1.5", "0xabc"}, FillCursor{1, std::string(21, '9'), "0xabc"},
        FillCursor{1, "12", ""}}) {
    EXPECT_FALSE(DecodeFillCursor(EncodeFillCursor(c)).has_value()) << c.tid << " " << c.wallet;
  }
  // "f1:1:42" has no wallet part at all.
  EXPECT_FALSE(DecodeFillCursor("ZjE6MTo0Mg").has_value());
  EXPECT_FALSE(DecodeFillCursor("").has_value());
}

}  // namespace
}  // namespace hltwap::api
