// The explorer page in a real browser: tests/explorer_test.py drives Debian's Chromium through
// its chromedriver (Selenium, from the project's .venv) against `hltwap api` serving a fresh
// database loaded with the sample parquet files by `hltwap etl`, as `make demo` loads them.
// Screenshots of both pages go to <build dir>/explorer_screenshots/.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/api_test_support.h"
#include "tests/etl_test_files.h"

namespace hltwap::testing {
namespace {

// Debian's packages (scripts/deps.sh installs them), unless the environment names others.
std::string Program(const char* variable, const char* debian_path) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : debian_path;
}

TEST(Explorer, WorksInARealBrowser) {
  const std::string chromium = Program("HLTWAP_CHROMIUM", "/usr/bin/chromium");
  const std::string chromedriver = Program("HLTWAP_CHROMEDRIVER", "/usr/bin/chromedriver");
  for (const auto& program : {chromium, chromedriver}) {
    ASSERT_TRUE(std::filesystem::exists(program)) << program << " is missing: run `make deps`";
  }
  TestDatabase db;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--local-file", SourceDir() + "/tests/data/sample_twap.parquet"},
           {"--dataset", "fills", "--local-file",
            SourceDir() + "/tests/data/sample_fills.parquet"}}) {
    const auto loaded = RunEtlCommand(args, DbEnv(db));
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
  // The explorer's and Swagger UI's files from the source tree, as `make demo` serves them.
  ApiServer server(db.url(), {{"HLTWAP_WEB_DIR", std::nullopt},
                              {"HLTWAP_UPLOT_DIR", std::nullopt},
                              {"HLTWAP_ASSETS_DIR", std::nullopt}});
  const std::string binary = HltwapBinary();
  const std::string screenshots = binary.substr(0, binary.rfind('/')) + "/explorer_screenshots";
  std::filesystem::create_directories(screenshots);

  const auto run =
      RunProcess({Venv() + "/bin/python", SourceDir() + "/tests/explorer_test.py", "--base",
                  fmt::format("http://127.0.0.1:{}", server.port()), "--screenshots", screenshots,
                  "--chromium", chromium, "--chromedriver", chromedriver},
                 {{"SE_OFFLINE", "true"}});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // unittest's summary: every test ran, none was skipped.
  EXPECT_NE(run.err.find("\nOK\n"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("skipped"), std::string::npos) << run.err;
  EXPECT_EQ(server.Log().find(" 500 "), std::string::npos) << server.Log();
  for (const char* shot : {"list.png", "list-360.png", "twap.png", "twap-360.png"}) {
    EXPECT_TRUE(std::filesystem::exists(screenshots + "/" + shot)) << shot;
  }
}

}  // namespace
}  // namespace hltwap::testing
