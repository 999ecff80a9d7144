// A throwaway PostgreSQL database for one test: created with a unique name on the server named
// by HLTWAP_TEST_ADMIN_URL (set by scripts/run_tests.sh) and dropped afterwards. Tests never
// touch any other database.
#pragma once

#include <string>

#include "db/connection.h"

namespace hltwap::testing {

class TestDatabase {
 public:
  // Creates the database; with `migrate`, also applies the schema as `db init` would.
  explicit TestDatabase(bool migrate = true);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // A libpq URI for this database, usable as DATABASE_URL.
  const std::string& url() const { return url_; }
  PgConnection Connect() const;

  // Runs a query that must succeed and returns the first column of the first row ("" if none,
  // "NULL" for SQL NULL).
  std::string Scalar(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

// The admin URL (a database on the same server where CREATE DATABASE can run).
std::string AdminUrl();

// Runs `statement` on a second connection while `holder` keeps its transaction open, waits
// until the statement is blocked on a lock, commits `holder`, and lets the statement finish.
void WhileBlocked(const TestDatabase& db, PgConnection& holder, const std::string& statement);

}  // namespace hltwap::testing
