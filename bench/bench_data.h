// Shared by the benchmark data generators: a portable random generator, the coin table,
// allocation-free decimal and time formatting, file names and writer settings.
#pragma once

#include <parquet/properties.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace bench {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerHour = 3600 * kNanosPerSecond;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

// splitmix64: tiny, fast and the same on every platform (std:: distributions are not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  int64_t Below(int64_t n) { return static_cast<int64_t>(Uniform() * static_cast<double>(n)); }

 private:
  uint64_t state_;
};

struct Coin {
  const char* name;
  double price;     // USD, around which fills happen
  int sz_decimals;  // the exchange's size precision
  double weight;    // share of TWAPs
};

// Perps, HIP-3 perps (xyz:...) and spot pairs (@N), weighted roughly like real TWAP activity.
constexpr std::array<Coin, 13> kCoins = {{
    {"BTC", 95000, 5, 24},
    {"ETH", 3300, 4, 18},
    {"HYPE", 30, 2, 14},
    {"SOL", 180, 2, 10},
    {"@107", 30, 2, 6},
    {"DOGE", 0.35, 0, 5},
    {"XRP", 2.3, 1, 5},
    {"FARTCOIN", 1.1, 1, 4},
    {"kPEPE", 0.012, 0, 4},
    {"xyz:NVDA", 180, 3, 4},
    {"xyz:TSLA", 400, 3, 2},
    {"@142", 95000, 5, 2},
    {"SUI", 4, 1, 2},
}};

// Small fixed buffers keep a row free of heap allocations.
struct Text {
  std::array<char, 31> chars{};
  uint8_t size = 0;
  std::string_view view() const { return {chars.data(), size}; }
};

// Units of 10^-decimals as plain decimal text without trailing zeros; zero is "0.0" as the data
// provider writes it.
inline Text FormatDecimal(int64_t units, int decimals) {
  Text t;
  if (units == 0) {
    std::memcpy(t.chars.data(), "0.0", 3);
    t.size = 3;
    return t;
  }
  char digits[24];
  int n = 0;
  for (int64_t v = units; v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  while (n <= decimals) digits[n++] = '0';  // at least one digit before the point
  int frac_end = 0;                         // trailing zeros of the fraction are dropped
  while (frac_end < decimals && digits[frac_end] == '0') ++frac_end;
  char* out = t.chars.data();
  for (int i = n - 1; i >= decimals; --i) *out++ = digits[i];
  if (frac_end < decimals) {
    *out++ = '.';
    for (int i = decimals - 1; i >= frac_end; --i) *out++ = digits[i];
  }
  t.size = static_cast<uint8_t>(out - t.chars.data());
  return t;
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
inline void CivilFromDays(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400) + (m <= 2);
}

inline int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

inline void PutDigits(char*& out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out += width;
}

// "YYYY-MM-DD<sep>HH:MM:SS" followed by `fraction_digits` digits of the second; returns the end.
inline char* FormatTime(int64_t ns, char sep, int fraction_digits, char* out) {
  const int64_t days = ns >= 0 ? ns / kNanosPerDay : -((-ns + kNanosPerDay - 1) / kNanosPerDay);
  const int64_t in_day = ns - days * kNanosPerDay;
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  PutDigits(out, y, 4);
  *out++ = '-';
  PutDigits(out, m, 2);
  *out++ = '-';
  PutDigits(out, d, 2);
  *out++ = sep;
  const int64_t secs = in_day / kNanosPerSecond;
  PutDigits(out, secs / 3600, 2);
  *out++ = ':';
  PutDigits(out, secs / 60 % 60, 2);
  *out++ = ':';
  PutDigits(out, secs % 60, 2);
  if (fraction_digits > 0) {
    *out++ = '.';
    int64_t frac = in_day % kNanosPerSecond;
    for (int i = fraction_digits; i < 9; ++i) frac /= 10;
    PutDigits(out, frac, fraction_digits);
  }
  return out;
}

// "YYYYMMDD_HH.parquet": the file of the hour that starts at `hour_ns`.
inline std::string HourFileName(int64_t hour_ns) {
  char name[40];
  char* end = FormatTime(hour_ns, '_', 0, name);  // YYYY-MM-DD_HH:MM:SS
  std::string file;
  for (char* p = name; p < end - 6; ++p) {
    if (*p != '-') file += *p;
  }
  return file + ".parquet";
}

// Snappy, as the data provider's files.
inline std::shared_ptr<parquet::WriterProperties> WriterProperties() {
  static const auto props =
      parquet::WriterProperties::Builder().compression(parquet::Compression::SNAPPY)->build();
  return props;
}

inline std::string IsoTime(int64_t ns) {
  char buf[40];
  char* end = FormatTime(ns, 'T', 0, buf);
  *end++ = 'Z';
  return std::string(buf, end);
}

}  // namespace bench
