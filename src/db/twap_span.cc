#include "db/twap_span.h"

#include <fmt/format.h>

#include <charconv>

#include "db/sql.h"

namespace hltwap {
namespace {

std::string OrAbsent(const PgResult& rows, int row, int col) {
  return rows.IsNull(row, col) ? std::string("(none)") : std::string(rows.Get(row, col));
}

int64_t ToInt64(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

Result<SpanCheck> CheckTwapSpans(PgConnection& conn, int max_examples) {
  HLTWAP_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string(db::sql::kTwapSpanDifferences)));
  SpanCheck check;
  check.differences = rows.rows();
  for (int r = 0; r < rows.rows() && r < max_examples; ++r) {
    check.examples.push_back({std::string(rows.Get(r, 0)), std::string(rows.Get(r, 1)),
                              OrAbsent(rows, r, 2), OrAbsent(rows, r, 3)});
  }
  return check;
}

Result<int64_t> RepairTwapSpans(PgConnection& conn) {
  HLTWAP_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string(db::sql::kTwapSpanRepair)));
  return ToInt64(rows.Get(0, 0));
}

std::string SpanCheckText(const SpanCheck& check) {
  std::string out =
      fmt::format("twap_span: {} span(s) differ from twap_status\n", check.differences);
  for (const auto& d : check.examples) {
    out += fmt::format("  twap_id {} wallet {}: stored {}, expected {}\n", d.twap_id, d.wallet,
                       d.stored, d.expected);
  }
  return out;
}

}  // namespace hltwap
