// twap_span, the per-TWAP table the list endpoint pages over, checked against twap_status (see
// docs/design.md, Per-TWAP spans): `hltwap db check [--repair]`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

// A span twap_span holds wrongly: each side as text, empty when absent.
struct SpanDifference {
  std::string twap_id;
  std::string wallet;
  std::string stored;
  std::string expected;
};

struct SpanCheck {
  int64_t differences = 0;
  std::vector<SpanDifference> examples;  // the first few, in key order
};

// Compares every span with a recomputation from twap_status; reads both tables in full.
Result<SpanCheck> CheckTwapSpans(PgConnection& conn, int max_examples);

// Recomputes the differing spans in one transaction; returns how many there were.
Result<int64_t> RepairTwapSpans(PgConnection& conn);

// The check's report: the count and the examples, one line each.
std::string SpanCheckText(const SpanCheck& check);

}  // namespace hltwap
