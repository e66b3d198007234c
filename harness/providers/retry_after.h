// How long a provider asks us to wait: the Retry-After family of headers and OpenAI's
// rate-limit reset durations ("6m0s"). Pure functions on header text. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/core/http.h"

namespace taskcost {

/// A Go-style duration as OpenAI sends in x-ratelimit-reset-*: "1s", "6m0s", "12ms",
/// "1m30.5s", "2h0m0s"; units h, m, s, ms, us (or µs), ns; a bare number is seconds (Azure).
/// Rounded up to the next millisecond so a wait never ends early. Empty when malformed.
std::optional<std::chrono::milliseconds> ParseRateLimitDuration(std::string_view text);

/// Retry-After as a delay in seconds, fractions allowed ("2", "1.5"). The HTTP-date form
/// needs a clock and is not read here: empty. Also empty when malformed or negative.
std::optional<std::chrono::milliseconds> ParseRetryAfterSeconds(std::string_view text);

/// The delay a response asks for, from `retry-after-ms` (milliseconds, fractions allowed)
/// or else `Retry-After` (seconds). Empty when neither is present and readable.
std::optional<std::chrono::milliseconds> RetryAfterFromHeaders(
    const std::vector<HttpHeader>& headers);

}  // namespace taskcost
