#include "etl/etl_summary.h"

#include <fmt/format.h>

namespace hltwap {

RowNotes& RowNotes::operator+=(const RowNotes& other) {
  collapsed += other.collapsed;
  values_nulled += other.values_nulled;
  return *this;
}

std::string FormatSummary(const EtlSummary& s) {
  std::string line = fmt::format(
      "etl: {} objects ({} ok, {} failed, {} skipped, {} busy), {} rows read, {} inserted, {} "
      "rejected, {} skipped, {} collapsed, {} values nulled, {} bytes, {:.1f} s",
      s.objects(), s.objects_ok, s.objects_failed, s.objects_skipped, s.objects_busy, s.rows_read,
      s.rows_inserted, s.rows_rejected, s.rows_skipped, s.notes.collapsed, s.notes.values_nulled,
      s.bytes, s.seconds);
  if (s.objects_busy > 0) {
    line += fmt::format("; {} busy: another process holds them; run again later", s.objects_busy);
  }
  return line;
}

}  // namespace hltwap
