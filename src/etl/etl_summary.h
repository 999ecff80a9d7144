// The counts an `hltwap etl` run ends with.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace hltwap {

// What else became of an object's rows, besides read, inserted, rejected and skipped (see
// docs/design.md, Data semantics); summed over a run.
struct RowNotes {
  // Rows of a file that shared their key with another of its rows (two events of a TWAP less
  // than a microsecond apart, a fill listed twice): the merge kept one of each such group.
  int64_t collapsed = 0;
  // Optional values stored as NULL because they were unusable: not a decimal (NaN among them),
  // out of range, of a type with no reading, too long.
  int64_t values_nulled = 0;
  // raw_payload values replaced by a marker for their size (a whole row's counts one).
  int64_t raw_values_truncated = 0;
  // Rejected rows by reason ("missing state_user", "twap_id too long").
  std::map<std::string, int64_t> rejected_by_reason;

  RowNotes& operator+=(const RowNotes& other);
};

struct EtlSummary {
  int64_t objects_ok = 0;
  int64_t objects_failed = 0;
  int64_t objects_skipped = 0;  // already done (listed, or found done once its lock was held)
  int64_t objects_busy = 0;     // locked by another process past the wait: not loaded
  int64_t rows_read = 0;
  int64_t rows_inserted =
      0;  // rows inserted or upgraded (twap_status), inserted or changed (twap_fill)
  int64_t rows_rejected = 0;
  int64_t rows_skipped = 0;  // rows that are not the dataset's: fills of no TWAP, metadata rows
  int64_t bytes = 0;         // bytes of the objects processed (downloaded, or local files read)
  double seconds = 0;
  RowNotes notes;

  int64_t objects() const { return objects_ok + objects_failed + objects_skipped + objects_busy; }
};

// "etl: 42 objects (40 ok, 1 failed, 1 skipped, 0 busy), 10000 rows read, 9990 inserted,
// 10 rejected, 0 skipped, 2 collapsed, 5 values nulled, 1 raw values truncated, 1234567 bytes,
// 3.2 s", then, when rows were rejected, "; rejected: 7 missing state_user, 3 unusable time"
// (most frequent first), and when objects are busy
// "; 2 busy: another process holds them; run again later".
std::string FormatSummary(const EtlSummary& summary);

// "7 missing state_user, 3 unusable time": the reasons, most frequent first.
std::string FormatRejections(const std::map<std::string, int64_t>& by_reason);

}  // namespace hltwap
