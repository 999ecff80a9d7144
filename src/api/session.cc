#include "api/session.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "api/errors.h"
#include "common/log.h"

namespace hltwap::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = 4096;
constexpr auto kLingerTime = std::chrono::milliseconds(500);
constexpr size_t kMaxLingerBytes = size_t{64} * 1024;

std::string PeerAddress(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "-";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// The path for the access log: no query string (it may carry anything), bounded length.
std::string_view LoggedPath(std::string_view target) {
  constexpr size_t kMaxLogged = 200;
  return target.substr(0, std::min(target.find('?'), kMaxLogged));
}

// The request line and header fields as they travel: "GET /x HTTP/1.1\r\n", "Name: value\r\n"
// each, and the blank line.
size_t HeaderBytes(const Request& request) {
  size_t n = request.method_string().size() + request.target().size() + 12;
  for (const auto& field : request) n += field.name_string().size() + field.value().size() + 4;
  return n + 2;
}

// The status for a request that could not be read, or nullopt when the connection just ends.
std::optional<unsigned> StatusForReadError(const boost::system::error_code& ec) {
  if (ec == beast::http::error::header_limit || ec == beast::http::error::buffer_overflow) {
    return 431;
  }
  if (ec == beast::http::error::body_limit) return 413;
  const auto& http_errors = beast::http::make_error_code(beast::http::error::bad_target).category();
  if (ec.category() == http_errors && ec != beast::http::error::end_of_stream &&
      ec != beast::http::error::partial_message) {
    return 400;
  }
  return std::nullopt;
}

std::string_view ReasonDetail(unsigned status) {
  switch (status) {
    case 413: return "Request body too large";
    case 431: return "Request header fields too large";
    default: return "Bad Request";
  }
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, const Router& router, Metrics& metrics,
                 const SessionLimits& limits, asio::thread_pool::executor_type database)
    : stream_(std::move(socket)),
      buffer_(limits.max_header_bytes + limits.max_body_bytes + kReadChunk),
      router_(router),
      metrics_(metrics),
      limits_(limits),
      database_(std::move(database)),
      peer_(PeerAddress(stream_.socket())) {}

void Session::Shutdown() {
  // Set at once, so a response being prepared right now already says Connection: close.
  draining_ = true;
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->idle_) self->stream_.cancel();
  });
}

asio::awaitable<void> Session::Run() {
  const auto self = shared_from_this();
  metrics_.ConnectionOpened();
  struct CountClosed {
    Metrics& metrics;
    ~CountClosed() { metrics.ConnectionClosed(); }
  } count_closed{metrics_};
  unsigned served = 0;
  for (;;) {
    // Wait for the first byte of the next request, unless pipelined bytes are already here.
    if (buffer_.size() == 0) {
      if (draining_) break;
      idle_ = true;
      stream_.expires_after(limits_.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kNoThrow);
      idle_ = false;
      if (ec) break;
      buffer_.commit(n);
    }

    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    parser.body_limit(limits_.max_body_bytes);
    const auto request_deadline = Clock::now() + limits_.request_timeout;
    boost::system::error_code ec;
    // Beast bounds the header bytes of each read, not their total over several reads: the
    // session counts what the parser consumed until the header is complete.
    size_t header_bytes = 0;
    while (!ec && !parser.is_done()) {
      stream_.expires_at(std::min(Clock::now() + limits_.read_timeout, request_deadline));
      const bool header_was_done = parser.is_header_done();
      size_t consumed = 0;
      std::tie(ec, consumed) =
          co_await beast::http::async_read_some(stream_, buffer_, parser, kNoThrow);
      if (ec || header_was_done) continue;
      header_bytes = parser.is_header_done() ? HeaderBytes(parser.get()) : header_bytes + consumed;
      if (header_bytes > limits_.max_header_bytes) ec = beast::http::error::header_limit;
    }
    if (ec) {
      if (ec == beast::error::timeout) {
        metrics_.ReadTimedOut();
        log::Debug("{}: request not received in time; connection closed", peer_);
      }
      if (const auto status = StatusForReadError(ec)) {
        Response response = JsonResponse(*status, DetailBody(ReasonDetail(*status)));
        response.route = "unmatched";
        co_await Send(std::move(response), nullptr, false, Clock::now());
      }
      break;
    }

    if (parser.get().version() != 10 && parser.get().version() != 11) {
      Response response = JsonResponse(400, DetailBody(ReasonDetail(400)));
      response.route = "unmatched";
      co_await Send(std::move(response), nullptr, false, Clock::now());
      break;
    }
    const Request request = parser.release();
    const auto started = Clock::now();
    Response response;
    try {
      response = co_await Handle(request);
    } catch (const std::exception& e) {
      // Nothing about the cause reaches the client; the log line is masked.
      log::Error("{} {}: {}", beast::http::to_string(request.method()),
                 LoggedPath(request.target()), e.what());
      response = JsonResponse(500, DetailBody("Internal Server Error"));
      response.route = "unmatched";
    }
    ++served;
    const bool keep_alive =
        request.keep_alive() && !draining_ && served < limits_.max_requests_per_connection;
    if (!co_await Send(std::move(response), &request, keep_alive, started) || !keep_alive) break;
  }
  co_await Close();
}

asio::awaitable<Response> Session::Handle(const Request& request) {
  if (!router_.UsesDatabase(request)) co_return router_.Handle(request);
  const auto queued = Clock::now();
  co_return co_await asio::co_spawn(
      database_,
      [this, &request, queued]() -> asio::awaitable<Response> {
        // Every database thread was busy for as long as a pooled connection may be waited for.
        if (Clock::now() - queued > limits_.database_queue_timeout) {
          co_return router_.DatabaseBusy(request);
        }
        co_return router_.Handle(request);
      },
      asio::use_awaitable);
}

asio::awaitable<void> Session::Close() {
  // Half-close, then read what the client still sends for a moment: closing with unread bytes
  // would reset the connection and could destroy an error response before the client read it.
  boost::system::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  size_t discarded = 0;
  stream_.expires_after(kLingerTime);
  while (!ec && discarded < kMaxLingerBytes) {
    std::array<char, kReadChunk> sink;
    size_t n = 0;
    std::tie(ec, n) = co_await stream_.async_read_some(asio::buffer(sink), kNoThrow);
    discarded += n;
  }
  stream_.close();
}

asio::awaitable<bool> Session::Send(Response response, const Request* request, bool keep_alive,
                                    Clock::time_point started) {
  const bool head = request != nullptr && request->method() == beast::http::verb::head;
  if (response.stream && request != nullptr && !head) {
    co_return co_await SendChunked(std::move(response), *request, keep_alive, started);
  }
  const std::string_view payload = response.payload();
  beast::http::response<beast::http::span_body<const char>> message;
  message.version(request != nullptr ? request->version() : 11);
  message.result(response.status);
  message.set(beast::http::field::server, "hltwap");
  message.set(beast::http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  if (!head) message.body() = beast::span<const char>(payload.data(), payload.size());
  message.content_length(payload.size());

  // Counted before the first byte leaves: a client that has read a response finds it in
  // /metrics, whichever thread serves its next request. The duration is the time to answer.
  const std::string_view method =
      request != nullptr ? beast::http::to_string(request->method()) : "-";
  metrics_.RecordRequest(method, response.route, response.status,
                         std::chrono::duration<double>(Clock::now() - started).count());
  stream_.expires_after(limits_.write_timeout);
  auto [ec, written] = co_await beast::http::async_write(stream_, message, kNoThrow);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  log::Info("{} {} {} {}B {:.1f}ms {}", method,
            request != nullptr ? LoggedPath(request->target()) : "-", response.status,
            head ? 0 : payload.size(), seconds * 1000, peer_);
  co_return !ec;
}

asio::awaitable<bool> Session::SendChunked(Response response, const Request& request,
                                           bool keep_alive, Clock::time_point started) {
  beast::http::response<beast::http::empty_body> header;
  header.version(request.version());
  header.result(response.status);
  header.set(beast::http::field::server, "hltwap");
  header.set(beast::http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) header.insert(name, value);
  header.keep_alive(keep_alive);
  header.chunked(true);

  const std::string_view method = beast::http::to_string(request.method());
  const std::string_view path = LoggedPath(request.target());
  metrics_.RecordRequest(method, response.route, response.status,
                         std::chrono::duration<double>(Clock::now() - started).count());
  beast::http::response_serializer<beast::http::empty_body> serializer(header);
  stream_.expires_after(limits_.write_timeout);
  auto [ec, n] = co_await beast::http::async_write_header(stream_, serializer, kNoThrow);
  size_t sent = 0;
  std::string piece;
  bool complete = false;
  std::string failure;
  while (!ec) {
    // The next piece may wait on PostgreSQL: a database thread makes it, as for any handler.
    Result<bool> more = false;
    auto next = [&]() -> asio::awaitable<void> {
      try {
        more = response.stream->Next(piece);
      } catch (const std::exception& e) {
        more = Status::Internal(e.what());
      }
      co_return;
    };
    if (response.stream->WaitsOnDatabase()) {
      co_await asio::co_spawn(database_, next, asio::use_awaitable);
    } else {
      co_await next();
    }
    if (!more.ok()) {
      failure = more.status().message();
      break;
    }
    // Each chunk gets the write timeout afresh: a client that reads is never cut off for the
    // size of the file, one that stops reading is.
    if (!*more) {
      stream_.expires_after(limits_.write_timeout);
      std::tie(ec, n) =
          co_await asio::async_write(stream_, beast::http::make_chunk_last(), kNoThrow);
      complete = !ec;
      break;
    }
    if (piece.empty()) continue;
    stream_.expires_after(limits_.write_timeout);
    std::tie(ec, n) =
        co_await asio::async_write(stream_, beast::http::make_chunk(asio::buffer(piece)), kNoThrow);
    if (!ec) sent += piece.size();
  }
  // A source that waits on the database ends its transaction (on a database thread) and gives
  // its connection back before this connection lingers.
  if (response.stream->WaitsOnDatabase()) {
    co_await asio::co_spawn(
        database_,
        [&]() -> asio::awaitable<void> {
          response.stream.reset();
          co_return;
        },
        asio::use_awaitable);
  }
  response.stream.reset();
  const double ms = std::chrono::duration<double>(Clock::now() - started).count() * 1000;
  if (!failure.empty()) {
    log::Error("{} {} {} {}: body aborted after {}B: {}", method, path, response.status, peer_,
               sent, failure);
  } else if (ec) {
    log::Info("{} {} {} {}B {:.1f}ms {} (client stopped reading: {})", method, path,
              response.status, sent, ms, peer_, ec.message());
  } else {
    log::Info("{} {} {} {}B {:.1f}ms {}", method, path, response.status, sent, ms, peer_);
  }
  co_return complete;
}

}  // namespace hltwap::api
