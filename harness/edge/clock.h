// Clock: the seam for time. The runner asks it for "now" and never sleeps on its own; waiting
// happens inside Transport::Poll. FakeClock lets tests move time by hand. Not synchronised.
#pragma once

#include <chrono>
#include <cstdint>

namespace taskcost {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time, for deadlines and latencies.
  virtual std::chrono::steady_clock::time_point Now() const = 0;
  /// Wall clock in milliseconds since the Unix epoch, for records.
  virtual int64_t UnixMillis() const = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() const override {
    return std::chrono::steady_clock::now();
  }
  int64_t UnixMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() const override { return now_; }
  int64_t UnixMillis() const override {
    return 1'800'000'000'000 +
           std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count();
  }
  void Advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  std::chrono::steady_clock::time_point now_{};
};

}  // namespace taskcost
