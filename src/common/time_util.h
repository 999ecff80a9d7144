// UTC timestamps as microseconds since the Unix epoch (PostgreSQL's resolution).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hltwap {

// The instants both PostgreSQL and ISO-8601 write with a four-digit year, the range every time the
// program accepts must fall in: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z.
inline constexpr int64_t kMinTimestampMicros = -62'135'596'800'000'000;
inline constexpr int64_t kMaxTimestampMicros = 253'402'300'799'999'999;

// Parses ISO-8601 / RFC 3339: "2025-11-03", "2025-11-03T12:00:00", "2025-11-03 12:00:00.123456789",
// with "Z" or an offset (+02:00, +0200, +02). No zone means UTC; a bare date is its midnight UTC.
// Fractions beyond microseconds are truncated.
Result<int64_t> ParseTimestampUtc(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; the fraction is written only when it is not zero.
std::string FormatTimestampUtc(int64_t micros_since_epoch);

}  // namespace hltwap
