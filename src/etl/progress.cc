#include "etl/progress.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/log.h"

namespace hltwap {
namespace {

constexpr int kBarWidth = 20;
constexpr auto kRefresh = std::chrono::milliseconds(500);

constexpr const char* kByteUnits[] = {"B", "KB", "MB", "GB", "TB"};

int ByteUnit(double bytes) {
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  return unit;
}

std::string InUnit(double bytes, int unit) {
  for (int u = 0; u < unit; ++u) bytes /= 1000;
  return unit == 0 ? fmt::format("{:.0f}", bytes) : fmt::format("{:.1f}", bytes);
}

std::string HumanBytes(double bytes) {
  const int unit = ByteUnit(bytes);
  return InUnit(bytes, unit) + " " + kByteUnits[unit];
}

// "4.2/10.5 MB": both in the unit of the total.
std::string HumanBytesOf(double done, double total) {
  const int unit = ByteUnit(total);
  return InUnit(done, unit) + "/" + InUnit(total, unit) + " " + kByteUnits[unit];
}

std::string Clock(double seconds) {
  if (!(seconds >= 0) || seconds > 99 * 3600) return "--:--";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

int TerminalWidth() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::string RejectionSuffix(const ObjectReport& r) {
  if (r.rows_rejected == 0 || r.first_rejection.empty()) return "";
  return fmt::format(" (first rejection: {})", r.first_rejection);
}

// ", 2 collapsed, 1 values nulled": the notes an object has, none when it has none.
std::string NotesSuffix(const RowNotes& n) {
  std::string out;
  if (n.collapsed > 0) out += fmt::format(", {} collapsed", n.collapsed);
  if (n.values_nulled > 0) out += fmt::format(", {} values nulled", n.values_nulled);
  if (n.raw_values_truncated > 0) {
    out += fmt::format(", {} raw values truncated", n.raw_values_truncated);
  }
  return out;
}

}  // namespace

bool Progress::StderrIsInteractive() {
  if (::isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

Progress::Progress(bool interactive, int64_t total_objects, int64_t total_bytes)
    : interactive_(interactive),
      total_objects_(total_objects),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()) {
  if (interactive_) {
    std::lock_guard lock(mutex_);
    DrawLocked();
    ticker_ = std::thread([this] { Ticker(); });
  }
}

Progress::~Progress() {
  Finish();
}

void Progress::Finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    ClearLocked();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::Ticker() {
  std::unique_lock lock(mutex_);
  while (!finished_) {
    wake_.wait_for(lock, kRefresh);
    if (!finished_) DrawLocked();
  }
}

void Progress::AddSkipped(int64_t objects) {
  std::lock_guard lock(mutex_);
  summary_.objects_skipped += objects;
}

void Progress::Report(const ObjectReport& r) {
  std::lock_guard lock(mutex_);
  ++processed_;
  summary_.bytes += r.bytes;
  summary_.rows_read += r.rows_read;
  summary_.rows_inserted += r.rows_inserted;
  summary_.rows_rejected += r.rows_rejected;
  summary_.rows_skipped += r.rows_skipped;
  summary_.notes += r.notes;
  if (interactive_) ClearLocked();
  switch (r.outcome) {
    case ObjectOutcome::kOk:
      ++summary_.objects_ok;
      if (r.rows_rejected > 0) {
        log::Warn(
            "ingested {}: {} rows read, {} inserted, {} rejected{}, {} skipped{}, {} bytes, "
            "{:.2f} s",
            r.key, r.rows_read, r.rows_inserted, r.rows_rejected, RejectionSuffix(r),
            r.rows_skipped, NotesSuffix(r.notes), r.bytes, r.seconds);
      } else {
        log::Info(
            "ingested {}: {} rows read, {} inserted, 0 rejected, {} skipped{}, {} bytes, {:.2f} s",
            r.key, r.rows_read, r.rows_inserted, r.rows_skipped, NotesSuffix(r.notes), r.bytes,
            r.seconds);
      }
      break;
    case ObjectOutcome::kFailed:
      ++summary_.objects_failed;
      log::Error("failed {}: {}", r.key, r.message);
      break;
    case ObjectOutcome::kSkipped:
      ++summary_.objects_skipped;
      log::Info("skipped {}: {}", r.key, r.message);
      break;
    case ObjectOutcome::kBusy:
      ++summary_.objects_busy;
      log::Info("busy {}: {}", r.key, r.message);
      break;
  }
  if (interactive_ && !finished_) DrawLocked();
}

EtlSummary Progress::Summary() const {
  std::lock_guard lock(mutex_);
  EtlSummary s = summary_;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s;
}

void Progress::ClearLocked() {
  if (!bar_visible_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  bar_visible_ = false;
}

void Progress::DrawLocked() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction =
      total_bytes_ > 0
          ? std::min(1.0, static_cast<double>(summary_.bytes) / static_cast<double>(total_bytes_))
      : total_objects_ > 0 ? static_cast<double>(processed_) / static_cast<double>(total_objects_)
                           : 1.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kBarWidth - filled), '.');
  const double rate = elapsed > 0 ? static_cast<double>(summary_.bytes) / elapsed : 0;
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : -1;
  std::string line = fmt::format(
      "[{}] {}/{} objects  {} rows  {}  {}/s  ETA {}", bar, processed_, total_objects_,
      summary_.rows_read,
      HumanBytesOf(static_cast<double>(summary_.bytes), static_cast<double>(total_bytes_)),
      HumanBytes(rate), processed_ >= total_objects_ ? Clock(0) : Clock(eta));
  const auto width = static_cast<size_t>(std::max(TerminalWidth() - 1, 10));
  if (line.size() > width) line.resize(width);
  std::fputs("\r\033[K", stderr);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  bar_visible_ = true;
}

}  // namespace hltwap
