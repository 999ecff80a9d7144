#include "db/database_url.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>

#include "common/log.h"

namespace hltwap {
namespace {

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

Result<ConninfoOptions> Parse(const std::string& conninfo) {
  char* err = nullptr;
  ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &err));
  if (!options) {
    std::string why = err != nullptr ? err : "unparseable";
    PQfreemem(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::InvalidArgument(
        fmt::format("DATABASE_URL is not a valid PostgreSQL URL: {}", why));
  }
  return options;
}

}  // namespace

Result<std::string> ToLibpqConninfo(std::string_view database_url) {
  std::string url(database_url);
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = url.substr(0, scheme_end);
    // SQLAlchemy names the driver after a '+': postgresql+psycopg, postgresql+asyncpg.
    const auto plus = scheme.find('+');
    const std::string dialect = scheme.substr(0, plus);
    if (dialect != "postgresql" && dialect != "postgres") {
      return Status::InvalidArgument(
          fmt::format("DATABASE_URL has an unsupported scheme '{}' (expected "
                      "postgresql://user:pass@host:5432/db)",
                      scheme));
    }
    url = "postgresql" + url.substr(scheme_end);
  } else if (url.find('=') == std::string::npos) {
    return Status::InvalidArgument(
        "DATABASE_URL must be a URL like postgresql://user:pass@host:5432/db or a libpq keyword "
        "string like 'host=localhost dbname=hyperliquid'");
  }
  HLTWAP_ASSIGN_OR_RETURN(auto options, Parse(url));
  (void)options;
  return url;
}

Result<std::string> DatabaseConninfo(const Config& config) {
  HLTWAP_ASSIGN_OR_RETURN(auto conninfo, ToLibpqConninfo(config.database_url));
  RegisterSecretsOfConninfo(conninfo);
  return conninfo;
}

void RegisterSecretsOfConninfo(const std::string& conninfo) {
  auto options = Parse(conninfo);
  if (!options.ok()) return;
  for (auto* o = options->get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr && std::string_view(o->keyword) == "password") {
      log::RegisterSecret(o->val);
    }
  }
}

std::string DescribeConninfo(const std::string& conninfo) {
  auto options = Parse(conninfo);
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
