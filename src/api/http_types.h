// The request and response types shared by the router, the handlers and the session. A
// response is plain data, so the router can be tested without sockets.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace hltwap::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

inline constexpr std::string_view kJson = "application/json";

// A body made piece by piece (an export, a large list page). The session pulls each piece and
// sends it as one HTTP chunk, so memory stays bounded by a piece, not the body. Next() is
// awaited by the session's coroutine and may wait on the database; every such wait is bounded.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Replaces `piece` with the next bytes; false when the body is complete. An error leaves the
  // body incomplete: the session then ends the connection without the final chunk.
  virtual boost::asio::awaitable<Result<bool>> Next(std::string& piece) = 0;
  // Awaited once the session is done with the source, complete or not (a source that holds a
  // database connection gives it back in order here).
  virtual boost::asio::awaitable<void> Close() { co_return; }
};

struct Response {
  unsigned status = 200;
  std::string content_type = std::string(kJson);
  std::string body;
  // Long-lived bytes (a Swagger UI file) sent instead of `body` without copying.
  std::string_view static_body;
  // When set, the body comes from here in chunks (Transfer-Encoding: chunked) instead.
  std::shared_ptr<BodySource> stream;
  std::vector<std::pair<std::string, std::string>> headers;
  // The route template for metrics and the access log ("/api/v1/twaps/{twap_id}").
  std::string_view route;

  std::string_view payload() const { return static_body.data() != nullptr ? static_body : body; }
};

inline Response JsonResponse(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace hltwap::api
