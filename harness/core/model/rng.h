// Rng: a small seeded generator (splitmix64) for backoff jitter and review-sheet shuffles,
// injected so that tests and runs with the same seed make the same choices, on every standard
// library (no std distributions). Not synchronised.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace taskcost {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound); bound > 0.
  uint64_t Below(uint64_t bound) { return Next() % bound; }

 private:
  uint64_t state_;
};

/// Fisher-Yates with `rng`: the same seed gives the same order on every platform.
template <class T>
void Shuffle(std::vector<T>& items, Rng& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.Below(i)]);
}

}  // namespace taskcost
