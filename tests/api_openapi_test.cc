// The API against its own OpenAPI document: every kind of response checked against the
// documented status, media type and JSON schema (tests/api_response_check.py, jsonschema and
// openapi-spec-validator from the project's venv), and a schemathesis run
// (tests/api_schemathesis.sh) that finds no server error and no response outside the document.
#include <gtest/gtest.h>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

TEST(ApiOpenApi, EveryKindOfResponseMatchesTheDocument) {
  TestDatabase db;
  LoadSampleRows(db);
  LoadSampleFills(db);
  ASSERT_TRUE(
      db.Connect()
          .Exec("INSERT INTO etl_s3_ingest_log (s3_object_key, last_modified, rows_ingested) "
                "VALUES ('raw/a.parquet', '2025-11-05', 15), ('raw/b.parquet', '2025-11-06', NULL)")
          .ok());
  ApiServer server(db.url());
  const std::string window = std::string("wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";
  const auto result = CheckResponses(
      server.port(), {"/api/v1/twaps?" + window,
                      "/api/v1/twaps?" + window + "&latest_per_twap=false",
                      "/api/v1/twaps?" + window + "&limit=2",
                      "/api/v1/twaps?" + window + "&asset=none",
                      "/api/v1/twaps?wallet=x&start=2025-11-01&end=2025-11-04",
                      "/api/v1/twaps",
                      "/api/v1/twaps?" + window + "&limit=0&cursor=x&latest_per_twap=2",
                      "/api/v1/twaps?wallet=%zz",
                      "/api/v1/twaps/568722",
                      "/api/v1/twaps/568800",
                      "/api/v1/twaps/404",
                      "/api/v1/twaps/568722/fills",
                      "/api/v1/twaps/568722/fills?limit=1",
                      "/api/v1/twaps/568790/fills",
                      "/api/v1/twaps/404/fills",
                      "/api/v1/twaps/568722/fills?limit=0&cursor=x",
                      "/healthz",
                      "/metrics",
                      "/openapi.json",
                      "/docs",
                      "/docs/swagger-ui-bundle.js",
                      "/docs/swagger-ui.css",
                      "/docs/favicon-16x16.png",
                      "/docs/nope.js",
                      "/",
                      "POST /api/v1/twaps",
                      "PUT /api/v1/twaps/1",
                      "DELETE /api/v1/twaps/1/fills",
                      "DELETE /healthz",
                      "PATCH /metrics",
                      "POST /openapi.json",
                      "POST /docs",
                      "POST /"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed"), std::string::npos) << result.out;

  // While the database is down: the 503 bodies.
  ApiServer down(fmt::format("postgresql://postgres@127.0.0.1:{}/none", FreePort()));
  const auto outage =
      CheckResponses(down.port(), {"/healthz", "/api/v1/twaps?" + window, "/api/v1/twaps/568722",
                                   "/api/v1/twaps/568722/fills"});
  EXPECT_EQ(outage.exit_code, 0) << outage.out << outage.err;
  EXPECT_EQ(outage.out.find("-> 200"), std::string::npos) << outage.out;
}

TEST(ApiOpenApi, SchemathesisFindsNoServerErrorAndNoUndocumentedResponse) {
  TestDatabase db;
  LoadSampleRows(db);
  LoadSampleFills(db);
  ApiServer server(db.url());
  const auto result = RunProcess({"bash", SourceDir() + "/tests/api_schemathesis.sh",
                                  fmt::format("http://127.0.0.1:{}", server.port())},
                                 {{"HLTWAP_VENV", Venv()}, {"NO_COLOR", "1"}});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("passed"), std::string::npos) << result.out;
  // The server was exercised and stayed up.
  EXPECT_TRUE(server.process().Running());
  EXPECT_EQ(server.Log().find(" 500 "), std::string::npos);
}

}  // namespace
}  // namespace hltwap::testing
