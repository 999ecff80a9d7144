#include "db/database_url.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <memory>

#include "common/log.h"
#include "common/text.h"

namespace hltwap {
namespace {

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

Result<ConninfoOptions> Parse(const std::string& conninfo, std::string_view variable) {
  char* err = nullptr;
  ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &err));
  if (!options) {
    std::string why = err != nullptr ? err : "unparseable";
    PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::InvalidArgument(
        fmt::format("{} is not a valid PostgreSQL URL: {}", variable, why));
  }
  return options;
}

// "postgresql://", "postgres://" or a SQLAlchemy "postgresql+driver://".
bool StartsWithPostgresScheme(std::string_view text) {
  const size_t end = text.find("://");
  if (end == std::string_view::npos) return false;
  const std::string_view dialect = text.substr(0, std::min(end, text.find('+')));
  return dialect == "postgresql" || dialect == "postgres";
}

}  // namespace

Result<std::string> ToLibpqConninfo(std::string_view database_url, std::string_view variable) {
  std::string url(database_url);
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = url.substr(0, scheme_end);
    // SQLAlchemy names the driver after a '+': postgresql+psycopg, postgresql+asyncpg.
    const auto plus = scheme.find('+');
    const std::string dialect = scheme.substr(0, plus);
    if (dialect != "postgresql" && dialect != "postgres") {
      return Status::InvalidArgument(
          fmt::format("{} has an unsupported scheme '{}' (expected "
                      "postgresql://user:pass@host:5432/db)",
                      variable, scheme));
    }
    url = "postgresql" + url.substr(scheme_end);
  } else if (url.find('=') == std::string::npos) {
    return Status::InvalidArgument(
        fmt::format("{} must be a URL like postgresql://user:pass@host:5432/db or a libpq keyword "
                    "string like 'host=localhost dbname=hyperliquid'",
                    variable));
  }
  HLTWAP_ASSIGN_OR_RETURN(auto options, Parse(url, variable));
  (void)options;
  return url;
}

Result<std::string> DatabaseConninfo(const Config& config) {
  HLTWAP_ASSIGN_OR_RETURN(auto conninfo, ToLibpqConninfo(config.database_url));
  RegisterSecretsOfConninfo(conninfo);
  return conninfo;
}

std::vector<std::string> SplitUrlList(std::string_view list) {
  std::vector<std::string> urls;
  size_t begin = 0;
  size_t search = 0;
  for (;;) {
    const size_t comma = list.find(',', search);
    // A comma inside a URL (libpq's host1:5432,host2:5432) is not followed by a scheme.
    const std::string_view rest =
        comma == std::string_view::npos ? "" : Trim(list.substr(comma + 1));
    if (!rest.empty() && !StartsWithPostgresScheme(rest)) {
      search = comma + 1;
      continue;
    }
    const std::string_view url = Trim(list.substr(
        begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    if (!url.empty()) urls.emplace_back(url);
    if (comma == std::string_view::npos) return urls;
    begin = search = comma + 1;
  }
}

Result<std::vector<std::string>> DatabaseReadConninfos(const Config& config) {
  std::vector<std::string> conninfos;
  const auto urls = SplitUrlList(config.database_read_urls);
  for (size_t i = 0; i < urls.size(); ++i) {
    const std::string variable = fmt::format("DATABASE_READ_URLS entry {}", i + 1);
    HLTWAP_ASSIGN_OR_RETURN(auto conninfo, ToLibpqConninfo(urls[i], variable));
    RegisterSecretsOfConninfo(conninfo);
    conninfos.push_back(std::move(conninfo));
  }
  return conninfos;
}

void RegisterSecretsOfConninfo(const std::string& conninfo) {
  auto options = Parse(conninfo, "DATABASE_URL");
  if (!options.ok()) return;
  for (auto* o = options->get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr && std::string_view(o->keyword) == "password") {
      log::RegisterSecret(o->val);
    }
  }
}

std::string DescribeConninfo(const std::string& conninfo) {
  auto options = Parse(conninfo, "DATABASE_URL");
  if (!options.ok()) return "(invalid)";
  std::string host = "localhost", port = "5432", dbname;
  for (auto* o = options->get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view k(o->keyword);
    if (k == "host" || k == "hostaddr") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  return fmt::format("{}:{}/{}", host, port, dbname);
}

}  // namespace hltwap
