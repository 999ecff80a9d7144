#include "common/text.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "common/wallet.h"

namespace hltwap {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string JsonString(std::string_view text, Nul nul = Nul::kReplace) {
  std::string out;
  AppendJsonString(text, out, nul);
  return out;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  AppendValidUtf8(text, out);
  return out;
}

TEST(Utf8, KeepsWellFormedSequences) {
  EXPECT_EQ(SanitizeUtf8("plain"), "plain");
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9"), "\xC3\xA9");                  // é, two bytes
  EXPECT_EQ(SanitizeUtf8("\xE2\x82\xAC"), "\xE2\x82\xAC");          // €, three bytes
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // 😀, four bytes
  EXPECT_EQ(SanitizeUtf8("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");  // U+10FFFF, the last
  EXPECT_EQ(SanitizeUtf8("\xED\x9F\xBF"), "\xED\x9F\xBF");          // U+D7FF, below surrogates
  EXPECT_EQ(SanitizeUtf8(""), "");
}

TEST(Utf8, ReplacesEachBadByteWithOneReplacementCharacter) {
  EXPECT_EQ(SanitizeUtf8("\xFF"), kFffd) << "never a UTF-8 byte";
  EXPECT_EQ(SanitizeUtf8("a\x80z"), "a" + kFffd + "z") << "lone continuation byte";
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), kFffd + kFffd) << "overlong '/'";
  EXPECT_EQ(SanitizeUtf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd) << "overlong, three bytes";
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd) << "surrogate U+D800";
  EXPECT_EQ(SanitizeUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd) << "above U+10FFFF";
  EXPECT_EQ(SanitizeUtf8("a\xF0\x9F"), "a" + kFffd + kFffd) << "truncated at the end";
  EXPECT_EQ(SanitizeUtf8("\xE2\x82z"), kFffd + kFffd + "z") << "truncated before ASCII";
}

TEST(Utf8, NulIsReplacedForPostgresOrKeptOnRequest) {
  const std::string_view nul("a\0b", 3);
  EXPECT_EQ(SanitizeUtf8(nul), "a" + kFffd + "b");
  EXPECT_EQ(SanitizeUtf8(nul, Nul::kKeep), nul);
  EXPECT_EQ(ValidUtf8(std::string("a\0\xFF", 3)), "a" + kFffd + kFffd);
  EXPECT_EQ(ValidUtf8("0xabc é"), "0xabc é");
  EXPECT_EQ(ValidUtf8("tab\tstays"), "tab\tstays") << "only JSON escapes control characters";
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("plain"), R"("plain")");
  EXPECT_EQ(JsonString(""), R"("")");
  EXPECT_EQ(JsonString("a\"b\\c/d"), R"("a\"b\\c/d")") << "'/' needs no escape";
  EXPECT_EQ(JsonString("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonString("\x01\x1f\x7f"), R"("\u0001\u001f\u007f")") << "DEL escaped too";
  EXPECT_EQ(JsonString(" ~"), R"(" ~")");
}

TEST(JsonString, KeepsValidUtf8AndReplacesEverythingElse) {
  EXPECT_EQ(JsonString("é € 😀 xyz:NVDA"), "\"é € 😀 xyz:NVDA\"");
  // U+2028 and U+2029 are valid in JSON text (RFC 8259); only old JavaScript minded them.
  EXPECT_EQ(JsonString("\xE2\x80\xA8"), "\"\xE2\x80\xA8\"");
  EXPECT_EQ(JsonString("\xFF"), "\"" + kFffd + "\"");
  EXPECT_EQ(JsonString("\xC0\xAF"), "\"" + kFffd + kFffd + "\"") << "overlong";
  EXPECT_EQ(JsonString("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"") << "surrogate";
  EXPECT_EQ(JsonString("ok\xE2\x82"), "\"ok" + kFffd + kFffd + "\"") << "truncated sequence";
  for (const std::string bad : {"\xFF", "\xC0\xAF", "\xE2\x82", "a\x80z", "\xF0\x9F\x98"}) {
    boost::system::error_code ec;
    boost::json::parse(JsonString(bad), ec);
    EXPECT_FALSE(ec) << "always valid JSON";
  }
}

TEST(JsonString, NulBecomesReplacementForJsonbOrEscapeForClients) {
  const std::string_view nul("a\0b", 3);
  EXPECT_EQ(JsonString(nul), "\"a" + kFffd + "b\"") << "jsonb refuses \\u0000";
  EXPECT_EQ(JsonString(nul, Nul::kKeep), R"("a\u0000b")");
  std::string out = "prefix:";
  AppendJsonString("x", out);
  EXPECT_EQ(out, R"(prefix:"x")") << "appends";
}

TEST(ToLower, LowersAsciiLettersOnly) {
  EXPECT_EQ(ToLower("0xAbCdEF"), "0xabcdef");
  EXPECT_EQ(ToLower("Content-Type: X"), "content-type: x");
  EXPECT_EQ(ToLower("ÉCOLE"), "École") << "non-ASCII bytes are kept";
  EXPECT_EQ(ToLower("@[`{"), "@[`{") << "neighbours of the letter ranges";
  EXPECT_EQ(ToLower(""), "");
}

TEST(Trim, RemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\v\fx\f\v"), "x");
  EXPECT_EQ(Trim("inner  space"), "inner  space");
  EXPECT_EQ(Trim(" \t\r\n "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("\xC2\xA0x"), "\xC2\xA0x") << "no-break space is not ASCII whitespace";
}

TEST(OneLine, FoldsWhitespaceRunsIntoOneSpace) {
  EXPECT_EQ(OneLine("ERROR:  relation \"x\" does not exist\nLINE 1: SELECT\n"),
            "ERROR: relation \"x\" does not exist LINE 1: SELECT");
  EXPECT_EQ(OneLine("\n\t lead and trail \r\n"), "lead and trail");
  EXPECT_EQ(OneLine("a\r\n\r\nb"), "a b");
  EXPECT_EQ(OneLine("   "), "");
  EXPECT_EQ(OneLine(""), "");
  EXPECT_EQ(OneLine("single"), "single");
}

TEST(NormalizeWallet, LowercasesTheHexAddress) {
  EXPECT_EQ(NormalizeWallet("0x8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4"),
            "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4");
  EXPECT_EQ(NormalizeWallet("0xnobody"), "0xnobody");
  EXPECT_EQ(NormalizeWallet("ÄB"), "Äb") << "only ASCII letters change";
  EXPECT_EQ(NormalizeWallet(std::string_view("0X\0A", 4)), std::string("0x\0a", 4))
      << "a NUL stays, so the wallet matches nothing";
}

TEST(IsWalletAddress, IsZeroXAndFortyHexDigits) {
  EXPECT_TRUE(IsWalletAddress("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"));
  EXPECT_TRUE(IsWalletAddress("0X8C2A5F3E1B7D4C6A9E0F1D2C3B4A5968778695A4"));
  EXPECT_FALSE(IsWalletAddress("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a"));    // 39 digits
  EXPECT_FALSE(IsWalletAddress("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4f"));  // 41 digits
  EXPECT_FALSE(IsWalletAddress("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695g4"));
  EXPECT_FALSE(IsWalletAddress("008c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"));
  EXPECT_FALSE(
      IsWalletAddress(std::string_view("0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695\0a", 42)));
  EXPECT_FALSE(IsWalletAddress(""));
  EXPECT_FALSE(IsWalletAddress("0xa"));
}

}  // namespace
}  // namespace hltwap
