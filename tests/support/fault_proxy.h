// Loopback HTTP servers for tests: one whose answers a test function decides (stand-ins for the
// container credentials endpoint or instance metadata), and a proxy that fails the first N
// requests before forwarding faithfully (for retry tests against moto).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hltwap::testing {

struct HttpExchange {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool reset_connection = false;  // answer nothing: reset the TCP connection instead
};

inline HttpReply MakeReply(int status, std::string body = {}) {
  HttpReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

// Listens on 127.0.0.1 (a free port) on its own thread until destroyed; keep-alive aware. The
// handler runs on that thread, one request at a time; if it throws, the answer is HTTP 500.
class LoopbackHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpExchange&)>;
  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const;
  std::string url() const;  // http://127.0.0.1:PORT
  std::vector<HttpExchange> Requests() const;
  int request_count() const;
  int connection_count() const;  // TCP connections accepted (keep-alive reuses one)

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// An HTTP proxy on loopback in front of `upstream` (http://127.0.0.1:PORT): the first `failures`
// requests are answered with HTTP 500 (an S3 InternalError) or a connection reset; later ones
// are forwarded unchanged (HTTP 502 when the upstream cannot be reached) (same target, same
// headers, so signatures stay valid when the client signed for the proxy's address) and the
// upstream's answer is returned unchanged.
class FaultProxy {
 public:
  enum class Fault { kHttp500, kReset };
  FaultProxy(std::string upstream, int failures, Fault fault = Fault::kHttp500);
  ~FaultProxy();

  std::string endpoint() const;  // http://127.0.0.1:PORT, to use as the S3 endpoint URL
  int request_count() const;     // every request received, failed or forwarded
  int forwarded_count() const;

 private:
  HttpReply Handle(const HttpExchange& exchange);
  HttpReply Forward(const HttpExchange& exchange);
  std::string upstream_host_;
  std::string upstream_port_;
  int failures_;
  Fault fault_;
  std::atomic<int> forwarded_{0};
  std::unique_ptr<LoopbackHttpServer> server_;
};

}  // namespace hltwap::testing
