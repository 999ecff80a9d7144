// One client connection: reads requests within the limits and timeouts, hands each to the
// router and writes the response, keeping the connection alive (HTTP/1.1) while allowed.
// Pipelined requests are answered one at a time, in order.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "api/metrics.h"
#include "api/router.h"

namespace hltwap::api {

struct SessionLimits {
  size_t max_header_bytes = size_t{8} * 1024;  // request line and headers
  size_t max_body_bytes = size_t{16} * 1024;   // GET only: any body is small
  // Waiting for the first byte of a request (a new connection, or between keep-alive requests).
  std::chrono::milliseconds idle_timeout{5000};
  // Silence allowed while a request is arriving.
  std::chrono::milliseconds read_timeout{5000};
  // The whole request, first byte to last: a client that trickles bytes is cut off here.
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // Requests served on one connection before it is closed (bounds a pipelining client).
  unsigned max_requests_per_connection = 1000;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // A request that waits on the database suspends this session's coroutine only, so the
  // server's threads go on serving /metrics, /openapi.json or /docs while it is slow or frozen.
  Session(boost::asio::ip::tcp::socket socket, const Router& router, Metrics& metrics,
          const SessionLimits& limits);

  boost::asio::awaitable<void> Run();
  boost::beast::tcp_stream::executor_type executor() { return stream_.get_executor(); }
  // Thread-safe: finish the request in flight (if any), then close; an idle connection closes
  // at once.
  void Shutdown();
  // True while waiting for the first byte of a request (thread-safe).
  bool idle() const { return idle_.load(); }

 private:
  boost::asio::awaitable<bool> Send(Response response, const Request* request, bool keep_alive,
                                    std::chrono::steady_clock::time_point started);
  // A response whose body comes from a BodySource, in chunks; false when the connection must end
  // (a failed write, or a source that failed: then without the final chunk, so the client sees
  // an incomplete body, never a complete-looking truncated one).
  boost::asio::awaitable<bool> SendChunked(Response response, const Request& request,
                                           bool keep_alive,
                                           std::chrono::steady_clock::time_point started);
  boost::asio::awaitable<void> Close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const Router& router_;
  Metrics& metrics_;
  const SessionLimits& limits_;
  std::string peer_;
  // Waiting for the first byte of a request; a new connection is idle until its first byte.
  std::atomic<bool> idle_{true};
  std::atomic<bool> draining_{false};  // the server is shutting down
};

}  // namespace hltwap::api
