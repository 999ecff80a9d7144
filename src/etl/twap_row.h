// One normalised TWAP status row: the unit that flows from a parquet file to twap_status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hltwap {

struct TwapRow {
  std::string twap_id;                // decimal text
  std::string wallet;                 // lowercased
  int64_t ts = 0;                     // status event time, microseconds since the epoch (UTC)
  std::optional<int64_t> created_at;  // state_timestamp, microseconds since the epoch (UTC)
  std::optional<std::string> asset;
  std::optional<std::string> side;
  std::optional<std::string> size_requested;     // exact decimal text
  std::optional<std::string> size_executed;      // exact decimal text
  std::optional<std::string> notional_executed;  // exact decimal text
  std::optional<std::string> status;
  std::optional<int32_t> duration_minutes;
  std::string raw_payload;  // the whole source row as a JSON object, original column names
};

}  // namespace hltwap
