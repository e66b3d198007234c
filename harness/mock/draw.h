// Deterministic hashing and draws for the simulator (internal). Every random-looking choice is
// a hash of (seed, model, sample key, attempt, purpose) mapped to [0, 1), so the same request
// gets the same answer on any machine and in any arrival order. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>

namespace taskcost::mock {

/// splitmix64's finaliser: a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// A 64-bit hash of bytes, stable across platforms (bytes read little-endian by hand).
inline uint64_t HashBytes(std::string_view s, uint64_t seed = 0) {
  uint64_t h = Mix64(seed ^ (0x9e3779b97f4a7c15ULL * (s.size() + 1)));
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word = 0;
    for (int b = 7; b >= 0; --b) word = (word << 8) | static_cast<unsigned char>(s[i + b]);
    h = Mix64(h ^ word) + 0x9e3779b97f4a7c15ULL;
  }
  uint64_t tail = 0;
  for (size_t b = s.size(); b > i; --b) tail = (tail << 8) | static_cast<unsigned char>(s[b - 1]);
  return Mix64(h ^ tail ^ 0xff51afd7ed558ccdULL);
}

inline uint64_t Combine(uint64_t a, uint64_t b) {
  return Mix64(a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

/// The top 53 bits of `bits` as a double in [0, 1).
inline double ToUnit(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

/// The draws of one attempt: base = hash(seed, model, sample key, attempt), and the repeat when
/// the client names one above 0 (repeat 0 keeps the draws of a request that names none).
class Draws {
 public:
  Draws(uint64_t seed, std::string_view model, std::string_view sample_key, int attempt,
        int repeat = 0)
      : Draws(seed, model, HashBytes(sample_key), attempt, repeat) {}
  /// The same with the sample key already hashed (HashBytes(sample_key)).
  Draws(uint64_t seed, std::string_view model, uint64_t sample_key_hash, int attempt,
        int repeat = 0)
      : base_(Base(Combine(Combine(Combine(Mix64(seed), HashBytes(model)), sample_key_hash),
                           static_cast<uint64_t>(attempt)),
                   repeat)),
        shared_(Combine(Mix64(seed), sample_key_hash)) {}

  uint64_t Bits(std::string_view purpose, uint64_t index = 0) const {
    return Combine(Combine(base_, HashBytes(purpose)), index);
  }
  /// A number in [0, 1) for `purpose` (and `index`, for the n-th draw of one purpose).
  double Unit(std::string_view purpose, uint64_t index = 0) const {
    return ToUnit(Bits(purpose, index));
  }
  /// A number in [0, 1) that depends on the seed and the sample only: the same for every model
  /// and attempt. Used for correctness, so a sample that is hard for one model is hard for every
  /// less accurate one (real models share difficulty; paired comparisons depend on it).
  double SharedUnit(std::string_view purpose) const {
    return ToUnit(Combine(shared_, HashBytes(purpose)));
  }
  /// An integer in [lo, hi] (hi >= lo).
  int64_t Between(std::string_view purpose, int64_t lo, int64_t hi, uint64_t index = 0) const {
    return lo + static_cast<int64_t>(Bits(purpose, index) % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  static uint64_t Base(uint64_t attempt_base, int repeat) {
    return repeat > 0 ? Combine(attempt_base, static_cast<uint64_t>(repeat)) : attempt_base;
  }

  uint64_t base_;
  uint64_t shared_;
};

}  // namespace taskcost::mock
