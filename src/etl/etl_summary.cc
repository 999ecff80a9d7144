#include "etl/etl_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace hltwap {

RowNotes& RowNotes::operator+=(const RowNotes& other) {
  collapsed += other.collapsed;
  values_nulled += other.values_nulled;
  raw_values_truncated += other.raw_values_truncated;
  for (const auto& [reason, rows] : other.rejected_by_reason) rejected_by_reason[reason] += rows;
  return *this;
}

std::string FormatRejections(const std::map<std::string, int64_t>& by_reason) {
  std::vector<std::pair<std::string, int64_t>> reasons(by_reason.begin(), by_reason.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [reason, rows] : reasons) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", rows, reason);
  }
  return out;
}

std::string FormatSummary(const EtlSummary& s) {
  std::string line = fmt::format(
      "etl: {} objects ({} ok, {} failed, {} skipped, {} busy), {} rows read, {} inserted, {} "
      "rejected, {} skipped, {} collapsed, {} values nulled, {} raw values truncated, {} bytes, "
      "{:.1f} s",
      s.objects(), s.objects_ok, s.objects_failed, s.objects_skipped, s.objects_busy, s.rows_read,
      s.rows_inserted, s.rows_rejected, s.rows_skipped, s.notes.collapsed, s.notes.values_nulled,
      s.notes.raw_values_truncated, s.bytes, s.seconds);
  if (!s.notes.rejected_by_reason.empty()) {
    line += "; rejected: " + FormatRejections(s.notes.rejected_by_reason);
  }
  if (s.objects_busy > 0) {
    line += fmt::format("; {} busy: another process holds them; run again later", s.objects_busy);
  }
  return line;
}

}  // namespace hltwap
