#include "api/csv_writer.h"

#include <gtest/gtest.h>

#include <vector>

namespace hltwap::api {
namespace {

std::string Row(const std::vector<std::string_view>& fields) {
  std::string out;
  CsvWriter w(out);
  for (const auto f : fields) w.Field(f);
  w.EndRow();
  return out;
}

TEST(CsvWriter, PlainFieldsAndCrlf) {
  EXPECT_EQ(Row({"a", "1.5", "", "USDC"}), "a,1.5,,USDC\r\n");
  EXPECT_EQ(Row({}), "\r\n");
  std::string out;
  CsvWriter w(out);
  w.Field("x");
  w.EndRow();
  w.Field("y");
  w.Field("z");
  w.EndRow();
  EXPECT_EQ(out, "x\r\ny,z\r\n");
}

TEST(CsvWriter, QuotesAsRfc4180) {
  EXPECT_EQ(Row({"a,b"}), "\"a,b\"\r\n");
  EXPECT_EQ(Row({"say \"hi\""}), "\"say \"\"hi\"\"\"\r\n");
  EXPECT_EQ(Row({"two\nlines", "cr\rhere"}), "\"two\nlines\",\"cr\rhere\"\r\n");
  EXPECT_EQ(Row({"\""}), "\"\"\"\"\r\n");
  EXPECT_EQ(Row({"P&L", "Payment Token"}), "P&L,Payment Token\r\n");
}

TEST(CsvWriter, NeutralisesFormulas) {
  EXPECT_EQ(Row({"=1+2"}), "\"'=1+2\"\r\n");
  EXPECT_EQ(Row({"+SUM(A1)"}), "\"'+SUM(A1)\"\r\n");
  EXPECT_EQ(Row({"-2+3"}), "\"'-2+3\"\r\n");
  EXPECT_EQ(Row({"@107"}), "\"'@107\"\r\n");
  EXPECT_EQ(Row({"\tx"}), "\"'\tx\"\r\n");
  EXPECT_EQ(Row({"\r=x"}), "\"'\r=x\"\r\n");
  EXPECT_EQ(Row({"=HYPERLINK(\"http://x\",\"y\")"}),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
  EXPECT_EQ(Row({"-"}), "\"'-\"\r\n");
  EXPECT_EQ(Row({"-Infinity"}), "\"'-Infinity\"\r\n");
  // Not at the start: nothing to neutralise.
  EXPECT_EQ(Row({"a=b", "x@y"}), "a=b,x@y\r\n");
}

TEST(CsvWriter, NumbersStayNumbers) {
  EXPECT_EQ(Row({"-1.5", "+2", "-0.00000001", "-12.3456789", "1E+5", "-2e-3", "-.5"}),
            "-1.5,+2,-0.00000001,-12.3456789,1E+5,-2e-3,-.5\r\n");
  for (const char* number : {"0", "-1", "+1.0", "1.", ".5", "-1e5", "3E-10"}) {
    EXPECT_TRUE(IsCsvNumber(number)) << number;
  }
  for (const char* text : {"", "-", "+", ".", "-.", "1e", "1e+", "1.2.3", "--1", "1-", " 1", "1 ",
                           "0x10", "NaN", "-1,5", "1_000"}) {
    EXPECT_FALSE(IsCsvNumber(text)) << text;
  }
}

}  // namespace
}  // namespace hltwap::api
