#include "scorers/decimal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace taskcost {
namespace {

constexpr int kScale = 9;
constexpr int kMaxIntegerDigits = 15;

// v x 10^-scale as trimmed decimal text: (1500, 3) -> "1.5".
std::string FormatScaled(__int128 v, int scale) {
  const bool negative = v < 0;
  if (negative) v = -v;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  std::string out = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  std::string fraction = digits.substr(digits.size() - static_cast<size_t>(scale));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return (negative ? "-" : "") + out;
}

std::string Cleaned(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') continue;
    out += c;
  }
  if (out.starts_with("$")) out.erase(0, 1);
  if (out.starts_with("-$")) out.erase(1, 1);
  return out;
}

}  // namespace

std::optional<Decimal> ParseDecimal(std::string_view raw) {
  Decimal d;
  d.text = Cleaned(raw);
  std::string_view s = d.text;
  size_t i = 0;
  const bool negative = i < s.size() && (s[i] == '-' || s[i] == '+') && s[i++] == '-';
  std::string digits;
  int point = -1;  // digits before the decimal point
  for (; i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'); ++i) {
    if (s[i] == '.') {
      if (point >= 0) return std::nullopt;
      point = static_cast<int>(digits.size());
    } else {
      digits += s[i];
    }
  }
  if (digits.empty()) return std::nullopt;
  if (point < 0) point = static_cast<int>(digits.size());
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    char* end = nullptr;
    std::string tail(s.substr(i + 1));
    long e = std::strtol(tail.c_str(), &end, 10);
    if (tail.empty() || *end != '\0' || e > 400 || e < -400) return std::nullopt;
    exponent = static_cast<int>(e);
    i = s.size();
  }
  if (i != s.size()) return std::nullopt;
  d.approx = std::strtold(d.text.c_str(), nullptr);
  // value = 0.digits x 10^(point + exponent)
  const int integer_digits = point + exponent;
  const int fraction_digits = static_cast<int>(digits.size()) - integer_digits;
  size_t first = digits.find_first_not_of('0');
  const int significant_integer = first == std::string::npos
                                      ? 0
                                      : integer_digits - static_cast<int>(first);
  d.exact = fraction_digits <= kScale && significant_integer <= kMaxIntegerDigits;
  if (d.exact) {
    // Only the significant digits matter; integer_digits <= 15 + leading zeros.
    for (char c : digits.substr(first == std::string::npos ? digits.size() : first)) {
      d.nanos = d.nanos * 10 + (c - '0');
    }
    for (int k = std::max(fraction_digits, -kScale * 4); k < kScale; ++k) d.nanos *= 10;
    if (negative) d.nanos = -d.nanos;
  }
  if (negative) d.approx = -std::fabs(d.approx);
  return d;
}

bool Within(const Decimal& got, const Decimal& expected, const Tolerance& tolerance) {
  if (got.exact && expected.exact) {
    __int128 diff = got.nanos - expected.nanos;
    if (diff < 0) diff = -diff;
    if (!tolerance.relative) return diff * 1000 <= tolerance.e12;  // both in 1e-12 units
    const __int128 share = std::min<int64_t>(tolerance.e12, 100'000'000'000'000);  // <= 100x
    const __int128 base = expected.nanos < 0 ? -expected.nanos : expected.nanos;
    return diff * 1'000'000'000'000 <= share * base;
  }
  const long double diff = std::fabs(got.approx - expected.approx);
  const long double tol = static_cast<long double>(tolerance.e12) / 1e12L;
  return diff <= (tolerance.relative ? tol * std::fabs(expected.approx) : tol);
}

std::string ToleranceText(const Tolerance& tolerance) {
  if (tolerance.relative) return "± " + FormatScaled(tolerance.e12, 10) + "%";
  return "± " + FormatScaled(tolerance.e12, 12);
}

std::string Difference(const Decimal& got, const Decimal& expected) {
  if (got.exact && expected.exact) {
    std::string text = FormatScaled(got.nanos - expected.nanos, kScale);
    return text.starts_with("-") ? text : "+" + text;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.6Lg", got.approx - expected.approx);
  return buf;
}

}  // namespace taskcost
