// libFuzzer target: a reply's headers ("Name: value" lines) through the Retry-After and
// rate-limit readers (providers/retry_after.h) and on into what the scheduler does with them
// (runner/rate_limiter.h): the pause Retry-After asks for and the provider's quota mirrored
// from a reading, then asked when a send is ready. Every header value is also read alone by
// each parser.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "harness/providers/retry_after.h"
#include "harness/runner/rate_limiter.h"
#include "tests/fuzz/fuzz_input.h"

namespace taskcost::fuzz {
namespace {

constexpr size_t kMaxHeaderBytes = 8 << 10;
constexpr int64_t kNowUnixMs = 1'795'428'252'000;  // 2026-11-23T10:04:12Z

// The scheduler's use of one quota's reading: a request sent 250 ms ago, answered now.
void Mirror(const QuotaReading& reading, SteadyTime now) {
  const SteadyTime sent = now - std::chrono::milliseconds(250);
  ServerQuota quota;
  quota.OnSend(1, sent);
  quota.Observe(reading, sent, 2, now);
  (void)quota.ReadyAt(1);
  (void)quota.Level(now);
  quota.OnSend(500, now);
  quota.Refund(-20, now);
  quota.Observe(reading, sent, 0, now + std::chrono::seconds(1));  // a known quota re-anchored
  (void)quota.Ready(1000, now + std::chrono::seconds(2));
}

}  // namespace
}  // namespace taskcost::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > fuzz::kMaxHeaderBytes) return -1;
  const std::vector<HttpHeader> headers = fuzz::HeadersFromText(fuzz::Text(data, size));
  const SteadyTime now = SteadyTime(std::chrono::hours(24 * 365));  // a year of uptime
  if (auto delay = RetryAfterFromHeaders(headers)) {
    (void)(now + *delay);  // the scheduler's pause: Later(paused_until, now + retry_after)
  }
  if (auto state = RateLimitFromHeaders(headers)) {
    const RateLimitReading reading = ReadingOf(*state, fuzz::kNowUnixMs);
    fuzz::Mirror(reading.requests, now);
    fuzz::Mirror(reading.tokens, now);
  }
  for (const HttpHeader& header : headers) {
    (void)ParseRateLimitDuration(header.value);
    (void)ParseRetryAfterSeconds(header.value);
    (void)ParseRfc3339Millis(header.value);
  }
  return 0;
}
