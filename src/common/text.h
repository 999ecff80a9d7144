// Text helpers with one rule each: UTF-8 repair, JSON string literals, ASCII case, whitespace.
//
// UTF-8 rule (RFC 3629, as Python's errors="replace" and the WHATWG decoder apply it): every
// byte that does not start a well-formed sequence (no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequence) becomes one U+FFFD; well-formed sequences are kept.
#pragma once

#include <string>
#include <string_view>

namespace hltwap {

// What becomes of NUL, which is valid UTF-8 and valid JSON ("\u0000") but which PostgreSQL's
// text and jsonb types refuse. The default everywhere is kReplace, text PostgreSQL accepts.
enum class Nul {
  kReplace,  // U+FFFD: for text on its way into PostgreSQL
  kKeep,     // NUL as it is ("\u0000" in JSON): for what clients sent or are sent
};

// `text` as valid UTF-8 under the rule above; NUL as `nul` says.
void AppendValidUtf8(std::string_view text, std::string& out, Nul nul = Nul::kReplace);
[[nodiscard]] std::string SanitizeUtf8(std::string_view text, Nul nul = Nul::kReplace);

// `text` as a JSON string literal, quotes included (RFC 8259): '"' and '\' escaped, \b \f \n \r
// \t in their short form, every other control character and DEL as \u00XX, text under the
// UTF-8 rule above, so the result is always valid JSON.
void AppendJsonString(std::string_view text, std::string& out, Nul nul = Nul::kReplace);

// ASCII letters lowercased; every other byte (UTF-8 included) kept.
[[nodiscard]] std::string ToLower(std::string_view text);

// `text` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
[[nodiscard]] std::string_view Trim(std::string_view text);

// `text` on one line: every run of whitespace (newlines and tabs included) becomes one space,
// none at either end. For messages that end in newlines or carry DETAIL lines (libpq's).
[[nodiscard]] std::string OneLine(std::string_view text);

}  // namespace hltwap
