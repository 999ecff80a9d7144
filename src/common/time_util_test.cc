#include "common/time_util.h"

#include <gtest/gtest.h>

namespace hltwap {
namespace {

int64_t Parse(std::string_view s) {
  auto r = ParseTimestampUtc(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().message();
  return r.ok() ? *r : 0;
}

TEST(TimeUtil, ParsesZuluOffsetsNaiveAndBareDates) {
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Parse("2025-11-01"), 1761955200LL * 1'000'000);
  EXPECT_EQ(Parse("2025-11-01T00:00:00"), Parse("2025-11-01"));
  EXPECT_EQ(Parse("2025-11-01T02:00:00+02:00"), Parse("2025-11-01T00:00:00Z"));
  EXPECT_EQ(Parse("2025-11-01T02:00:00+0200"), Parse("2025-11-01T00:00:00Z"));
  EXPECT_EQ(Parse("2025-10-31T22:00:00-02"), Parse("2025-11-01T00:00:00Z"));
  EXPECT_EQ(Parse("2025-11-01 00:00:00z"), Parse("2025-11-01"));
  EXPECT_EQ(Parse("2025-11-01T00:00"), Parse("2025-11-01"));
}

TEST(TimeUtil, KeepsMicrosecondsAndTruncatesNanoseconds) {
  EXPECT_EQ(Parse("1970-01-01T00:00:00.5Z"), 500'000);
  EXPECT_EQ(Parse("1970-01-01T00:00:00.123456789"), 123'456);
  EXPECT_EQ(Parse("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(TimeUtil, RejectsMalformedInput) {
  for (const char* bad :
       {"", "2025", "2025-13-01", "2025-02-30", "2025-11-01T24:00:00", "2025-11-01T10:60",
        "2025-11-01T10:00:00.", "2025-11-01T10:00:00.1234567890", "2025-11-01Tfoo",
        "2025-11-01T10:00:00+25:00", "2025-11-01T10:00:00Zjunk", "yesterday", "1761955200"}) {
    EXPECT_FALSE(ParseTimestampUtc(bad).ok()) << bad;
  }
}

TEST(TimeUtil, FormatsUtcWithOptionalMicroseconds) {
  EXPECT_EQ(FormatTimestampUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampUtc(1'500'000), "1970-01-01T00:00:01.500000Z");
  EXPECT_EQ(FormatTimestampUtc(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampUtc(Parse("2025-11-03T12:00:00Z")), "2025-11-03T12:00:00Z");
  EXPECT_EQ(FormatTimestampUtc(Parse("2024-02-29T23:59:59.000001Z")),
            "2024-02-29T23:59:59.000001Z");
}

}  // namespace
}  // namespace hltwap
