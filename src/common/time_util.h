// UTC timestamps as microseconds since the Unix epoch (PostgreSQL's resolution).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hltwap {

// Parses ISO-8601 / RFC 3339: "2025-11-03", "2025-11-03T12:00:00", "2025-11-03 12:00:00.123456789",
// with "Z" or an offset (+02:00, +0200, +02). No zone means UTC; a bare date is its midnight UTC.
// Fractions beyond microseconds are truncated.
Result<int64_t> ParseTimestampUtc(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; the fraction is written only when it is not zero.
std::string FormatTimestampUtc(int64_t micros_since_epoch);

}  // namespace hltwap
