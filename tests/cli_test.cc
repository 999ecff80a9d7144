// The hltwap program as a user meets it: help, db init, configuration errors.
#include <gtest/gtest.h>

#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace hltwap::testing {
namespace {

ProcessResult Hltwap(const std::vector<std::string>& args, const EnvOverrides& env = {}) {
  std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, env);
}

TEST(Cli, HelpDescribesEverySubcommandAndOption) {
  auto top = Hltwap({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* word : {"db", "etl", "api", "coverage", "export", "--env-file", "--version"}) {
    EXPECT_NE(top.out.find(word), std::string::npos) << word;
  }
  auto init = Hltwap({"db", "init", "--help"});
  EXPECT_EQ(init.exit_code, 0);
  EXPECT_NE(init.out.find("idempotent"), std::string::npos);
  EXPECT_EQ(Hltwap({"etl", "--help"}).exit_code, 0);
  EXPECT_EQ(Hltwap({"api", "--help"}).exit_code, 0);
  EXPECT_EQ(Hltwap({"coverage", "--help"}).exit_code, 0);
  EXPECT_EQ(Hltwap({"export", "--help"}).exit_code, 0);
}

TEST(Cli, UnknownSubcommandIsAUsageError) {
  EXPECT_EQ(Hltwap({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Hltwap({"db", "init", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(Hltwap({"etl", "--jobs", "abc"}).exit_code, 2);
  EXPECT_EQ(Hltwap({"--version"}).exit_code, 0);
}

TEST(Cli, DbInitTwiceSucceeds) {
  TestDatabase db(/*migrate=*/false);
  auto first = Hltwap({"db", "init"}, {{"DATABASE_URL", db.url()}});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("upgraded to version"), std::string::npos) << first.err;
  auto second = Hltwap({"db", "init"}, {{"DATABASE_URL", db.url()}});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("up to date"), std::string::npos) << second.err;
  EXPECT_EQ(db.Scalar("SELECT to_regclass('twap_status') IS NOT NULL"), "t");
}

TEST(Cli, DbInitAcceptsTheSqlalchemyForm) {
  TestDatabase db(/*migrate=*/false);
  std::string url = db.url();
  url.replace(0, std::string("postgresql").size(), "postgresql+psycopg");
  auto r = Hltwap({"db", "init"}, {{"DATABASE_URL", url}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, WrongDatabaseUrlGivesOneClearLine) {
  for (const std::string url : {"mysql://root:pw12345@localhost/x", "not a url",
                                "postgresql://root:pw12345@127.0.0.1:1/nodb"}) {
    auto r = Hltwap({"db", "init"}, {{"DATABASE_URL", url}});
    EXPECT_NE(r.exit_code, 0) << url;
    ASSERT_FALSE(r.err.empty()) << url;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
    EXPECT_NE(r.err.find("hltwap:"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("pw12345"), std::string::npos) << r.err;
  }
  auto unset = Hltwap({"db", "init"}, {{"DATABASE_URL", std::nullopt}});
  EXPECT_EQ(unset.exit_code, 2);
  EXPECT_NE(unset.err.find("DATABASE_URL is not set"), std::string::npos) << unset.err;
}

// No AWS credentials anywhere is a configuration error, like a missing DATABASE_URL: exit 2 with
// one line that says where to put them.
TEST(Cli, MissingAwsCredentialsIsAConfigurationError) {
  TestDatabase db;
  const std::string home = ::testing::TempDir() + "/hltwap_cli_no_aws_home";
  const EnvOverrides env = {{"DATABASE_URL", db.url()},
                            {"HOME", home},
                            {"AWS_ACCESS_KEY_ID", std::nullopt},
                            {"AWS_SECRET_ACCESS_KEY", std::nullopt},
                            {"AWS_SESSION_TOKEN", std::nullopt},
                            {"AWS_PROFILE", std::nullopt},
                            {"AWS_SHARED_CREDENTIALS_FILE", home + "/none"},
                            {"AWS_CONFIG_FILE", home + "/none"},
                            {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", std::nullopt},
                            {"AWS_CONTAINER_CREDENTIALS_FULL_URI", std::nullopt},
                            {"AWS_EC2_METADATA_DISABLED", "true"},
                            {"LOG_FORMAT", "text"}};
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"etl"}, std::vector<std::string>{"etl", "--dry-run"},
        std::vector<std::string>{"etl", "--object-key", "raw/a.parquet"}}) {
    auto r = Hltwap(args, env);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_NE(r.err.find("no AWS credentials found"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
  }
  // Off EC2, the instance metadata address refuses: still no credentials, still exit 2.
  EnvOverrides off_ec2 = env;
  off_ec2["AWS_EC2_METADATA_DISABLED"] = std::nullopt;
  off_ec2["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(FreePort());
  auto r = Hltwap({"etl"}, off_ec2);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no AWS credentials found"), std::string::npos) << r.err;
}

TEST(Cli, DotEnvFileIsRead) {
  TestDatabase db(/*migrate=*/false);
  const std::string env_file = ::testing::TempDir() + "/hltwap_cli_test.env";
  {
    FILE* f = std::fopen(env_file.c_str(), "w");
    std::fprintf(f, "DATABASE_URL=%s\n", db.url().c_str());
    std::fclose(f);
  }
  auto r = RunProcess({HltwapBinary(), "--env-file", env_file, "db", "init"},
                      {{"DATABASE_URL", std::nullopt}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::remove(env_file.c_str());
}

}  // namespace
}  // namespace hltwap::testing
