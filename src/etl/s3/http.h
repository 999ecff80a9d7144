// libcurl plumbing shared by the S3 client and the credential providers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace hltwap::s3 {

// curl_global_init, once per process, before any handle is made.
void EnsureCurlInitialized();

struct SmallHttpResponse {
  long status = 0;
  std::string body;
};

// One short request on a fresh handle (credential endpoints): the body is kept in memory, up to
// 1 MiB. `timeout_ms` bounds connecting and the whole exchange. A transport failure is a
// kConnection error naming `url`; any HTTP status is returned as is.
[[nodiscard]] Result<SmallHttpResponse> SmallHttpRequest(const std::string& method,
                                                         const std::string& url,
                                                         const std::vector<std::string>& headers,
                                                         long timeout_ms);

bool IsHttpSuccess(long status);

// %XX escapes, and '+' for a space: the form S3 answers in with `encoding-type=url` (decoded as
// botocore decodes it).
std::string FormUrlDecode(std::string_view text);

struct HttpRequest {
  std::string method;                // GET or HEAD
  std::string url;                   // already encoded
  std::vector<std::string> headers;  // "name: value"
  long connect_timeout_ms = 0;
  long timeout_ms = 0;
  long stall_timeout_s = 0;        // 0: none; else less than a byte a second for this long fails
  std::FILE* body_file = nullptr;  // when set, a 2xx body is written here, not kept in memory
};

// What came back from one request.
struct HttpExchange {
  bool transport_failed = false;     // no complete answer (connection, timeout, aborted write)
  bool transport_retryable = false;  // another attempt may get one
  std::string transport_error;
  bool file_failed = false;  // writing the body to body_file failed
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, of the final response
  std::string body;                            // the body unless it went to body_file
  int64_t bytes_to_file = 0;

  // The header's value, "" when absent.
  std::string Header(const std::string& name) const;
  // The header's value as an integer; nullopt when absent or not an integer.
  std::optional<int64_t> HeaderInteger(const std::string& name) const;
  // The Last-Modified header in micros since the epoch; 0 when absent or not a date.
  int64_t LastModifiedMicros() const;
};

// A reusable easy handle: requests to the same host share one connection. Not thread-safe.
class EasyHandle {
 public:
  [[nodiscard]] static Result<EasyHandle> Create();
  EasyHandle(EasyHandle&& other) noexcept;
  EasyHandle& operator=(EasyHandle&& other) noexcept;
  EasyHandle(const EasyHandle&) = delete;
  EasyHandle& operator=(const EasyHandle&) = delete;
  ~EasyHandle();

  // Sends the request and waits for the whole answer. In-memory bodies are capped (64 MiB: error
  // bodies and listings are small); a larger one aborts the transfer.
  HttpExchange Perform(const HttpRequest& request);

 private:
  explicit EasyHandle(void* curl) : curl_(curl) {}
  void* curl_;  // CURL*
};

}  // namespace hltwap::s3
