// GET /api/v1/coverage and `hltwap coverage` on a real PostgreSQL: an ingest log written by the
// real `hltwap etl` against moto (a missing hour, a failed object, every known layout, an
// unknown one) and followed as it is repaired, logs written directly (an empty database, a
// window, local files, hostile keys, a hundred thousand hours), the CLI's JSON against the
// API's body, and every kind of response against the OpenAPI document.
#include <gtest/gtest.h>

#include "tests/api_test_support.h"
#include "tests/etl_test_files.h"
#include "tests/support/moto_server.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;

constexpr const char* kBucket = "hl-coverage-test";
constexpr const char* kStatuses = "raw/twap_statuses/";
constexpr const char* kFills = "raw/node_fills/hourly/";

EnvOverrides PrefixEnv() {
  return {{"AWS_S3_PREFIX", kStatuses}, {"AWS_S3_FILLS_PREFIX", kFills}};
}

// `hltwap coverage ARGS...` on `db` (no .env file is read).
ProcessResult CoverageCommand(const TestDatabase& db, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env", "coverage"};
  argv.insert(argv.end(), args.begin(), args.end());
  EnvOverrides env = PrefixEnv();
  env["DATABASE_URL"] = db.url();
  return RunProcess(argv, env);
}

json::value GetCoverage(const ApiServer& server, const std::string& query = "") {
  const auto r = HttpGet(server.port(), "/api/v1/coverage" + query);
  EXPECT_EQ(r.status, 200) << query << "\n" << r.body << r.error;
  return ParseJson(r.body);
}

// The API's body and the CLI's JSON for the same window are the same bytes.
void ExpectCliEqualsApi(const TestDatabase& db, const ApiServer& server,
                        const std::vector<std::string>& window_args, const std::string& query) {
  const auto api = HttpGet(server.port(), "/api/v1/coverage" + query);
  ASSERT_EQ(api.status, 200) << api.body;
  std::vector<std::string> args = window_args;
  args.insert(args.end(), {"--format", "json"});
  const auto cli = CoverageCommand(db, args);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.out, api.body + "\n");
}

const json::object& DatasetIn(const json::value& body, std::string_view name) {
  for (const auto& d : body.at("datasets").as_array()) {
    if (d.at("dataset").as_string() == name) return d.as_object();
  }
  ADD_FAILURE() << name << " not in " << json::serialize(body);
  static const json::object none;
  return none;
}

// The ingested_at of a key, as the API writes times.
std::string IngestedAt(const TestDatabase& db, const std::string& key) {
  return FormatTimestampUtc(
      std::stoll(db.Scalar("SELECT (EXTRACT(EPOCH FROM ingested_at) * 1000000)::int8 FROM "
                           "etl_s3_ingest_log WHERE s3_object_key = '" +
                           key + "'")));
}

std::string LastSuccessAt(const TestDatabase& db, const std::string& prefix) {
  return FormatTimestampUtc(std::stoll(
      db.Scalar("SELECT (EXTRACT(EPOCH FROM max(ingested_at)) * 1000000)::int8 FROM "
                "etl_s3_ingest_log WHERE error_text IS NULL AND starts_with(s3_object_key, '" +
                prefix + "')")));
}

TEST(Coverage, ThroughTheEtlUntilComplete) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  const std::string statuses = kStatuses;
  const std::string fills = kFills;
  // Statuses by day, in the path and the Hive layouts, and one object whose key names no day.
  moto.PutObject(kBucket, statuses + "2025/11/01/part-0.parquet",
                 StatusParquetBytes({MakeStatusRow(1)}));
  moto.PutObject(kBucket, statuses + "2025/11/02/part-0.parquet",
                 StatusParquetBytes({MakeStatusRow(2)}));
  moto.PutObject(kBucket, statuses + "date=2025-11-03/part-0.parquet",
                 StatusParquetBytes({MakeStatusRow(3)}));
  moto.PutObject(kBucket, statuses + "latest.parquet", StatusParquetBytes({MakeStatusRow(4)}));
  // Fills by hour in the three hour layouts: 10, 11 and 13; 12 is missing; 14 cannot be read.
  const std::string broken = fills + "2025/11/01/14/fills.parquet";
  moto.PutObject(kBucket, fills + "2025/11/01/10/fills.parquet",
                 FillParquetBytes({MakeFill(1, 1)}));
  moto.PutObject(kBucket, fills + "date=2025-11-01/hour=11/fills.parquet",
                 FillParquetBytes({MakeFill(1, 2)}));
  moto.PutObject(kBucket, fills + "20251101/13.parquet", FillParquetBytes({MakeFill(1, 3)}));
  moto.PutObject(kBucket, broken, "PAR1 not a parquet file PAR1");
  EnvOverrides env = moto.ClientEnv(kBucket, statuses);
  env["DATABASE_URL"] = db.url();
  env["AWS_S3_FILLS_PREFIX"] = fills;
  env["ETL_DATASETS"] = "twap_statuses,fills";
  env["LOG_FORMAT"] = "text";

  const auto first = RunEtlCommand({}, env);
  ASSERT_EQ(first.exit_code, 1) << first.err;
  ASSERT_NE(first.err.find("etl: 8 objects (7 ok, 1 failed"), std::string::npos) << first.err;
  const std::string error =
      db.Scalar("SELECT error_text FROM etl_s3_ingest_log WHERE s3_object_key = '" + broken + "'");
  ASSERT_NE(error, "NULL");

  ApiServer server(db.url(), PrefixEnv());
  const auto body = GetCoverage(server);
  json::value expected = json::parse(R"({"start": null, "end": null, "datasets": [
    {"dataset": "twap_statuses", "prefix": "raw/twap_statuses/",
     "first_hour": "2025-11-01T00:00:00Z", "last_hour": "2025-11-03T23:00:00Z",
     "objects_ingested": 3, "complete": true, "missing_hours": 0, "missing_range_count": 0,
     "missing_ranges": [], "failed_objects": 0, "failures": [], "unknown_layout": 1,
     "unknown_layout_keys": ["raw/twap_statuses/latest.parquet"]},
    {"dataset": "fills", "prefix": "raw/node_fills/hourly/",
     "first_hour": "2025-11-01T10:00:00Z", "last_hour": "2025-11-01T13:00:00Z",
     "objects_ingested": 3, "complete": false, "missing_hours": 1, "missing_range_count": 1,
     "missing_ranges": [{"start": "2025-11-01T12:00:00Z", "end": "2025-11-01T12:00:00Z",
                         "hours": 1}],
     "failed_objects": 1, "unknown_layout": 0, "unknown_layout_keys": []}],
    "other_objects": {"objects": 0, "local_files": 0, "failed_objects": 0, "keys": []}})");
  auto& datasets = expected.at("datasets").as_array();
  datasets[0].as_object()["last_success_at"] = LastSuccessAt(db, statuses);
  datasets[1].as_object()["last_success_at"] = LastSuccessAt(db, fills);
  datasets[1].as_object()["failures"] =
      json::array{{{"key", broken}, {"error", error}, {"at", IngestedAt(db, broken)}}};
  EXPECT_EQ(body, expected) << json::serialize(body);
  EXPECT_NE(error.find("parquet"), std::string::npos) << error;

  // Windows: inside the ingested hours; around them (the failed hour is missing too).
  const auto inside = GetCoverage(server, "?start=2025-11-01T10:00:00Z&end=2025-11-01T11:59:59Z");
  EXPECT_EQ(inside.at("start"), "2025-11-01T10:00:00Z");
  EXPECT_EQ(DatasetIn(inside, "fills").at("complete"), true);
  EXPECT_EQ(DatasetIn(inside, "fills").at("objects_ingested"), 2);
  EXPECT_EQ(DatasetIn(inside, "twap_statuses").at("complete"), true);
  const auto around = GetCoverage(server, "?start=2025-11-01T09:00:00Z&end=2025-11-01T15:30:00Z");
  const auto& around_fills = DatasetIn(around, "fills");
  EXPECT_EQ(around_fills.at("missing_ranges"), json::parse(R"([
    {"start": "2025-11-01T09:00:00Z", "end": "2025-11-01T09:00:00Z", "hours": 1},
    {"start": "2025-11-01T12:00:00Z", "end": "2025-11-01T12:00:00Z", "hours": 1},
    {"start": "2025-11-01T14:00:00Z", "end": "2025-11-01T15:00:00Z", "hours": 2}])"));
  EXPECT_EQ(around_fills.at("missing_hours"), 4);
  EXPECT_EQ(around_fills.at("failed_objects"), 1);
  const auto later = GetCoverage(server, "?start=2025-11-04&end=2025-11-04T01:00:00Z");
  EXPECT_EQ(DatasetIn(later, "twap_statuses").at("missing_hours"), 2);
  EXPECT_EQ(DatasetIn(later, "fills").at("failed_objects"), 0);

  ExpectCliEqualsApi(db, server, {}, "");
  ExpectCliEqualsApi(db, server,
                     {"--start", "2025-11-01T09:00:00Z", "--end", "2025-11-01T15:30:00Z"},
                     "?start=2025-11-01T09:00:00Z&end=2025-11-01T15:30:00Z");
  const auto text = CoverageCommand(db, {});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const std::string& line : std::vector<std::string>{
           "coverage of every ingested hour", "twap_statuses (raw/twap_statuses/): complete",
           "fills (raw/node_fills/hourly/): INCOMPLETE",
           "2025-11-01T12:00:00Z to 2025-11-01T12:00:00Z (1 hour)", broken + " (",
           "raw/twap_statuses/latest.parquet"}) {
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n" << text.out;
  }

  // The broken object is fixed upstream and the missing hour arrives: complete.
  moto.PutObject(kBucket, broken, FillParquetBytes({MakeFill(1, 4)}));
  moto.PutObject(kBucket, fills + "2025/11/01/12/fills.parquet",
                 FillParquetBytes({MakeFill(1, 5)}));
  const auto second = RunEtlCommand({}, env);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto repaired = DatasetIn(GetCoverage(server), "fills");
  EXPECT_EQ(repaired.at("complete"), true) << json::serialize(repaired);
  EXPECT_EQ(repaired.at("last_hour"), "2025-11-01T14:00:00Z");
  EXPECT_EQ(repaired.at("objects_ingested"), 5);
  EXPECT_EQ(repaired.at("failures"), json::array());
  EXPECT_EQ(repaired.at("last_success_at").as_string(), LastSuccessAt(db, fills));
}

// Log rows as the ETL writes them, for a test that needs no S3.
void Log(const TestDatabase& db, const std::string& key, const std::string& error = "",
         const std::string& ingested_at = "2025-12-01T00:00:00Z") {
  auto conn = db.Connect();
  const auto r = conn.Query(
      "INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, rows_ingested, error_text, "
      "ingested_at) VALUES ($1, '2025-12-01', CASE WHEN $2 = '' THEN 1 END, NULLIF($2, ''), $3)",
      {key, error, ingested_at});
  ASSERT_TRUE(r.ok()) << r.status().message();
}

TEST(Coverage, EmptyDatabase) {
  TestDatabase db;
  ApiServer server(db.url(), PrefixEnv());
  const auto body = GetCoverage(server);
  for (const auto& d : body.at("datasets").as_array()) {
    EXPECT_EQ(d.at("complete"), false);
    EXPECT_EQ(d.at("first_hour"), nullptr);
    EXPECT_EQ(d.at("objects_ingested"), 0);
    EXPECT_EQ(d.at("missing_hours"), 0);
    EXPECT_EQ(d.at("last_success_at"), nullptr);
  }
  EXPECT_EQ(body.at("datasets").as_array().size(), 2u);
  const auto year = GetCoverage(server, "?start=2025-01-01&end=2025-12-31T23:59:59.999999Z");
  EXPECT_EQ(year.at("end"), "2025-12-31T23:59:59.999999Z");
  for (const auto& d : year.at("datasets").as_array()) {
    EXPECT_EQ(d.at("missing_hours"), 365 * 24);
    EXPECT_EQ(d.at("missing_ranges"), json::parse(R"([{"start": "2025-01-01T00:00:00Z",
      "end": "2025-12-31T23:00:00Z", "hours": 8760}])"));
  }
  ExpectCliEqualsApi(db, server, {}, "");
}

TEST(Coverage, LocalFilesOtherPrefixesAndHostileKeys) {
  TestDatabase db;
  Log(db, "file:///srv/data/sample_twap.parquet");
  Log(db, "file:///srv/data/bad.parquet", "parquet: file too small");
  Log(db, "raw/old_prefix/2025/11/01/part-0.parquet");
  Log(db, std::string(kFills) + "2025/11/01/10/\x1b[2J\"quoted\" \\ é.parquet");
  Log(db, std::string(kFills) + "2025/11/01/11/x.parquet", "line one\ttab \"q\" <b>",
      "2025-12-02T03:04:05.678901Z");
  ApiServer server(db.url(), PrefixEnv());
  const auto body = GetCoverage(server);
  EXPECT_EQ(body.at("other_objects"), json::parse(R"({"objects": 3, "local_files": 2,
    "failed_objects": 1, "keys": ["file:///srv/data/bad.parquet",
    "file:///srv/data/sample_twap.parquet", "raw/old_prefix/2025/11/01/part-0.parquet"]})"));
  const auto& fills = DatasetIn(body, "fills");
  EXPECT_EQ(fills.at("objects_ingested"), 1);
  EXPECT_EQ(fills.at("last_hour"), "2025-11-01T10:00:00Z");
  EXPECT_EQ(fills.at("failures"), json::parse(R"([{"key":
    "raw/node_fills/hourly/2025/11/01/11/x.parquet", "error": "line one\ttab \"q\" <b>",
    "at": "2025-12-02T03:04:05.678901Z"}])"));
  const auto text = CoverageCommand(db, {});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("other objects: 3 (2 local files, 1 failed)"), std::string::npos)
      << text.out;
  ExpectCliEqualsApi(db, server, {}, "");
}

// A hundred thousand hours (eleven years of hourly fills) with three gaps, and a day object per
// day for statuses: exact counts, and the CLI agrees.
TEST(Coverage, AHundredThousandObjects) {
  TestDatabase db;
  ASSERT_TRUE(db.Connect()
                  .Exec("INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, "
                        "rows_ingested, ingested_at) "
                        "SELECT 'raw/node_fills/hourly/' || to_char(h AT TIME ZONE 'UTC', "
                        "'YYYY/MM/DD/HH24') || '/fills.parquet', h, 1, h "
                        "FROM generate_series(timestamptz '2014-01-01 00:00Z', "
                        "timestamptz '2014-01-01 00:00Z' + interval '99999 hours', "
                        "interval '1 hour') h "
                        "WHERE h NOT IN ('2015-06-01 05:00Z', '2020-02-29 23:00Z', "
                        "'2020-03-01 00:00Z', '2024-12-31 12:00Z');"
                        "INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, "
                        "rows_ingested, ingested_at) "
                        "SELECT 'raw/twap_statuses/' || to_char(d AT TIME ZONE 'UTC', "
                        "'YYYY/MM/DD') || '/part-0.parquet', d, 1, d "
                        "FROM generate_series(timestamptz '2014-01-01 00:00Z', "
                        "timestamptz '2025-05-29 00:00Z', interval '1 day') d")
                  .ok());
  ApiServer server(db.url(), PrefixEnv());
  const auto body = GetCoverage(server);
  const auto& fills = DatasetIn(body, "fills");
  EXPECT_EQ(fills.at("objects_ingested"), 100000 - 4);
  EXPECT_EQ(fills.at("missing_hours"), 4);
  EXPECT_EQ(fills.at("missing_range_count"), 3);
  EXPECT_EQ(fills.at("missing_ranges").at(1),
            json::parse(R"({"start": "2020-02-29T23:00:00Z", "end": "2020-03-01T00:00:00Z",
                            "hours": 2})"));
  EXPECT_EQ(fills.at("first_hour"), "2014-01-01T00:00:00Z");
  EXPECT_EQ(fills.at("last_hour"), "2025-05-29T15:00:00Z");
  EXPECT_EQ(fills.at("last_success_at"), "2025-05-29T15:00:00Z");
  const auto& statuses = DatasetIn(body, "twap_statuses");
  EXPECT_EQ(statuses.at("complete"), true);
  EXPECT_EQ(statuses.at("last_hour"), "2025-05-29T23:00:00Z");
  ExpectCliEqualsApi(db, server, {"--start", "2020-01-01", "--end", "2020-12-31"},
                     "?start=2020-01-01&end=2020-12-31");
}

TEST(Coverage, BadWindows) {
  TestDatabase db;
  ApiServer server(db.url(), PrefixEnv());
  const auto only_start = HttpGet(server.port(), "/api/v1/coverage?start=2025-01-01");
  EXPECT_EQ(only_start.status, 422);
  EXPECT_EQ(ParseJson(only_start.body), json::parse(R"({"detail": [{"type": "value_error",
    "loc": ["query", "end"], "msg": "Value error, start and end must be given together",
    "input": null, "ctx": {"error": {}}}]})"));
  const auto reversed = HttpGet(server.port(), "/api/v1/coverage?start=2025-02-01&end=2025-01-01");
  EXPECT_EQ(reversed.status, 422);
  EXPECT_NE(reversed.body.find("end must not be earlier than start"), std::string::npos);
  EXPECT_EQ(HttpGet(server.port(), "/api/v1/coverage?start=never&end=2025-01-01").status, 422);

  const auto cli_only_end = CoverageCommand(db, {"--end", "2025-01-01"});
  EXPECT_EQ(cli_only_end.exit_code, 2);
  EXPECT_EQ(cli_only_end.err,
            "hltwap: --start: Value error, start and end must be given together\n");
  const auto cli_bad = CoverageCommand(db, {"--start", "2025-02-30", "--end", "2025-03-01"});
  EXPECT_EQ(cli_bad.exit_code, 2);
  EXPECT_NE(cli_bad.err.find("--start: Input should be a valid datetime or date"),
            std::string::npos)
      << cli_bad.err;
  EXPECT_EQ(CoverageCommand(db, {"--format", "yaml"}).exit_code, 2);

  TestDatabase bare(/*migrate=*/false);
  const auto no_schema = CoverageCommand(bare, {});
  EXPECT_EQ(no_schema.exit_code, 2);
  EXPECT_NE(no_schema.err.find("hltwap db init"), std::string::npos) << no_schema.err;
  const auto no_database =
      RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "coverage"},
                 {{"DATABASE_URL", std::nullopt}});
  EXPECT_EQ(no_database.exit_code, 2) << no_database.err;
}

TEST(Coverage, EveryKindOfResponseMatchesTheDocument) {
  TestDatabase db;
  Log(db, std::string(kFills) + "2025/11/01/10/a.parquet");
  Log(db, std::string(kFills) + "2025/11/01/12/a.parquet", "broken");
  Log(db, std::string(kStatuses) + "odd.parquet");
  Log(db, "file:///x.parquet");
  ApiServer server(db.url(), PrefixEnv());
  const auto result = CheckResponses(
      server.port(), {"/api/v1/coverage", "/api/v1/coverage?start=2025-11-01&end=2025-11-02",
                      "/api/v1/coverage?start=0001-01-01&end=9999-12-31T23:59:59.999999Z",
                      "/api/v1/coverage?start=2025-11-01", "/api/v1/coverage?start=x&end=y",
                      "POST /api/v1/coverage"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed"), std::string::npos) << result.out;

  ApiServer down(fmt::format("postgresql://postgres@127.0.0.1:{}/none", FreePort()));
  const auto outage = CheckResponses(
      down.port(), {"/api/v1/coverage", std::string("/api/v1/wallets/") + kAlice +
                                            "/summary?start=2025-01-01&end=2025-02-01"});
  EXPECT_EQ(outage.exit_code, 0) << outage.out << outage.err;
  EXPECT_NE(outage.out.find("-> 503"), std::string::npos) << outage.out;
}

}  // namespace
}  // namespace hltwap::testing
