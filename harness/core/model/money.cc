#include "harness/core/model/money.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace taskcost {
namespace {

// A decimal number as digits and a power of ten: value = sign * digits * 10^exponent.
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading zeros except "0"
  int exponent = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<Decimal> ParseDecimal(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) d.negative = text[i++] == '-';
  bool any_digit = false;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    d.digits += text[i];
    any_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      d.digits += text[i];
      --d.exponent;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i >= text.size() || !IsDigit(text[i])) return std::nullopt;
    int exp = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      exp = exp * 10 + (text[i] - '0');
      if (exp > 1000) return std::nullopt;
    }
    d.exponent += exp_negative ? -exp : exp;
  }
  if (i != text.size()) return std::nullopt;
  size_t first = d.digits.find_first_not_of('0');
  d.digits = first == std::string::npos ? "0" : d.digits.substr(first);
  return d;
}

// digits * 10^(exponent + scale) as an exact int64, or an error message.
Result<int64_t> ToScaledInteger(const Decimal& d, int scale, std::string_view original) {
  std::string digits = d.digits;
  int shift = d.exponent + scale;
  while (shift < 0) {  // drop trailing zeros that sit below the unit
    if (digits.size() > 1 && digits.back() == '0') {
      digits.pop_back();
      ++shift;
    } else if (digits == "0") {
      shift = 0;
    } else {
      return MakeError("\"" + std::string(original) + "\" is finer than 1e-" +
                       std::to_string(scale) + " and cannot be represented exactly");
    }
  }
  if (digits != "0") digits.append(static_cast<size_t>(shift), '0');
  // At most INT64_MAX - 1 units: INT64_MAX picodollars is Money's overflow amount.
  int64_t value = 0;
  const std::from_chars_result end =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end.ec != std::errc() || digits.size() > 19 || value == INT64_MAX) {
    return MakeError("\"" + std::string(original) + "\" is too large");
  }
  return d.negative ? -value : value;
}

}  // namespace

Result<Money> Money::ParseUsd(std::string_view text) {
  std::optional<Decimal> d = ParseDecimal(text);
  if (!d) return MakeError("\"" + std::string(text) + "\" is not a decimal number");
  Result<int64_t> picos = ToScaledInteger(*d, 12, text);
  if (!picos.ok()) return picos.errors();
  return Money::FromPicos(picos.value());
}

Result<int64_t> ParseScaledDecimal(std::string_view text, int scale) {
  std::optional<Decimal> d = ParseDecimal(text);
  if (!d) return MakeError("\"" + std::string(text) + "\" is not a decimal number");
  return ToScaledInteger(*d, scale, text);
}

double Money::ToUsdDouble() const {
  return static_cast<double>(picos_) / static_cast<double>(kPicosPerDollar);
}

std::string Money::ToExactString() const {
  if (overflowed()) return picos_ < 0 ? "-overflow" : "overflow";
  std::string out = ToFixed(12);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

std::string Money::ToFixed(int decimals) const {
  if (overflowed()) return picos_ < 0 ? "-overflow" : "overflow";
  if (decimals < 0) decimals = 0;
  if (decimals > 12) decimals = 12;
  int64_t unit = 1;
  for (int i = 0; i < 12 - decimals; ++i) unit *= 10;
  const bool negative = picos_ < 0;
  // Work on the magnitude as unsigned so INT64_MIN is safe.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(picos_) : static_cast<uint64_t>(picos_);
  uint64_t scaled = magnitude / static_cast<uint64_t>(unit);
  if ((magnitude % static_cast<uint64_t>(unit)) * 2 >= static_cast<uint64_t>(unit)) ++scaled;
  uint64_t ten_pow = 1;
  for (int i = 0; i < decimals; ++i) ten_pow *= 10;
  std::string out = (negative && scaled != 0) ? "-" : "";
  out += std::to_string(scaled / ten_pow);
  if (decimals > 0) {
    std::string frac = std::to_string(scaled % ten_pow);
    out += "." + std::string(static_cast<size_t>(decimals) - frac.size(), '0') + frac;
  }
  return out;
}

int64_t MulDivRound(int64_t value, int64_t numerator, int64_t denominator) {
  if (denominator == 0) throw std::invalid_argument("MulDivRound: division by zero");
  __int128 product = static_cast<__int128>(value) * numerator;
  __int128 q = product / denominator;
  __int128 r = product % denominator;
  __int128 abs_r2 = (r < 0 ? -r : r) * 2;
  __int128 abs_d = denominator < 0 ? -static_cast<__int128>(denominator) : denominator;
  if (abs_r2 >= abs_d) q += ((product < 0) != (denominator < 0)) ? -1 : 1;
  if (q > INT64_MAX || q < INT64_MIN) throw std::overflow_error("money overflow");
  return static_cast<int64_t>(q);
}

namespace {
// An overflow amount times numerator / denominator: 0, or an overflow amount of the sign.
Money OverflowScaled(Money amount, int64_t numerator, int64_t denominator) {
  if (numerator == 0) return Money();
  const bool negative = (amount.picos() < 0) != ((numerator < 0) != (denominator < 0));
  return Money::Overflow(negative);
}
}  // namespace

Money Money::Times(int64_t count) const {
  if (overflowed()) return OverflowScaled(*this, count, 1);
  return Money(MulDivRound(picos_, count, 1));
}
Money Money::DividedBy(int64_t divisor) const {
  if (overflowed()) return OverflowScaled(*this, 1, divisor);
  return Money(MulDivRound(picos_, 1, divisor));
}
Money Money::Scaled(int64_t numerator, int64_t denominator) const {
  if (overflowed()) return OverflowScaled(*this, numerator, denominator);
  return Money(MulDivRound(picos_, numerator, denominator));
}

}  // namespace taskcost
