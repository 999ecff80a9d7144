#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "common/log.h"

namespace hltwap {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  void TearDown() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  static constexpr const char* kVars[] = {
      "AWS_REGION",        "AWS_DEFAULT_REGION", "AWS_S3_BUCKET",       "AWS_S3_PREFIX",
      "AWS_REQUEST_PAYER", "AWS_ENDPOINT_URL",   "AWS_ENDPOINT_URL_S3", "DATABASE_URL",
      "API_HOST",          "API_PORT",           "LOG_FORMAT",          "LOG_LEVEL",
      "CORS_ORIGINS",      "HLTWAP_DOTENV_A",    "HLTWAP_DOTENV_B",     "HLTWAP_DOTENV_C",
      "HLTWAP_DOTENV_D"};
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
