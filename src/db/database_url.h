// DATABASE_URL in the forms users bring: SQLAlchemy URLs (postgresql+psycopg://...,
// postgresql+asyncpg://...), libpq URIs (postgresql://..., postgres://...) and libpq keyword
// strings ("host=... dbname=...").
#pragma once

#include <string>
#include <string_view>

#include "common/config.h"
#include "common/status.h"

namespace hltwap {

// The libpq connection string for a DATABASE_URL, or an error that names DATABASE_URL.
Result<std::string> ToLibpqConninfo(std::string_view database_url);

// The libpq connection string of the configured DATABASE_URL, with its password registered with
// the log masker; an error names DATABASE_URL and never echoes a secret.
Result<std::string> DatabaseConninfo(const Config& config);

// Registers the password of a libpq connection string with the log masker.
void RegisterSecretsOfConninfo(const std::string& conninfo);

// "host:port/dbname" for messages: enough to tell which database, nothing secret.
std::string DescribeConninfo(const std::string& conninfo);

}  // namespace hltwap
