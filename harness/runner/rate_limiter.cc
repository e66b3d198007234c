#include "harness/runner/rate_limiter.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace taskcost {
namespace {

using Seconds = std::chrono::duration<double>;

double SecondsBetween(SteadyTime from, SteadyTime to) { return Seconds(to - from).count(); }

}  // namespace

TokenBucket::TokenBucket(double capacity, double per_second, SteadyTime now,
                         std::chrono::milliseconds lag)
    : capacity_(std::max(0.0, capacity)),
      per_second_(std::max(0.0, per_second)),
      lag_(lag),
      level_(capacity_),
      at_(now) {}

double TokenBucket::Level(SteadyTime now) const {
  if (now <= at_) return level_;
  return std::min(capacity_, level_ + per_second_ * SecondsBetween(at_, now));
}

void TokenBucket::Set(double level, SteadyTime now) {
  level_ = std::min(capacity_, level);
  at_ = std::max(at_, now);
}

void TokenBucket::Take(double amount, SteadyTime now) {
  const double level = Level(now);
  Set(level - amount, now);
  if (level >= capacity_ && amount > 0) at_ = std::max(at_, now + lag_);
}

void TokenBucket::Give(double amount, SteadyTime now) { Set(Level(now) + amount, now); }

void TokenBucket::SetCapacity(double capacity, SteadyTime now) {
  const double level = Level(now);
  capacity_ = std::max(0.0, capacity);
  Set(level, now);
}

SteadyTime TokenBucket::ReadyAt(double amount) const {
  const double need = std::min(amount, capacity_);
  if (level_ >= need) return SteadyTime::min();
  if (per_second_ <= 0) return SteadyTime::max();
  const double wait_s = (need - level_) / per_second_;
  if (wait_s > 1e9) return SteadyTime::max();
  return at_ + std::chrono::ceil<SteadyTime::duration>(Seconds(wait_s));
}

RateLimitReading ReadingOf(const RateLimitState& state, int64_t now_unix_ms) {
  auto quota = [now_unix_ms](const RateLimitWindow& w) {
    return QuotaReading{w.limit, w.remaining, w.ResetAfter(now_unix_ms)};
  };
  return RateLimitReading{quota(state.requests), quota(state.tokens)};
}

void ServerQuota::OnSend(double amount, SteadyTime now, bool idle) {
  if (!bucket_) return;
  if (idle && full_at_ && now >= *full_at_) {  // the provider has refilled it by now
    bucket_->Set(std::max(bucket_->Level(now), bucket_->capacity()), now);
    full_at_.reset();
  }
  bucket_->Take(amount, now);
}

void ServerQuota::Refund(double amount, SteadyTime now) {
  if (bucket_) bucket_->Give(amount, now);
}

void ServerQuota::Observe(const QuotaReading& reading, SteadyTime sent, double sent_since,
                          SteadyTime now, std::chrono::milliseconds max_wait) {
  if (!reading.remaining || (!reading.limit && !reading.reset_after)) {
    Forget();
    return;
  }
  const double remaining = static_cast<double>(*reading.remaining);
  // Providers state limits per minute and refill continuously. Without a limit, assume no
  // refill before the reset, when the reading expires.
  const double per_second = reading.limit ? static_cast<double>(*reading.limit) / 60 : 0;
  // Without a limit it holds what remains, and at least the one request that says 0 are left.
  double capacity = reading.limit ? static_cast<double>(*reading.limit) : std::max(remaining, 1.0);
  if (reading.reset_after && per_second > 0) {
    // What the provider will hold when it says it is full: its bucket's real size, which may
    // be a fraction of the per-minute limit when it enforces the limit over shorter windows.
    const double full = remaining + per_second * Seconds(*reading.reset_after).count();
    capacity = std::min(capacity, std::max({full, remaining, 1.0}));
  }
  const double lowest =
      remaining - sent_since + per_second * std::max(0.0, SecondsBetween(sent + kArrivalLag, now));
  const double highest = remaining + 1 + per_second * std::max(0.0, SecondsBetween(sent, now));
  if (!Known(now) || bucket_->per_second() != per_second) {
    bucket_.emplace(capacity, per_second, now);
    bucket_->Set(lowest, now);
  } else {
    bucket_->SetCapacity(capacity, now);
    bucket_->Set(std::clamp(bucket_->Level(now), lowest, highest), now);
  }
  const std::chrono::milliseconds until_full =
      std::min(reading.reset_after.value_or(max_wait), max_wait);
  full_at_ = now + until_full;
  expires_.reset();
  if (per_second <= 0) expires_ = now + until_full;
}

SteadyTime ServerQuota::ReadyAt(double amount, bool idle) const {
  if (!bucket_) return SteadyTime::min();
  SteadyTime ready = bucket_->ReadyAt(amount);
  if (idle && full_at_) ready = std::min(ready, *full_at_);
  return expires_ ? std::min(ready, *expires_) : ready;
}

bool ServerQuota::Ready(double amount, SteadyTime now) const { return now >= ReadyAt(amount); }

std::optional<double> ServerQuota::Level(SteadyTime now) const {
  if (!Known(now)) return std::nullopt;
  return bucket_->Level(now);
}

AimdLimit::AimdLimit(int max) : max_(std::max(1, max)), limit_(max_) {}

void AimdLimit::Record(bool limited) {
  recent_ = ((recent_ << 1) | (limited ? 1u : 0u)) & ((1u << kWindow) - 1);
}

void AimdLimit::OnRateLimited(SteadyTime sent, int in_flight, SteadyTime now) {
  // A reply to an attempt sent before the last decrease says nothing about the new limit.
  if (last_decrease_ && sent < *last_decrease_) return;
  Record(true);
  successes_ = 0;
  if (std::popcount(recent_) < kStrikes) return;
  limit_ = std::max(1, std::min(limit_, std::max(1, in_flight)) / 2);
  last_decrease_ = now;
  recent_ = 0;
}

void AimdLimit::OnAnswered(SteadyTime sent) {
  if (last_decrease_ && sent < *last_decrease_) return;
  Record(false);
  if (limit_ < max_ && ++successes_ >= kSuccessesPerStep) {
    ++limit_;
    successes_ = 0;
  }
}

}  // namespace taskcost
