// One normalised TWAP slice fill: the unit that flows from a node fills parquet file to
// twap_fill (one row per fill per user side).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hltwap {

struct FillRow {
  std::string twap_id;  // decimal text, never "0"
  std::string wallet;   // lowercased
  std::string tid;      // trade id, decimal text
  int64_t time = 0;     // microseconds since the epoch (UTC)
  std::string coin;
  std::string side;                // "B" (buy) or "A" (sell)
  std::string px;                  // exact decimal text, positive
  std::string sz;                  // exact decimal text, positive
  std::optional<std::string> fee;  // exact decimal text; negative is a rebate
  std::optional<std::string> fee_token;
  std::optional<std::string> closed_pnl;      // exact decimal text
  std::optional<std::string> start_position;  // exact decimal text
  std::optional<std::string> dir;             // "Open Long", "Close Short", "Buy", ...
  std::optional<bool> crossed;
  std::optional<std::string> oid;  // order id, decimal text
  std::optional<std::string> hash;
  std::optional<std::string> builder_fee;  // exact decimal text
  std::string raw_payload;  // the whole source row as a JSON object, original column names
};

}  // namespace hltwap
