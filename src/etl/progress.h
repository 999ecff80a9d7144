// What an ETL run tells its operator while it runs: one line per object (key, rows
// read/inserted/rejected, the first rejection reason, or the error), a progress bar on a
// terminal, and the counts for the summary.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "etl/etl_summary.h"

namespace hltwap {

enum class ObjectOutcome { kOk, kFailed, kSkipped, kBusy };

struct ObjectReport {
  std::string key;
  ObjectOutcome outcome = ObjectOutcome::kOk;
  int64_t rows_read = 0;
  int64_t rows_inserted = 0;
  int64_t rows_rejected = 0;
  int64_t rows_skipped = 0;  // not the dataset's rows (fills of no TWAP)
  std::string first_rejection;
  RowNotes notes;
  int64_t bytes = 0;
  double seconds = 0;
  std::string message;  // why it failed or was skipped
};

// Thread-safe: workers report objects as they finish them.
class Progress {
 public:
  // With `interactive`, a progress bar is drawn on stderr, redrawn in place (and refreshed
  // while objects load); the per-object lines scroll above it.
  Progress(bool interactive, int64_t total_objects, int64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Objects counted without being processed (already done when listed).
  void AddSkipped(int64_t objects);
  // Logs the object's line and counts it.
  void Report(const ObjectReport& report);
  // Removes the bar (before the summary is written).
  void Finish();

  EtlSummary Summary() const;

  // True when stderr is a terminal that can redraw a line.
  static bool StderrIsInteractive();

 private:
  void DrawLocked();
  void ClearLocked();
  void Ticker();

  const bool interactive_;
  const int64_t total_objects_;
  const int64_t total_bytes_;
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  bool bar_visible_ = false;
  int64_t processed_ = 0;
  EtlSummary summary_;
  std::thread ticker_;
};

}  // namespace hltwap
