// Pages through one wallet's window with a list statement, as a client of the database would:
// the first page, then each next page from the cursor of the last TWAP of the one before (its
// latest ts and twap_id), until a page has no TWAP beyond it. The list statements' parameters
// and columns are those of src/api/sql/twaps_latest.sql (tests/sql/*_reference.sql take the
// same), so the same loop times the reference SQL and the API's.
//
//   page_walk --url URL --sql FILE --wallet W --start ISO --end ISO [--limit 100]
//
// Prints {"pages": N, "twaps": N, "seconds": S} (wall time of every statement and its result).
// Plain libpq, so that it builds whatever the service's own database layer looks like. Each page
// is an unnamed statement (PQexecParams), as most drivers send one: PostgreSQL plans it for its
// values every time, where a named statement run more than five times may switch to a generic
// plan and time the plan cache rather than the SQL.
#include <libpq-fe.h>

#include <CLI/CLI.hpp>
#include <algorithm>
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pages through a wallet's window with a list statement"};
  std::string url, sql_path, wallet, start, end;
  int limit = 100;
  app.add_option("--url", url, "libpq connection URI")->required();
  app.add_option("--sql", sql_path, "the list statement's file")->required();
  app.add_option("--wallet", wallet)->required();
  app.add_option("--start", start)->required();
  app.add_option("--end", end)->required();
  app.add_option("--limit", limit, "TWAPs per page")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);

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
  int64_t pages = 0, twaps = 0;
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
    ++pages;
    twaps += std::min(rows, limit);
    const bool more = rows > limit;
    if (more) {
      after_ts = IsoMicros(std::strtoll(PQgetvalue(r, limit - 1, kTsMicrosColumn), nullptr, 10));
      after_id = PQgetvalue(r, limit - 1, kTwapIdColumn);
    }
    PQclear(r);
    first = false;
    if (!more) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("{\"pages\": %" PRId64 ", \"twaps\": %" PRId64 ", \"seconds\": %.3f}\n", pages, twaps,
              seconds);
  PQfinish(conn);
  return 0;
}
