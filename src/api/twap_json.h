// JSON writers for TWAP rows and fills: results whose columns follow RowColumn and
// SummaryColumn, or FillColumn (queries.h), become the API's Twap, TwapRow, FillsSummary and
// Fill objects (openapi.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/json_writer.h"
#include "db/connection.h"

namespace hltwap::api {

// An integer column (microseconds since the epoch, minutes, counts).
int64_t IntColumn(const PgResult& result, int row, int column);

// A TwapRow object.
void WriteTwapRow(JsonWriter& w, const PgResult& result, int row);
// The members of a Twap object (without braces and without "rows") from its latest row.
void WriteTwapMembers(JsonWriter& w, const PgResult& result, int latest_row);
// A FillsSummary object from the summary columns of a row, or null when the TWAP has no fill.
void WriteFillsSummary(JsonWriter& w, const PgResult& result, int row);
// A Fill object.
void WriteFill(JsonWriter& w, const PgResult& result, int row);
// Ends a page: its array, then next_cursor (an encoded cursor, or null on the last page).
void WritePageEnd(JsonWriter& w, const std::optional<std::string>& next_cursor);

}  // namespace hltwap::api
