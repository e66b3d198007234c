#include "harness/mock/rate_window.h"

#include <algorithm>
#include <cmath>

namespace taskcost::mock {
namespace {

double PerSecond(int64_t per_minute) { return static_cast<double>(per_minute) / 60; }

// Rounds up, less a hair of floating-point noise: 60.000000001 µs is 60, not 61.
int64_t CeilWhole(double x) { return static_cast<int64_t>(std::ceil(x - 1e-6)); }

}  // namespace

RateWindow::RateWindow(const RateLimitProfile& limits) {
  auto init = [&](Bucket& b, int64_t per_minute) {
    b.per_minute = per_minute;
    b.capacity = std::max(1.0, PerSecond(per_minute) * limits.window_s);
    b.level = b.capacity;
  };
  init(requests_, limits.requests_per_minute);
  init(tokens_, limits.tokens_per_minute);
}

double RateWindow::Bucket::Level(Time now) const {
  if (now <= at) return level;
  const double elapsed_s = std::chrono::duration<double>(now - at).count();
  return std::min(capacity, level + PerSecond(per_minute) * elapsed_s);
}

std::chrono::microseconds RateWindow::Bucket::WaitFor(double amount, Time now) const {
  if (per_minute <= 0) return {};
  const double missing = Need(amount) - Level(now);
  if (missing <= 0) return {};
  const int64_t micros = CeilWhole(missing / PerSecond(per_minute) * 1e6);
  return std::chrono::microseconds(std::max<int64_t>(1, micros));
}

void RateWindow::Bucket::Take(double amount, Time now) {
  if (per_minute <= 0) return;
  level = Level(now) - amount;
  at = std::max(at, now);
}

QuotaHeader RateWindow::Bucket::Header(Time now) const {
  const double current = Level(now);
  const double to_full_s = (capacity - current) / PerSecond(per_minute);
  return QuotaHeader{per_minute, static_cast<int64_t>(std::floor(std::max(0.0, current))),
                     std::max<int64_t>(0, CeilWhole(to_full_s * 1000))};
}

std::chrono::microseconds RateWindow::WaitFor(int64_t tokens, Time now) const {
  return std::max(requests_.WaitFor(1, now), tokens_.WaitFor(static_cast<double>(tokens), now));
}

bool RateWindow::TokensRefuse(int64_t tokens, Time now) const {
  return requests_.WaitFor(1, now).count() == 0 &&
         tokens_.WaitFor(static_cast<double>(tokens), now).count() > 0;
}

void RateWindow::Charge(int64_t tokens, Time now) {
  requests_.Take(1, now);
  tokens_.Take(static_cast<double>(tokens), now);
}

RateHeaders RateWindow::Headers(Time now, int64_t now_unix_ms) const {
  RateHeaders h;
  h.now_unix_ms = now_unix_ms;
  if (requests_.per_minute > 0) h.requests = requests_.Header(now);
  if (tokens_.per_minute > 0) h.tokens = tokens_.Header(now);
  return h;
}

}  // namespace taskcost::mock
