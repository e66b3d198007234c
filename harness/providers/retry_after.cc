#include "harness/providers/retry_after.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace taskcost {
namespace {

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
  if (ec == std::errc::result_out_of_range && end == s.data() + n) {
    // Too many digits for a double: huge, or (only zeros before the point) tiny.
    const std::string_view whole = s.substr(0, std::min(n, s.substr(0, n).find('.')));
    value = whole.find_first_not_of('0') == std::string_view::npos
                ? 0
                : std::numeric_limits<double>::infinity();
  } else if (ec != std::errc() || end != s.data() + n) {
    return std::nullopt;
  }
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
  if (!(seconds >= 0)) return std::nullopt;
  seconds = std::min(seconds, kMaxWaitSeconds);
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

// "Nov" -> 11; 0 when not an English month abbreviation (HTTP-dates are case-sensitive).
int TakeMonth(std::string_view& s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int m = 0; m < 12; ++m) {
    if (s.substr(0, 3) == kMonths[m]) {
      s.remove_prefix(3);
      return m + 1;
    }
  }
  return 0;
}

// "08:49:37" -> seconds of the day.
std::optional<int64_t> TakeClock(std::string_view& s) {
  std::optional<int> h = TakeDigits(s, 2);
  if (!h || !TakeChar(s, ":")) return std::nullopt;
  std::optional<int> m = TakeDigits(s, 2);
  if (!m || !TakeChar(s, ":")) return std::nullopt;
  std::optional<int> sec = TakeDigits(s, 2);
  if (!sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return int64_t{*h} * 3600 + *m * 60 + *sec;
}

// Skips a day name ("Sun", "Sunday") up to and including `end` (", " or " ").
bool SkipDayName(std::string_view& s, std::string_view end) {
  const size_t at = s.find(end);
  if (at == std::string_view::npos || at < 3 || at > 9) return false;
  for (size_t i = 0; i < at; ++i) {
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) return false;
  }
  s.remove_prefix(at + end.size());
  return true;
}

std::optional<int64_t> DateMillis(int64_t year, int month, int day, std::optional<int64_t> clock) {
  if (month == 0 || day < 1 || day > 31 || !clock) return std::nullopt;
  return (DaysFromCivil(year, month, day) * 86'400 + *clock) * 1000;
}

// After the day name: "06 Nov 1994 08:49:37 GMT" (IMF-fixdate: `sep` " ", a 4-digit year) or
// "06-Nov-94 08:49:37 GMT" (RFC 850: `sep` "-", a 2-digit year read as 1970-2069).
std::optional<int64_t> DayMonthYearDate(std::string_view s, std::string_view sep,
                                        size_t year_digits) {
  std::optional<int> day = TakeDigits(s, 2);
  if (!day || !TakeChar(s, sep)) return std::nullopt;
  const int month = TakeMonth(s);
  if (!TakeChar(s, sep)) return std::nullopt;
  std::optional<int> year = TakeDigits(s, year_digits);
  if (!year || !TakeChar(s, " ")) return std::nullopt;
  std::optional<int64_t> clock = TakeClock(s);
  if (s != " GMT") return std::nullopt;
  int64_t full_year = *year;
  if (year_digits == 2) full_year += *year < 70 ? 2000 : 1900;
  return DateMillis(full_year, month, *day, clock);
}

// "Nov  6 08:49:37 1994" (asctime after the day name; the day is space-padded).
std::optional<int64_t> AsctimeDate(std::string_view s) {
  const int month = TakeMonth(s);
  if (!TakeChar(s, " ")) return std::nullopt;
  std::optional<int> day;
  if (s.size() >= 2 && s[0] == ' ') {
    s.remove_prefix(1);
    day = TakeDigits(s, 1);
  } else {
    day = TakeDigits(s, 2);
  }
  if (!day || !TakeChar(s, " ")) return std::nullopt;
  std::optional<int64_t> clock = TakeClock(s);
  if (!TakeChar(s, " ")) return std::nullopt;
  std::optional<int> year = TakeDigits(s, 4);
  if (!year || !s.empty()) return std::nullopt;
  return DateMillis(*year, month, *day, clock);
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

std::optional<int64_t> ParseHttpDateMillis(std::string_view text) {
  std::string_view s = Trim(text);
  std::string_view rest = s;
  if (SkipDayName(rest, ", ")) {
    if (rest.size() > 2 && rest[2] == '-') return DayMonthYearDate(rest, "-", 2);
    return DayMonthYearDate(rest, " ", 4);
  }
  rest = s;
  if (SkipDayName(rest, " ")) return AsctimeDate(rest);
  return std::nullopt;
}

namespace {

std::optional<std::chrono::milliseconds> RetryAfterMs(const std::vector<HttpHeader>& headers) {
  std::optional<std::string_view> ms = FindHeader(headers, "retry-after-ms");
  if (!ms) return std::nullopt;
  std::string_view s = Trim(*ms);
  std::optional<double> millis = TakeNumber(s);
  if (!millis || !s.empty()) return std::nullopt;
  return FromSeconds(*millis / 1000);
}

// Retry-After in either form; an HTTP-date counts from the response's Date header.
std::optional<std::chrono::milliseconds> RetryAfter(const std::vector<HttpHeader>& headers) {
  std::optional<std::string_view> value = FindHeader(headers, "retry-after");
  if (!value) return std::nullopt;
  if (auto seconds = ParseRetryAfterSeconds(*value)) return seconds;
  std::optional<int64_t> until = ParseHttpDateMillis(*value);
  std::optional<std::string_view> date = FindHeader(headers, "date");
  std::optional<int64_t> now = date ? ParseHttpDateMillis(*date) : std::nullopt;
  if (!until || !now) return std::nullopt;
  return FromSeconds(static_cast<double>(std::max<int64_t>(0, *until - *now)) / 1000);
}

// The longest readable x-ratelimit-reset-requests / -tokens, with its header's name.
std::optional<std::pair<std::string_view, std::chrono::milliseconds>> LongestReset(
    const std::vector<HttpHeader>& headers) {
  std::optional<std::pair<std::string_view, std::chrono::milliseconds>> longest;
  for (std::string_view name : {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"}) {
    std::optional<std::string_view> value = FindHeader(headers, name);
    std::optional<std::chrono::milliseconds> delay =
        value ? ParseRateLimitDuration(*value) : std::nullopt;
    if (delay && (!longest || *delay > longest->second)) longest = {name, *delay};
  }
  return longest;
}

std::string Named(std::string_view name, std::string_view value) {
  std::string text(name);
  text += ": ";
  text += Trim(value).substr(0, 64);
  return text;
}

}  // namespace

std::optional<std::chrono::milliseconds> RetryAfterFromHeaders(
    const std::vector<HttpHeader>& headers) {
  if (auto ms = RetryAfterMs(headers)) return ms;
  return RetryAfter(headers);
}

std::string WaitSource(const std::vector<HttpHeader>& headers) {
  if (RetryAfterMs(headers)) return Named("retry-after-ms", *FindHeader(headers, "retry-after-ms"));
  if (RetryAfter(headers)) return Named("Retry-After", *FindHeader(headers, "retry-after"));
  if (auto reset = LongestReset(headers)) {
    return Named(reset->first, *FindHeader(headers, reset->first));
  }
  return "";
}

}  // namespace taskcost
