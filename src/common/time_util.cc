#include "common/time_util.h"

#include <fmt/format.h>

#include <chrono>

namespace hltwap {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  void Skip() { ++pos_; }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads exactly n digits.
  bool Digits(int n, int64_t& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      const char c = Peek();
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
      ++pos_;
    }
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid timestamp '{}': {}", text, why));
}

}  // namespace

Result<int64_t> ParseTimestampUtc(std::string_view text) {
  Cursor c(text);
  int64_t year = 0, month = 0, day = 0;
  if (!c.Digits(4, year) || !c.Accept('-') || !c.Digits(2, month) || !c.Accept('-') ||
      !c.Digits(2, day)) {
    return Invalid(text, "expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return Invalid(text, "month out of range");
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(year)),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return Invalid(text, "day out of range");

  int64_t hour = 0, minute = 0, second = 0, micros = 0;
  int64_t offset_seconds = 0;
  if (!c.Done()) {
    if (!c.Accept('T') && !c.Accept('t') && !c.Accept(' ')) {
      return Invalid(text, "expected 'T' between date and time");
    }
    if (!c.Digits(2, hour) || !c.Accept(':') || !c.Digits(2, minute)) {
      return Invalid(text, "expected HH:MM");
    }
    if (c.Accept(':')) {
      if (!c.Digits(2, second)) return Invalid(text, "expected seconds");
      if (c.Accept('.') || c.Accept(',')) {
        int digits = 0;
        while (c.Peek() >= '0' && c.Peek() <= '9') {
          if (digits < 6) micros = micros * 10 + (c.Peek() - '0');
          ++digits;
          c.Skip();
        }
        if (digits == 0 || digits > 9) return Invalid(text, "1 to 9 fractional digits expected");
        for (int i = digits; i < 6; ++i) micros *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return Invalid(text, "time out of range");
    if (c.Accept('Z') || c.Accept('z')) {
      // UTC
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      const int sign = c.Peek() == '-' ? -1 : 1;
      c.Skip();
      int64_t oh = 0, om = 0;
      if (!c.Digits(2, oh)) return Invalid(text, "expected offset hours");
      if (c.Accept(':')) {
        if (!c.Digits(2, om)) return Invalid(text, "expected offset minutes");
      } else if (!c.Done() && !c.Digits(2, om)) {
        return Invalid(text, "expected offset minutes");
      }
      if (oh > 23 || om > 59) return Invalid(text, "offset out of range");
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (!c.Done()) return Invalid(text, "unexpected trailing characters");
  }
  const int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  const int64_t seconds =
      days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

std::string FormatTimestampUtc(int64_t micros_since_epoch) {
  int64_t seconds = micros_since_epoch / kMicrosPerSecond;
  int64_t micros = micros_since_epoch % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    seconds -= 1;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t rem = seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    days -= 1;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned day = static_cast<unsigned>(ymd.day());
  const int64_t hh = rem / 3600, mm = rem % 3600 / 60, ss = rem % 60;
  if (micros == 0) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, hh, mm, ss);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", year, month, day, hh, mm, ss,
                     micros);
}

}  // namespace hltwap
