// A simulated provider rate limit (internal): requests and tokens per minute enforced as token
// buckets that hold `window_s` seconds' allowance and refill continuously, as providers enforce
// their per-minute limits over short windows. Pure: time is passed in. Not synchronised: the
// responder's thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "harness/mock/simulator.h"

namespace taskcost::mock {

/// One quota as rate-limit headers state it.
struct QuotaHeader {
  int64_t limit = 0;      // per minute
  int64_t remaining = 0;  // whole units left now
  int64_t reset_ms = 0;   // until the quota is full again
};

/// What a reply's rate-limit headers say.
struct RateHeaders {
  std::optional<QuotaHeader> requests;
  std::optional<QuotaHeader> tokens;
  int64_t now_unix_ms = 0;  // Anthropic states resets as times
};

class RateWindow {
 public:
  using Time = std::chrono::steady_clock::time_point;

  explicit RateWindow(const RateLimitProfile& limits);

  /// How long a request of `tokens` must wait before both quotas admit it at `now`: zero when
  /// it may go now. A request needs one request unit and min(tokens, bucket size) tokens (a
  /// request larger than the bucket goes when it is full and leaves it in debt).
  std::chrono::microseconds WaitFor(int64_t tokens, Time now) const;
  /// Which quota refuses a request of `tokens` at `now`: true for tokens, false for requests.
  bool TokensRefuse(int64_t tokens, Time now) const;
  /// Counts an admitted request.
  void Charge(int64_t tokens, Time now);
  /// The headers' view at `now`.
  RateHeaders Headers(Time now, int64_t now_unix_ms) const;

 private:
  struct Bucket {
    int64_t per_minute = 0;  // 0 = no limit
    double capacity = 0;
    double level = 0;  // at `at`
    Time at{};

    double Level(Time now) const;
    double Need(double amount) const { return amount < capacity ? amount : capacity; }
    std::chrono::microseconds WaitFor(double amount, Time now) const;
    void Take(double amount, Time now);
    QuotaHeader Header(Time now) const;
  };

  Bucket requests_;
  Bucket tokens_;
};

}  // namespace taskcost::mock
