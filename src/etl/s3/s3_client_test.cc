#include "etl/s3/s3_client.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/moto_server.h"

namespace hltwap::s3 {
namespace {

using testing::MotoServer;

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
}

}  // namespace
}  // namespace hltwap::s3
