// Operating `hltwap api`: metrics, access log, CORS, the docs pages, start-up errors and a
// graceful SIGTERM, over HTTP against the running program.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The server logs a request after sending its response, so a test may read the log first.
std::string WaitForLog(const ApiServer& server, const std::string& needle) {
  for (int i = 0; i < 200; ++i) {
    const std::string log = server.Log();
    if (log.find(needle) != std::string::npos) return log;
    std::this_thread::sleep_for(milliseconds(25));
  }
  return server.Log();
}

class ApiOps : public ::testing::Test {
 protected:
  void SetUp() override { LoadSampleRows(db_); }
  TestDatabase db_;
};

TEST_F(ApiOps, MetricsCountRequestsByRouteTemplate) {
  ApiServer server(db_.url());
  HttpGet(server.port(), "/api/v1/twaps/568722");
  HttpGet(server.port(), "/api/v1/twaps/568760");
  HttpGet(server.port(), "/api/v1/twaps/nope");
  HttpGet(server.port(),
          std::string("/api/v1/twaps?wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04");
  HttpGet(server.port(), "/api/v1/twaps?wallet=x");
  HttpGet(server.port(), "/no/such/path");
  HttpRequest(server.port(), "POST", "/healthz");
  const auto r = HttpGet(server.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  for (const char* line : {
           "hltwap_http_requests_total{route=\"/api/v1/twaps/{twap_id}\",method=\"GET\","
           "status=\"200\"} 2\n",
           "hltwap_http_requests_total{route=\"/api/v1/twaps/{twap_id}\",method=\"GET\","
           "status=\"404\"} 1\n",
           "hltwap_http_requests_total{route=\"/api/v1/twaps\",method=\"GET\",status=\"200\"} 1\n",
           "hltwap_http_requests_total{route=\"/api/v1/twaps\",method=\"GET\",status=\"422\"} 1\n",
           "hltwap_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n",
           "hltwap_http_requests_total{route=\"/healthz\",method=\"POST\",status=\"405\"} 1\n",
           "# TYPE hltwap_http_request_duration_seconds histogram\n",
           "hltwap_http_request_duration_seconds_bucket{route=\"/api/v1/twaps/{twap_id}\","
           "le=\"+Inf\"} 3\n",
           "hltwap_http_request_duration_seconds_count{route=\"/api/v1/twaps/{twap_id}\"} 3\n",
           "# TYPE hltwap_db_pool_size gauge\nhltwap_db_pool_size 4\n",
           "hltwap_db_pool_in_use 0\n",
           "# TYPE hltwap_db_pool_waits_total counter\n",
           "hltwap_db_pool_wait_timeouts_total 0\n",
           "# TYPE hltwap_http_connections_active gauge\n",
       }) {
    EXPECT_NE(m.find(line), std::string::npos) << "missing: " << line << "\n" << m;
  }
  EXPECT_EQ(m.find("568722"), std::string::npos) << "raw paths must not become labels";
  // Every sample line is "name{labels} value" or "name value".
  const std::regex sample(R"(^[a-z_]+(\{.*\})? [0-9.e+-]+$)");
  std::istringstream lines(m);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
}

TEST_F(ApiOps, AccessLogHasOneLinePerRequestWithoutTheQuery) {
  {
    ApiServer server(db_.url());
    EXPECT_EQ(HttpGet(server.port(), std::string("/api/v1/twaps?wallet=") + kAlice +
                                         "&start=2025-11-01&end=2025-11-04")
                  .status,
              200);
    EXPECT_EQ(HttpGet(server.port(), "/api/v1/twaps/nope").status, 404);
    const std::string log = WaitForLog(server, "GET /api/v1/twaps/nope 404");
    EXPECT_NE(log.find(fmt::format("hltwap api listening on http://127.0.0.1:{}", server.port())),
              std::string::npos)
        << log;
    const std::regex line(R"(GET /api/v1/twaps 200 [0-9]+B [0-9.]+ms 127\.0\.0\.1:[0-9]+)");
    EXPECT_TRUE(std::regex_search(log, line)) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex(R"(GET /api/v1/twaps/nope 404 32B )"))) << log;
    EXPECT_EQ(log.find(kAlice), std::string::npos) << "the query string was logged";
  }
  // LOG_FORMAT=json: every line is a JSON object.
  ApiServer server(db_.url(), {{"LOG_FORMAT", "json"}});
  EXPECT_EQ(HttpGet(server.port(), "/healthz").status, 200);
  std::istringstream lines(WaitForLog(server, "GET /healthz 200"));
  int parsed = 0;
  for (std::string text; std::getline(lines, text);) {
    const auto value = ParseJson(text);
    EXPECT_TRUE(value.is_object()) << text;
    if (text.find("GET /healthz 200") != std::string::npos) ++parsed;
  }
  EXPECT_EQ(parsed, 1) << server.Log();
}

TEST_F(ApiOps, CorsIsOffByDefault) {
  ApiServer server(db_.url());
  const auto r = HttpGet(server.port(), "/healthz", {{"Origin", "https://app.example"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("access-control-allow-origin"), "");
  const auto preflight =
      HttpRequest(server.port(), "OPTIONS", "/healthz",
                  {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 405);
}

TEST_F(ApiOps, CorsAllowsOnlyConfiguredOrigins) {
  ApiServer server(db_.url(), {{"CORS_ORIGINS", "https://app.example, https://other.example"}});
  const auto allowed =
      HttpGet(server.port(), "/api/v1/twaps/568722", {{"Origin", "https://other.example"}});
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.Header("access-control-allow-origin"), "https://other.example");
  EXPECT_EQ(allowed.Header("vary"), "Origin");
  const auto denied =
      HttpGet(server.port(), "/api/v1/twaps/568722", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(denied.status, 200);
  EXPECT_EQ(denied.Header("access-control-allow-origin"), "");

  const auto preflight = HttpRequest(server.port(), "OPTIONS", "/api/v1/twaps",
                                     {{"Origin", "https://app.example"},
                                      {"Access-Control-Request-Method", "GET"},
                                      {"Access-Control-Request-Headers", "x-requested-with"}});
  EXPECT_EQ(preflight.status, 200);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(preflight.Header("access-control-allow-methods"), "GET, OPTIONS");
  EXPECT_EQ(preflight.Header("access-control-allow-headers"), "x-requested-with");
  const auto bad_preflight =
      HttpRequest(server.port(), "OPTIONS", "/api/v1/twaps",
                  {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(bad_preflight.status, 400);
  EXPECT_EQ(bad_preflight.Header("access-control-allow-origin"), "");
  // Not a preflight (no Access-Control-Request-Method): 405 as usual.
  EXPECT_EQ(
      HttpRequest(server.port(), "OPTIONS", "/healthz", {{"Origin", "https://app.example"}}).status,
      405);
}

TEST_F(ApiOps, DocsAreServedFromLocalFiles) {
  const std::string dir = SourceDir() + "/node_modules/swagger-ui-dist";
  ASSERT_TRUE(std::filesystem::exists(dir + "/swagger-ui-bundle.js"))
      << "run `make deps` to install swagger-ui-dist";
  ApiServer server(db_.url(), {{"HLTWAP_ASSETS_DIR", std::nullopt}});
  const auto docs = HttpGet(server.port(), "/docs");
  ASSERT_EQ(docs.status, 200);
  EXPECT_EQ(docs.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(docs.body.find("docs/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_NE(docs.body.find("src=\"web/docs.js\""), std::string::npos);
  EXPECT_EQ(docs.body.find("http://"), std::string::npos) << "no external links: " << docs.body;
  EXPECT_EQ(docs.body.find("https://"), std::string::npos) << "no external links: " << docs.body;
  const std::pair<const char*, const char*> assets[] = {
      {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
      {"swagger-ui.css", "text/css; charset=utf-8"},
      {"swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"},
      {"favicon-32x32.png", "image/png"},
      {"favicon-16x16.png", "image/png"},
  };
  for (const auto& [name, type] : assets) {
    const auto r = HttpGet(server.port(), std::string("/docs/") + name);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.Header("content-type"), type) << name;
    EXPECT_TRUE(r.body == ReadFile(dir + "/" + name)) << name << " differs from the file";
  }
  // Files outside the list are not served, even when they exist.
  for (const char* other : {"/docs/package.json", "/docs/index.html", "/docs/LICENSE",
                            "/docs/swagger-ui.js.map", "/docs/..%2F..%2FLICENSE"}) {
    EXPECT_EQ(HttpGet(server.port(), other).status, 404) << other;
  }

  // Swagger UI's start script is the explorer's file web/docs.js (no inline script on /docs).
  const auto init = HttpGet(server.port(), "/web/docs.js");
  EXPECT_EQ(init.status, 200);
  EXPECT_TRUE(init.body == ReadFile(SourceDir() + "/web/docs.js"));
  EXPECT_NE(init.body.find("url: \"openapi.json\""), std::string::npos);

  // The explorer at /, its footer linking to the rest.
  const auto index = HttpGet(server.port(), "/");
  EXPECT_EQ(index.status, 200);
  for (const char* link : {"href=\"./docs\"", "href=\"./openapi.json\"", "href=\"./healthz\"",
                           "href=\"./metrics\"", "src=\"./web/explorer.js\""}) {
    EXPECT_NE(index.body.find(link), std::string::npos) << link;
  }

  const auto spec = HttpGet(server.port(), "/openapi.json");
  EXPECT_EQ(spec.status, 200);
  EXPECT_EQ(spec.Header("content-type"), "application/json");
  const auto doc = ParseJson(spec.body);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("version"), HLTWAP_VERSION);
}

TEST_F(ApiOps, AssetsDirectoryComesFromTheEnvironment) {
  const std::string dir = ::testing::TempDir() + "/hltwap_assets_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/swagger-ui.css") << "body{}";
  ApiServer server(db_.url(), {{"HLTWAP_ASSETS_DIR", dir}});
  const auto css = HttpGet(server.port(), "/docs/swagger-ui.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body{}");
  EXPECT_EQ(HttpGet(server.port(), "/docs/swagger-ui-bundle.js").status, 404);
  EXPECT_NE(server.Log().find("Swagger UI files are missing"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_F(ApiOps, ExplorerDirectoriesComeFromTheEnvironment) {
  const std::string dir = ::testing::TempDir() + "/hltwap_web_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/web");
  std::filesystem::create_directories(dir + "/uplot");
  std::ofstream(dir + "/web/explorer.js") << "export {};";
  std::ofstream(dir + "/uplot/uPlot.min.css") << ".uplot{}";
  ApiServer server(db_.url(),
                   {{"HLTWAP_WEB_DIR", dir + "/web"}, {"HLTWAP_UPLOT_DIR", dir + "/uplot"}});
  EXPECT_EQ(HttpGet(server.port(), "/web/explorer.js").body, "export {};");
  EXPECT_EQ(HttpGet(server.port(), "/web/uPlot.min.css").body, ".uplot{}");
  EXPECT_EQ(HttpGet(server.port(), "/web/list.js").status, 404);
  // Without all its files the explorer is not served: a plain index links to the rest.
  const auto index = HttpGet(server.port(), "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("href=\"docs\""), std::string::npos) << index.body;
  EXPECT_EQ(HttpGet(server.port(), "/twap/568722").status, 404);
  const std::string log = server.Log();
  EXPECT_NE(log.find("explorer files are missing: "), std::string::npos) << log;
  EXPECT_NE(log.find(dir + "/web/index.html"), std::string::npos) << log;
  EXPECT_EQ(log.find(dir + "/web/explorer.js"), std::string::npos) << log;
  std::filesystem::remove_all(dir);
}

TEST_F(ApiOps, StartupErrorsAreOneLine) {
  // The port is taken.
  ApiServer first(db_.url());
  auto taken = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "api", "--host",
                           "127.0.0.1", "--port", std::to_string(first.port())},
                          {{"DATABASE_URL", db_.url()}});
  EXPECT_EQ(taken.exit_code, 1) << taken.err;
  EXPECT_NE(taken.err.find("hltwap: cannot listen on 127.0.0.1:"), std::string::npos) << taken.err;
  // A bad tunable.
  auto bad = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "api"},
                        {{"DATABASE_URL", db_.url()}, {"API_READ_TIMEOUT_MS", "soon"}});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("API_READ_TIMEOUT_MS must be an integer"), std::string::npos) << bad.err;
  auto unset = RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "api"},
                          {{"DATABASE_URL", std::nullopt}});
  EXPECT_EQ(unset.exit_code, 2) << unset.err;
  auto bad_port =
      RunProcess({HltwapBinary(), "--env-file", "/nonexistent/.env", "api", "--port", "70000"},
                 {{"DATABASE_URL", db_.url()}});
  EXPECT_NE(bad_port.exit_code, 0);
}

TEST_F(ApiOps, SigtermLetsTheRequestInFlightFinish) {
  ApiServer server(db_.url(), {{"API_SHUTDOWN_TIMEOUT_MS", "20000"}});
  const std::string expected = HttpGet(server.port(), "/api/v1/twaps/568722").body;
  ASSERT_FALSE(expected.empty());
  HttpConnection idle(server.port());
  ASSERT_EQ(idle.Get("/healthz").status, 200);

  // Hold a lock so that the next request's query waits inside the server.
  auto locker = db_.Connect();
  ASSERT_TRUE(locker.Exec("BEGIN; LOCK TABLE twap_status IN ACCESS EXCLUSIVE MODE").ok());
  auto in_flight = std::async(std::launch::async, [&] {
    HttpConnection c(server.port(), milliseconds(30000));
    return c.Get("/api/v1/twaps/568722");
  });
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = db_.Scalar(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock'") != "0";
    if (!waiting) std::this_thread::sleep_for(milliseconds(25));
  }
  ASSERT_TRUE(waiting) << "the request never reached the database";

  server.process().Signal(SIGTERM);
  // The listener closes: new connections are refused while the request is still in flight.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    refused = !HttpConnection(server.port(), milliseconds(1000)).connected();
    if (!refused) std::this_thread::sleep_for(milliseconds(25));
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(in_flight.wait_for(milliseconds(0)), std::future_status::timeout);
  EXPECT_TRUE(server.process().Running());

  ASSERT_TRUE(locker.Exec("COMMIT").ok());
  const HttpResult answer = in_flight.get();
  EXPECT_EQ(answer.status, 200) << answer.error;
  EXPECT_EQ(answer.body, expected);
  EXPECT_EQ(answer.Header("connection"), "close");
  EXPECT_EQ(server.process().Wait(), 0) << server.Log();
  EXPECT_NE(server.Log().find("received SIGTERM"), std::string::npos);
  EXPECT_NE(server.Log().find("hltwap api stopped"), std::string::npos);
}

TEST_F(ApiOps, SigintStopsAnIdleServer) {
  ApiServer server(db_.url());
  HttpConnection idle(server.port());
  ASSERT_EQ(idle.Get("/healthz").status, 200);
  server.process().Signal(SIGINT);
  EXPECT_EQ(server.process().Wait(), 0) << server.Log();
}

}  // namespace
}  // namespace hltwap::testing
