// How long a provider asks us to wait and how much quota it says is left: the Retry-After
// family of headers, OpenAI's x-ratelimit-* headers (reset durations such as "6m0s") and
// Anthropic's anthropic-ratelimit-* headers (RFC 3339 reset times). Pure functions on header
// text. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/core/model/http.h"

namespace taskcost {

/// A Go-style duration as OpenAI sends in x-ratelimit-reset-*: "1s", "6m0s", "12ms",
/// "1m30.5s", "2h0m0s"; units h, m, s, ms, us (or µs), ns; a bare number is seconds (Azure).
/// Rounded up to the next millisecond so a wait never ends early. Empty when malformed.
std::optional<std::chrono::milliseconds> ParseRateLimitDuration(std::string_view text);

/// Retry-After as a delay in seconds, fractions allowed ("2", "1.5"). The HTTP-date form is
/// read by RetryAfterFromHeaders: empty here. Also empty when malformed or negative. Delays,
/// here and in ParseRateLimitDuration, are held at kMaxWaitSeconds: a well-formed wait of
/// centuries is a very long wait, which the run's max_wait then refuses.
std::optional<std::chrono::milliseconds> ParseRetryAfterSeconds(std::string_view text);

/// The longest delay read from any header (about 115 days).
inline constexpr double kMaxWaitSeconds = 1e7;

/// An HTTP-date (RFC 9110 section 5.6.7) as milliseconds since the Unix epoch: the preferred
/// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and the obsolete forms recipients must accept,
/// RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years read as 1970-2069) and asctime
/// "Sun Nov  6 08:49:37 1994". Empty when malformed.
std::optional<int64_t> ParseHttpDateMillis(std::string_view text);

/// The delay a response asks for, from `retry-after-ms` (milliseconds, fractions allowed)
/// or else `Retry-After`: seconds, or an HTTP-date taken relative to the response's own `Date`
/// header (both the server's clock, so a skewed local clock does not matter; 0 when already
/// past; unread without a readable `Date`). Empty when nothing is present and readable.
std::optional<std::chrono::milliseconds> RetryAfterFromHeaders(
    const std::vector<HttpHeader>& headers);

/// The header a response's wait was read from, as "Retry-After: 999999" (name as the runner
/// reads it, the value cut to 64 bytes): `retry-after-ms` or `Retry-After` when readable, else
/// the longest readable `x-ratelimit-reset-requests` / `-tokens`. Empty when none is.
std::string WaitSource(const std::vector<HttpHeader>& headers);

/// One quota (requests or tokens) as a reply's rate-limit headers state it. Any field may be
/// missing. Providers state limits per minute.
struct RateLimitWindow {
  std::optional<int64_t> limit;      // *-limit: the most the quota allows per minute
  std::optional<int64_t> remaining;  // *-remaining: what is left right now
  std::optional<std::chrono::milliseconds> reset_after;  // x-ratelimit-reset-*: until it is full
  std::optional<int64_t> reset_unix_ms;  // anthropic-ratelimit-*-reset: when it is full (UTC ms)

  bool empty() const { return !limit && !remaining && !reset_after && !reset_unix_ms; }
  /// The reset as a delay from `now_unix_ms`: reset_after, else reset_unix_ms - now (0 when
  /// already past). Empty when neither was sent.
  std::optional<std::chrono::milliseconds> ResetAfter(int64_t now_unix_ms) const;
};

/// The rate-limit headers of one reply.
struct RateLimitState {
  RateLimitWindow requests;
  RateLimitWindow tokens;
};

/// An RFC 3339 date-time ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.250+01:00") as
/// milliseconds since the Unix epoch, fractions rounded up. Empty when malformed.
std::optional<int64_t> ParseRfc3339Millis(std::string_view text);

/// Reads x-ratelimit-{limit,remaining,reset}-{requests,tokens} (OpenAI, Azure and many
/// compatible servers) or, when any is present, anthropic-ratelimit-{requests,tokens}-*
/// (input-tokens standing in for tokens when tokens is absent). Unreadable values are left
/// out; empty when no rate-limit header could be read.
std::optional<RateLimitState> RateLimitFromHeaders(const std::vector<HttpHeader>& headers);

}  // namespace taskcost
