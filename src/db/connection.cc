#include "db/connection.h"

#include <fmt/format.h>

#include <charconv>

#include "common/text.h"
#include "db/database_url.h"

namespace hltwap {

int64_t PgResult::AffectedRows() const {
  const char* text = PQcmdTuples(result_.get());
  int64_t n = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), n);
  return n;
}

ErrorKind ErrorKindFromSqlState(std::string_view s) {
  if (s.size() != 5) return ErrorKind::kInternal;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "08" || s == "57P01" || s == "57P02" || s == "57P03") return ErrorKind::kConnection;
  if (s == "40001" || s == "40P01" || s == "55P03" || cls == "53" || s == "57014") {
    return ErrorKind::kRetryable;
  }
  if (cls == "22" || cls == "23") return ErrorKind::kData;
  if (cls == "28" || s == "42501") return ErrorKind::kPermission;
  if (cls == "42") return ErrorKind::kInvalidArgument;
  return ErrorKind::kInternal;
}

Status ConnectFailure(const std::string& conninfo, std::string_view why_text) {
  const std::string why = OneLine(why_text);
  const std::string where = DescribeConninfo(conninfo);
  if (why.find("password authentication failed") != std::string::npos ||
      why.find("no password supplied") != std::string::npos) {
    return Status::Permission(fmt::format("cannot connect to the database {}: {}", where, why));
  }
  return Status::Connection(fmt::format("cannot connect to the database {}: {}", where, why));
}

Result<PgConnection> PgConnection::Connect(const std::string& conninfo,
                                           int connect_timeout_seconds) {
  // Keyword arrays let the timeout be added without editing the user's string.
  const std::string timeout = std::to_string(connect_timeout_seconds);
  const char* keywords[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), "hltwap", nullptr};
  PgConnection c;
  c.conn_.reset(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (!c.conn_) return Status::Connection("out of memory creating a database connection");
  if (PQstatus(c.conn_.get()) != CONNECTION_OK) {
    return ConnectFailure(conninfo, PQerrorMessage(c.conn_.get()));
  }
  return c;
}

Status PgConnection::LastError(const PGresult* result) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty() && conn_) message = PQerrorMessage(conn_.get());
  if (state == nullptr) {
    // No SQLSTATE: libpq lost the server (connection reset, server gone).
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
      return Status::Connection(OneLine(message.empty() ? "connection lost" : message));
    }
    return Status::Internal(OneLine(message));
  }
  return Status::Error(ErrorKindFromSqlState(state), OneLine(message));
}

Status PgConnection::Exec(std::string_view sql) {
  const std::string statement(sql);
  PgResult r(PQexec(conn_.get(), statement.c_str()));
  const auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return LastError(r.get());
}

PgParamArray::PgParamArray(const std::vector<PgParam>& params) {
  // Reserved up front: values_ points into storage_, which must not reallocate.
  storage_.reserve(params.size());
  values_.reserve(params.size());
  for (const auto& p : params) {
    if (p) {
      storage_.emplace_back(*p);
      values_.push_back(storage_.back().c_str());
    } else {
      values_.push_back(nullptr);
    }
  }
}

Result<PgResult> PgConnection::Query(const std::string& sql, const std::vector<PgParam>& params) {
  const PgParamArray values(params);
  PgResult r(PQexecParams(conn_.get(), sql.c_str(), values.size(), nullptr, values.values(),
                          nullptr, nullptr, 0));
  const auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return LastError(r.get());
}

}  // namespace hltwap
