// A real S3-compatible server for tests: moto_server on a free loopback port, one per test
// fixture, with moto's request recorder to see exactly what a client sent.
#pragma once

#include <curl/curl.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/subprocess.h"

namespace hltwap::testing {

struct RecordedRequest {
  std::string method;
  std::string path;   // as sent, still percent-encoded ("/bucket/a%20b.parquet")
  std::string query;  // as sent, without '?' ("list-type=2&prefix=raw%2F")
  std::map<std::string, std::string> headers;  // lower-case names
};

struct MotoAccessKey {
  std::string access_key_id, secret_access_key;
};

// Starts $HLTWAP_VENV/bin/moto_server -H 127.0.0.1 -p <free port> (the repo's .venv when
// HLTWAP_VENV is unset), waits until it answers, and kills it in the destructor. Not
// thread-safe. Throws std::runtime_error when the server cannot be started or a set-up request
// fails.
class MotoServer {
 public:
  MotoServer();
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  std::string endpoint() const;  // http://127.0.0.1:PORT
  int port() const { return port_; }

  void CreateBucket(const std::string& bucket);
  // Over one kept-alive connection; about 1000 objects take a few seconds.
  void PutObject(const std::string& bucket, const std::string& key, std::string_view body);

  // Moto records nothing until StartRecording(); set-up requests of this fixture are never in
  // Recording(), whenever they are made.
  void StartRecording();
  void StopRecording();
  void ClearRecording();
  // The S3 requests recorded so far, oldest first, without /moto-api requests.
  std::vector<RecordedRequest> Recording();

  // Makes moto check every later request like AWS: SigV4 signature and IAM permissions. Only
  // keys made by CreateUser() are then accepted; the fixture's own set-up requests (signed with
  // the test keys, which are no IAM user's) no longer work, so create buckets and objects first.
  void RequireAuthentication();
  // An IAM user with an access key and the given inline policy (a JSON document).
  MotoAccessKey CreateUser(const std::string& user_name, const std::string& policy_json);

  // Environment for running `hltwap etl` (or a Client built from the environment) against this
  // server: endpoint, test keys, region, bucket, prefix, requester pays, no instance metadata.
  EnvOverrides ClientEnv(const std::string& bucket, const std::string& prefix) const;

  // Test credentials that moto accepts while authentication is off (ClientEnv and the
  // fixture's own requests use them).
  static constexpr const char* kAccessKeyId = "AKIAHLTWAPTESTKEY001";
  static constexpr const char* kSecretAccessKey = "hltwap-moto-test-secret-key";

 private:
  struct Response {
    long status = 0;
    std::string body;
  };
  // `path` as raw bytes (encoded here); `service` empty sends the request unsigned (moto's own
  // API), else it is signed with the fixture's keys for that service.
  Response Request(const std::string& method, const std::string& path, std::string_view body,
                   const std::vector<std::string>& headers = {}, const std::string& service = {});
  Response CheckedRequest(const std::string& method, const std::string& path, std::string_view body,
                          const std::vector<std::string>& headers = {},
                          const std::string& service = {});
  std::string IamAction(const std::map<std::string, std::string>& params);

  int port_ = 0;
  std::string recording_path_;
  std::string log_path_;
  std::unique_ptr<BackgroundProcess> process_;
  CURL* curl_ = nullptr;
};

}  // namespace hltwap::testing
