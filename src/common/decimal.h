// Exact decimal text: the form every size and notional takes from file to JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hltwap {

// True for plain decimal text PostgreSQL's NUMERIC accepts and keeps digit for digit:
// an optional sign, digits with an optional point ("10.5", "-0.001", ".5", "3."), and an
// optional exponent ("1.5e-7"). NaN and Infinity are not decimals here.
bool IsDecimalText(std::string_view text);

// The shortest decimal that reads back as the same double, in plain notation
// (0.1 -> "0.1", 1e-7 -> "0.0000001", 1e21 -> "1000000000000000000000"). NaN and
// infinities have no decimal form.
std::optional<std::string> DoubleToDecimalText(double value);

}  // namespace hltwap
