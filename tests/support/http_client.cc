#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <cerrno>

#include "common/text.h"

namespace hltwap::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

}  // namespace

HttpConnection::HttpConnection(int port, std::chrono::milliseconds timeout)
    : stream_(io_), timeout_(timeout) {
  boost::system::error_code ec;
  stream_.expires_after(timeout_);
  stream_.async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)),
      [&ec](const boost::system::error_code& e) { ec = e; });
  io_.run();
  io_.restart();
  connected_ = !ec;
}

HttpConnection::~HttpConnection() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

HttpResult HttpConnection::Request(const std::string& method, const std::string& target,
                                   const HttpHeaders& headers) {
  HttpResult result;
  if (!connected_) {
    result.error = "not connected";
    return result;
  }
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.prepare_payload();

  boost::system::error_code ec;
  stream_.expires_after(timeout_);
  http::async_write(stream_, req, [&ec](const boost::system::error_code& e, size_t) { ec = e; });
  io_.run();
  io_.restart();
  if (ec) {
    connected_ = false;
    result.error = "write: " + ec.message();
    return result;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  stream_.expires_after(timeout_);
  http::async_read(stream_, buffer_, parser,
                   [&ec](const boost::system::error_code& e, size_t) { ec = e; });
  io_.run();
  io_.restart();
  if (ec) {
    connected_ = false;
    result.error = "read: " + ec.message();
    return result;
  }
  auto res = parser.release();
  result.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    result.headers[ToLower(field.name_string())] = std::string(field.value());
  }
  result.body = std::move(res.body());
  if (!res.keep_alive()) connected_ = false;
  return result;
}

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const HttpHeaders& headers) {
  HttpConnection connection(port);
  return connection.Request(method, target, headers);
}

RawConnection::RawConnection(int port, const char* source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (source != nullptr) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  return ReadAtLeast(std::string::npos, timeout);
}

std::string RawConnection::ReadAtLeast(size_t bytes, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = Clock::now() + timeout;
  while (!closed_ && out.size() < bytes) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      closed_ = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
  ReadUntilClosed(timeout);
  return closed_;
}

}  // namespace hltwap::testing
