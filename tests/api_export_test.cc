// Over 400 lines: one fixture holds every kind of export (four layouts, hostile fields, mixed
// markets, a 200,000-fill wallet) so the data is loaded and the server started once.
// GET /api/v1/export and `hltwap export` against a real PostgreSQL: each file parsed with
// Python's csv module and checked against sums computed in SQL, the CLI's bytes against the
// API's, quoting and formula injection, rounding, the perpetual/spot split, hostile parameters,
// streaming in chunks, an abort after the first byte, and the OpenAPI document.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRounding = "0x00000000000000000000000000000000000000aa";
constexpr const char* kMallory = "0x000000000000000000000000000000000000bad0";
constexpr const char* kHeavy = "0x0000000000000000000000000000000000000eee";
constexpr int kHeavyFills = 200'000;

const std::string kAliceWindow =
    std::string("wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
const std::string kBobWindow = std::string("wallet=") + kBob + "&start=2025-11-01&end=2025-11-04";

// Fills that exercise one rule each; nullptr is NULL.
std::vector<SampleFill> ExtraFills() {
  return {
      // Bob: a perpetual fill and spot fills of two kinds of spot name, buy and sell.
      {"568760", kBob, "101883903100001", "2025-11-02T02:05:00Z", "BTC", "A", "108100", "0.00123",
       "0.0598167", "USDC", "0.41", "0.00123", "Close Long", true, "41963100001", "0xb1", nullptr},
      {"568725", kBob, "101883903100002", "2025-11-01T11:11:12Z", "@107", "B", "38.123", "10.5",
       "0.00735", "HYPE", "0.0", "0.0", "Buy", true, "41963100002", "0xb2", nullptr},
      {"570500", kBob, "101883903100003", "2025-11-01T12:00:00Z", "PURR/USDC", "A", "0.18765",
       "1000", "-0.0187650", "USDC", "0.0", "5000", "Sell", false, "41963100003", "0xb3", nullptr},
      // Rounding at the 8th place, half away from zero, both signs; a rebate; tags from dir.
      {"571000", kRounding, "1", "2025-11-01T00:00:00Z", "BTC", "B", "100", "0.123456785",
       "0.000000005", "USDC", "-1.234567895", "0.5", "Close Short", true, nullptr, "0xr1", nullptr},
      {"571000", kRounding, "2", "2025-11-01T00:00:01Z", "BTC", "B", "100", "2.5", "-0.000000005",
       "USDC", "0.000000004999", "-1", "Short > Long", false, nullptr, "0xr2", nullptr},
      {"571000", kRounding, "3", "2025-11-01T00:00:02Z", "BTC", "A", "100", "1", "0.1", "USDC",
       "0.0", "0", nullptr, true, nullptr, "0xr3", nullptr},
      {"571000", kRounding, "4", "2025-11-01T00:00:03Z", "BTC", "A", "100", "1", "0.1", "USDC", "3",
       "1", "Auto-Deleveraging", true, nullptr, "0xr4", nullptr},
      // Mallory's fills, whose text fields HostileFields then sets.
      {"571100", kMallory, "1", "2025-11-01T00:00:00Z", "ETH", "B", "1", "2", "0.5", "USDC", "-5.5",
       "0", "Open Long", true, nullptr, "0x1", nullptr},
      {"571100", kMallory, "2", "2025-11-01T00:00:01Z", "ETH", "A", "1", "2", "0.5", "USDC", "1",
       "0", "Open Long", true, nullptr, "0x2", nullptr},
  };
}

// Text a spreadsheet would run, and text that needs quoting: tid, coin, fee_token, dir, hash.
const std::vector<std::vector<std::string>>& HostileFields() {
  static const std::vector<std::vector<std::string>> fields = {
      {"1", "=SUM(1,2)", "@SUM(A1)", "-2+3", "0x\"q\",c\nl"},
      {"2", "+cmd", "\tUSDC", "Open Long", "=1+2"},
  };
  return fields;
}

class ApiExport : public ApiSuite {
 protected:
  static void SetUpTestSuite() {
    CreateSampleDatabase();
    auto conn = db_->Connect();
    for (const auto& fill : ExtraFills()) InsertFill(conn, fill);
    for (const auto& f : HostileFields()) {
      const auto updated = conn.Query(
          "UPDATE twap_fill SET coin = $2, fee_token = $3, dir = $4, hash = $5 "
          "WHERE wallet = $1 AND tid = $6::numeric",
          {kMallory, f[1], f[2], f[3], f[4], f[0]});
      ASSERT_TRUE(updated.ok()) << updated.status().message();
    }
    // A heavy wallet: 200,000 fills, one a second, in four TWAPs.
    const Status st = conn.Exec(fmt::format(
        "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, fee, fee_token, "
        "closed_pnl, dir, crossed, hash, s3_object_key) "
        "SELECT (600000 + g % 4)::text, '{}', g, '2025-03-01'::timestamptz + g * interval '1 s', "
        "'ETH', CASE WHEN g % 2 = 0 THEN 'B' ELSE 'A' END, 3000 + (g % 1000) * 0.01, 0.0123, "
        "0.0012345 - (g % 3) * 0.001, 'USDC', (g % 7 - 3) * 0.5, "
        "CASE WHEN g % 2 = 0 THEN 'Open Long' ELSE 'Close Long' END, g % 2 = 0, 'h' || g, 'gen' "
        "FROM generate_series(1, {}) g",
        kHeavy, kHeavyFills));
    ASSERT_TRUE(st.ok()) << st.message();
    server_ = new ApiServer(db_->url());
  }

  static HttpResult Export(const std::string& query, int expected_status = 200) {
    const auto r = HttpGet(server_->port(), "/api/v1/export?" + query);
    EXPECT_EQ(r.status, expected_status) << query << "\n" << r.body.substr(0, 2000) << r.error;
    return r;
  }

  // The file through tests/export_csv_summary.py (Python's csv module).
  static json::value Summary(const std::string& body, const std::string& columns = "") {
    static int counter = 0;
    const std::string path =
        fmt::format("{}/export_{}_{}.csv", ::testing::TempDir(), ::getpid(), counter++);
    std::ofstream(path, std::ios::binary) << body;
    const auto r =
        RunProcess({Venv() + "/bin/python", SourceDir() + "/tests/export_csv_summary.py", path},
                   {{"EXPORT_COLUMNS", columns}});
    std::remove(path.c_str());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseJson(r.out);
  }

  static std::string Sql(const std::string& query) { return db_->Scalar(query); }

  // `hltwap export` with the same parameters, to a file; returns its bytes.
  static std::string Cli(const std::vector<std::string>& flags, int expected_exit = 0,
                         std::string* err = nullptr) {
    const std::string path = fmt::format("{}/cli_export_{}.csv", ::testing::TempDir(), ::getpid());
    std::remove(path.c_str());
    std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env", "export"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"--output", path});
    const auto r = RunProcess(argv, {{"DATABASE_URL", db_->url()}});
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    if (err != nullptr) *err = r.err;
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::remove(path.c_str());
    return s.str();
  }
};

// The heavy wallet's CSV export as raw HTTP, with `headers` ("Name: value\r\n" each).
std::string HeavyExportRequest(const std::string& headers = "") {
  return fmt::format(
      "GET /api/v1/export?wallet={}&start=2025-01-01&end=2025-12-31 HTTP/1.1\r\nHost: x\r\n{}\r\n",
      kHeavy, headers);
}

// A JSON string's text (other values serialized), to compare with SQL text.
std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

std::vector<std::string> Header(const json::value& summary) {
  std::vector<std::string> out;
  for (const auto& h : summary.at("header").as_array()) out.emplace_back(h.as_string());
  return out;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1) {
    out.push_back(line.substr(start, comma - start));
  }
  out.push_back(line.substr(start));
  return out;
}

const std::string kAwakenPerpHeader =
    "Date,Asset,Amount,Fee,P&L,Payment Token,Notes,Transaction Hash,Tag";
const std::string kAwakenSpotHeader =
    "Date,Received Quantity,Received Currency,Received Fiat Amount,Sent Quantity,Sent Currency,"
    "Sent Fiat Amount,Fee Amount,Fee Currency,Transaction Hash,Notes,Tag";
const std::string kKoinlyHeader =
    "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,"
    "Net Worth Amount,Net Worth Currency,Label,Description,TxHash";
const std::string kFillsHeader =
    "time,wallet,twap_id,tid,coin,market,side,dir,px,sz,notional,fee,fee_token,closed_pnl,"
    "start_position,crossed,hash,oid,builder_fee,twap_status,twap_size_requested";

TEST_F(ApiExport, CsvOfFillsHasEveryColumnExactly) {
  const auto r = Export(kAliceWindow);
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.Header("content-disposition"), std::string("attachment; filename=\"hltwap-") +
                                                 kAlice +
                                                 "-20251101T000000Z-20251104T000000Z-csv.csv\"");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.body.substr(0, r.body.find("\r\n")), kFillsHeader);
  // The first fill, every column: its TWAP finished, requested 0.5.
  EXPECT_NE(r.body.find("\r\n2025-11-01T08:16:02.517000Z," + std::string(kAlice) +
                        ",568722,101883902541105,BTC,perp,B,Open Long,108421.5,0.12345,"
                        "13384.634175,6.023085,USDC,0.0,0.0,true,"
                        "0x3f1c0b6e5e8a1d2c4b7f9a0e3d6c5b4a29183746556473829101a2b3c4d5e6f7,"
                        "41962510331,,finished,0.5\r\n"),
            std::string::npos)
      << r.body;
  // A fill without a status row: empty status columns.
  EXPECT_NE(r.body.find(",570404,"), std::string::npos);
  EXPECT_NE(r.body.find(",41963000001,,,\r\n"), std::string::npos) << r.body;

  const auto s = Summary(r.body);
  EXPECT_EQ(s.at("rows"), 6);  // Alice's fills, not Dave's side of the shared trade
  EXPECT_EQ(s.at("ragged"), 0);
  EXPECT_EQ(s.at("crlf"), true);
  EXPECT_EQ(s.at("dates").at("time"), 6);
  const std::string where = std::string("FROM twap_fill WHERE wallet = '") + kAlice +
                            "' AND time BETWEEN '2025-11-01' AND '2025-11-04'";
  EXPECT_EQ(s.at("rows"), std::stoi(Sql("SELECT count(*) " + where)));
  for (const auto& [column, expr] :
       std::vector<std::pair<std::string, std::string>>{{"sz", "sz"},
                                                        {"fee", "fee"},
                                                        {"closed_pnl", "closed_pnl"},
                                                        {"notional", "px * sz"},
                                                        {"px", "px"},
                                                        {"builder_fee", "builder_fee"}}) {
    EXPECT_EQ(Str(s.at("sums").at(column)), Sql("SELECT trim_scale(sum(" + expr + ")) " + where))
        << column;
  }
}

TEST_F(ApiExport, CsvOfTwapsUsesTheFillsSummary) {
  const auto r = Export(kAliceWindow + "&level=twap");
  EXPECT_NE(r.Header("content-disposition").find("-csv-twap.csv\""), std::string::npos);
  const auto s = Summary(r.body);
  EXPECT_EQ(Header(s)[0], "twap_id");
  EXPECT_EQ(s.at("rows"), 5);  // Alice's TWAPs with status rows in the window
  EXPECT_EQ(s.at("ragged"), 0);
  // 568722 as fills_summary shows it (see api_fills_test.cc), last in the row after ordering.
  const std::string line =
      "568722," + std::string(kAlice) +
      ",BTC,perp,B,finished,2025-11-01T08:45:02.123456Z,2025-11-01T08:15:02.123000Z,30,0.5,0.5,"
      "54210.35,3,0.50000,54210.58069375,108421.161387500000,,,"
      "\"{\"\"HYPE\"\": \"\"0.00131245\"\", \"\"USDC\"\": \"\"3.854630\"\"}\",0.0,"
      "2025-11-01T08:16:02.517000Z,2025-11-01T08:44:59.999999Z,true\r\n";
  EXPECT_NE(r.body.find("\r\n" + line), std::string::npos) << r.body;
  // 568723: one fill short of its executed size; 568790: no fills (empty summary).
  EXPECT_NE(r.body.find("2025-11-01T09:05:00.000000Z,2025-11-01T09:15:00.000001Z,false\r\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("\r\n568790,"), std::string::npos);
  EXPECT_EQ(Str(s.at("sums").at("fill_count")), "5");
}

TEST_F(ApiExport, AwakenPerpetualsRoundAndTag) {
  const auto r =
      Export(std::string("wallet=") + kRounding + "&start=2025-11-01&end=2025-11-02&format=awaken");
  EXPECT_NE(r.Header("content-disposition").find("-awaken-perp.csv\""), std::string::npos);
  EXPECT_EQ(r.body, kAwakenPerpHeader + "\r\n" +
                        "11/01/2025 00:00:00,BTC,0.12345679,0.00000001,-1.2345679,USDC,"
                        "TWAP 571000 buy Close Short,0xr1,close_position\r\n"
                        "11/01/2025 00:00:01,BTC,2.5,0,0,USDC,"
                        "TWAP 571000 buy Short > Long; maker rebate 0.000000005 USDC,0xr2,"
                        "close_position\r\n"
                        "11/01/2025 00:00:02,BTC,1,0.1,0,USDC,TWAP 571000 sell,0xr3,"
                        "open_position\r\n"
                        "11/01/2025 00:00:03,BTC,1,0.1,3,USDC,TWAP 571000 sell Auto-Deleveraging,"
                        "0xr4,close_position\r\n");
}

TEST_F(ApiExport, AwakenTotalsMatchSql) {
  const auto s = Summary(Export(kAliceWindow + "&format=awaken").body);
  EXPECT_EQ(Header(s), Split(kAwakenPerpHeader));
  EXPECT_EQ(s.at("rows"), 6);
  EXPECT_EQ(s.at("dates").at("Date"), 6);
  const std::string where = std::string("FROM twap_fill WHERE wallet = '") + kAlice +
                            "' AND time BETWEEN '2025-11-01' AND '2025-11-04'";
  EXPECT_EQ(Str(s.at("sums").at("Amount")), Sql("SELECT trim_scale(sum(round(sz, 8))) " + where));
  EXPECT_EQ(Str(s.at("sums").at("Fee")),
            Sql("SELECT trim_scale(sum(round(greatest(fee, 0), 8))) " + where));
  EXPECT_EQ(Str(s.at("sums").at("P&L")),
            Sql("SELECT trim_scale(sum(round(closed_pnl, 8))) " + where));
  // Never negative but P&L; at most 8 places.
  for (const auto& [column, count] : s.at("negatives").as_object()) {
    if (column != "P&L") {
      EXPECT_EQ(count, 0) << column;
    }
  }
  EXPECT_EQ(s.at("negatives").at("P&L"), 1);
  for (const auto& [column, places] : s.at("max_places").as_object()) {
    EXPECT_LE(places.as_int64(), 8) << column;
  }
}

TEST_F(ApiExport, MixedMarketsNeedAnAssetOrAMarket) {
  const auto refused = ParseJson(Export(kBobWindow + "&format=awaken", 422).body);
  EXPECT_EQ(refused.at("detail").at(0).at("loc"), json::parse(R"(["query", "market"])"));
  EXPECT_NE(std::string(refused.at("detail").at(0).at("msg").as_string()).find("market=perp"),
            std::string::npos);

  const auto perp = Export(kBobWindow + "&format=awaken&market=perp");
  EXPECT_EQ(perp.body, kAwakenPerpHeader + "\r\n" +
                           "11/02/2025 02:05:00,BTC,0.00123,0.0598167,0.41,USDC,"
                           "TWAP 568760 sell Close Long,0xb1,close_position\r\n");
  const auto spot = Export(kBobWindow + "&format=awaken&market=spot");
  EXPECT_NE(spot.Header("content-disposition").find("-awaken-spot.csv\""), std::string::npos);
  // A buy receives the base and sends px·sz USDC; a sell of BASE/QUOTE the opposite; a rebate is
  // Fee 0 with a note. "@107" is its own currency name (no symbol is stored for it).
  EXPECT_EQ(spot.body,
            kAwakenSpotHeader + "\r\n" +
                "11/01/2025 11:11:12,10.5,\"'@107\",,400.2915,USDC,,0.00735,HYPE,0xb2,"
                "TWAP 568725 buy @107 10.5 @ 38.123,\r\n"
                "11/01/2025 12:00:00,187.65,USDC,,1000,PURR,,0,USDC,0xb3,"
                "TWAP 570500 sell PURR/USDC 1000 @ 0.18765; maker rebate 0.0187650 USDC,\r\n")
      << spot.body;
  // An asset decides the market by its name.
  EXPECT_EQ(
      Export(kBobWindow + "&format=awaken&asset=%40107").body.substr(0, kAwakenSpotHeader.size()),
      kAwakenSpotHeader);
  EXPECT_EQ(Export(kBobWindow + "&format=awaken&asset=BTC").body, perp.body);
  // Empty optional parameters are absent ones, as on the list endpoints.
  EXPECT_EQ(Export(kBobWindow + "&format=awaken&market=spot&asset=").body, spot.body);
  EXPECT_EQ(Export(kBobWindow + "&format=awaken&asset=&market=", 422).status, 422);
  // Koinly and csv take both markets in one file.
  EXPECT_EQ(Summary(Export(kBobWindow + "&format=koinly").body).at("rows"), 3);
  EXPECT_EQ(Summary(Export(kBobWindow).body).at("rows"), 3);
  EXPECT_EQ(Summary(Export(kBobWindow + "&market=spot").body).at("rows"), 2);
}

TEST_F(ApiExport, KoinlyRealizedPnlAndTrades) {
  const auto r = Export(kBobWindow + "&format=koinly");
  const auto s = Summary(r.body);
  EXPECT_EQ(Header(s), Split(kKoinlyHeader));
  EXPECT_EQ(s.at("dates").at("Date"), 3);
  EXPECT_NE(r.body.find("\r\n2025-11-01 11:11:12 UTC,400.2915,USDC,10.5,\"'@107\",0.00735,HYPE,"
                        ",,,TWAP 568725 buy @107 Buy 10.5 @ 38.123,0xb2\r\n"),
            std::string::npos)
      << r.body;
  // closed PnL 0.41 less the fee 0.0598167, received.
  EXPECT_NE(r.body.find("\r\n2025-11-02 02:05:00 UTC,,,0.3501833,USDC,,,,,realized gain,"
                        "TWAP 568760 sell BTC Close Long 0.00123 @ 108100; closed PnL 0.41; "
                        "fee 0.0598167 USDC,0xb1\r\n"),
            std::string::npos)
      << r.body;
  // Alice (perpetuals only): received − sent = Σ closed_pnl − Σ fee, exactly.
  const auto alice = Summary(Export(kAliceWindow + "&format=koinly").body);
  const std::string where = std::string("FROM twap_fill WHERE wallet = '") + kAlice +
                            "' AND time BETWEEN '2025-11-01' AND '2025-11-04'";
  EXPECT_EQ(Sql(fmt::format("SELECT trim_scale({}::numeric - {}::numeric)",
                            alice.at("sums").at("Received Amount").as_string().c_str(),
                            alice.at("sums").at("Sent Amount").as_string().c_str())),
            Sql("SELECT trim_scale(sum(closed_pnl) - sum(fee)) " + where));
  EXPECT_EQ(alice.at("negatives").at("Sent Amount"), 0);
  EXPECT_EQ(alice.at("negatives").at("Received Amount"), 0);
}

TEST_F(ApiExport, HostileFieldsAreQuotedAndNeutralised) {
  const std::string window = std::string("wallet=") + kMallory + "&start=2025-11-01&end=2025-11-02";
  const auto s = Summary(Export(window).body, "coin,fee_token,dir,hash,closed_pnl");
  EXPECT_EQ(s.at("rows"), 2);
  EXPECT_EQ(s.at("ragged"), 0);
  EXPECT_EQ(s.at("columns"), json::parse(R"json({
    "coin": ["'=SUM(1,2)", "'+cmd"], "fee_token": ["'@SUM(A1)", "'\tUSDC"],
    "dir": ["'-2+3", "Open Long"], "hash": ["0x\"q\",c\nl", "'=1+2"],
    "closed_pnl": ["-5.5", "1"]})json"));
  const auto awaken = Summary(Export(window + "&format=awaken").body, "Asset,Notes,P&L");
  EXPECT_EQ(awaken.at("columns").at("Asset"), json::parse(R"json(["'=SUM(1,2)", "'+cmd"])json"));
  EXPECT_EQ(awaken.at("columns").at("P&L"), json::parse(R"(["-5.5", "1"])"));
  EXPECT_EQ(Summary(Export(window + "&format=koinly").body).at("ragged"), 0);
}

TEST_F(ApiExport, EmptyWindowIsTheHeaderAlone) {
  const std::string empty = std::string("wallet=") + kAlice + "&start=2020-01-01&end=2020-12-31";
  EXPECT_EQ(Export(empty).body, kFillsHeader + "\r\n");
  EXPECT_EQ(Export(empty + "&format=awaken").body, kAwakenPerpHeader + "\r\n");
  EXPECT_EQ(Export(empty + "&format=awaken&market=spot").body, kAwakenSpotHeader + "\r\n");
  EXPECT_EQ(Export(empty + "&format=koinly").body, kKoinlyHeader + "\r\n");
  const auto twaps = Export(empty + "&level=twap").body;
  EXPECT_EQ(twaps.substr(0, 8), "twap_id,");
  EXPECT_EQ(twaps.find("\r\n"), twaps.size() - 2);
  // A wallet the database cannot hold (a NUL) matches nothing, as on the list.
  EXPECT_EQ(Export("wallet=0x%00&start=2025-11-01&end=2025-11-04").body, kFillsHeader + "\r\n");
}

TEST_F(ApiExport, HostileParametersAre422) {
  const std::string w = std::string("wallet=") + kAlice;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "wallet"},
      {"wallet=&start=2025-01-01&end=2025-02-01", "wallet"},
      {w + "&start=2025-13-01&end=2025-12-01", "start"},
      {w + "&start=99999-01-01&end=2025-12-01", "start"},
      {w + "&start=2025-01-01&end=" + std::string(2000, '9'), "end"},
      {w + "&start=%00&end=2025-01-01", "start"},
      {w + "&start=1'%20OR%20'1'%3D'1&end=2025-01-01", "start"},
      {w + "&start=2025-02-01&end=2025-01-01", "end"},
      {w + "&start=2025-01-01&end=2025-02-01&format=xls", "format"},
      {w + "&start=2025-01-01&end=2025-02-01&format=CSV", "format"},
      {w + "&start=2025-01-01&end=2025-02-01&format=csv%27%3B%20DROP%20TABLE%20twap_fill",
       "format"},
      {w + "&start=2025-01-01&end=2025-02-01&level=order", "level"},
      {w + "&start=2025-01-01&end=2025-02-01&market=futures", "market"},
      {w + "&start=2025-01-01&end=2025-02-01&format=awaken&level=twap", "level"},
      {w + "&start=2025-01-01&end=2025-02-01&format=koinly&level=twap", "level"},
  };
  for (const auto& [query, field] : bad) {
    const auto body = ParseJson(Export(query, 422).body);
    EXPECT_EQ(Str(body.at("detail").at(0).at("loc").at(1)), field) << query;
  }
  EXPECT_EQ(ParseJson(Export(w + "&start=2025-01-01&end=2025-02-01&format=xls", 422).body),
            json::parse(R"({"detail": [{"type": "enum", "loc": ["query", "format"],
              "msg": "Input should be 'csv', 'awaken' or 'koinly'", "input": "xls",
              "ctx": {"expected": "'csv', 'awaken' or 'koinly'"}}]})"));
  // Years the parser takes and PostgreSQL does not: the window is clamped, not a 500.
  EXPECT_EQ(Export(w + "&start=0000-01-01&end=2020-01-01").body, kFillsHeader + "\r\n");
  // SQL in a value is a value: it matches nothing.
  EXPECT_EQ(Export(kAliceWindow + "&asset=BTC'%3B%20DROP%20TABLE%20twap_fill%3B--").body,
            kFillsHeader + "\r\n");
  EXPECT_EQ(Sql("SELECT count(*) > 0 FROM twap_fill"), "t");
}

TEST_F(ApiExport, TheCliWritesTheSameBytes) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {kAliceWindow, {"--wallet", kAlice, "--start", "2025-11-01", "--end", "2025-11-04"}},
      {kAliceWindow + "&level=twap",
       {"--wallet", kAlice, "--start", "2025-11-01", "--end", "2025-11-04", "--level", "twap"}},
      {kAliceWindow + "&format=awaken",
       {"--wallet", kAlice, "--start", "2025-11-01", "--end", "2025-11-04", "--format", "awaken"}},
      {kBobWindow + "&format=awaken&market=spot",
       {"--wallet", kBob, "--start", "2025-11-01", "--end", "2025-11-04", "--format", "awaken",
        "--market", "spot"}},
      {kBobWindow + "&format=koinly",
       {"--wallet", kBob, "--start", "2025-11-01", "--end", "2025-11-04", "--format", "koinly"}},
      {std::string("wallet=") + kMallory + "&start=2025-11-01&end=2025-11-02&format=koinly",
       {"--wallet", kMallory, "--start", "2025-11-01", "--end", "2025-11-02", "--format",
        "koinly"}},
      {kBobWindow + "&asset=%40107",
       {"--wallet", kBob, "--start", "2025-11-01", "--end", "2025-11-04", "--asset", "@107"}},
  };
  for (const auto& [query, flags] : cases) {
    const std::string api = Export(query).body;
    EXPECT_GT(api.size(), 100u) << query;
    EXPECT_EQ(Cli(flags), api) << query;
  }
  // Bad values and the mixed-markets refusal are usage errors (2), like any bad flag.
  std::string err;
  Cli({"--wallet", kBob, "--start", "2025-11-01", "--end", "2025-11-04", "--format", "awaken"}, 2,
      &err);
  EXPECT_NE(err.find("--market"), std::string::npos) << err;
  Cli({"--wallet", kBob, "--start", "yesterday", "--end", "2025-11-04"}, 2, &err);
  EXPECT_NE(err.find("--start: Input should be a valid datetime"), std::string::npos) << err;
  Cli({"--wallet", kBob, "--start", "2025-11-01"}, 2);
  Cli({"--wallet", kBob, "--start", "2025-11-01", "--end", "2025-11-04", "--format", "xls"}, 2);
}

TEST_F(ApiExport, ManyRowsStreamInChunksFromOneSnapshot) {
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send(HeavyExportRequest("Connection: close\r\n")));
  // Once the file has begun, a fill stored at its end is not in it: one snapshot.
  std::string response = raw.ReadAtLeast(64 * 1024, std::chrono::seconds(60));
  ASSERT_NE(response.find("200 OK"), std::string::npos);
  Sql(fmt::format(
      "INSERT INTO twap_fill (twap_id, wallet, tid, time, coin, side, px, sz, "
      "s3_object_key) VALUES ('600000', '{}', 0, '2025-12-30', 'ETH', 'B', 1, 1, 'late') "
      "RETURNING 1",
      kHeavy));
  response += raw.ReadUntilClosed(std::chrono::seconds(300));
  Sql("DELETE FROM twap_fill WHERE s3_object_key = 'late' RETURNING 1");
  const size_t body_at = response.find("\r\n\r\n") + 4;
  ASSERT_NE(response.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  // Decode the chunks by hand: many of them, and the last one present.
  std::string body;
  size_t chunks = 0;
  size_t at = body_at;
  for (;;) {
    const size_t line_end = response.find("\r\n", at);
    ASSERT_NE(line_end, std::string::npos);
    const size_t size = std::stoul(response.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    body.append(response, line_end + 2, size);
    at = line_end + 2 + size + 2;
    ++chunks;
  }
  EXPECT_GE(chunks, static_cast<size_t>(kHeavyFills / 5000));
  const auto s = Summary(body);
  EXPECT_EQ(s.at("rows"), kHeavyFills);
  EXPECT_EQ(s.at("ragged"), 0);
  EXPECT_EQ(
      Str(s.at("sums").at("fee")),
      Sql(fmt::format("SELECT trim_scale(sum(fee)) FROM twap_fill WHERE wallet = '{}'", kHeavy)));
}

TEST_F(ApiExport, ADatabaseFailureAfterTheFirstByteAbortsTheTransfer) {
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send(HeavyExportRequest()));
  // The header and a first chunk arrived; the server holds the cursor open for the rest, far
  // more than the socket buffers hold while this test does not read.
  const std::string first = raw.ReadAtLeast(64 * 1024, std::chrono::seconds(60));
  ASSERT_NE(first.find("200 OK"), std::string::npos) << first.substr(0, 200);
  // The export's connection is the server's only one inside a transaction.
  const std::string killed = Sql(fmt::format(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{}' AND "
      "pid <> pg_backend_pid() AND xact_start IS NOT NULL",
      db_->name()));
  ASSERT_EQ(killed, "1");
  const std::string rest = raw.ReadUntilClosed(std::chrono::seconds(120));
  const std::string all = first + rest;
  EXPECT_GT(all.size(), first.size());
  // No final chunk: the client knows the file is incomplete.
  EXPECT_NE(all.substr(all.size() - 5), "0\r\n\r\n");
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(10)));
  // The server says why and serves on.
  EXPECT_EQ(HttpGet(server_->port(), "/healthz").status, 200);
  EXPECT_NE(server_->Log().find("body aborted after"), std::string::npos) << server_->Log();
  EXPECT_EQ(Summary(Export(kAliceWindow).body).at("rows"), 6);
}

TEST_F(ApiExport, ExportsLeaveConnectionsForTheJsonEndpoints) {
  // A pool of two: one export streams at a time.
  ApiServer server(db_->url(), {{"DB_POOL_SIZE", "2"}});
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.Send(HeavyExportRequest()));
  ASSERT_NE(slow.ReadAtLeast(64 * 1024, std::chrono::seconds(60)).find("200 OK"),
            std::string::npos);
  // The first export holds its slot while its client does not read.
  const auto busy = HttpGet(server.port(), "/api/v1/export?" + kAliceWindow);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Header("retry-after"), "5");
  EXPECT_EQ(ParseJson(busy.body).at("detail"), "Too many exports in progress; retry later");
  EXPECT_EQ(HttpGet(server.port(), "/api/v1/twaps?" + kAliceWindow).status, 200);
  const auto checked = CheckResponses(server.port(), {"/api/v1/export?" + kAliceWindow});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

TEST_F(ApiExport, EveryKindOfResponseMatchesTheDocument) {
  const auto result = CheckResponses(
      server_->port(),
      {"/api/v1/export?" + kAliceWindow, "/api/v1/export?" + kAliceWindow + "&level=twap",
       "/api/v1/export?" + kAliceWindow + "&format=awaken",
       "/api/v1/export?" + kBobWindow + "&format=awaken&market=spot",
       "/api/v1/export?" + kBobWindow + "&format=koinly",
       "/api/v1/export?" + kBobWindow + "&format=awaken", "/api/v1/export",
       "/api/v1/export?" + kAliceWindow + "&format=xls", "POST /api/v1/export?" + kAliceWindow});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace hltwap::testing
