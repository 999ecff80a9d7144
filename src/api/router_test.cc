// The router without sockets: requests in, responses out, on a real database.
#include "api/router.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "api/queries.h"
#include "tests/api_test_support.h"
#include "tests/support/await.h"

namespace hltwap::api {
namespace {

namespace json = boost::json;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : cluster_(ClusterOptions()),
        router_(cluster_, metrics_, assets_, explorer_, {{"https://ok.example"}, "9.9.9"}) {}

  PgClusterOptions ClusterOptions() {
    PgClusterOptions o;
    o.primary = PoolOptions();
    return o;
  }

  PgPoolOptions PoolOptions() {
    testing::LoadSampleRows(db_);
    PgPoolOptions o;
    o.conninfo = db_.url();
    o.max_size = 2;
    o.statements = ApiStatements();
    return o;
  }

  static Request Make(http::verb method, std::string_view target,
                      const std::vector<std::pair<http::field, std::string>>& headers = {}) {
    Request r{method, target, 11};
    for (const auto& [field, value] : headers) r.set(field, value);
    return r;
  }
  Response Get(std::string_view target) const {
    return testing::Await(router_.Handle(Make(http::verb::get, target)));
  }

  testing::TestDatabase db_;
  PgCluster cluster_;
  Metrics metrics_;
  DocsAssets assets_ = DocsAssets::Load("/nonexistent");
  ExplorerAssets explorer_ = ExplorerAssets::Load({"/nonexistent", "/nonexistent"});
  Router router_;
};

TEST_F(RouterTest, RoutesByTemplate) {
  const struct {
    std::string target;
    unsigned status;
    std::string route;
    std::string content_type;
  } cases[] = {
      {"/", 200, "/", "text/html; charset=utf-8"},
      {"/docs", 200, "/docs", "text/html; charset=utf-8"},
      {"/docs/swagger-ui.css", 404, "/docs/{asset}", "application/json"},
      {"/openapi.json", 200, "/openapi.json", "application/json"},
      {"/healthz", 200, "/healthz", "application/json"},
      {"/metrics", 200, "/metrics", "text/plain; version=0.0.4; charset=utf-8"},
      {"/api/v1/twaps?wallet=w&start=2025-11-01&end=2025-11-02", 200, "/api/v1/twaps",
       "application/json"},
      {"/api/v1/twaps", 422, "/api/v1/twaps", "application/json"},
      {"/api/v1/twaps/568722", 200, "/api/v1/twaps/{twap_id}", "application/json"},
      {"/api/v1/twaps/568722?ignored=1", 200, "/api/v1/twaps/{twap_id}", "application/json"},
      {"/api/v1/twaps/568722/fills", 200, "/api/v1/twaps/{twap_id}/fills", "application/json"},
      {"/api/v1/twaps/1/fills", 404, "/api/v1/twaps/{twap_id}/fills", "application/json"},
      {"/api/v1/twaps/1/fills?limit=0", 422, "/api/v1/twaps/{twap_id}/fills", "application/json"},
      {"/api/v1/twaps/fills", 404, "/api/v1/twaps/{twap_id}", "application/json"},
      {"/api/v1/twaps/1/rows", 404, "unmatched", "application/json"},
      {"/api/v1/twaps/1/fills/2", 404, "unmatched", "application/json"},
      {"/nowhere", 404, "unmatched", "application/json"},
      // Without the explorer's files: the plain index at /, nothing below it.
      {"/twap/568722", 404, "/twap/{twap_id}", "application/json"},
      {"/web/explorer.js", 404, "/web/{asset}", "application/json"},
      {"/twap", 404, "unmatched", "application/json"},
      {"/twap/1/fills", 404, "unmatched", "application/json"},
      {"/web/uplot/uPlot.min.css", 404, "unmatched", "application/json"},
      {"/api/v1/twaps?wallet=%zz", 400, "unmatched", "application/json"},
      {"/api/v1/wallets/0xAB/summary?start=2025-11-01&end=2025-11-02", 200,
       "/api/v1/wallets/{wallet}/summary", "application/json"},
      {"/api/v1/wallets/0xab/summary", 422, "/api/v1/wallets/{wallet}/summary", "application/json"},
      {"/api/v1/wallets/0xab", 404, "unmatched", "application/json"},
      {"/api/v1/wallets/a/b/summary", 404, "unmatched", "application/json"},
      {"/api/v1/coverage", 200, "/api/v1/coverage", "application/json"},
      {"/api/v1/coverage?start=2025-11-01", 422, "/api/v1/coverage", "application/json"},
  };
  for (const auto& c : cases) {
    const Response r = Get(c.target);
    EXPECT_EQ(r.status, c.status) << c.target << ": " << r.payload();
    EXPECT_EQ(r.route, c.route) << c.target;
    EXPECT_EQ(r.content_type, c.content_type) << c.target;
  }
  const auto doc = json::parse(Get("/openapi.json").payload());
  EXPECT_EQ(doc.at("info").at("version"), "9.9.9");
  EXPECT_EQ(json::parse(Get("/api/v1/twaps/568722").payload()).at("rows").as_array().size(), 2u);
}

TEST_F(RouterTest, QueryParametersAreDecoded) {
  const Response r = Get(std::string("/api/v1/twaps?wallet=") + testing::kAlice +
                         "&start=2025-11-01T02%3A00%3A00%2B02%3A00&end=2025-11-04&asset=xyz%3ANVDA"
                         "&limit=1&limit=2");
  ASSERT_EQ(r.status, 200u) << r.payload();
  const auto body = json::parse(r.payload());
  EXPECT_EQ(body.at("start"), "2025-11-01T00:00:00Z");
  EXPECT_EQ(body.at("twaps").as_array().size(), 1u);
  EXPECT_EQ(body.at("twaps").at(0).at("twap_id"), "568791");
}

TEST_F(RouterTest, MethodsAndCors) {
  const Response post = testing::Await(router_.Handle(Make(http::verb::post, "/healthz")));
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.headers, (std::vector<std::pair<std::string, std::string>>{{"Allow", "GET"}}));

  const Response allowed = testing::Await(router_.Handle(
      Make(http::verb::get, "/healthz", {{http::field::origin, "https://ok.example"}})));
  EXPECT_EQ(allowed.headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"Access-Control-Allow-Origin", "https://ok.example"}, {"Vary", "Origin"}}));
  const Response other = testing::Await(router_.Handle(
      Make(http::verb::get, "/healthz", {{http::field::origin, "https://no.example"}})));
  EXPECT_TRUE(other.headers.empty());

  const Response preflight =
      testing::Await(router_.Handle(Make(http::verb::options, "/api/v1/twaps/1",
                                         {{http::field::origin, "https://ok.example"},
                                          {http::field::access_control_request_method, "GET"}})));
  EXPECT_EQ(preflight.status, 200u);
  EXPECT_EQ(preflight.route, "/api/v1/twaps/{twap_id}");
}

TEST_F(RouterTest, MetricsSeeThePool) {
  Get("/healthz");
  metrics_.RecordRequest("GET", "/healthz", 200, 0.003);
  const std::string m(Get("/metrics").payload());
  EXPECT_NE(m.find("hltwap_db_pool_size 2\n"), std::string::npos) << m;
  EXPECT_NE(m.find("hltwap_db_pool_open 1\n"), std::string::npos) << m;
  EXPECT_NE(
      m.find("hltwap_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0025\"} 0\n"
             "hltwap_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 1\n"),
      std::string::npos)
      << m;
}

std::string HeaderValue(const Response& r, std::string_view name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "(none)";
}

TEST_F(RouterTest, PagesCarryTheirContentSecurityPolicy) {
  const auto explorer = ExplorerAssets::Load(ExplorerAssets::DefaultDirectories());
  ASSERT_TRUE(explorer.missing().empty()) << "run `make deps`: " << explorer.missing().front();
  const Router router(cluster_, metrics_, assets_, explorer, {});
  const auto get = [&](std::string_view target) {
    return testing::Await(router.Handle(Make(http::verb::get, target)));
  };
  for (const auto& [target, link] :
       {std::pair{"/", "src=\"./web/explorer.js\""},
        std::pair{"/?wallet=0xabc&start=2025-11-01", "src=\"./web/explorer.js\""},
        std::pair{"/twap/568722", "src=\"../web/explorer.js\""}}) {
    const Response r = get(target);
    EXPECT_EQ(r.status, 200u) << target;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << target;
    EXPECT_EQ(HeaderValue(r, "Content-Security-Policy"), kPageCsp) << target;
    EXPECT_EQ(HeaderValue(r, "X-Content-Type-Options"), "nosniff") << target;
    EXPECT_NE(r.payload().find(link), std::string_view::npos) << target;
    EXPECT_EQ(r.payload().find("<script>"), std::string_view::npos) << "inline script";
    EXPECT_EQ(r.payload().find("<style"), std::string_view::npos) << "inline style";
    EXPECT_EQ(r.payload().find(" style="), std::string_view::npos) << "inline style";
  }
  EXPECT_EQ(get("/twap/568722").payload().find("=\"./"), std::string_view::npos);
  const Response docs = get("/docs");
  EXPECT_EQ(HeaderValue(docs, "Content-Security-Policy"), kPageCsp);
  EXPECT_EQ(docs.payload().find("<script>"), std::string_view::npos) << "inline script";

  const Response script = get("/web/explorer.js");
  EXPECT_EQ(script.status, 200u);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/web/uPlot.min.css").content_type, "text/css; charset=utf-8");
  for (const char* other : {"/web/index.html", "/web/..%2Fweb%2Fexplorer.js", "/web/uPlot.esm.js",
                            "/web/package.json", "/web/"}) {
    EXPECT_EQ(get(other).status, 404u) << other;
  }
}

TEST_F(RouterTest, PagesAndFilesDoNotWaitForTheDatabase) {
  // They complete without suspending: nothing but the ready handlers runs.
  for (const char* target : {"/", "/twap/568722", "/web/explorer.js", "/docs", "/docs/x.css"}) {
    boost::asio::io_context io;
    const Request request = Make(http::verb::get, target);
    auto response = boost::asio::co_spawn(io, router_.Handle(request), boost::asio::use_future);
    io.poll();
    EXPECT_EQ(response.wait_for(std::chrono::seconds(0)), std::future_status::ready) << target;
  }
}

TEST(DocsAssets, ServesOnlyTheListedFiles) {
  const std::string dir = ::testing::TempDir() + "/hltwap_docs_assets_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/swagger-ui.css") << "css";
  std::ofstream(dir + "/secret.txt") << "no";
  const auto assets = DocsAssets::Load(dir);
  ASSERT_NE(assets.Find("swagger-ui.css"), nullptr);
  EXPECT_EQ(assets.Find("swagger-ui.css")->body, "css");
  EXPECT_EQ(assets.Find("swagger-ui.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(assets.Find("secret.txt"), nullptr);
  EXPECT_EQ(assets.Find("../secret.txt"), nullptr);
  EXPECT_FALSE(assets.complete());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hltwap::api
