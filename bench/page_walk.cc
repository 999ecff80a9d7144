// Pages through one wallet's window as a client would: the first page, then each next page from
// the cursor of the page before, until a page has no TWAP beyond it. Two ways, one loop shape, so
// that the paging figure compares like with like:
//
//   page_walk --url URL --sql FILE --wallet W --start ISO --end ISO [--limit 100]
//     a list statement over libpq. Its parameters and columns are those of
//     src/api/sql/twaps_latest.sql (tests/sql/*_reference.sql take the same), so the same loop
//     times the reference SQL and the API's; the cursor is the last TWAP's latest ts and twap_id.
//     Each page is an unnamed statement (PQexecParams), as most drivers send one: PostgreSQL
//     plans it for its values every time, where a named statement run more than five times may
//     switch to a generic plan and time the plan cache rather than the SQL.
//   page_walk --api BASE --wallet W --start ISO --end ISO [--limit 100]
//     GET BASE/api/v1/twaps over one keep-alive connection, each body parsed as JSON for its
//     TWAPs and next_cursor.
//
// Prints {"pages": N, "twaps": N, "seconds": S} (wall time of every page and its answer).
// Plain libpq and Boost, so that it builds whatever the service's own layers look like.
#include <libpq-fe.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// Columns of the list statements (src/api/queries.h, RowColumn): twap_id, wallet, ts micros.
constexpr int kTwapIdColumn = 0;
constexpr int kTsMicrosColumn = 2;

std::string IsoMicros(int64_t micros) {
  const time_t seconds = static_cast<time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                micros % 1000000);
  return text;
}

int Fail(PGconn* conn, const char* what) {
  std::fprintf(stderr, "page_walk: %s: %s", what, PQerrorMessage(conn));
  PQfinish(conn);
  return 1;
}

struct Walk {
  int64_t pages = 0;
  int64_t twaps = 0;
};

int Print(const Walk& walk, std::chrono::steady_clock::time_point started) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("{\"pages\": %" PRId64 ", \"twaps\": %" PRId64 ", \"seconds\": %.3f}\n", walk.pages,
              walk.twaps, seconds);
  return 0;
}

int WalkApi(const std::string& base, const std::string& wallet, const std::string& start,
            const std::string& end, int limit) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  const auto origin = boost::urls::parse_uri(base);
  if (!origin || origin->scheme() != "http") {
    std::fprintf(stderr, "page_walk: --api wants http://HOST:PORT, not %s\n", base.c_str());
    return 1;
  }
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::beast::flat_buffer buffer;
  std::string cursor;
  Walk walk;
  std::chrono::steady_clock::time_point started;
  try {
    asio::ip::tcp::resolver resolver(io);
    const std::string port = origin->has_port() ? std::string(origin->port()) : "80";
    asio::connect(socket, resolver.resolve(std::string(origin->host()), port));
    started = std::chrono::steady_clock::now();
    for (;;) {
      boost::urls::url target("/api/v1/twaps");
      target.params().append({"wallet", wallet});
      target.params().append({"start", start});
      target.params().append({"end", end});
      target.params().append({"limit", std::to_string(limit)});
      if (!cursor.empty()) target.params().append({"cursor", cursor});
      http::request<http::empty_body> request(http::verb::get, target.buffer(), 11);
      request.set(http::field::host, origin->host());
      http::write(socket, request);
      http::response_parser<http::string_body> parser;
      parser.body_limit(1 << 30);
      http::read(socket, buffer, parser);
      const auto& response = parser.get();
      if (response.result_int() != 200) {
        std::fprintf(stderr, "page_walk: %u %.200s\n", response.result_int(),
                     response.body().c_str());
        return 1;
      }
      const auto page = boost::json::parse(response.body()).as_object();
      ++walk.pages;
      walk.twaps += static_cast<int64_t>(page.at("twaps").as_array().size());
      const auto& next = page.at("next_cursor");
      if (next.is_null()) break;
      cursor = std::string(next.as_string());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "page_walk: %s\n", e.what());
    return 1;
  }
  return Print(walk, started);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pages through a wallet's window with a list statement"};
  std::string url, sql_path, api, wallet, start, end;
  int limit = 100;
  auto* url_option = app.add_option("--url", url, "libpq connection URI");
  auto* api_option = app.add_option("--api", api, "the API's base URL, http://HOST:PORT");
  url_option->excludes(api_option);
  app.add_option("--sql", sql_path, "the list statement's file")->needs(url_option);
  app.add_option("--wallet", wallet)->required();
  app.add_option("--start", start)->required();
  app.add_option("--end", end)->required();
  app.add_option("--limit", limit, "TWAPs per page")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  if (!api.empty()) return WalkApi(api, wallet, start, end, limit);
  if (url.empty() || sql_path.empty()) {
    std::fprintf(stderr, "page_walk: --url and --sql, or --api\n");
    return 1;
  }

  std::ifstream in(sql_path);
  if (!in) {
    std::fprintf(stderr, "page_walk: cannot read %s\n", sql_path.c_str());
    return 1;
  }
  std::stringstream sql;
  sql << in.rdbuf();

  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) return Fail(conn, "connect");
  const std::string statement = sql.str();
  const std::string row_limit = std::to_string(limit + 1);
  std::string after_ts, after_id;
  bool first = true;
  Walk walk;
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    const char* values[7] = {wallet.c_str(),
                             start.c_str(),
                             end.c_str(),
                             nullptr,
                             first ? nullptr : after_ts.c_str(),
                             first ? nullptr : after_id.c_str(),
                             row_limit.c_str()};
    PGresult* r = PQexecParams(conn, statement.c_str(), 7, nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      return Fail(conn, "page");
    }
    const int rows = PQntuples(r);
    ++walk.pages;
    walk.twaps += std::min(rows, limit);
    const bool more = rows > limit;
    if (more) {
      after_ts = IsoMicros(std::strtoll(PQgetvalue(r, limit - 1, kTsMicrosColumn), nullptr, 10));
      after_id = PQgetvalue(r, limit - 1, kTwapIdColumn);
    }
    PQclear(r);
    first = false;
    if (!more) break;
  }
  PQfinish(conn);
  return Print(walk, started);
}
