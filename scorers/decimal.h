// Exact decimal numbers for numeric_within (internal to scorers/): a total compared
// "within a cent" must not depend on binary floating point. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskcost {

/// A number read from text. Exact (in 1e-9 units) when it has at most 9 decimals and at most
/// 15 integer digits; otherwise only `approx` is meaningful.
struct Decimal {
  bool exact = false;
  __int128 nanos = 0;      // value x 1e9 when exact
  long double approx = 0;  // always set
  std::string text;        // as read, cleaned: "1234.50"
};

/// "12.5", "-3", "1e3", " $1,234.56 " (a leading $ and thousands commas are dropped for answers
/// written as text). nullopt when it is not a number.
std::optional<Decimal> ParseDecimal(std::string_view text);

struct Tolerance {
  int64_t e12 = 0;        // 1e-12 units: 0.01 -> 10^10
  bool relative = false;  // a share of |expected|: 0.02 -> 2%
};

/// |got - expected| <= tolerance (exact when both are).
bool Within(const Decimal& got, const Decimal& expected, const Tolerance& tolerance);
/// "± 0.01", "± 2%".
std::string ToleranceText(const Tolerance& tolerance);
/// got - expected as decimal text: "0.02", "-1.5".
std::string Difference(const Decimal& got, const Decimal& expected);

}  // namespace taskcost
