// A PostgreSQL connection (libpq) with results as RAII objects and errors as Status, their
// kinds mapped from SQLSTATE classes.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace hltwap {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : result_(r) {}

  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string_view Get(int row, int col) const {
    return {PQgetvalue(result_.get(), row, col),
            static_cast<size_t>(PQgetlength(result_.get(), row, col))};
  }
  std::optional<std::string_view> GetOptional(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Get(row, col);
  }
  int ColumnIndex(const char* name) const { return PQfnumber(result_.get(), name); }
  // Rows touched by INSERT/UPDATE/DELETE.
  int64_t AffectedRows() const;
  PGresult* get() const { return result_.get(); }

 private:
  struct Deleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Deleter> result_;
};

// A parameter in text form; nullopt is SQL NULL.
using PgParam = std::optional<std::string_view>;

// NUL-terminated copies of text parameters, laid out as libpq's *Params functions take them.
class PgParamArray {
 public:
  explicit PgParamArray(const std::vector<PgParam>& params);
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<const char*> values_;
};

class PgConnection {
 public:
  // Connects with a bounded connect timeout; the error names host, port and database, never
  // the password.
  static Result<PgConnection> Connect(const std::string& conninfo, int connect_timeout_seconds = 5);

  PgConnection() = default;
  // Takes ownership of a connection libpq made (PQconnectStartParams).
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  // Runs one or more statements without parameters.
  Status Exec(std::string_view sql);
  // Runs one statement with text parameters.
  Result<PgResult> Query(const std::string& sql, const std::vector<PgParam>& params = {});

  bool ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  PGconn* get() const { return conn_.get(); }

  // Status for the last failed command on this connection (or the result's error).
  Status LastError(const PGresult* result) const;

 private:
  struct Deleter {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Deleter> conn_;
};

// A failed connect to `conninfo`, libpq's reason `why` in one line: kPermission when the password
// was refused or missing, else kConnection. Names host, port and database, never the password.
Status ConnectFailure(const std::string& conninfo, std::string_view why);

// Maps a SQLSTATE to an error kind: class 08 and admin shutdowns are connection errors,
// serialization failures, deadlocks, lock timeouts and resource limits are retryable, classes
// 22/23 are data errors, 28/42501 permission errors.
ErrorKind ErrorKindFromSqlState(std::string_view sqlstate);

}  // namespace hltwap
