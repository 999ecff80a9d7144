// The derived tables, checked against the tables they derive from (see docs/design.md,
// Per-TWAP spans): twap_span (the per-TWAP table the list endpoint pages over) from
// twap_status, twap_fill_total (the fills summary's totals) from twap_fill. `hltwap db check
// [--repair]`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace hltwap {

struct DerivedTable {
  std::string_view name;
  std::string_view source;
  // Its wrong keys in key order: twap_id, wallet, stored, expected (NULL when absent).
  std::string_view differences_sql;
  // Recomputes its wrong keys in one statement; one row: how many there were.
  std::string_view repair_sql;
};

const std::vector<DerivedTable>& DerivedTables();

// A (twap_id, wallet) the derived table holds wrongly: each side as text.
struct KeyDifference {
  std::string twap_id;
  std::string wallet;
  std::string stored;
  std::string expected;
};

struct DerivedCheck {
  int64_t differences = 0;
  std::vector<KeyDifference> examples;  // the first few, in key order
};

// Compares every key with a recomputation from the source; reads both tables in full.
Result<DerivedCheck> CheckDerivedTable(PgConnection& conn, const DerivedTable& table,
                                       int max_examples);

// Recomputes the differing keys in one transaction; returns how many there were.
Result<int64_t> RepairDerivedTable(PgConnection& conn, const DerivedTable& table);

// The check's report: the count and the examples, one line each.
std::string DerivedCheckText(const DerivedTable& table, const DerivedCheck& check);

}  // namespace hltwap
