// Over 400 lines: one test per S3 client behaviour (paging, signing, errors, retries, faults),
// each against moto or a fault proxy over HTTP.
#include "etl/s3/s3_client.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/moto_server.h"

namespace hltwap::s3 {
namespace {

using testing::FaultProxy;
using testing::HttpExchange;
using testing::HttpReply;
using testing::LoopbackHttpServer;
using testing::MakeReply;
using testing::MotoServer;
using testing::RecordedRequest;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TempPath(const std::string& name) {
  return fmt::format("/tmp/hltwap-s3-test-{}-{}", ::getpid(), name);
}

ClientOptions MotoOptions(const MotoServer& moto, const std::string& bucket) {
  ClientOptions options;
  options.bucket = bucket;
  options.endpoint_url = moto.endpoint();
  options.base_backoff_ms = 1;
  options.credentials =
      Credentials{MotoServer::kAccessKeyId, MotoServer::kSecretAccessKey, "", std::nullopt, "test"};
  return options;
}

std::unique_ptr<Client> MakeClient(const ClientOptions& options) {
  auto client = Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).value() : nullptr;
}

TEST(S3ClientTest, ListsHeadsAndDownloadsFromMoto) {
  MotoServer moto;
  moto.CreateBucket("bucket-a");
  moto.PutObject("bucket-a", "raw/one.parquet", "first body");
  moto.PutObject("bucket-a", "raw/two.parquet", std::string(100000, 'x'));
  moto.PutObject("bucket-a", "other/three.parquet", "3");

  auto client = MakeClient(MotoOptions(moto, "bucket-a"));
  ASSERT_NE(client, nullptr);
  auto listed = client->ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "raw/one.parquet");
  EXPECT_EQ((*listed)[0].size, 10);
  EXPECT_EQ((*listed)[1].key, "raw/two.parquet");
  EXPECT_EQ((*listed)[1].size, 100000);
  EXPECT_GT((*listed)[0].last_modified, 1'600'000'000'000'000);
  EXPECT_EQ((*listed)[0].etag.size(), 32u);

  auto head = client->HeadObject("raw/two.parquet");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->size, 100000);
  EXPECT_EQ(head->etag, (*listed)[1].etag);
  // HTTP dates have whole seconds; the listing may carry milliseconds.
  EXPECT_EQ(head->last_modified / 1'000'000, (*listed)[1].last_modified / 1'000'000);

  const std::string path = TempPath("two");
  auto got = client->GetObjectToFile("raw/two.parquet", path);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->size, 100000);
  EXPECT_EQ(ReadFile(path), std::string(100000, 'x'));
  EXPECT_EQ(got->last_modified, head->last_modified);
  std::remove(path.c_str());

  // Objects can be rewritten, as upstream does.
  moto.PutObject("bucket-a", "raw/one.parquet", "rewritten, longer body");
  auto rewritten = client->HeadObject("raw/one.parquet");
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().message();
  EXPECT_EQ(rewritten->size, 22);
}

TEST(S3ClientTest, ListsEveryPageBeyondAThousandKeys) {
  MotoServer moto;
  moto.CreateBucket("many");
  constexpr int kObjects = 1001;  // moto, like S3, answers 1000 keys a page
  for (int i = 0; i < kObjects; ++i) {
    moto.PutObject("many", fmt::format("raw/part-{:05}.parquet", i), "x");
  }
  moto.PutObject("many", "other/outside.parquet", "y");
  moto.PutObject("many", "rawish.parquet", "z");

  auto client = MakeClient(MotoOptions(moto, "many"));
  ASSERT_NE(client, nullptr);
  moto.StartRecording();
  auto listed = client->ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), static_cast<size_t>(kObjects));
  for (int i = 0; i < kObjects; ++i) {
    ASSERT_EQ((*listed)[i].key, fmt::format("raw/part-{:05}.parquet", i));
  }

  // Two pages, the second asked for with the first one's continuation token.
  const auto requests = moto.Recording();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/many");
  EXPECT_EQ(requests[0].query.find("continuation-token"), std::string::npos);
  EXPECT_NE(requests[0].query.find("list-type=2"), std::string::npos);
  EXPECT_NE(requests[0].query.find("prefix=raw%2F"), std::string::npos);
  EXPECT_NE(requests[1].query.find("continuation-token="), std::string::npos);

  auto everything = client->ListObjects("");
  ASSERT_TRUE(everything.ok()) << everything.status().message();
  EXPECT_EQ(everything->size(), static_cast<size_t>(kObjects + 2));
  auto other = client->ListObjects("other/");
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].key, "other/outside.parquet");
}

// Keys as people write them: spaces, '=', '+', '%', and UTF-8.
const std::vector<std::string>& SpecialKeys() {
  static const std::vector<std::string> keys = {
      "raw/with space/file name.parquet",
      "raw/date=2025-11-03/part+1.parquet",
      "raw/100%25 literal %41.parquet",
      "raw/\xc3\xbcnic\xc3\xb6"
      "de/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.parquet",
      "raw/punct !'()*&$,;:@~_-.parquet",
      "raw/a+b=c%d e\xc3\xa9.parquet",
  };
  return keys;
}

void ExpectSpecialKeysRoundTrip(Client& client) {
  auto listed = client.ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  std::vector<std::string> listed_keys;
  for (const auto& info : *listed) listed_keys.push_back(info.key);
  std::vector<std::string> expected = SpecialKeys();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed_keys, expected);

  for (const auto& info : *listed) {
    SCOPED_TRACE(info.key);
    auto head = client.HeadObject(info.key);
    ASSERT_TRUE(head.ok()) << head.status().message();
    EXPECT_EQ(head->size, info.size);
    EXPECT_EQ(head->etag, info.etag);
    const std::string path = TempPath("special");
    auto got = client.GetObjectToFile(info.key, path);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(ReadFile(path), "body of " + info.key);
    std::remove(path.c_str());
  }

  // Prefixes with the same characters select exactly their keys.
  auto unicode = client.ListObjects(
      "raw/\xc3\xbcnic\xc3\xb6"
      "de/");
  ASSERT_TRUE(unicode.ok()) << unicode.status().message();
  ASSERT_EQ(unicode->size(), 1u);
  EXPECT_EQ((*unicode)[0].key, SpecialKeys()[3]);
  auto spaced = client.ListObjects("raw/with space/");
  ASSERT_TRUE(spaced.ok()) << spaced.status().message();
  ASSERT_EQ(spaced->size(), 1u);
  auto plus = client.ListObjects("raw/a+b=c%d");
  ASSERT_TRUE(plus.ok()) << plus.status().message();
  ASSERT_EQ(plus->size(), 1u);
  EXPECT_EQ((*plus)[0].key, SpecialKeys()[5]);
}

TEST(S3ClientTest, SpecialCharacterKeysRoundTrip) {
  MotoServer moto;
  moto.CreateBucket("special");
  for (const auto& key : SpecialKeys()) moto.PutObject("special", key, "body of " + key);
  auto client = MakeClient(MotoOptions(moto, "special"));
  ASSERT_NE(client, nullptr);
  moto.StartRecording();
  ExpectSpecialKeysRoundTrip(*client);

  // Path-style, each key encoded once in the path.
  const auto requests = moto.Recording();
  bool saw_encoded_key = false;
  for (const auto& r : requests) {
    if (r.method == "HEAD" && r.path == "/special/raw/a%2Bb%3Dc%25d%20e%C3%A9.parquet") {
      saw_encoded_key = true;
    }
  }
  EXPECT_TRUE(saw_encoded_key);
}

constexpr const char* kAllowAllPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

// With authentication on, moto checks each signature with botocore's own S3 signer.
TEST(S3ClientTest, SignaturesAreAcceptedByAServerThatChecksThem) {
  MotoServer moto;
  moto.CreateBucket("special");
  for (const auto& key : SpecialKeys()) moto.PutObject("special", key, "body of " + key);
  const auto key = moto.CreateUser("reader", kAllowAllPolicy);
  moto.RequireAuthentication();

  ClientOptions options = MotoOptions(moto, "special");
  options.credentials = Credentials{key.access_key_id, key.secret_access_key, "", std::nullopt, ""};
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  ExpectSpecialKeysRoundTrip(*client);
}

TEST(S3ClientTest, AccessDeniedSaysWhatToCheckWithoutSecrets) {
  MotoServer moto;
  moto.CreateBucket("locked");
  moto.PutObject("locked", "raw/a.parquet", "a");
  const auto key = moto.CreateUser("reader", kAllowAllPolicy);
  const auto list_only = moto.CreateUser(
      "lister",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]})");
  moto.RequireAuthentication();

  // A wrong secret: SignatureDoesNotMatch.
  ClientOptions wrong = MotoOptions(moto, "locked");
  wrong.credentials =
      Credentials{key.access_key_id, "not-the-right-secret-key", "", std::nullopt, ""};
  auto client = MakeClient(wrong);
  ASSERT_NE(client, nullptr);
  auto got = client->GetObjectToFile("raw/a.parquet", TempPath("denied"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kPermission);
  const std::string& message = got.status().message();
  EXPECT_NE(message.find("s3://locked/raw/a.parquet"), std::string::npos) << message;
  EXPECT_NE(message.find("check the AWS credentials"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_REQUEST_PAYER=requester"), std::string::npos) << message;
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_EQ(message.find("not-the-right-secret-key"), std::string::npos) << message;
  EXPECT_EQ(message.find("Signature="), std::string::npos) << message;
  EXPECT_EQ(message.find("AWS4-HMAC-SHA256"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(TempPath("denied")));

  // A valid key without the permission: AccessDenied, for head and list alike.
  ClientOptions limited = MotoOptions(moto, "locked");
  limited.credentials =
      Credentials{list_only.access_key_id, list_only.secret_access_key, "", std::nullopt, ""};
  auto limited_client = MakeClient(limited);
  ASSERT_NE(limited_client, nullptr);
  auto head = limited_client->HeadObject("raw/a.parquet");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().kind(), ErrorKind::kPermission);
  EXPECT_NE(head.status().message().find("s3://locked/raw/a.parquet"), std::string::npos);
  EXPECT_NE(head.status().message().find("requester-pays"), std::string::npos);
  auto listed = limited_client->ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();

  // An unknown key id.
  ClientOptions unknown = MotoOptions(moto, "locked");
  auto unknown_client = MakeClient(unknown);
  ASSERT_NE(unknown_client, nullptr);
  auto unknown_list = unknown_client->ListObjects("raw/");
  ASSERT_FALSE(unknown_list.ok());
  EXPECT_EQ(unknown_list.status().kind(), ErrorKind::kPermission);
  EXPECT_NE(unknown_list.status().message().find("s3://locked/raw/"), std::string::npos);
}

TEST(S3ClientTest, MissingKeysAndBucketsAreNotFound) {
  MotoServer moto;
  moto.CreateBucket("present");
  auto client = MakeClient(MotoOptions(moto, "present"));
  ASSERT_NE(client, nullptr);

  auto head = client->HeadObject("raw/missing.parquet");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(head.status().message(), "no such key s3://present/raw/missing.parquet");

  const std::string path = TempPath("missing");
  auto got = client->GetObjectToFile("raw/missing.parquet", path);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(got.status().message(), "no such key s3://present/raw/missing.parquet");
  EXPECT_FALSE(std::filesystem::exists(path));

  auto absent = MakeClient(MotoOptions(moto, "absent-bucket"));
  ASSERT_NE(absent, nullptr);
  auto listed = absent->ListObjects("raw/");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(listed.status().message(), "no such bucket s3://absent-bucket");
}

void ExpectSignedWithRequestPayer(const RecordedRequest& r, bool with_token) {
  SCOPED_TRACE(r.method + " " + r.path + "?" + r.query);
  ASSERT_EQ(r.headers.count("x-amz-request-payer"), 1u);
  EXPECT_EQ(r.headers.at("x-amz-request-payer"), "requester");
  ASSERT_EQ(r.headers.count("authorization"), 1u);
  const std::string& auth = r.headers.at("authorization");
  EXPECT_EQ(
      auth.rfind("AWS4-HMAC-SHA256 Credential=" + std::string(MotoServer::kAccessKeyId) + "/", 0),
      0u)
      << auth;
  EXPECT_NE(auth.find("/us-east-1/s3/aws4_request, SignedHeaders="), std::string::npos) << auth;
  const std::string signed_headers =
      with_token
          ? "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-request-payer;"
            "x-amz-security-token, Signature="
          : "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-request-payer, Signature=";
  EXPECT_NE(auth.find(signed_headers), std::string::npos) << auth;
  EXPECT_EQ(r.headers.count("x-amz-date"), 1u);
  EXPECT_EQ(r.headers.count("x-amz-content-sha256"), 1u);
  EXPECT_EQ(r.headers.count("x-amz-security-token"), with_token ? 1u : 0u);
}

TEST(S3ClientTest, EveryRequestCarriesTheSignedRequestPayerHeader) {
  MotoServer moto;
  moto.CreateBucket("payer");
  moto.PutObject("payer", "raw/a.parquet", "a");
  moto.StartRecording();
  // Set-up requests made while recording stay out of the recording.
  moto.PutObject("payer", "raw/b.parquet", "b");

  auto client = MakeClient(MotoOptions(moto, "payer"));
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->ListObjects("raw/").ok());
  ASSERT_TRUE(client->HeadObject("raw/a.parquet").ok());
  const std::string path = TempPath("payer");
  ASSERT_TRUE(client->GetObjectToFile("raw/b.parquet", path).ok());
  std::remove(path.c_str());
  ASSERT_FALSE(client->HeadObject("raw/missing.parquet").ok());

  ClientOptions with_token = MotoOptions(moto, "payer");
  with_token.credentials->session_token = "session-token-for-the-test-0001";
  auto token_client = MakeClient(with_token);
  ASSERT_NE(token_client, nullptr);
  ASSERT_TRUE(token_client->HeadObject("raw/a.parquet").ok());

  const auto requests = moto.Recording();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/payer");
  EXPECT_EQ(requests[1].method, "HEAD");
  EXPECT_EQ(requests[1].path, "/payer/raw/a.parquet");
  EXPECT_EQ(requests[2].method, "GET");
  EXPECT_EQ(requests[2].path, "/payer/raw/b.parquet");
  EXPECT_EQ(requests[3].path, "/payer/raw/missing.parquet");
  for (size_t i = 0; i < 4; ++i) ExpectSignedWithRequestPayer(requests[i], false);
  ExpectSignedWithRequestPayer(requests[4], true);
  EXPECT_EQ(requests[4].headers.at("x-amz-security-token"), "session-token-for-the-test-0001");
}

TEST(S3ClientTest, RetriesServerErrorsThenSucceeds) {
  MotoServer moto;
  moto.CreateBucket("flaky");
  moto.PutObject("flaky", "raw/a.parquet", "retried body");
  FaultProxy proxy(moto.endpoint(), /*failures=*/3, FaultProxy::Fault::kHttp500);
  ClientOptions options = MotoOptions(moto, "flaky");
  options.endpoint_url = proxy.endpoint();
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);

  const std::string path = TempPath("flaky");
  auto got = client->GetObjectToFile("raw/a.parquet", path);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(ReadFile(path), "retried body");
  EXPECT_EQ(got->size, 12);
  std::remove(path.c_str());
  EXPECT_EQ(proxy.request_count(), 4);
  EXPECT_EQ(proxy.forwarded_count(), 1);
}

TEST(S3ClientTest, RetriesConnectionResets) {
  MotoServer moto;
  moto.CreateBucket("flaky");
  moto.PutObject("flaky", "raw/a.parquet", "a");
  FaultProxy proxy(moto.endpoint(), /*failures=*/2, FaultProxy::Fault::kReset);
  ClientOptions options = MotoOptions(moto, "flaky");
  options.endpoint_url = proxy.endpoint();
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto listed = client->ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_EQ(proxy.request_count(), 3);
}

TEST(S3ClientTest, GivesUpAfterMaxAttempts) {
  MotoServer moto;
  moto.CreateBucket("down");
  FaultProxy proxy(moto.endpoint(), /*failures=*/100, FaultProxy::Fault::kHttp500);
  ClientOptions options = MotoOptions(moto, "down");
  options.endpoint_url = proxy.endpoint();
  options.max_attempts = 3;
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto head = client->HeadObject("raw/a.parquet");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().kind(), ErrorKind::kRetryable);
  EXPECT_NE(head.status().message().find("HTTP 500"), std::string::npos);
  EXPECT_NE(head.status().message().find("gave up after 3 attempts"), std::string::npos)
      << head.status().message();
  EXPECT_EQ(proxy.request_count(), 3);
}

TEST(S3ClientTest, DoesNotRetryNotFoundOrAccessDenied) {
  MotoServer moto;
  moto.CreateBucket("plain");
  FaultProxy proxy(moto.endpoint(), /*failures=*/0);
  ClientOptions options = MotoOptions(moto, "plain");
  options.endpoint_url = proxy.endpoint();
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto got = client->GetObjectToFile("raw/missing.parquet", TempPath("nf"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(proxy.request_count(), 1);

  moto.CreateUser("reader", kAllowAllPolicy);
  moto.RequireAuthentication();
  auto denied = client->HeadObject("raw/missing.parquet");  // the test key is unknown to IAM
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().kind(), ErrorKind::kPermission);
  EXPECT_EQ(proxy.request_count(), 2);
}

TEST(S3ClientTest, ThrottlingIsRetriedOnOneKeptAliveConnection) {
  LoopbackHttpServer server([](const HttpExchange&) {
    static int calls = 0;
    ++calls;
    if (calls == 1) return MakeReply(429, "");
    if (calls == 2) {
      return MakeReply(503,
                       "<Error><Code>SlowDown</Code><Message>Please reduce your request "
                       "rate.</Message></Error>");
    }
    return MakeReply(200,
                     "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key>"
                     "<Size>7</Size><ETag>\"abc\"</ETag>"
                     "<LastModified>2025-11-03T12:00:00.000Z</LastModified></Contents>"
                     "</ListBucketResult>");
  });
  ClientOptions options;
  options.bucket = "b";
  options.endpoint_url = server.url();
  options.base_backoff_ms = 1;
  options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, ""};
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto listed = client->ListObjects("");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 7);
  EXPECT_EQ((*listed)[0].etag, "abc");
  EXPECT_EQ((*listed)[0].last_modified, 1762171200LL * 1'000'000);  // 2025-11-03T12:00:00Z
  ASSERT_TRUE(client->ListObjects("").ok());
  EXPECT_EQ(server.request_count(), 4);
  EXPECT_EQ(server.connection_count(), 1);
}

TEST(S3ClientTest, TimeoutsAreRetriedThenReported) {
  // A server that accepts connections (the kernel does) and never answers.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ClientOptions options;
  options.bucket = "b";
  options.endpoint_url = fmt::format("http://127.0.0.1:{}", ntohs(addr.sin_port));
  options.base_backoff_ms = 1;
  options.max_attempts = 2;
  options.request_timeout_ms = 200;
  options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, ""};
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto head = client->HeadObject("k");
  ::close(fd);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().kind(), ErrorKind::kConnection);
  EXPECT_NE(head.status().message().find("timed out"), std::string::npos)
      << head.status().message();
  EXPECT_NE(head.status().message().find("gave up after 2 attempts"), std::string::npos)
      << head.status().message();
}

// Real S3 continuation tokens are base64 ('+', '/', '='); they must travel encoded.
TEST(S3ClientTest, ContinuationTokensAreEncodedInTheQuery) {
  const std::string token = "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=+ \xc3\xa9";
  LoopbackHttpServer server([&token](const HttpExchange& request) {
    auto url = boost::urls::parse_origin_form(request.target);
    std::string received;
    bool has_token = false;
    for (const auto& param : url->params()) {
      if (param.key == "continuation-token") {
        has_token = true;
        received = param.value;
      }
    }
    const std::string page =
        !has_token ? "<Key>raw/a%2Bb</Key><Size>1</Size>" : "<Key>raw/c%20d</Key><Size>2</Size>";
    const std::string next = !has_token ? "<IsTruncated>true</IsTruncated><NextContinuationToken>" +
                                              token + "</NextContinuationToken>"
                                        : "<IsTruncated>false</IsTruncated>";
    if (has_token && received != token)
      return MakeReply(400, "<Error><Code>BadToken</Code></Error>");
    return MakeReply(
        200, "<?xml version=\"1.0\"?><ListBucketResult><EncodingType>url</EncodingType>" + next +
                 "<Contents>" + page +
                 "<LastModified>2025-11-03T12:00:00.000Z</LastModified>"
                 "<ETag>&quot;e&quot;</ETag></Contents></ListBucketResult>");
  });
  ClientOptions options;
  options.bucket = "b";
  options.endpoint_url = server.url();
  options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, ""};
  auto client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  auto listed = client->ListObjects("raw/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "raw/a+b");
  EXPECT_EQ((*listed)[1].key, "raw/c d");
  EXPECT_EQ((*listed)[1].size, 2);
  EXPECT_EQ((*listed)[1].etag, "e");
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(
      requests[1].target.find(
          "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D%2B%20%C3%A9"),
      std::string::npos)
      << requests[1].target;
}

TEST(S3ClientTest, RejectsAMalformedEndpoint) {
  ClientOptions options;
  options.bucket = "b";
  options.endpoint_url = "127.0.0.1:5000";
  options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, ""};
  auto client = Client::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(client.status().message().find("127.0.0.1:5000"), std::string::npos);
}

TEST(S3ClientTest, OptionsAndCredentialsFromTheEnvironment) {
  MotoServer moto;
  moto.CreateBucket("from-env");
  moto.PutObject("from-env", "raw/a.parquet", "a");
  // The same environment `hltwap etl` gets in tests, applied to this process.
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  for (const auto& [name, value] : moto.ClientEnv("from-env", "raw/")) {
    const char* old = std::getenv(name.c_str());
    saved.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  auto config = LoadConfig(/*need_database=*/false);
  ASSERT_TRUE(config.ok()) << config.status().message();
  const ClientOptions options = ClientOptionsFromConfig(*config);
  EXPECT_EQ(options.bucket, "from-env");
  EXPECT_EQ(options.region, "us-east-1");
  EXPECT_EQ(options.request_payer, "requester");
  EXPECT_EQ(options.endpoint_url, moto.endpoint());
  EXPECT_FALSE(options.credentials.has_value());
  auto client = Client::Create(options);
  for (const auto& [name, value] : saved) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ASSERT_TRUE(client.ok()) << client.status().message();
  auto listed = (*client)->ListObjects(config->s3_prefix);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "raw/a.parquet");
}

}  // namespace
}  // namespace hltwap::s3
