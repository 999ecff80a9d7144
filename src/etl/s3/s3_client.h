// A small S3 client: ListObjectsV2, HeadObject and GetObject (streamed to a file), signed with
// SigV4, with `x-amz-request-payer` on every request, retries with backoff, and errors that say
// what to do.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "etl/s3/credentials.h"

namespace hltwap::s3 {

struct ObjectInfo {
  std::string key;
  int64_t last_modified = 0;  // micros since the epoch (UTC)
  int64_t size = 0;
  std::string etag;  // without the surrounding quotes
};

struct ClientOptions {
  std::string region = "us-east-1", bucket, request_payer = "requester";
  // Empty: AWS, virtual-hosted (https://bucket.s3.region.amazonaws.com/key). Set: that endpoint,
  // path-style (http://127.0.0.1:5000/bucket/key).
  std::string endpoint_url;
  int max_attempts = 5;  // per request, the first included
  int base_backoff_ms = 200;
  int connect_timeout_ms = 5000;
  int request_timeout_ms = 300000;
  int stall_timeout_s = 30;  // a transfer this long without a byte a second fails and is retried
  // Unset: ResolveCredentials() at Create() (and again when temporary credentials near expiry).
  std::optional<Credentials> credentials;
};

// Not thread-safe: one Client per worker thread (it owns a reusable curl handle, so requests to
// the same host reuse one connection).
class Client {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Client>> Create(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Every object under `prefix` (all pages of ListObjectsV2), in key order.
  [[nodiscard]] Result<std::vector<ObjectInfo>> ListObjects(const std::string& prefix);
  [[nodiscard]] Result<ObjectInfo> HeadObject(const std::string& key);
  // Streams the body to `path` (created or truncated; never the whole object in memory) and
  // returns its ObjectInfo (size, LastModified, ETag). On failure `path` is removed.
  [[nodiscard]] Result<ObjectInfo> GetObjectToFile(const std::string& key, const std::string& path);

  const ClientOptions& options() const { return options_; }

 private:
  struct Impl;
  Client(ClientOptions options, std::unique_ptr<Impl> impl);
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// AWS_REGION, AWS_S3_BUCKET, AWS_REQUEST_PAYER and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, from
// the loaded configuration.
ClientOptions ClientOptionsFromConfig(const Config& config);

}  // namespace hltwap::s3
