#include "harness/providers/retry_after.h"

#include <charconv>
#include <cmath>
#include <string>

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

}  // namespace

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
