// Rate limiting for the Scheduler, as plain values over time points passed in: a token bucket
// that refills continuously, a mirror of a provider's own quota as its rate-limit headers state
// it, and an AIMD limit on concurrency. No clock, no sleeps. Not synchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "harness/providers/retry_after.h"

namespace taskcost {

using SteadyTime = std::chrono::steady_clock::time_point;

/// How long after we send a request the provider is assumed to have counted it (network,
/// queueing): providers count requests on arrival, before the model runs, so a reply's
/// latency says little about when.
inline constexpr std::chrono::milliseconds kArrivalLag{100};

/// A bucket of `capacity` units refilled continuously at `per_second`. Take may leave it below
/// zero (a debt repaid by the refill); an amount larger than the capacity is ready when the
/// bucket is full, so nothing waits forever. With a `lag`, a Take from a full bucket starts the
/// refill that much later: a provider's own bucket starts refilling when our first request
/// reaches it, which may be well after we sent it (a new connection, TLS).
class TokenBucket {
 public:
  /// Starts full at `now`. `per_second` <= 0 never refills.
  TokenBucket(double capacity, double per_second, SteadyTime now,
              std::chrono::milliseconds lag = std::chrono::milliseconds(0));

  double Level(SteadyTime now) const;
  void Take(double amount, SteadyTime now);
  /// Adds `amount` (negative takes), up to the capacity.
  void Give(double amount, SteadyTime now);
  /// Sets the level, at most the capacity.
  void Set(double level, SteadyTime now);
  void SetCapacity(double capacity, SteadyTime now);
  /// The earliest time the level reaches min(amount, capacity): SteadyTime::min() when it has,
  /// SteadyTime::max() when it never will. Ready(amount, now) is exactly now >= ReadyAt(amount).
  SteadyTime ReadyAt(double amount) const;
  bool Ready(double amount, SteadyTime now) const { return now >= ReadyAt(amount); }

  double capacity() const { return capacity_; }
  double per_second() const { return per_second_; }

 private:
  double capacity_;
  double per_second_;
  SteadyTime::duration lag_;
  double level_;    // at at_; no refill before at_
  SteadyTime at_;
};

/// One quota of a reply's rate-limit headers with its reset made relative to the reply.
struct QuotaReading {
  std::optional<int64_t> limit;      // per minute
  std::optional<int64_t> remaining;  // left when the provider counted the request
  std::optional<std::chrono::milliseconds> reset_after;  // until the quota is full again
};

/// Both quotas of one reply.
struct RateLimitReading {
  QuotaReading requests;
  QuotaReading tokens;
};

/// The reading of `state`, Anthropic's reset times made relative to `now_unix_ms`.
RateLimitReading ReadingOf(const RateLimitState& state, int64_t now_unix_ms);

/// A provider's quota (requests or tokens) mirrored from its rate-limit headers: a bucket that
/// refills at `limit` per minute and holds `remaining + refill until reset` (what the provider
/// will hold when it says it is full), charged with every send and re-anchored by every reading.
/// Unknown (no constraint) until a usable reading arrives, and again after a reply without one
/// (the provider stopped saying) or, for a reading without a limit, once its reset has passed.
/// An idle quota (nothing of ours in flight, so the provider has counted all we sent) is full at
/// the latest reading's reset, or `max_wait` after the reading when that is sooner or no reset
/// was sent: a wait for it never lasts longer than the provider said.
class ServerQuota {
 public:
  /// True when a reading constrains sends at `now`.
  bool Known(SteadyTime now) const { return bucket_ && (!expires_ || now < *expires_); }
  /// `idle`: nothing was in flight before this send.
  void OnSend(double amount, SteadyTime now, bool idle = false);
  /// Actual usage came back lower (`amount` > 0) or higher (< 0) than what OnSend charged.
  void Refund(double amount, SteadyTime now);
  /// A reply to a request sent at `sent` carried `reading` (an unusable one forgets the quota).
  /// `sent_since` is what we sent at or after `sent`, that request excluded: the provider may
  /// not have counted it yet. The level is kept within what the reading allows: at least
  /// remaining - sent_since + the refill since the provider counted the request (taken to be
  /// kArrivalLag after `sent`), at most remaining + 1 (it rounds down) + the refill since
  /// `sent`.
  void Observe(const QuotaReading& reading, SteadyTime sent, double sent_since, SteadyTime now,
               std::chrono::milliseconds max_wait = kDefaultMaxWait);
  void Forget() { bucket_.reset(); }
  /// Earliest time `amount` may be sent; SteadyTime::min() when unconstrained. `idle`: nothing
  /// is in flight, so the quota is full again at the latest reading's reset.
  SteadyTime ReadyAt(double amount, bool idle = false) const;
  bool Ready(double amount, SteadyTime now) const;
  std::optional<double> Level(SteadyTime now) const;

  static constexpr std::chrono::milliseconds kDefaultMaxWait{120'000};

 private:
  std::optional<TokenBucket> bucket_;
  std::optional<SteadyTime> expires_;  // a reading without a limit lasts until its reset
  std::optional<SteadyTime> full_at_;  // the latest reading's reset, at most max_wait away
};

/// Additive-increase, multiplicative-decrease concurrency limit for one provider. Starts at
/// `max`. Repeated rate-limited replies (kStrikes among the last kWindow replies to attempts
/// sent since the last decrease) halve the limit, from what was in flight when the reply came
/// if that was lower; every kSuccessesPerStep other replies add 1 back. Always in [1, max].
class AimdLimit {
 public:
  static constexpr int kWindow = 10;
  static constexpr int kStrikes = 2;
  static constexpr int kSuccessesPerStep = 8;

  explicit AimdLimit(int max);
  int limit() const { return limit_; }
  /// A 429/529 to an attempt sent at `sent`; `in_flight` attempts (it included) were out.
  void OnRateLimited(SteadyTime sent, int in_flight, SteadyTime now);
  /// Any other HTTP reply to an attempt sent at `sent`.
  void OnAnswered(SteadyTime sent);

 private:
  void Record(bool limited);

  int max_;
  int limit_;
  uint32_t recent_ = 0;  // last kWindow outcomes since the decrease, 1 = rate limited
  int successes_ = 0;
  std::optional<SteadyTime> last_decrease_;
};

}  // namespace taskcost
