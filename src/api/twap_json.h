// JSON writers for TWAP rows: results whose columns follow RowColumn (queries.h) become the
// API's Twap and TwapRow objects (openapi.cc).
#pragma once

#include <cstdint>

#include "api/json_writer.h"
#include "db/connection.h"

namespace hltwap::api {

// An integer column (microseconds since the epoch, minutes, counts).
int64_t IntColumn(const PgResult& result, int row, int column);

// A TwapRow object.
void WriteTwapRow(JsonWriter& w, const PgResult& result, int row);
// The members of a Twap object (without braces and without "rows") from its latest row.
void WriteTwapMembers(JsonWriter& w, const PgResult& result, int latest_row);

}  // namespace hltwap::api
