#include "harness/providers/retry_after.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace taskcost {
namespace {

// Longer waits than this are not a rate limit but a malformed header.
constexpr double kMaxSeconds = 1e7;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads a non-negative decimal number ("30", "30.5", ".5") off the front of `s`.
std::optional<double> TakeNumber(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')) ++n;
  if (n == 0) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + n, value);
  if (ec != std::errc() || end != s.data() + n) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

// Seconds per unit, for the units Go's time.Duration prints.
std::optional<double> TakeUnit(std::string_view& s) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1e-3}, {"us", 1e-6}, {"\xC2\xB5s", 1e-6}, {"ns", 1e-9}, {"h", 3600},
      {"m", 60},    {"s", 1},
  };
  for (const auto& [name, seconds] : kUnits) {
    if (s.substr(0, name.size()) == name) {
      s.remove_prefix(name.size());
      return seconds;
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> FromSeconds(double seconds) {
  if (!(seconds >= 0) || seconds > kMaxSeconds) return std::nullopt;
  // Round up, less a hair of floating-point noise: 0.1 s is 100 ms, not 101.
  double millis = std::ceil(seconds * 1000 - 1e-6);
  return std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, millis)));
}

// Exactly `digits` decimal digits off the front of `s`.
std::optional<int> TakeDigits(std::string_view& s, size_t digits) {
  if (s.size() < digits) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  s.remove_prefix(digits);
  return value;
}

bool TakeChar(std::string_view& s, std::string_view any_of) {
  if (s.empty() || any_of.find(s.front()) == std::string_view::npos) return false;
  s.remove_prefix(1);
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// ".250" after the seconds: milliseconds, rounded up; digits past nanoseconds are ignored.
int64_t TakeFractionMillis(std::string_view& s) {
  if (!TakeChar(s, ".")) return 0;
  int64_t nanos = 0;
  int digits = 0;
  while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
    if (digits < 9) nanos = nanos * 10 + (s.front() - '0');
    ++digits;
    s.remove_prefix(1);
  }
  if (digits == 0) return -1;
  for (int i = digits; i < 9; ++i) nanos *= 10;
  return (nanos + 999'999) / 1'000'000;
}

// "Z" or "+01:00": the offset east of UTC in minutes.
std::optional<int> TakeOffsetMinutes(std::string_view& s) {
  if (TakeChar(s, "Zz")) return 0;
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return std::nullopt;
  const int sign = s.front() == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::optional<int> hours = TakeDigits(s, 2);
  if (!hours || !TakeChar(s, ":")) return std::nullopt;
  std::optional<int> minutes = TakeDigits(s, 2);
  if (!minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 60 + *minutes);
}

std::optional<int64_t> ParseCount(std::string_view text) {
  std::string_view s = Trim(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

// The headers of one quota: `prefix` + limit / remaining / reset (+ `suffix`).
RateLimitWindow ReadWindow(const std::vector<HttpHeader>& headers, const std::string& prefix,
                           const std::string& suffix, bool reset_is_time) {
  RateLimitWindow w;
  if (auto v = FindHeader(headers, prefix + "limit" + suffix)) w.limit = ParseCount(*v);
  if (auto v = FindHeader(headers, prefix + "remaining" + suffix)) w.remaining = ParseCount(*v);
  if (auto v = FindHeader(headers, prefix + "reset" + suffix)) {
    if (reset_is_time) {
      w.reset_unix_ms = ParseRfc3339Millis(*v);
    } else {
      w.reset_after = ParseRateLimitDuration(*v);
    }
  }
  return w;
}

bool HasAnthropicHeaders(const std::vector<HttpHeader>& headers) {
  constexpr std::string_view kPrefix = "anthropic-ratelimit-";
  for (const HttpHeader& h : headers) {
    if (h.name.size() < kPrefix.size()) continue;
    bool match = true;
    for (size_t i = 0; i < kPrefix.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(h.name[i])) == kPrefix[i];
    }
    if (match) return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::milliseconds> RateLimitWindow::ResetAfter(int64_t now_unix_ms) const {
  if (reset_after) return reset_after;
  if (!reset_unix_ms) return std::nullopt;
  return std::chrono::milliseconds(std::max<int64_t>(0, *reset_unix_ms - now_unix_ms));
}

std::optional<int64_t> ParseRfc3339Millis(std::string_view text) {
  std::string_view s = Trim(text);
  std::optional<int> year = TakeDigits(s, 4);
  if (!year || !TakeChar(s, "-")) return std::nullopt;
  std::optional<int> month = TakeDigits(s, 2);
  if (!month || !TakeChar(s, "-")) return std::nullopt;
  std::optional<int> day = TakeDigits(s, 2);
  if (!day || !TakeChar(s, "Tt ")) return std::nullopt;
  std::optional<int> hour = TakeDigits(s, 2);
  if (!hour || !TakeChar(s, ":")) return std::nullopt;
  std::optional<int> minute = TakeDigits(s, 2);
  if (!minute || !TakeChar(s, ":")) return std::nullopt;
  std::optional<int> second = TakeDigits(s, 2);
  if (!second) return std::nullopt;
  const int64_t fraction_ms = TakeFractionMillis(s);
  std::optional<int> offset = TakeOffsetMinutes(s);
  if (!offset || fraction_ms < 0 || !s.empty()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  const int64_t seconds = DaysFromCivil(*year, *month, *day) * 86'400 + *hour * 3'600 +
                          *minute * 60 + *second - int64_t{*offset} * 60;
  return seconds * 1000 + fraction_ms;
}

std::optional<RateLimitState> RateLimitFromHeaders(const std::vector<HttpHeader>& headers) {
  RateLimitState state;
  if (HasAnthropicHeaders(headers)) {
    state.requests = ReadWindow(headers, "anthropic-ratelimit-requests-", "", true);
    state.tokens = ReadWindow(headers, "anthropic-ratelimit-tokens-", "", true);
    if (state.tokens.empty()) {
      state.tokens = ReadWindow(headers, "anthropic-ratelimit-input-tokens-", "", true);
    }
  } else {
    state.requests = ReadWindow(headers, "x-ratelimit-", "-requests", false);
    state.tokens = ReadWindow(headers, "x-ratelimit-", "-tokens", false);
  }
  if (state.requests.empty() && state.tokens.empty()) return std::nullopt;
  return state;
}

std::optional<std::chrono::milliseconds> ParseRateLimitDuration(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return std::nullopt;
  double seconds = 0;
  bool bare_number = true;
  while (!s.empty()) {
    std::optional<double> number = TakeNumber(s);
    if (!number) return std::nullopt;
    if (s.empty() && bare_number) return FromSeconds(*number);  // "20": seconds
    std::optional<double> unit = TakeUnit(s);
    if (!unit) return std::nullopt;
    seconds += *number * *unit;
    bare_number = false;
  }
  return FromSeconds(seconds);
}

std::optional<std::chrono::milliseconds> ParseRetryAfterSeconds(std::string_view text) {
  std::string_view s = Trim(text);
  std::optional<double> seconds = TakeNumber(s);
  if (!seconds || !s.empty()) return std::nullopt;
  return FromSeconds(*seconds);
}

std::optional<std::chrono::milliseconds> RetryAfterFromHeaders(
    const std::vector<HttpHeader>& headers) {
  if (std::optional<std::string_view> ms = FindHeader(headers, "retry-after-ms")) {
    std::string_view s = Trim(*ms);
    std::optional<double> millis = TakeNumber(s);
    if (millis && s.empty()) {
      if (auto delay = FromSeconds(*millis / 1000)) return delay;
    }
  }
  if (std::optional<std::string_view> seconds = FindHeader(headers, "retry-after")) {
    return ParseRetryAfterSeconds(*seconds);
  }
  return std::nullopt;
}

}  // namespace taskcost
