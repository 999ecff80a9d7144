#include "etl/s3/s3_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <pugixml.hpp>
#include <random>
#include <thread>

#include "common/log.h"
#include "common/text.h"
#include "common/time_util.h"
#include "etl/s3/http.h"
#include "etl/s3/sigv4.h"

namespace hltwap::s3 {
namespace {

constexpr int kMaxBackoffMs = 20000;
// Temporary credentials are renewed this long before they expire.
constexpr int64_t kRefreshMarginMicros = 5LL * 60 * 1'000'000;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

// S3 error codes worth another try even when the HTTP status alone would not say so.
bool IsRetryableS3Code(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "Throttling" ||
         code == "ThrottlingException" || code == "RequestThrottled" ||
         code == "RequestLimitExceeded" || code == "InternalError" || code == "ServiceUnavailable";
}

struct S3Error {
  std::string code, message;
};

S3Error ParseS3Error(const std::string& body) {
  S3Error out;
  if (body.empty()) return out;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return out;
  const pugi::xml_node error = doc.child("Error");
  out.code = error.child_value("Code");
  out.message = error.child_value("Message");
  return out;
}

}  // namespace

// One request as sent: the raw path (not encoded) and raw query parameters.
struct RequestSpec {
  std::string method;  // GET or HEAD
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string operation;  // "ListObjectsV2", "HeadObject", "GetObject", for messages
  std::string what;       // "s3://bucket/key", for messages
  std::string key;        // empty for bucket-level requests
};

struct Client::Impl {
  std::optional<EasyHandle> http;
  Credentials credentials;
  bool resolve_credentials = false;  // renew from the chain when temporary ones near expiry
  std::string base_url;              // scheme://authority
  std::string authority;             // the Host header
  std::string bucket_path;           // "/bucket" path-style, "" virtual-hosted
  std::mt19937_64 random{std::random_device{}()};

  // The request's headers, signed with the current credentials (renewed first when near expiry).
  Result<std::vector<std::string>> SignedHeaders(const ClientOptions& options,
                                                 const RequestSpec& request);

  // Sends `request` until it succeeds, fails for good, or runs out of attempts. With `path`
  // set, a successful body is streamed to that file (rewritten on every attempt, removed on
  // failure).
  Result<HttpExchange> Execute(const ClientOptions& options, const RequestSpec& request,
                               const std::string* path);
};

Client::Client(ClientOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}

Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.bucket.empty()) return Status::InvalidArgument("AWS_S3_BUCKET is empty");
  if (options.region.empty()) return Status::InvalidArgument("AWS_REGION is empty");
  options.max_attempts = std::max(1, options.max_attempts);
  auto impl = std::make_unique<Impl>();
  if (options.endpoint_url.empty()) {
    // Dotted bucket names do not match the wildcard certificate: path-style for them.
    if (options.bucket.find('.') == std::string::npos) {
      impl->authority = fmt::format("{}.s3.{}.amazonaws.com", options.bucket, options.region);
    } else {
      impl->authority = fmt::format("s3.{}.amazonaws.com", options.region);
      impl->bucket_path = "/" + options.bucket;
    }
    impl->base_url = "https://" + impl->authority;
  } else {
    auto url = boost::urls::parse_uri(options.endpoint_url);
    if (!url || url->host().empty() || (url->scheme() != "http" && url->scheme() != "https")) {
      return Status::InvalidArgument(fmt::format(
          "the S3 endpoint URL must look like http://host:port (got '{}')", options.endpoint_url));
    }
    impl->authority = std::string(url->encoded_host_and_port());
    impl->base_url = std::string(url->scheme()) + "://" + impl->authority;
    impl->bucket_path = "/" + options.bucket;
  }
  if (options.credentials) {
    impl->credentials = *options.credentials;
    log::RegisterSecret(impl->credentials.secret_access_key);
    log::RegisterSecret(impl->credentials.session_token);
  } else {
    HLTWAP_ASSIGN_OR_RETURN(impl->credentials, ResolveCredentials());
    impl->resolve_credentials = true;
  }
  HLTWAP_ASSIGN_OR_RETURN(impl->http, EasyHandle::Create());
  log::Debug("S3 client for s3://{} via {} (credentials from {})", options.bucket, impl->base_url,
             impl->credentials.source);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(impl)));
}

namespace {

// What went wrong with one exchange, and whether another attempt may help.
struct Outcome {
  Status status;
  bool retryable = false;
};

Outcome Classify(const HttpExchange& ex, const RequestSpec& request, const ClientOptions& options) {
  if (ex.file_failed) {
    return {Status::Internal(fmt::format("S3 {} {}: writing the local file failed",
                                         request.operation, request.what)),
            false};
  }
  if (ex.transport_failed) {
    return {Status::Connection(
                fmt::format("S3 {} {}: {}", request.operation, request.what, ex.transport_error)),
            ex.transport_retryable};
  }
  if (IsHttpSuccess(ex.status)) return {Status::Ok(), false};

  const S3Error error = ParseS3Error(ex.body);
  const std::string code_text = error.code.empty() ? "" : fmt::format(" {}", error.code);
  const std::string message_text =
      error.message.empty() ? "" : fmt::format(": {}", log::MaskSecrets(error.message));
  if (ex.status == 403) {
    return {Status::Permission(fmt::format(
                "S3 {} {}: access denied (HTTP 403{}{}); check the AWS credentials and that "
                "requester-pays is accepted (AWS_REQUEST_PAYER=requester)",
                request.operation, request.what, code_text, message_text)),
            false};
  }
  if (ex.status == 404) {
    if (error.code == "NoSuchBucket") {
      return {Status::NotFound(fmt::format("no such bucket s3://{}", options.bucket)), false};
    }
    if (request.key.empty()) {
      return {Status::NotFound(fmt::format("S3 {} {}: not found (HTTP 404{}{})", request.operation,
                                           request.what, code_text, message_text)),
              false};
    }
    return {Status::NotFound(fmt::format("no such key {}", request.what)), false};
  }
  if (ex.status == 301 || ex.status == 307 || error.code == "PermanentRedirect" ||
      error.code == "AuthorizationHeaderMalformed") {
    const auto region = ex.headers.find("x-amz-bucket-region");
    if (region != ex.headers.end() && region->second != options.region) {
      return {Status::InvalidArgument(fmt::format(
                  "S3 {} {}: the bucket is in region {}, not {}: set AWS_REGION={}",
                  request.operation, request.what, region->second, options.region, region->second)),
              false};
    }
  }
  const std::string text = fmt::format("S3 {} {}: HTTP {}{}{}", request.operation, request.what,
                                       ex.status, code_text, message_text);
  if (ex.status >= 500 || ex.status == 429 || IsRetryableS3Code(error.code)) {
    return {Status::Retryable(text), true};
  }
  return {Status::InvalidArgument(text), false};
}

}  // namespace

Result<std::vector<std::string>> Client::Impl::SignedHeaders(const ClientOptions& options,
                                                             const RequestSpec& request) {
  if (resolve_credentials && credentials.expires_at &&
      NowMicros() + kRefreshMarginMicros >= *credentials.expires_at) {
    auto renewed = ResolveCredentials();
    if (!renewed.ok()) return renewed.status().WithContext("renewing the AWS credentials");
    credentials = std::move(renewed).value();
  }
  SigningRequest to_sign;
  to_sign.method = request.method;
  to_sign.path = request.path;
  to_sign.query = request.query;
  to_sign.headers.emplace_back("host", authority);
  if (!options.request_payer.empty()) {
    to_sign.headers.emplace_back("x-amz-request-payer", options.request_payer);
  }
  to_sign.payload_hash = std::string(kEmptyPayloadHash);
  SigningOptions signing;
  signing.region = options.region;
  signing.service = "s3";
  signing.time_micros = NowMicros();
  const SignedRequest signed_request = SignRequest(
      to_sign,
      {credentials.access_key_id, credentials.secret_access_key, credentials.session_token},
      signing);
  std::vector<std::string> headers;
  for (const auto& [name, value] : to_sign.headers) headers.push_back(name + ": " + value);
  for (const auto& [name, value] : signed_request.added_headers) {
    headers.push_back(name + ": " + value);
  }
  return headers;
}

Result<HttpExchange> Client::Impl::Execute(const ClientOptions& options, const RequestSpec& request,
                                           const std::string* path) {
  HttpRequest http_request;
  http_request.method = request.method;
  http_request.url = base_url + EncodePath(request.path) +
                     (request.query.empty() ? std::string() : "?" + CanonicalQuery(request.query));
  http_request.connect_timeout_ms = options.connect_timeout_ms;
  http_request.timeout_ms = options.request_timeout_ms;
  http_request.stall_timeout_s = options.stall_timeout_s;
  Status last;
  int attempts = 0;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    attempts = attempt;
    auto headers = SignedHeaders(options, request);
    if (!headers.ok()) {
      last = headers.status();
      break;
    }
    http_request.headers = std::move(headers).value();
    std::unique_ptr<FILE, decltype(&std::fclose)> file(nullptr, std::fclose);
    if (path != nullptr) {
      file.reset(std::fopen(path->c_str(), "wb"));
      if (!file) {
        return Status::Internal(fmt::format("cannot write {}: {}", *path, std::strerror(errno)));
      }
    }
    http_request.body_file = file.get();
    HttpExchange ex = http->Perform(http_request);
    if (file && std::fflush(file.get()) != 0) ex.file_failed = true;

    Outcome outcome = Classify(ex, request, options);
    if (outcome.status.ok()) {
      if (file && std::fclose(file.release()) != 0) {
        return Status::Internal(fmt::format("cannot write {}: {}", *path, std::strerror(errno)));
      }
      return ex;
    }
    last = outcome.status;
    if (!outcome.retryable || attempt == options.max_attempts) break;
    // Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^attempt)).
    const int64_t ceiling = std::min<int64_t>(
        kMaxBackoffMs, static_cast<int64_t>(options.base_backoff_ms) << std::min(attempt, 20));
    const int64_t wait_ms =
        ceiling <= 0 ? 0 : std::uniform_int_distribution<int64_t>(0, ceiling)(random);
    log::Warn("{}; retrying in {} ms (attempt {} of {})", last.message(), wait_ms, attempt + 1,
              options.max_attempts);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  if (path != nullptr) std::remove(path->c_str());
  if (attempts > 1) {
    return Status::Error(last.kind(),
                         fmt::format("{} (gave up after {} attempts)", last.message(), attempts));
  }
  return last;
}

Result<std::vector<ObjectInfo>> Client::ListObjects(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string continuation;
  const std::string what = fmt::format("s3://{}/{}", options_.bucket, prefix);
  for (int page = 1;; ++page) {
    RequestSpec request;
    request.method = "GET";
    request.operation = "ListObjectsV2";
    request.path = impl_->bucket_path.empty() ? "/" : impl_->bucket_path;
    request.what = what;
    request.query = {{"list-type", "2"}, {"encoding-type", "url"}};
    if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
    if (!continuation.empty()) request.query.emplace_back("continuation-token", continuation);
    HLTWAP_ASSIGN_OR_RETURN(HttpExchange ex, impl_->Execute(options_, request, nullptr));

    pugi::xml_document doc;
    if (!doc.load_buffer(ex.body.data(), ex.body.size())) {
      return Status::Connection(
          fmt::format("S3 ListObjectsV2 {} (page {}): the answer is not XML", what, page));
    }
    const pugi::xml_node result = doc.child("ListBucketResult");
    if (!result) {
      return Status::Connection(fmt::format(
          "S3 ListObjectsV2 {} (page {}): no ListBucketResult in the answer", what, page));
    }
    const bool url_encoded = std::string_view(result.child_value("EncodingType")) == "url";
    for (const pugi::xml_node item : result.children("Contents")) {
      ObjectInfo info;
      const std::string key = item.child_value("Key");
      info.key = url_encoded ? FormUrlDecode(key) : key;
      info.size = item.child("Size").text().as_llong(0);
      info.etag = StripQuotes(item.child_value("ETag"));
      auto when = ParseTimestampUtc(item.child_value("LastModified"));
      if (!when.ok()) {
        return Status::Connection(fmt::format("S3 ListObjectsV2 {}: bad LastModified '{}' for {}",
                                              what, item.child_value("LastModified"), info.key));
      }
      info.last_modified = *when;
      out.push_back(std::move(info));
    }
    const bool truncated = std::string_view(result.child_value("IsTruncated")) == "true";
    continuation = result.child_value("NextContinuationToken");
    if (!truncated) break;
    if (continuation.empty()) {
      return Status::Connection(fmt::format(
          "S3 ListObjectsV2 {} (page {}): truncated answer without NextContinuationToken", what,
          page));
    }
  }
  log::Debug("S3 ListObjectsV2 {}: {} objects", what, out.size());
  return out;
}

namespace {

RequestSpec ObjectRequest(const std::string& bucket, const std::string& bucket_path,
                          std::string method, std::string operation, const std::string& key) {
  return RequestSpec{std::move(method),
                     bucket_path + "/" + key,
                     {},
                     std::move(operation),
                     fmt::format("s3://{}/{}", bucket, key),
                     key};
}

ObjectInfo InfoFromHeaders(const std::string& key, const HttpExchange& ex, int64_t size) {
  return ObjectInfo{key, ex.LastModifiedMicros(), size, StripQuotes(ex.Header("etag"))};
}

}  // namespace

Result<ObjectInfo> Client::HeadObject(const std::string& key) {
  const RequestSpec request =
      ObjectRequest(options_.bucket, impl_->bucket_path, "HEAD", "HeadObject", key);
  HLTWAP_ASSIGN_OR_RETURN(HttpExchange ex, impl_->Execute(options_, request, nullptr));
  return InfoFromHeaders(key, ex,
                         std::max<int64_t>(0, ex.HeaderInteger("content-length").value_or(0)));
}

Result<ObjectInfo> Client::GetObjectToFile(const std::string& key, const std::string& path) {
  const RequestSpec request =
      ObjectRequest(options_.bucket, impl_->bucket_path, "GET", "GetObject", key);
  HLTWAP_ASSIGN_OR_RETURN(HttpExchange ex, impl_->Execute(options_, request, &path));
  const auto expected = ex.HeaderInteger("content-length");
  if (expected && *expected >= 0 && *expected != ex.bytes_to_file) {
    std::remove(path.c_str());
    return Status::Connection(fmt::format("S3 GetObject {}: got {} bytes of {}", request.what,
                                          ex.bytes_to_file, *expected));
  }
  log::Debug("S3 GetObject {}: {} bytes to {}", request.what, ex.bytes_to_file, path);
  return InfoFromHeaders(key, ex, ex.bytes_to_file);
}

ClientOptions ClientOptionsFromConfig(const Config& config) {
  ClientOptions options;
  options.region = config.aws_region;
  options.bucket = config.s3_bucket;
  options.request_payer = config.request_payer;
  options.endpoint_url = config.s3_endpoint_url;
  options.stall_timeout_s = config.s3_stall_timeout_seconds;
  return options;
}

}  // namespace hltwap::s3
