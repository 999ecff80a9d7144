// The opaque paging cursors, as unpadded base64url text: GET /api/v1/twaps's holds the
// (latest_ts, twap_id) of the last TWAP of the previous page, GET /api/v1/twaps/{twap_id}/fills's
// the (time, tid, wallet) of the last fill. Decoding is strict: anything this server did not
// write, or wrote for the other endpoint, is rejected.
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

struct FillCursor {
  int64_t time_micros = 0;
  std::string tid;  // decimal digits, as PostgreSQL prints NUMERIC(20, 0)
  std::string wallet;

  bool operator==(const FillCursor&) const = default;
};

std::string EncodeCursor(const TwapCursor& cursor);
std::optional<TwapCursor> DecodeCursor(std::string_view text);
std::string EncodeFillCursor(const FillCursor& cursor);
std::optional<FillCursor> DecodeFillCursor(std::string_view text);

}  // namespace hltwap::api
