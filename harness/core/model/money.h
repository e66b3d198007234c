// Money: exact US dollar amounts as integer picodollars (1e-12 USD). Never binary floating point.
// A token price is a Money per token, which is the same integer as micro-dollars per million
// tokens, so "$2.50 per 1M tokens" is exactly 2,500,000 picodollars per token.
// Arithmetic never wraps around: a sum or difference past the int64 range (about +-$9.22
// million) is the overflow amount, which stays so through later sums and prints "overflow";
// Times, DividedBy and Scaled throw std::overflow_error instead. Plain value type; not
// synchronised.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/model/result.h"

namespace taskcost {

class Money {
 public:
  static constexpr int64_t kPicosPerDollar = 1'000'000'000'000;

  constexpr Money() = default;
  static constexpr Money FromPicos(int64_t picos) { return Money(picos); }
  /// What a sum beyond the largest amount is (INT64_MAX picodollars); Overflow(true) what a sum
  /// below the smallest is (INT64_MIN). Ordered beyond every other amount.
  static constexpr Money Overflow(bool negative = false) {
    return Money(negative ? INT64_MIN : INT64_MAX);
  }
  /// Whether this is an overflow amount (a figure whose exact value Money cannot hold).
  constexpr bool overflowed() const { return picos_ == INT64_MAX || picos_ == INT64_MIN; }

  /// Parses a decimal USD amount such as "2.50", "0.0000315", "1e-7" or "-3". Fails on
  /// anything that is not a number or is finer than a picodollar.
  static Result<Money> ParseUsd(std::string_view text);

  constexpr int64_t picos() const { return picos_; }
  /// Nearest double, for charts and JSON convenience fields only; never for arithmetic.
  double ToUsdDouble() const;

  /// Exact decimal text with all significant digits: "0.0084", "2.5", "0"; "overflow" (or
  /// "-overflow") for an overflow amount.
  std::string ToExactString() const;
  /// Rounded half away from zero to `decimals` places, zero-padded: ToFixed(4) -> "0.0084";
  /// "overflow" (or "-overflow") for an overflow amount.
  std::string ToFixed(int decimals) const;

  /// This amount times a count (tokens, calls). Throws std::overflow_error past int64.
  Money Times(int64_t count) const;
  /// This amount divided by `divisor` (> 0), rounded half away from zero to a picodollar.
  Money DividedBy(int64_t divisor) const;
  /// this * numerator / denominator, exact intermediate, rounded half away from zero. Throws
  /// std::overflow_error past int64.
  Money Scaled(int64_t numerator, int64_t denominator) const;
  // Times, DividedBy and Scaled of an overflow amount give an overflow amount (of the result's
  // sign), or 0 when multiplied by 0: a figure that could not be held is never made finite.

  /// Checked: past either end the overflow amount of that sign. An overflow operand gives an
  /// overflow result (its own sign; two of opposite signs give the positive one).
  constexpr Money operator+(Money o) const {
    if (overflowed() || o.overflowed()) {
      if (overflowed() && o.overflowed() && picos_ != o.picos_) return Overflow();
      return overflowed() ? *this : o;
    }
    int64_t sum = 0;
    if (__builtin_add_overflow(picos_, o.picos_, &sum)) return Overflow(picos_ < 0);
    return Money(sum);
  }
  constexpr Money operator-(Money o) const {
    return *this + (o.overflowed() ? Overflow(o.picos_ > 0) : Money(-o.picos_));
  }
  constexpr Money& operator+=(Money o) { return *this = *this + o; }
  constexpr Money& operator-=(Money o) { return *this = *this - o; }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t picos) : picos_(picos) {}
  int64_t picos_ = 0;
};

/// Rounds a/b half away from zero (b != 0), with a 128-bit intermediate product when used
/// through MulDivRound.
int64_t MulDivRound(int64_t value, int64_t numerator, int64_t denominator);

/// Parses an exact non-negative decimal such as "0.2" or "1.5" into an integer count of
/// 1/10^scale units: ParseScaledDecimal("0.2", 6) == 200000. Fails when finer than the scale.
Result<int64_t> ParseScaledDecimal(std::string_view text, int scale);

}  // namespace taskcost
