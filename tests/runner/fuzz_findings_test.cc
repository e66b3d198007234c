// Headers the rate_limit_headers fuzz target found faults with (tests/fuzz/findings/,
// docs/fuzzing.md), taken as the target takes them: read by RateLimitFromHeaders, made a
// reading by ReadingOf, observed by the scheduler's ServerQuota.
#include <doctest/doctest.h>

#include "harness/providers/retry_after.h"
#include "harness/runner/rate_limiter.h"
#include "tests/fuzz/finding.h"
#include "tests/fuzz/fuzz_input.h"

namespace taskcost::fuzz_findings_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Finding rate_limit_headers-reset-year-7281: a quota without a limit whose reset is in year
// 7281 made ServerQuota::Observe compute now + 165,803,734,794,000 ms in nanoseconds, a signed
// overflow (UBSan: rate_limiter.cc:100; the quota then expired at a wrapped time). Fixed on
// main by the sched branch (commit 7d2ec49): a quota's reset is held at `max_wait` (default
// 120 s).
TEST_CASE(
    "fuzz finding rate_limit_headers-reset-year-7281: a reset in year 7281 waits at most "
    "max_wait") {
  const std::vector<HttpHeader> headers =
      fuzz::HeadersFromText(fuzz::Finding("rate_limit_headers-reset-year-7281"));
  const std::optional<RateLimitState> state = RateLimitFromHeaders(headers);
  REQUIRE(state.has_value());
  // The mangled names leave the tokens quota with 39020 remaining, no limit, and the reset
  // 7281-01-02T03:04:06Z = 167,599,163,046,000 ms after the epoch (days from civil:
  // 1,939,805 days x 86,400 s + 11,046 s).
  CHECK_FALSE(state->tokens.limit.has_value());
  CHECK(state->tokens.remaining == 39'020);
  CHECK(state->tokens.reset_unix_ms == 167'599'163'046'000);

  const int64_t now_unix_ms = 1'795'428'252'000;  // the target's now: 2026-11-23T10:04:12Z
  const SteadyTime now = SteadyTime(std::chrono::hours(24 * 365));
  const SteadyTime sent = now - milliseconds(250);
  ServerQuota quota;
  quota.Observe(ReadingOf(*state, now_unix_ms).tokens, sent, 2, now);
  // Without a limit it holds what remains less what was sent since (39020 - 2), until the reset,
  // held at 120 s.
  CHECK(quota.Level(now) == 39'018.0);
  CHECK(quota.Known(now + seconds(119)));
  CHECK_FALSE(quota.Known(now + seconds(120)));
}

}  // namespace taskcost::fuzz_findings_test
