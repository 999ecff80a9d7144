#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/log.h"

namespace hltwap {
namespace {

// Each integer tunable: its default, an accepted override, and a value out of its range.
struct Tunable {
  const char* name;
  int64_t (*get)(const Config&);
  int64_t default_value;
  const char* override_text;
  const char* out_of_range;
};

int64_t Ms(std::chrono::milliseconds ms) {
  return ms.count();
}

const Tunable kTunables[] = {
    {"API_THREADS", [](const Config& c) -> int64_t { return c.api_threads; }, 0, "3", "1025"},
    {"DB_POOL_SIZE", [](const Config& c) -> int64_t { return c.db_pool_size; }, 0, "9", "-1"},
    {"API_MAX_CONNECTIONS", [](const Config& c) -> int64_t { return c.api_max_connections; }, 1024,
     "10", "0"},
    {"API_MAX_REQUESTS_PER_CONNECTION",
     [](const Config& c) -> int64_t { return c.api_max_requests_per_connection; }, 1000, "7",
     "1000001"},
    {"API_IDLE_TIMEOUT_MS", [](const Config& c) { return Ms(c.api_idle_timeout); }, 5000, "1", "0"},
    {"API_READ_TIMEOUT_MS", [](const Config& c) { return Ms(c.api_read_timeout); }, 5000, "3600000",
     "3600001"},
    {"API_REQUEST_TIMEOUT_MS", [](const Config& c) { return Ms(c.api_request_timeout); }, 10000,
     "1500", "-5"},
    {"API_WRITE_TIMEOUT_MS", [](const Config& c) { return Ms(c.api_write_timeout); }, 10000, "2500",
     "1s"},
    {"API_SHUTDOWN_TIMEOUT_MS", [](const Config& c) { return Ms(c.api_shutdown_timeout); }, 10000,
     "200", "1.5"},
    {"DB_POOL_TIMEOUT_MS", [](const Config& c) { return Ms(c.db_pool_timeout); }, 1000, "250", "0"},
    {"DB_CONNECT_TIMEOUT", [](const Config& c) -> int64_t { return c.db_connect_timeout_seconds; },
     2, "600", "601"},
    {"DB_STATEMENT_TIMEOUT_MS", [](const Config& c) { return Ms(c.db_statement_timeout); }, 5000,
     "300", "99999999999"},
};

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { UnsetAll(); }
  void TearDown() override { UnsetAll(); }
  static void UnsetAll() {
    for (const char* v : kVars) ::unsetenv(v);
    for (const auto& t : kTunables) ::unsetenv(t.name);
  }
  static constexpr const char* kVars[] = {
      "AWS_REGION",        "AWS_DEFAULT_REGION", "AWS_S3_BUCKET",       "AWS_S3_PREFIX",
      "AWS_REQUEST_PAYER", "AWS_ENDPOINT_URL",   "AWS_ENDPOINT_URL_S3", "DATABASE_URL",
      "API_HOST",          "API_PORT",           "LOG_FORMAT",          "LOG_LEVEL",
      "CORS_ORIGINS",      "HLTWAP_DOTENV_A",    "HLTWAP_DOTENV_B",     "HLTWAP_DOTENV_C",
      "HLTWAP_DOTENV_D",   "HLTWAP_ASSETS_DIR",  "HLTWAP_WEB_DIR",      "HLTWAP_UPLOT_DIR"};
};

TEST_F(ConfigTest, DefaultsFollowTheSpec) {
  auto c = LoadConfig(/*need_database=*/false);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->aws_region, "us-east-1");
  EXPECT_EQ(c->s3_bucket, "artemis-hyperliquid-data");
  EXPECT_EQ(c->s3_prefix, "raw/twap_statuses/");
  EXPECT_EQ(c->request_payer, "requester");
  EXPECT_EQ(c->api_host, "0.0.0.0");
  EXPECT_EQ(c->api_port, 8000);
}

TEST_F(ConfigTest, ServerAndPoolTunablesHaveTheirDefaults) {
  auto c = LoadConfig(/*need_database=*/false);
  ASSERT_TRUE(c.ok()) << c.status().message();
  for (const auto& t : kTunables) EXPECT_EQ(t.get(*c), t.default_value) << t.name;
  EXPECT_EQ(c->assets_dir, "");
  EXPECT_EQ(c->web_dir, "");
  EXPECT_EQ(c->uplot_dir, "");
}

TEST_F(ConfigTest, ServerAndPoolTunablesFromTheEnvironment) {
  for (const auto& t : kTunables) ::setenv(t.name, t.override_text, 1);
  ::setenv("HLTWAP_ASSETS_DIR", "/srv/swagger", 1);
  ::setenv("HLTWAP_WEB_DIR", "/srv/web", 1);
  ::setenv("HLTWAP_UPLOT_DIR", "/srv/uplot", 1);
  auto c = LoadConfig(/*need_database=*/false);
  ASSERT_TRUE(c.ok()) << c.status().message();
  for (const auto& t : kTunables) {
    EXPECT_EQ(std::to_string(t.get(*c)), t.override_text) << t.name;
  }
  EXPECT_EQ(c->assets_dir, "/srv/swagger");
  EXPECT_EQ(c->web_dir, "/srv/web");
  EXPECT_EQ(c->uplot_dir, "/srv/uplot");
}

TEST_F(ConfigTest, TunablesOutOfRangeNameTheVariable) {
  for (const auto& t : kTunables) {
    ::setenv(t.name, t.out_of_range, 1);
    const auto c = LoadConfig(/*need_database=*/false);
    ASSERT_FALSE(c.ok()) << t.name << "=" << t.out_of_range;
    EXPECT_EQ(c.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(c.status().message().find(t.name), std::string::npos) << c.status().message();
    EXPECT_NE(c.status().message().find(t.out_of_range), std::string::npos);
    ::unsetenv(t.name);
  }
}

TEST_F(ConfigTest, BadValuesNameTheVariableInOneLine) {
  EXPECT_NE(LoadConfig(true).status().message().find("DATABASE_URL is not set"), std::string::npos);
  ::setenv("API_PORT", "80a", 1);
  EXPECT_NE(LoadConfig(false).status().message().find("API_PORT"), std::string::npos);
  ::setenv("API_PORT", "70000", 1);
  EXPECT_NE(LoadConfig(false).status().message().find("API_PORT"), std::string::npos);
  ::unsetenv("API_PORT");
  ::setenv("LOG_FORMAT", "xml", 1);
  EXPECT_NE(LoadConfig(false).status().message().find("LOG_FORMAT"), std::string::npos);
}

TEST_F(ConfigTest, DotEnvFillsButNeverOverridesTheEnvironment) {
  const std::string path = ::testing::TempDir() + "/hltwap_config_test.env";
  {
    std::ofstream out(path);
    out << "# comment\n"
        << "HLTWAP_DOTENV_A=plain # trailing comment\n"
        << "export HLTWAP_DOTENV_B=\"quoted # not a comment\"\n"
        << "HLTWAP_DOTENV_C='single'\n"
        << "HLTWAP_DOTENV_D=from-file\n";
  }
  ::setenv("HLTWAP_DOTENV_D", "from-env", 1);
  ASSERT_TRUE(LoadDotEnv(path).ok());
  EXPECT_STREQ(std::getenv("HLTWAP_DOTENV_A"), "plain");
  EXPECT_STREQ(std::getenv("HLTWAP_DOTENV_B"), "quoted # not a comment");
  EXPECT_STREQ(std::getenv("HLTWAP_DOTENV_C"), "single");
  EXPECT_STREQ(std::getenv("HLTWAP_DOTENV_D"), "from-env");
  EXPECT_TRUE(LoadDotEnv("/nonexistent/.env").ok());
  {
    std::ofstream out(path);
    out << "NOT A PAIR\n";
  }
  EXPECT_FALSE(LoadDotEnv(path).ok());
  std::remove(path.c_str());
}

TEST(LogMasking, MasksUrlPasswordsKnownSecretsAndSecretFields) {
  EXPECT_EQ(log::MaskSecrets("postgresql://user:hunter2@db:5432/x"),
            "postgresql://user:***@db:5432/x");
  EXPECT_EQ(log::MaskSecrets("host=db password=hunter2 dbname=x"), "host=db password=*** dbname=x");
  EXPECT_EQ(log::MaskSecrets("Credential=AKIA/..., Signature=abcdef0123"),
            "Credential=AKIA/..., Signature=***");
  log::RegisterSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(log::MaskSecrets("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY used"), "key *** used");
  EXPECT_EQ(log::MaskSecrets("no secrets here"), "no secrets here");
}

}  // namespace
}  // namespace hltwap
