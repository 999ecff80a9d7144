#include "etl/s3/http.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "common/text.h"

namespace hltwap::s3 {
namespace {

constexpr size_t kMaxSmallBody = 1 << 20;
constexpr size_t kMaxBodyInMemory = 64 << 20;

// Appends to `body` unless it would grow beyond `cap`; returns what libcurl expects of a write
// callback (anything but `n` aborts the transfer).
size_t AppendCapped(std::string& body, const char* data, size_t n, size_t cap) {
  if (body.size() + n > cap) return 0;
  body.append(data, n);
  return n;
}

size_t AppendSmall(char* data, size_t size, size_t count, void* out) {
  return AppendCapped(*static_cast<std::string*>(out), data, size * count, kMaxSmallBody);
}

// Where one Perform() writes.
struct Sink {
  CURL* curl;
  std::FILE* file;
  HttpExchange* exchange;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<Sink*>(user);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(sink.curl, CURLINFO_RESPONSE_CODE, &status);
  if (sink.file != nullptr && IsHttpSuccess(status)) {
    if (std::fwrite(data, 1, n, sink.file) != n) {
      sink.exchange->file_failed = true;
      return 0;
    }
    sink.exchange->bytes_to_file += static_cast<int64_t>(n);
    return n;
  }
  return AppendCapped(sink.exchange->body, data, n, kMaxBodyInMemory);
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto& headers = static_cast<Sink*>(user)->exchange->headers;
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();  // a new response (after a 100 Continue or a redirect)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  value =
      first == std::string_view::npos ? std::string_view() : value.substr(first, last - first + 1);
  headers[ToLower(line.substr(0, colon))] = std::string(value);
  return n;
}

bool IsRetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

}  // namespace

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<SmallHttpResponse> SmallHttpRequest(const std::string& method, const std::string& url,
                                           const std::vector<std::string>& headers,
                                           long timeout_ms) {
  EnsureCurlInitialized();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  SmallHttpResponse response;
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                          curl_slist_free_all);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendSmall);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    // An empty body with "Content-Length: 0", as the instance metadata token PUT expects.
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    return Status::Connection(fmt::format("{} {}: {}", method, url, curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

bool IsHttpSuccess(long status) {
  return status >= 200 && status < 300;
}

std::string FormUrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
               hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string HttpExchange::Header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::optional<int64_t> HttpExchange::HeaderInteger(const std::string& name) const {
  const auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  const std::string& text = it->second;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int64_t HttpExchange::LastModifiedMicros() const {
  const auto it = headers.find("last-modified");
  if (it == headers.end()) return 0;
  const time_t seconds = curl_getdate(it->second.c_str(), nullptr);
  return seconds < 0 ? 0 : static_cast<int64_t>(seconds) * 1'000'000;
}

Result<EasyHandle> EasyHandle::Create() {
  EnsureCurlInitialized();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  return EasyHandle(curl);
}

EasyHandle::EasyHandle(EasyHandle&& other) noexcept : curl_(std::exchange(other.curl_, nullptr)) {}

EasyHandle& EasyHandle::operator=(EasyHandle&& other) noexcept {
  std::swap(curl_, other.curl_);
  return *this;
}

EasyHandle::~EasyHandle() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpExchange EasyHandle::Perform(const HttpRequest& request) {
  HttpExchange ex;
  curl_slist* list = nullptr;
  for (const auto& header : request.headers) list = curl_slist_append(list, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                          curl_slist_free_all);
  CURL* h = static_cast<CURL*>(curl_);
  Sink sink{h, request.body_file, &ex};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_reset(h);  // keeps the connection cache
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "hltwap/" HLTWAP_VERSION);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  if (request.stall_timeout_s > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, request.stall_timeout_s);
  }
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  if (request.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    ex.transport_failed = true;
    ex.transport_retryable = IsRetryableCurlCode(code);
    ex.transport_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ex.status);
  return ex;
}

}  // namespace hltwap::s3
