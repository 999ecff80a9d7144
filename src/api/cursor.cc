#include "api/cursor.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "common/text.h"

namespace hltwap::api {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Each kind of cursor has its own tag, so one endpoint's cursor is refused by the other.
constexpr std::string_view kTwapTag = "v1:";
constexpr std::string_view kFillTag = "f1:";
// A tid is NUMERIC(20, 0).
constexpr size_t kMaxTidDigits = 20;
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

// "<tag><micros>:<key>", the layout of every cursor kind: a timestamp, then the rest of the key.
std::string Encode(std::string_view tag, int64_t micros, std::string_view key) {
  return Base64UrlEncode(fmt::format("{}{}:{}", tag, micros, key));
}

struct Decoded {
  int64_t micros = 0;
  std::string key;  // non-empty, valid UTF-8 without NUL
};

std::optional<Decoded> Decode(std::string_view text, std::string_view tag) {
  if (text.empty() || text.size() > kMaxCursorLength) return std::nullopt;
  const auto decoded = Base64UrlDecode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  if (rest.substr(0, tag.size()) != tag) return std::nullopt;
  rest.remove_prefix(tag.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Decoded out;
  const std::string_view number = rest.substr(0, colon);
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), out.micros);
  if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
  if (number.front() == '+' || (number.size() > 1 && number[0] == '0')) return std::nullopt;
  if (out.micros < kMinTimestampMicros || out.micros > kMaxTimestampMicros) return std::nullopt;
  out.key = std::string(rest.substr(colon + 1));
  // No NUL and no invalid UTF-8: the key must be text PostgreSQL can hold.
  if (out.key.empty() || SanitizeUtf8(out.key, Nul::kReplace) != out.key) {
    return std::nullopt;
  }
  return out;
}

// Digits as PostgreSQL prints a NUMERIC(20, 0) that is not negative: no sign, no leading zero.
bool IsTid(std::string_view text) {
  if (text.empty() || text.size() > kMaxTidDigits || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string EncodeCursor(const TwapCursor& cursor) {
  return Encode(kTwapTag, cursor.latest_ts_micros, cursor.twap_id);
}

std::optional<TwapCursor> DecodeCursor(std::string_view text) {
  auto decoded = Decode(text, kTwapTag);
  if (!decoded) return std::nullopt;
  return TwapCursor{decoded->micros, std::move(decoded->key)};
}

std::string EncodeFillCursor(const FillCursor& cursor) {
  return Encode(kFillTag, cursor.time_micros, cursor.tid + ":" + cursor.wallet);
}

std::optional<FillCursor> DecodeFillCursor(std::string_view text) {
  const auto decoded = Decode(text, kFillTag);
  if (!decoded) return std::nullopt;
  // The tid has no colon, so the first one ends it; the wallet may hold any.
  const auto colon = decoded->key.find(':');
  if (colon == std::string::npos) return std::nullopt;
  FillCursor cursor{decoded->micros, decoded->key.substr(0, colon), decoded->key.substr(colon + 1)};
  if (!IsTid(cursor.tid) || cursor.wallet.empty()) return std::nullopt;
  return cursor;
}

}  // namespace hltwap::api
