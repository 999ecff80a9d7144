#include "tests/support/moto_server.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pugixml.hpp>
#include <stdexcept>
#include <thread>

#include "common/text.h"
#include "etl/s3/sigv4.h"

namespace hltwap::testing {
namespace {

// Marks the fixture's own requests so that Recording() can leave them out.
constexpr const char* kFixtureHeader = "x-hltwap-fixture: setup";
constexpr std::string_view kFixtureHeaderName = "x-hltwap-fixture";

std::string VenvDir() {
  const char* venv = std::getenv("HLTWAP_VENV");
  if (venv != nullptr && *venv != '\0') return venv;
  return SourceDir() + "/.venv";
}

size_t AppendToString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string FormEncode(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += s3::UriEncode(name, false) + "=" + s3::UriEncode(value, false);
  }
  return out;
}

}  // namespace

MotoServer::MotoServer() {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string moto = VenvDir() + "/bin/moto_server";
  if (::access(moto.c_str(), X_OK) != 0) {
    throw std::runtime_error(moto + " not found: run scripts/deps.sh or set HLTWAP_VENV");
  }
  // A free port can be taken by someone else before moto binds it: try a few.
  for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
    port_ = FreePort();
    const std::string stem = fmt::format("/tmp/hltwap-moto-{}-{}", ::getpid(), port_);
    recording_path_ = stem + ".recording";
    log_path_ = stem + ".log";
    std::remove(recording_path_.c_str());
    auto process = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{moto, "-H", "127.0.0.1", "-p", std::to_string(port_)},
        EnvOverrides{{"MOTO_RECORDER_FILEPATH", recording_path_},
                     {"MOTO_ENABLE_RECORDING", std::nullopt},
                     {"AWS_ACCESS_KEY_ID", kAccessKeyId},
                     {"AWS_SECRET_ACCESS_KEY", kSecretAccessKey},
                     {"AWS_DEFAULT_REGION", "us-east-1"}},
        log_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (process->Running() && std::chrono::steady_clock::now() < deadline) {
      if (WaitForPort(port_, 100)) {
        process_ = std::move(process);
        break;
      }
    }
  }
  if (!process_) throw std::runtime_error("moto_server did not start; see " + log_path_);
  curl_ = curl_easy_init();
  // Recording starts on request only, whatever the environment said.
  StopRecording();
  ClearRecording();
}

MotoServer::~MotoServer() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  process_.reset();
  std::remove(recording_path_.c_str());
  std::remove(log_path_.c_str());
}

std::string MotoServer::endpoint() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

MotoServer::Response MotoServer::Request(const std::string& method, const std::string& path,
                                         std::string_view body,
                                         const std::vector<std::string>& headers,
                                         const std::string& service) {
  Response response;
  curl_easy_reset(curl_);
  const std::string url = endpoint() + s3::EncodePath(path);
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl_, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
  if (method == "GET") {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = curl_slist_append(nullptr, kFixtureHeader);
  list = curl_slist_append(list, "Expect:");
  if (method == "PUT") list = curl_slist_append(list, "Content-Type: application/octet-stream");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  if (!service.empty()) {
    // Signed like any AWS client: moto treats unsigned writes as anonymous (an existing
    // object cannot be overwritten then) and routes requests by the signing service.
    s3::SigningRequest to_sign;
    to_sign.method = method;
    to_sign.path = path;
    to_sign.headers = {{"host", fmt::format("127.0.0.1:{}", port_)}};
    to_sign.payload_hash = s3::Sha256Hex(body);
    s3::SigningOptions options;
    options.service = service;
    options.time_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    const auto signed_request =
        s3::SignRequest(to_sign, {kAccessKeyId, kSecretAccessKey, ""}, options);
    for (const auto& [name, value] : signed_request.added_headers) {
      list = curl_slist_append(list, (name + ": " + value).c_str());
    }
  }
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  const CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    throw std::runtime_error(fmt::format("moto {} {}: {}", method, path, curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

MotoServer::Response MotoServer::CheckedRequest(const std::string& method, const std::string& path,
                                                std::string_view body,
                                                const std::vector<std::string>& headers,
                                                const std::string& service) {
  Response response = Request(method, path, body, headers, service);
  if (response.status < 200 || response.status >= 300) {
    throw std::runtime_error(fmt::format("moto {} {}: HTTP {}: {}", method, path, response.status,
                                         response.body.substr(0, 500)));
  }
  return response;
}

void MotoServer::CreateBucket(const std::string& bucket) {
  CheckedRequest("PUT", "/" + bucket, "", {}, "s3");
}

void MotoServer::PutObject(const std::string& bucket, const std::string& key,
                           std::string_view body) {
  CheckedRequest("PUT", "/" + bucket + "/" + key, body, {}, "s3");
}

void MotoServer::StartRecording() {
  CheckedRequest("POST", "/moto-api/recorder/start-recording", "");
}
void MotoServer::StopRecording() {
  CheckedRequest("POST", "/moto-api/recorder/stop-recording", "");
}
void MotoServer::ClearRecording() {
  CheckedRequest("POST", "/moto-api/recorder/reset-recording", "");
}

std::vector<RecordedRequest> MotoServer::Recording() {
  const Response response = CheckedRequest("GET", "/moto-api/recorder/download-recording", "");
  std::vector<RecordedRequest> out;
  size_t pos = 0;
  while (pos < response.body.size()) {
    size_t end = response.body.find('\n', pos);
    if (end == std::string::npos) end = response.body.size();
    const std::string_view line(response.body.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    const boost::json::object entry = boost::json::parse(line).as_object();
    RecordedRequest request;
    request.method = std::string(entry.at("method").as_string());
    // "http://127.0.0.1:PORT/path?query": keep what follows the authority, as sent.
    std::string url(entry.at("url").as_string());
    const size_t scheme = url.find("://");
    const size_t path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    url = path_start == std::string::npos ? "/" : url.substr(path_start);
    const size_t question = url.find('?');
    request.path = url.substr(0, question);
    if (question != std::string::npos) request.query = url.substr(question + 1);
    for (const auto& [name, value] : entry.at("headers").as_object()) {
      request.headers[ToLower(name)] =
          value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
    }
    if (request.path.rfind("/moto-api", 0) == 0) continue;
    if (request.headers.count(std::string(kFixtureHeaderName)) > 0) continue;
    out.push_back(std::move(request));
  }
  return out;
}

void MotoServer::RequireAuthentication() {
  // Moto reads the count from the raw body, which a form content type would hide.
  CheckedRequest("POST", "/moto-api/reset-auth", "0", {"Content-Type: text/plain"});
}

std::string MotoServer::IamAction(const std::map<std::string, std::string>& params) {
  auto all = params;
  all["Version"] = "2010-05-08";
  return CheckedRequest("POST", "/", FormEncode(all),
                        {"Content-Type: application/x-www-form-urlencoded"}, "iam")
      .body;
}

MotoAccessKey MotoServer::CreateUser(const std::string& user_name, const std::string& policy_json) {
  IamAction({{"Action", "CreateUser"}, {"UserName", user_name}});
  IamAction({{"Action", "PutUserPolicy"},
             {"UserName", user_name},
             {"PolicyName", user_name + "-policy"},
             {"PolicyDocument", policy_json}});
  const std::string xml = IamAction({{"Action", "CreateAccessKey"}, {"UserName", user_name}});
  pugi::xml_document doc;
  doc.load_string(xml.c_str());
  const pugi::xml_node key = doc.select_node("//*[local-name()='AccessKey']").node();
  MotoAccessKey out{key.child_value("AccessKeyId"), key.child_value("SecretAccessKey")};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    throw std::runtime_error("moto CreateAccessKey: unexpected answer: " + xml.substr(0, 500));
  }
  return out;
}

EnvOverrides MotoServer::ClientEnv(const std::string& bucket, const std::string& prefix) const {
  return {
      {"AWS_ENDPOINT_URL_S3", endpoint()},
      {"AWS_ENDPOINT_URL", std::nullopt},
      {"AWS_ACCESS_KEY_ID", kAccessKeyId},
      {"AWS_SECRET_ACCESS_KEY", kSecretAccessKey},
      {"AWS_SESSION_TOKEN", std::nullopt},
      {"AWS_PROFILE", std::nullopt},
      {"AWS_REGION", "us-east-1"},
      {"AWS_DEFAULT_REGION", std::nullopt},
      {"AWS_S3_BUCKET", bucket},
      {"AWS_S3_PREFIX", prefix},
      {"AWS_REQUEST_PAYER", "requester"},
      {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", std::nullopt},
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", std::nullopt},
  };
}

}  // namespace hltwap::testing
