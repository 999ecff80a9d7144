#include "db/copy_writer.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using testing::TestDatabase;

std::string MustScalar(PgConnection& conn, const std::string& sql) {
  auto r = conn.Query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().message();
  if (!r.ok() || r->rows() == 0) return "";
  return r->IsNull(0, 0) ? "NULL" : std::string(r->Get(0, 0));
}

// Copies every text in binary NUMERIC form next to the text itself.
void CopyNumerics(PgConnection& conn, const std::vector<std::string>& texts) {
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE nums (n numeric, t text)").ok());
  auto writer = CopyWriter::Begin(conn, "nums", {"n", "t"});
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (const auto& t : texts) {
    writer->StartRow();
    ASSERT_TRUE(writer->AddNumeric(t).ok()) << t;
    writer->AddText(t);
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto stored = writer->Finish();
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, static_cast<int64_t>(texts.size()));
}

TEST(CopyWriter, NumericBinaryMatchesPostgresParsingDigitForDigit) {
  TestDatabase db;
  auto conn = db.Connect();
  std::vector<std::string> texts = {
      "0",         "-0",           "0.000",       "-0.00",        "1",
      "-1",        "10.5",         "10.50",       "00012.3400",   ".5",
      "3.",        "+7",           "9999",        "10000",        "10001",
      "99999999",  "100000000",    "0.0001",      "0.00001",      "0.000123456789",
      "1.5e-7",    "1.50E+1",      "1e3",         "-2.5e2",       "123456789.123456789",
      "1e-1000",   "1e1000",       "5e-3",        "0.1",          "-0.1000000000000000055",
      "12345.678", "1234.5678",    "123.45678",   "0e5",          "0.0e-3",
      "42.000100", "1000.0000001", "-99999.9999", "1.000000e+10", "3.14159265358979323846"};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 500; ++i) {
    std::string t = (rng() % 3 == 0) ? "-" : "";
    const int int_len = static_cast<int>(rng() % 12);
    const int frac_len = static_cast<int>(rng() % 12);
    for (int d = 0; d < int_len; ++d) t += static_cast<char>('0' + rng() % 10);
    if (int_len == 0 || frac_len > 0) {
      t += '.';
      for (int d = 0; d < std::max(frac_len, 1); ++d) t += static_cast<char>('0' + rng() % 10);
    }
    if (rng() % 4 == 0) t += "e" + std::to_string(static_cast<int>(rng() % 41) - 20);
    texts.push_back(t);
  }
  CopyNumerics(conn, texts);
  auto mismatches =
      conn.Query("SELECT t, n::text, t::numeric::text FROM nums WHERE n::text <> t::numeric::text");
  ASSERT_TRUE(mismatches.ok()) << mismatches.status().message();
  for (int r = 0; r < mismatches->rows(); ++r) {
    ADD_FAILURE() << mismatches->Get(r, 0) << ": copied " << mismatches->Get(r, 1)
                  << ", PostgreSQL parses " << mismatches->Get(r, 2);
  }
  EXPECT_EQ(MustScalar(conn, "SELECT n::text FROM nums WHERE t = '10.50'"), "10.50");
  EXPECT_EQ(MustScalar(conn, "SELECT n::text FROM nums WHERE t = '1.5e-7'"), "0.00000015");
}

TEST(CopyWriter, RejectsTextThatIsNotADecimal) {
  for (const std::string bad : {"", "-", ".", "abc", "1.2.3", "1e", "1e1001", "1e-1001", "NaN",
                                "Infinity", "1,5", " 1", "1 ", "0x10", "1e+"}) {
    std::string out;
    const Status st = AppendNumericBinary(bad, out);
    EXPECT_FALSE(st.ok()) << "'" << bad << "'";
    EXPECT_EQ(st.kind(), ErrorKind::kData) << bad;
  }
}

TEST(CopyWriter, EveryColumnTypeRoundTrips) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (a text, b int4, c int8, d timestamptz, e jsonb, "
                        "f numeric, g text, h bool)")
                  .ok());
  auto writer = CopyWriter::Begin(conn, "t", {"a", "b", "c", "d", "e", "f", "g", "h"});
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  writer->StartRow();
  writer->AddText("héllo \"x\"\n");
  writer->AddInt32(-1440);
  writer->AddInt64(int64_t{1} << 40);
  writer->AddTimestamptz(1762171200123456);  // 2025-11-03T12:00:00.123456Z
  writer->AddJsonb(R"({"b": [1, 2.50, null], "a": "x"})");
  ASSERT_TRUE(writer->AddNumeric("950.25").ok());
  writer->AddNull();
  writer->AddBool(true);
  ASSERT_TRUE(writer->EndRow().ok());
  writer->StartRow();
  writer->AddText("");
  writer->AddInt32(0);
  writer->AddInt64(-1);
  writer->AddTimestamptz(-1000000);  // 1969-12-31T23:59:59Z
  writer->AddJsonb("{}");
  writer->AddNull();
  writer->AddText("x");
  writer->AddBool(false);
  ASSERT_TRUE(writer->EndRow().ok());
  auto stored = writer->Finish();
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, 2);

  ASSERT_TRUE(conn.Exec("SET TIME ZONE 'UTC'").ok());
  auto r = conn.Query("SELECT a, b, c, d::text, e::text, f::text, g, h FROM t ORDER BY b");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rows(), 2);
  EXPECT_EQ(r->Get(0, 0), "héllo \"x\"\n");
  EXPECT_EQ(r->Get(0, 1), "-1440");
  EXPECT_EQ(r->Get(0, 2), "1099511627776");
  EXPECT_EQ(r->Get(0, 3), "2025-11-03 12:00:00.123456+00");
  EXPECT_EQ(r->Get(0, 4), R"({"a": "x", "b": [1, 2.50, null]})");
  EXPECT_EQ(r->Get(0, 5), "950.25");
  EXPECT_TRUE(r->IsNull(0, 6));
  EXPECT_EQ(r->Get(0, 7), "t");
  EXPECT_EQ(r->Get(1, 7), "f");
  EXPECT_EQ(r->Get(1, 0), "");
  EXPECT_FALSE(r->IsNull(1, 0));
  EXPECT_EQ(r->Get(1, 3), "1969-12-31 23:59:59+00");
  EXPECT_TRUE(r->IsNull(1, 5));
}

TEST(CopyWriter, ManyRowsAreSentInChunks) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (i int8, s text)").ok());
  auto writer = CopyWriter::Begin(conn, "t", {"i", "s"});
  ASSERT_TRUE(writer.ok());
  const std::string payload(100, 'x');
  constexpr int kRows = 20000;  // about 2.5 MB: several flushes
  for (int i = 0; i < kRows; ++i) {
    writer->StartRow();
    writer->AddInt64(i);
    writer->AddText(payload);
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto stored = writer->Finish();
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, kRows);
  EXPECT_EQ(MustScalar(conn, "SELECT count(DISTINCT i) FROM t WHERE s = repeat('x', 100)"),
            "20000");
}

TEST(CopyWriter, ServerRejectionIsADataErrorAndTheConnectionStaysUsable) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (j jsonb NOT NULL)").ok());
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  auto writer = CopyWriter::Begin(conn, "t", {"j"});
  ASSERT_TRUE(writer.ok());
  writer->StartRow();
  writer->AddJsonb("{not json");
  ASSERT_TRUE(writer->EndRow().ok());
  auto stored = writer->Finish();
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.status().kind(), ErrorKind::kData) << stored.status().message();
  ASSERT_TRUE(conn.Exec("ROLLBACK").ok());
  EXPECT_EQ(MustScalar(conn, "SELECT count(*) FROM t"), "0");
}

TEST(CopyWriter, AbandonedCopyIsCancelled) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (i int4)").ok());
  {
    auto writer = CopyWriter::Begin(conn, "t", {"i"});
    ASSERT_TRUE(writer.ok());
    writer->StartRow();
    writer->AddInt32(1);
    ASSERT_TRUE(writer->EndRow().ok());
  }
  EXPECT_EQ(MustScalar(conn, "SELECT count(*) FROM t"), "0");
  {
    auto writer = CopyWriter::Begin(conn, "t", {"i"});
    ASSERT_TRUE(writer.ok());
    writer->StartRow();
    writer->AddInt32(1);
    ASSERT_TRUE(writer->EndRow().ok());
    writer->StartRow();
    writer->AddInt32(2);
    EXPECT_EQ(writer->EndRow().ok(), true);
    writer->Abort("changed my mind");
  }
  EXPECT_EQ(MustScalar(conn, "SELECT count(*) FROM t"), "0");
}

TEST(CopyWriter, RowWithTheWrongNumberOfFieldsIsRefused) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (i int4, j int4)").ok());
  auto writer = CopyWriter::Begin(conn, "t", {"i", "j"});
  ASSERT_TRUE(writer.ok());
  writer->StartRow();
  writer->AddInt32(1);
  EXPECT_EQ(writer->EndRow().kind(), ErrorKind::kInternal);
}

TEST(CopyWriter, CancelledRowIsLeftOut) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE t (i int4, n numeric)").ok());
  auto writer = CopyWriter::Begin(conn, "t", {"i", "n"});
  ASSERT_TRUE(writer.ok());
  for (const auto& [i, n] : std::vector<std::pair<int, std::string>>{
           {1, "1.5"}, {2, "1e5000"}, {3, "not a number"}, {4, "-2"}}) {
    writer->StartRow();
    writer->AddInt32(i);
    if (!writer->AddNumeric(n).ok()) {
      writer->CancelRow();
      continue;
    }
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto stored = writer->Finish();
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, 2);
  EXPECT_EQ(MustScalar(conn, "SELECT string_agg(i || '=' || n, ',' ORDER BY i) FROM t"),
            "1=1.5,4=-2");
}

TEST(CopyWriter, UnknownTableFailsAtBegin) {
  TestDatabase db;
  auto conn = db.Connect();
  auto writer = CopyWriter::Begin(conn, "no_such_table", {"i"});
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("no_such_table"), std::string::npos);
}

}  // namespace
}  // namespace hltwap
