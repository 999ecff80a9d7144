#include "db/derived_tables.h"

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

const std::vector<DerivedTable>& DerivedTables() {
  static const std::vector<DerivedTable> tables = {
      {"twap_span", "twap_status", db::sql::kTwapSpanDifferences, db::sql::kTwapSpanRepair},
      {"twap_fill_total", "twap_fill", db::sql::kTwapFillTotalDifferences,
       db::sql::kTwapFillTotalRepair},
  };
  return tables;
}

Result<DerivedCheck> CheckDerivedTable(PgConnection& conn, const DerivedTable& table,
                                       int max_examples) {
  HLTWAP_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string(table.differences_sql)));
  DerivedCheck check;
  check.differences = rows.rows();
  for (int r = 0; r < rows.rows() && r < max_examples; ++r) {
    check.examples.push_back({std::string(rows.Get(r, 0)), std::string(rows.Get(r, 1)),
                              OrAbsent(rows, r, 2), OrAbsent(rows, r, 3)});
  }
  return check;
}

Result<int64_t> RepairDerivedTable(PgConnection& conn, const DerivedTable& table) {
  HLTWAP_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string(table.repair_sql)));
  return ToInt64(rows.Get(0, 0));
}

std::string DerivedCheckText(const DerivedTable& table, const DerivedCheck& check) {
  std::string out =
      fmt::format("{}: {} key(s) differ from {}\n", table.name, check.differences, table.source);
  for (const auto& d : check.examples) {
    out += fmt::format("  twap_id {} wallet {}: stored {}, expected {}\n", d.twap_id, d.wallet,
                       d.stored, d.expected);
  }
  return out;
}

}  // namespace hltwap
