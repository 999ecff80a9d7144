#include "tests/support/fault_proxy.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/text.h"

namespace hltwap::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct LoopbackHttpServer::State {
  explicit State(Handler h) : handler(std::move(h)) {}

  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<HttpExchange> requests;
  int connections = 0;

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [read_error, read_bytes] =
          co_await http::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
      if (read_error) co_return;
      HttpExchange exchange;
      exchange.method = std::string(request.method_string());
      exchange.target = std::string(request.target());
      for (const auto& field : request) {
        exchange.headers[ToLower(field.name_string())] = std::string(field.value());
      }
      exchange.body = request.body();
      {
        std::lock_guard lock(mutex);
        requests.push_back(exchange);
      }
      HttpReply reply;
      try {
        reply = handler(exchange);
      } catch (const std::exception& e) {
        reply = MakeReply(500, std::string("test server handler failed: ") + e.what());
      }
      if (reply.reset_connection) {
        boost::system::error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
        co_return;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                                 request.version()};
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      if (response.find(http::field::content_length) == response.end() &&
          response.find(http::field::transfer_encoding) == response.end()) {
        response.prepare_payload();
      }
      auto [write_error, written] =
          co_await http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
      if (write_error || !request.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error) co_return;
      {
        std::lock_guard lock(mutex);
        ++connections;
      }
      asio::co_spawn(io, Session(std::move(socket)), asio::detached);
    }
  }
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler)
    : state_(std::make_unique<State>(std::move(handler))) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  asio::co_spawn(state_->io, state_->Accept(), asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  state_->io.stop();
  state_->thread.join();
}

int LoopbackHttpServer::port() const {
  return state_->acceptor.local_endpoint().port();
}

std::string LoopbackHttpServer::url() const {
  return fmt::format("http://127.0.0.1:{}", port());
}

std::vector<HttpExchange> LoopbackHttpServer::Requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

int LoopbackHttpServer::request_count() const {
  std::lock_guard lock(state_->mutex);
  return static_cast<int>(state_->requests.size());
}

int LoopbackHttpServer::connection_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections;
}

FaultProxy::FaultProxy(std::string upstream, int failures, Fault fault)
    : failures_(failures), fault_(fault) {
  auto url = boost::urls::parse_uri(upstream);
  if (!url || url->scheme() != "http" || url->port().empty()) {
    throw std::invalid_argument("FaultProxy needs http://host:port, got " + upstream);
  }
  upstream_host_ = std::string(url->host());
  upstream_port_ = std::string(url->port());
  server_ = std::make_unique<LoopbackHttpServer>(
      [this](const HttpExchange& exchange) { return Handle(exchange); });
}

FaultProxy::~FaultProxy() {
  server_.reset();
}

std::string FaultProxy::endpoint() const {
  return server_->url();
}
int FaultProxy::request_count() const {
  return server_->request_count();
}
int FaultProxy::forwarded_count() const {
  return forwarded_;
}

HttpReply FaultProxy::Handle(const HttpExchange& exchange) {
  if (server_->request_count() <= failures_) {
    HttpReply reply =
        MakeReply(500,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
                  "<Message>We encountered an internal error. Please try again.</Message></Error>");
    reply.headers.emplace_back("Content-Type", "application/xml");
    reply.reset_connection = fault_ == Fault::kReset;
    return reply;
  }
  HttpReply reply;
  try {
    reply = Forward(exchange);
  } catch (const std::exception& e) {
    return MakeReply(502, std::string("fault proxy: upstream failed: ") + e.what());
  }
  ++forwarded_;
  return reply;
}

HttpReply FaultProxy::Forward(const HttpExchange& exchange) {
  // Forward on a fresh connection; the body of a HEAD answer is skipped.
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(upstream_host_, upstream_port_));
  http::request<http::string_body> request;
  request.method_string(exchange.method);
  request.target(exchange.target);
  request.version(11);
  for (const auto& [name, value] : exchange.headers) {
    if (name != "connection") request.set(name, value);
  }
  request.body() = exchange.body;
  request.keep_alive(false);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.skip(exchange.method == "HEAD");
  http::read(stream, buffer, parser);
  const auto& response = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    const std::string name = ToLower(field.name_string());
    if (name == "connection" || name == "keep-alive") continue;
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  reply.body = response.body();
  return reply;
}

}  // namespace hltwap::testing
