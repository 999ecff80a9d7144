#include "api/csv_writer.h"

namespace hltwap::api {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// What spreadsheets treat as the start of a formula (OWASP, "CSV Injection").
bool StartsLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
  }
}

bool NeedsQuotes(std::string_view text) {
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendQuoted(std::string& out, std::string_view prefix, std::string_view text) {
  out += '"';
  out += prefix;
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

bool IsCsvNumber(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t digits = 0;
  while (i < t.size() && IsDigit(t[i])) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && IsDigit(t[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < t.size() && IsDigit(t[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == t.size();
}

void CsvWriter::Field(std::string_view value) {
  if (row_started_) out_ += ',';
  row_started_ = true;
  if (StartsLikeFormula(value) && !IsCsvNumber(value)) {
    AppendQuoted(out_, "'", value);
  } else if (NeedsQuotes(value)) {
    AppendQuoted(out_, "", value);
  } else {
    out_ += value;
  }
}

void CsvWriter::EndRow() {
  out_ += "\r\n";
  row_started_ = false;
}

}  // namespace hltwap::api
