#include "api/explorer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace hltwap::api {
namespace {

class ExplorerAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(web_);
    std::filesystem::create_directories(uplot_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  // Per process: ctest runs the tests of this fixture at the same time.
  const std::string root_ =
      ::testing::TempDir() + "/hltwap_explorer_assets_" + std::to_string(::getpid());
  const std::string web_ = root_ + "/web";
  const std::string uplot_ = root_ + "/uplot";
};

TEST_F(ExplorerAssetsTest, ServesOnlyTheListedFiles) {
  Write(web_ + "/explorer.js", "export {};");
  Write(web_ + "/secret.txt", "no");
  Write(uplot_ + "/uPlot.min.css", ".u{}");
  Write(uplot_ + "/uPlot.esm.js", "no");
  const auto assets = ExplorerAssets::Load({web_, uplot_});
  ASSERT_NE(assets.Find("explorer.js"), nullptr);
  EXPECT_EQ(assets.Find("explorer.js")->body, "export {};");
  EXPECT_EQ(assets.Find("explorer.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(assets.Find("uPlot.min.css")->content_type, "text/css; charset=utf-8");
  for (const char* other : {"secret.txt", "uPlot.esm.js", "../web/explorer.js", "index.html"}) {
    EXPECT_EQ(assets.Find(other), nullptr) << other;
  }
  // What is missing is named, so the startup warning can say it.
  const auto& missing = assets.missing();
  EXPECT_NE(std::find(missing.begin(), missing.end(), web_ + "/index.html"), missing.end());
  EXPECT_NE(std::find(missing.begin(), missing.end(), uplot_ + "/uPlot.iife.min.js"),
            missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), web_ + "/explorer.js"), missing.end());

  // Without its files the page is not served: the plain index at /, 404 below.
  const Response root = ExplorerPageResponse(assets, 0);
  EXPECT_EQ(root.status, 200u);
  EXPECT_EQ(root.payload(), IndexHtml());
  EXPECT_EQ(ExplorerPageResponse(assets, 1).status, 404u);
  EXPECT_EQ(ExplorerAssetResponse(assets, "secret.txt").status, 404u);
}

TEST_F(ExplorerAssetsTest, PageLinksAreRelativeToWhereItIsServed) {
  Write(web_ + "/index.html",
        "<link href=\"./web/a.css\"><script src=\"./web/a.js\"></script>"
        "<a href=\"./\">home</a><a href=\"#main\">skip</a><a href=\"./docs\">docs</a>");
  const auto assets = ExplorerAssets::Load({web_, uplot_});
  EXPECT_EQ(assets.Page(0),
            "<link href=\"./web/a.css\"><script src=\"./web/a.js\"></script>"
            "<a href=\"./\">home</a><a href=\"#main\">skip</a><a href=\"./docs\">docs</a>");
  EXPECT_EQ(assets.Page(1),
            "<link href=\"../web/a.css\"><script src=\"../web/a.js\"></script>"
            "<a href=\"../\">home</a><a href=\"#main\">skip</a><a href=\"../docs\">docs</a>");
}

TEST(ExplorerPage, HeadersForbidInlineCodeAndOtherOrigins) {
  Response r;
  AddPageHeaders(r);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.front().first, "Content-Security-Policy");
  const std::string& csp = r.headers.front().second;
  for (const char* directive :
       {"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"}) {
    EXPECT_NE(csp.find(directive), std::string::npos) << directive;
  }
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("http"), std::string::npos) << csp;
}

}  // namespace
}  // namespace hltwap::api
