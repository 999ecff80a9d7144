#include "common/decimal.h"

#include <gtest/gtest.h>

#include <limits>

namespace hltwap {
namespace {

TEST(Decimal, AcceptsPlainDecimalText) {
  for (const char* ok :
       {"0", "10.5", "-0.001", "+3", ".5", "3.", "1e-7", "1.5E+10", "00012.3400"}) {
    EXPECT_TRUE(IsDecimalText(ok)) << ok;
  }
}

TEST(Decimal, RejectsEverythingElse) {
  for (const char* bad : {"", "-", ".", "1.2.3", "NaN", "Infinity", "1e", "1e99999", "0x10", " 1",
                          "1 ", "1,5", "e5"}) {
    EXPECT_FALSE(IsDecimalText(bad)) << bad;
  }
}

TEST(Decimal, DoubleBecomesShortestRoundTripPlainDecimal) {
  EXPECT_EQ(DoubleToDecimalText(0.1), "0.1");
  EXPECT_EQ(DoubleToDecimalText(10.5), "10.5");
  EXPECT_EQ(DoubleToDecimalText(1e-7), "0.0000001");
  EXPECT_EQ(DoubleToDecimalText(1e21), "1000000000000000000000");
  EXPECT_EQ(DoubleToDecimalText(123456.789), "123456.789");
  EXPECT_EQ(DoubleToDecimalText(-2.5), "-2.5");
  EXPECT_EQ(DoubleToDecimalText(0.0), "0");
  EXPECT_EQ(DoubleToDecimalText(-0.0), "0");
  EXPECT_EQ(DoubleToDecimalText(100.0), "100");
  EXPECT_EQ(DoubleToDecimalText(0.30000000000000004), "0.30000000000000004");
  EXPECT_FALSE(DoubleToDecimalText(std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(DoubleToDecimalText(std::numeric_limits<double>::infinity()).has_value());
}

}  // namespace
}  // namespace hltwap
