// Versioned schema migrations, recorded in the table schema_migrations. Each migration is a file
// src/db/sql/migrations/NNNN_name.sql.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, oldest first. Append only: a released migration never changes.
const std::vector<Migration>& AllMigrations();

// Applies the migrations the database lacks, in one transaction under an advisory lock, so
// that concurrent `db init` runs and databases made from the spec's DDL by hand are safe.
// Returns the versions applied by this call.
Result<std::vector<int>> ApplyMigrations(PgConnection& conn);

// Fails with a message that says to run `hltwap db init` when the database lacks a migration of
// this program. Reads the catalog and schema_migrations only, so it never queues behind a lock
// held on the data tables.
Status CheckSchemaCurrent(PgConnection& conn);

}  // namespace hltwap
