// Versioned schema migrations, recorded in the table schema_migrations.
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

}  // namespace hltwap
