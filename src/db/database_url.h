// DATABASE_URL in the forms users bring: SQLAlchemy URLs (postgresql+psycopg://...,
// postgresql+asyncpg://...), libpq URIs (postgresql://..., postgres://...) and libpq keyword
// strings ("host=... dbname=...").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace hltwap {

// The libpq connection string for a DATABASE_URL, or an error that names `variable`.
Result<std::string> ToLibpqConninfo(std::string_view database_url,
                                    std::string_view variable = "DATABASE_URL");

// The libpq connection string of the configured DATABASE_URL, with its password registered with
// the log masker; an error names DATABASE_URL and never echoes a secret.
Result<std::string> DatabaseConninfo(const Config& config);

// DATABASE_READ_URLS split into its URLs: at each comma followed by a postgres… scheme, so the
// commas of a multi-host libpq URL stay inside it.
std::vector<std::string> SplitUrlList(std::string_view list);

// The libpq connection strings of DATABASE_READ_URLS (none when unset), passwords registered
// with the log masker; an error names the entry and never echoes a secret.
Result<std::vector<std::string>> DatabaseReadConninfos(const Config& config);

// Registers the password of a libpq connection string with the log masker.
void RegisterSecretsOfConninfo(const std::string& conninfo);

// "host:port/dbname" for messages: enough to tell which database, nothing secret.
std::string DescribeConninfo(const std::string& conninfo);

}  // namespace hltwap
