#include "etl/fill_loader.h"

#include <gtest/gtest.h>

#include "tests/etl_test_files.h"
#include "tests/support/test_database.h"

namespace hltwap {
namespace {

using testing::TestDatabase;

constexpr int64_t kTime = 1761984000000000;  // 2025-11-01T08:00:00Z

FillRow Fill(std::string twap_id, std::string tid,
             std::string wallet = "0xabc0000000000000000000000000000000000001") {
  FillRow f;
  f.twap_id = std::move(twap_id);
  f.wallet = std::move(wallet);
  f.tid = std::move(tid);
  f.time = kTime;
  f.coin = "ETH";
  f.side = "B";
  f.px = "3850.25";
  f.sz = "0.0100";
  f.fee = "0.0154";
  f.fee_token = "USDC";
  f.closed_pnl = "0.0";
  f.start_position = "1.5";
  f.dir = "Open Long";
  f.crossed = false;
  f.oid = "123456789";
  f.hash = "0x00";
  f.raw_payload = R"({"tid":)" + f.tid + "}";
  return f;
}

int64_t Load(PgConnection& conn, const std::vector<FillRow>& rows,
             const std::string& key = "fills.parquet") {
  return testing::LoadCommitted(conn, FillStaging(), rows, key);
}

TEST(FillLoader, StoresEveryColumnExactlyRebatesIncluded) {
  TestDatabase db;
  auto conn = db.Connect();
  FillRow f = Fill("568722", "18446744073709551615");
  f.fee = "-0.00000123";  // a maker rebate
  f.closed_pnl = "-12.500000";
  f.builder_fee = "0.000100";
  f.crossed = true;
  FillRow bare = Fill("568722", "2");
  bare.fee = bare.fee_token = bare.closed_pnl = bare.start_position = bare.dir = std::nullopt;
  bare.crossed = std::nullopt;
  bare.oid = bare.hash = std::nullopt;
  EXPECT_EQ(Load(conn, {f, bare}), 2);
  EXPECT_EQ(testing::DumpTwapFill(db),
            "568722|0xabc0000000000000000000000000000000000001|2|2025-11-01 08:00:00+00|ETH|B|"
            "3850.25|0.0100|fills.parquet|{\"tid\": 2}\n"
            "568722|0xabc0000000000000000000000000000000000001|18446744073709551615|"
            "2025-11-01 08:00:00+00|ETH|B|3850.25|0.0100|-0.00000123|USDC|-12.500000|1.5|"
            "Open Long|t|123456789|0x00|0.000100|fills.parquet|{\"tid\": 18446744073709551615}");
  EXPECT_EQ(db.Scalar("SELECT sum(fee) FROM twap_fill"), "-0.00000123");
}

// A TWAP buying from another TWAP: one trade (one tid), two wallets, both kept.
TEST(FillLoader, BothSidesOfOneTradeAreKept) {
  TestDatabase db;
  auto conn = db.Connect();
  FillRow buyer = Fill("100", "777", "0xbuyer");
  FillRow seller = Fill("200", "777", "0xseller");
  seller.side = "A";
  seller.dir = "Close Long";
  EXPECT_EQ(Load(conn, {buyer, seller}), 2);
  EXPECT_EQ(db.Scalar("SELECT string_agg(twap_id || ':' || wallet || ':' || side, ' ' "
                      "ORDER BY twap_id) FROM twap_fill WHERE tid = 777"),
            "100:0xbuyer:B 200:0xseller:A");
}

TEST(FillLoader, ReloadingChangesNothingACorrectionReplaces) {
  TestDatabase db;
  auto conn = db.Connect();
  std::vector<FillRow> fills;
  for (int i = 0; i < 50; ++i) fills.push_back(Fill(std::to_string(i % 5), std::to_string(i)));
  EXPECT_EQ(Load(conn, fills), 50);
  const std::string before = testing::DumpTwapFill(db);
  const std::string inserted_at = db.Scalar("SELECT max(inserted_at) FROM twap_fill");
  EXPECT_EQ(Load(conn, fills), 0);
  EXPECT_EQ(Load(conn, fills, "other.parquet"), 0) << "the same fill in another object";
  EXPECT_EQ(testing::DumpTwapFill(db), before);
  EXPECT_EQ(db.Scalar("SELECT max(inserted_at) FROM twap_fill"), inserted_at);

  // A rewrite upstream that corrects a fill replaces it, "0.0100" to "0.01" included.
  FillRow corrected = fills[3];
  corrected.sz = "0.01";
  EXPECT_EQ(Load(conn, {corrected}, "rewritten.parquet"), 1);
  EXPECT_EQ(db.Scalar("SELECT sz || ' ' || s3_object_key FROM twap_fill WHERE tid = 3"),
            "0.01 rewritten.parquet");
  // A file's own duplicates: the later row wins.
  FillRow first = Fill("9", "900");
  FillRow later = Fill("9", "900");
  later.px = "1";
  EXPECT_EQ(Load(conn, {first, later}), 1);
  EXPECT_EQ(db.Scalar("SELECT px FROM twap_fill WHERE tid = 900"), "1");
}

TEST(FillLoader, ANumberBeyondNumericIsRefusedAndTheOtherRowsLoad) {
  TestDatabase db;
  auto conn = db.Connect();
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  auto loader = FillLoader::Begin(conn, FillStaging());
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  FillRow huge = Fill("1", "1");
  huge.px = "1e200000";
  const Status st = loader->Add(huge);
  EXPECT_EQ(st.kind(), ErrorKind::kData) << st.message();
  EXPECT_NE(st.message().find("px"), std::string::npos) << st.message();
  EXPECT_TRUE(loader->Add(Fill("1", "2")).ok());
  auto inserted = loader->Merge("k");
  ASSERT_TRUE(inserted.ok()) << inserted.status().message();
  EXPECT_EQ(*inserted, 1);
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
}

}  // namespace
}  // namespace hltwap
