// A small HTTP/1.1 client for tests (Boost.Beast), plus a raw TCP connection for tests of the
// server's limits and timeouts. Loopback only; every wait is bounded.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace hltwap::testing {

struct HttpResult {
  int status = 0;  // 0: no response (connection failed, closed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // why status is 0

  std::string Header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using HttpHeaders = std::map<std::string, std::string>;

// A keep-alive connection to 127.0.0.1:port; requests go one after another.
class HttpConnection {
 public:
  explicit HttpConnection(int port,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  ~HttpConnection();

  HttpResult Request(const std::string& method, const std::string& target,
                     const HttpHeaders& headers = {});
  HttpResult Get(const std::string& target, const HttpHeaders& headers = {}) {
    return Request("GET", target, headers);
  }
  bool connected() const { return connected_; }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
  bool connected_ = false;
};

// One request on its own connection.
HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const HttpHeaders& headers = {});
inline HttpResult HttpGet(int port, const std::string& target, const HttpHeaders& headers = {}) {
  return HttpRequest(port, "GET", target, headers);
}

// Bytes as they are, for malformed, oversized, pipelined or trickled requests.
class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any loopback address: 127.0.0.2 is another client).
  explicit RawConnection(int port, const char* source = nullptr);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False when the bytes could not be sent (the server closed the connection).
  bool Send(std::string_view bytes);
  // Everything received until the server closes the connection or `timeout` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // Reads until at least `bytes` bytes arrived, the server closed the connection or `timeout`
  // passed; returns what arrived.
  std::string ReadAtLeast(size_t bytes, std::chrono::milliseconds timeout);
  // Whether the server closed the connection within `timeout` (EOF or reset).
  bool WaitForClose(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  bool closed_ = false;
};

}  // namespace hltwap::testing
