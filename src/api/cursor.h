// The opaque paging cursor of GET /api/v1/twaps: the (latest_ts, twap_id) of the last TWAP of
// the previous page, as unpadded base64url text. Decoding is strict: anything this server did
// not write is rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hltwap::api {

// The timestamps the API reads and writes: years 0001 to 9999, in microseconds since the epoch.
inline constexpr int64_t kMinTimestampMicros = -62135596800000000;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxTimestampMicros = 253402300799999999;  // 9999-12-31T23:59:59.999999Z

struct TwapCursor {
  int64_t latest_ts_micros = 0;
  std::string twap_id;

  bool operator==(const TwapCursor&) const = default;
};

std::string EncodeCursor(const TwapCursor& cursor);
std::optional<TwapCursor> DecodeCursor(std::string_view text);

}  // namespace hltwap::api
