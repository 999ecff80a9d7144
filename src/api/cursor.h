// The opaque paging cursors, as unpadded base64url text: GET /api/v1/twaps's holds the
// (latest_ts, twap_id) of the last TWAP of the previous page, GET /api/v1/twaps/{twap_id}/fills's
// the (time, tid, wallet) of the last fill. Decoding is strict: anything this server did not
// write, or wrote for the other endpoint, is rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time_util.h"

namespace hltwap::api {

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
