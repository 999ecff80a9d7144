#include "api/cursor.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "common/text.h"

namespace hltwap::api {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kVersion = "v1:";
// Far more than any twap_id; keeps a forged cursor from becoming a huge query parameter.
constexpr size_t kMaxCursorLength = 1024;

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : data) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  static const std::array<int8_t, 256> kValues = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
      v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    return v;
  }();
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int8_t value = kValues[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string EncodeCursor(const TwapCursor& cursor) {
  return Base64UrlEncode(fmt::format("{}{}:{}", kVersion, cursor.latest_ts_micros, cursor.twap_id));
}

std::optional<TwapCursor> DecodeCursor(std::string_view text) {
  if (text.empty() || text.size() > kMaxCursorLength) return std::nullopt;
  const auto decoded = Base64UrlDecode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  if (rest.substr(0, kVersion.size()) != kVersion) return std::nullopt;
  rest.remove_prefix(kVersion.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  TwapCursor cursor;
  const std::string_view number = rest.substr(0, colon);
  const auto [ptr, ec] =
      std::from_chars(number.data(), number.data() + number.size(), cursor.latest_ts_micros);
  if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
  if (number.front() == '+' || (number.size() > 1 && number[0] == '0')) return std::nullopt;
  cursor.twap_id = std::string(rest.substr(colon + 1));
  // No NUL and no invalid UTF-8: the id must be text PostgreSQL can hold.
  if (cursor.twap_id.empty() || SanitizeUtf8(cursor.twap_id, Nul::kReplace) != cursor.twap_id) {
    return std::nullopt;
  }
  if (cursor.latest_ts_micros < kMinTimestampMicros ||
      cursor.latest_ts_micros > kMaxTimestampMicros) {
    return std::nullopt;
  }
  return cursor;
}

}  // namespace hltwap::api
