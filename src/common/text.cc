#include "common/text.h"

namespace hltwap {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kHexDigits[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence starting at s[0] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the byte starts none.
size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Appends the non-ASCII sequence at text[i] (or U+FFFD for its first byte) and returns the
// number of bytes consumed.
size_t AppendSequence(std::string_view text, size_t i, std::string& out) {
  const size_t length = Utf8SequenceLength(text.substr(i));
  if (length == 0) {
    out += kReplacementCharacter;
    return 1;
  }
  out.append(text.data() + i, length);
  return length;
}

// Bytes that go into a JSON string as they are (printable ASCII but quote and backslash).
bool IsPlainJsonByte(unsigned char c) {
  return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

void AppendValidUtf8(std::string_view text, std::string& out, Nul nul) {
  size_t i = 0;
  while (i < text.size()) {
    size_t plain = i;
    while (plain < text.size() && static_cast<unsigned char>(text[plain]) < 0x80 &&
           (text[plain] != '\0' || nul == Nul::kKeep)) {
      ++plain;
    }
    out.append(text.data() + i, plain - i);
    i = plain;
    if (i == text.size()) break;
    if (text[i] == '\0') {
      out += kReplacementCharacter;
      ++i;
      continue;
    }
    i += AppendSequence(text, i, out);
  }
}

std::string SanitizeUtf8(std::string_view text, Nul nul) {
  std::string out;
  out.reserve(text.size());
  AppendValidUtf8(text, out, nul);
  return out;
}

void AppendJsonString(std::string_view text, std::string& out, Nul nul) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    size_t plain = i;
    while (plain < text.size() && IsPlainJsonByte(static_cast<unsigned char>(text[plain]))) {
      ++plain;
    }
    out.append(text.data() + i, plain - i);
    i = plain;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      i += AppendSequence(text, i, out);
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == '\0' && nul == Nul::kReplace) {
          out += kReplacementCharacter;
          break;
        }
        out += "\\u00";
        out += kHexDigits[c >> 4];
        out += kHexDigits[c & 0xF];
    }
  }
  out += '"';
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (IsAsciiSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace hltwap
