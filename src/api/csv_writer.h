// CSV rows for files that spreadsheets and tax tools import (docs/design.md, API contract:
// exports). RFC 4180: fields separated by commas, rows ended by CRLF, a field quoted when it
// holds a comma, a double quote, CR or LF, with its double quotes doubled. Formula injection is
// neutralised: a field that starts with '=', '+', '-', '@', a tab or a CR and is not a number
// is written as text, with an apostrophe before it and quoted, so no spreadsheet evaluates it.
// A number such as "-1.5" or "+2E-3" is written as it is.
#pragma once

#include <string>
#include <string_view>

namespace hltwap::api {

// A decimal number as a spreadsheet reads one: [+-]digits[.digits][(e|E)[+-]digits], or with
// the digits after the point only (".5").
bool IsCsvNumber(std::string_view text);

// Appends rows to a string it does not own.
class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}

  // One field of the current row; an empty field is written as nothing (SQL NULL too).
  void Field(std::string_view value);
  void EndRow();

 private:
  std::string& out_;
  bool row_started_ = false;
};

}  // namespace hltwap::api
