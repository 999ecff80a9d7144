#include "etl/s3/credentials.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "common/log.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/subprocess.h"

namespace hltwap::s3 {
namespace {

namespace fs = std::filesystem;
using testing::HttpExchange;
using testing::HttpReply;
using testing::LoopbackHttpServer;
using testing::MakeReply;

// Every variable the chain reads. Each test starts with all of them unset, HOME in an empty
// temporary directory and instance metadata off, so nothing ever leaves the loopback.
constexpr const char* kChainVars[] = {"AWS_ACCESS_KEY_ID",
                                      "AWS_SECRET_ACCESS_KEY",
                                      "AWS_SESSION_TOKEN",
                                      "AWS_PROFILE",
                                      "AWS_DEFAULT_PROFILE",
                                      "AWS_SHARED_CREDENTIALS_FILE",
                                      "AWS_CONFIG_FILE",
                                      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                      "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                      "AWS_EC2_METADATA_DISABLED",
                                      "HOME"};

constexpr const char* kCredentialsJson = R"({
  "Code": "Success",
  "Type": "AWS-HMAC",
  "AccessKeyId": "ASIAREMOTEKEY0000001",
  "SecretAccessKey": "remote-secret-access-key-value",
  "Token": "remote-session-token-value",
  "Expiration": "2031-05-06T07:08:09Z"
})";

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kChainVars) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name,
                          value == nullptr ? std::nullopt : std::optional<std::string>(value));
      ::unsetenv(name);
    }
    home_ = fs::temp_directory_path() /
            fmt::format("hltwap-creds-{}-{}", ::getpid(),
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    Set("HOME", home_.string());
    Set("AWS_EC2_METADATA_DISABLED", "true");
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
    fs::remove_all(home_);
  }
  static void Set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }
  void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  fs::path home_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(CredentialsTest, EnvironmentVariables) {
  Set("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000001");
  Set("AWS_SECRET_ACCESS_KEY", "env-secret-access-key");
  Set("AWS_SESSION_TOKEN", "env-session-token");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAENVKEY0000000001");
  EXPECT_EQ(c->secret_access_key, "env-secret-access-key");
  EXPECT_EQ(c->session_token, "env-session-token");
  EXPECT_FALSE(c->expires_at.has_value());
  EXPECT_EQ(c->source, "environment");
  // Registered as secrets: never in a log line.
  EXPECT_EQ(log::MaskSecrets("x env-secret-access-key y env-session-token"), "x *** y ***");
}

TEST_F(CredentialsTest, PartialEnvironmentIsAnError) {
  Set("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000001");
  auto c = ResolveCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(CredentialsTest, EnvironmentWinsOverSharedFiles) {
  Write(
      home_ / ".aws" / "credentials",
      "[default]\naws_access_key_id = AKIAFILEKEY000000001\naws_secret_access_key = file-secret\n");
  Set("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000001");
  Set("AWS_SECRET_ACCESS_KEY", "env-secret-access-key");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAENVKEY0000000001");
}

TEST_F(CredentialsTest, DefaultProfileFromHomeCredentialsFile) {
  Write(home_ / ".aws" / "credentials",
        "# comment\n[default]\naws_access_key_id = AKIAFILEKEY000000001\n"
        "aws_secret_access_key=file-secret-default\n\n[other]\naws_access_key_id = AKIAOTHER\n"
        "aws_secret_access_key = other-secret\n");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAFILEKEY000000001");
  EXPECT_EQ(c->secret_access_key, "file-secret-default");
  EXPECT_EQ(c->source, "shared files (profile default)");
}

TEST_F(CredentialsTest, ProfileFromConfigFileWithProfilePrefix) {
  // The credentials file has another profile; the selected one lives in the config file as
  // "[profile name]", with a session token.
  const fs::path dir = home_ / "elsewhere";
  Write(dir / "creds", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n");
  Write(dir / "conf",
        "[default]\nregion = eu-west-1\n[profile analytics]\nregion = us-east-1\n"
        "aws_access_key_id = AKIAANALYTICS0000001\naws_secret_access_key = analytics-secret\n"
        "aws_session_token = analytics-token\n  nested = ignored\n");
  Set("AWS_SHARED_CREDENTIALS_FILE", (dir / "creds").string());
  Set("AWS_CONFIG_FILE", (dir / "conf").string());
  Set("AWS_PROFILE", "analytics");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAANALYTICS0000001");
  EXPECT_EQ(c->secret_access_key, "analytics-secret");
  EXPECT_EQ(c->session_token, "analytics-token");
  EXPECT_EQ(c->source, "shared files (profile analytics)");
}

TEST_F(CredentialsTest, CredentialsFileWinsOverConfigForTheSameProfile) {
  Write(home_ / ".aws" / "credentials",
        "[team]\naws_access_key_id = AKIAFROMCREDENTIALS1\naws_secret_access_key = c-secret\n");
  Write(home_ / ".aws" / "config",
        "[profile team]\naws_access_key_id = AKIAFROMCONFIG000001\naws_secret_access_key = x\n");
  Set("AWS_PROFILE", "team");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAFROMCREDENTIALS1");
  EXPECT_EQ(c->secret_access_key, "c-secret");
}

TEST_F(CredentialsTest, UnknownProfileIsAnError) {
  Write(home_ / ".aws" / "credentials",
        "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n");
  Set("AWS_PROFILE", "missing");
  auto c = ResolveCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("'missing'"), std::string::npos) << c.status().message();
}

TEST_F(CredentialsTest, NothingFoundNamesWhatToSet) {
  Write(home_ / ".aws" / "config", "[default]\nregion = us-east-1\n");
  auto c = ResolveCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.status().message().find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
}

TEST_F(CredentialsTest, ContainerFullUriWithAuthorizationToken) {
  LoopbackHttpServer ecs([](const HttpExchange& request) {
    if (request.target != "/v2/credentials/abc") return MakeReply(404);
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != "Bearer container-token-123") {
      return MakeReply(401);
    }
    return MakeReply(200, kCredentialsJson);
  });
  Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/abc");
  Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer container-token-123");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAREMOTEKEY0000001");
  EXPECT_EQ(c->secret_access_key, "remote-secret-access-key-value");
  EXPECT_EQ(c->session_token, "remote-session-token-value");
  ASSERT_TRUE(c->expires_at.has_value());
  EXPECT_EQ(*c->expires_at, 1935817689LL * 1'000'000);  // 2031-05-06T07:08:09Z
  ASSERT_EQ(ecs.request_count(), 1);
  EXPECT_EQ(log::MaskSecrets("remote-session-token-value"), "***");
}

TEST_F(CredentialsTest, ContainerTokenFileWinsOverTokenVariable) {
  LoopbackHttpServer ecs([](const HttpExchange& request) {
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != "token-from-file") {
      return MakeReply(401);
    }
    return MakeReply(200, kCredentialsJson);
  });
  Write(home_ / "token", "token-from-file\n");
  Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds");
  Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "token-from-variable");
  Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (home_ / "token").string());
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAREMOTEKEY0000001");
}

TEST_F(CredentialsTest, ContainerFullUriMustBeLoopbackOrHttps) {
  Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");
  auto c = ResolveCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos);
}

TEST_F(CredentialsTest, ContainerErrorIsReported) {
  LoopbackHttpServer ecs([](const HttpExchange&) { return MakeReply(403); });
  Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds");
  auto c = ResolveCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("HTTP 403"), std::string::npos) << c.status().message();
}

// IMDSv2 as EC2 answers it: a token from PUT first, then only requests carrying it are served.
struct FakeInstanceMetadata {
  static constexpr const char* kToken = "imds-session-token-0123456789";
  LoopbackHttpServer server{[](const HttpExchange& request) {
    if (request.target == "/latest/api/token") {
      if (request.method != "PUT" ||
          request.headers.count("x-aws-ec2-metadata-token-ttl-seconds") == 0) {
        return MakeReply(400);
      }
      return MakeReply(200, kToken);
    }
    const auto token = request.headers.find("x-aws-ec2-metadata-token");
    if (token == request.headers.end() || token->second != kToken) {
      return MakeReply(401);
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/") {
      return MakeReply(200, "worker-role");
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/worker-role") {
      return MakeReply(200, kCredentialsJson);
    }
    return MakeReply(404);
  }};
};

TEST_F(CredentialsTest, InstanceMetadataV2) {
  FakeInstanceMetadata imds;
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url() + "/");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAREMOTEKEY0000001");
  EXPECT_EQ(c->session_token, "remote-session-token-value");
  ASSERT_TRUE(c->expires_at.has_value());

  const auto requests = imds.server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/latest/api/token");
  EXPECT_EQ(requests[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  for (size_t i = 1; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].method, "GET");
    EXPECT_EQ(requests[i].headers.at("x-aws-ec2-metadata-token"), FakeInstanceMetadata::kToken);
  }
  EXPECT_EQ(requests[2].target, "/latest/meta-data/iam/security-credentials/worker-role");
  EXPECT_EQ(log::MaskSecrets(FakeInstanceMetadata::kToken), "***");
}

TEST_F(CredentialsTest, InstanceMetadataDisabledIsNotAsked) {
  FakeInstanceMetadata imds;
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url());
  Set("AWS_EC2_METADATA_DISABLED", "TRUE");
  auto c = ResolveCredentials();
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(imds.server.request_count(), 0);
}

TEST_F(CredentialsTest, ContainerComesBeforeInstanceMetadata) {
  FakeInstanceMetadata imds;
  LoopbackHttpServer ecs([](const HttpExchange&) {
    return MakeReply(200, R"({"AccessKeyId":"ASIAFROMCONTAINER001","SecretAccessKey":"s"})");
  });
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url());
  Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds");
  auto c = ResolveCredentials();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAFROMCONTAINER001");
  EXPECT_EQ(imds.server.request_count(), 0);
}

TEST_F(CredentialsTest, UnreachableInstanceMetadataFailsPromptly) {
  // Refused: nothing listens on the port.
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", fmt::format("http://127.0.0.1:{}", testing::FreePort()));
  auto refused = ResolveCredentials();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no AWS credentials found"), std::string::npos);
  EXPECT_NE(refused.status().message().find("EC2 instance metadata"), std::string::npos)
      << refused.status().message();

  // Silent: a socket that accepts connections (the kernel does) but never answers, as a
  // firewalled metadata address would; the 1 s timeout ends the wait.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT",
      fmt::format("http://127.0.0.1:{}", ntohs(addr.sin_port)));
  auto silent = ResolveCredentials();
  ::close(fd);
  ASSERT_FALSE(silent.ok());
  EXPECT_NE(silent.status().message().find("EC2 instance metadata"), std::string::npos)
      << silent.status().message();
}

}  // namespace
}  // namespace hltwap::s3
