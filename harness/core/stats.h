// Stats: the small statistics the report needs: exact fractions, nearest-rank percentiles and
// a paired mean difference with a normal-approximation 95% confidence interval.
// Pure functions on plain values; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace taskcost {

/// An exact ratio of two counts, e.g. successes / tasks run. Undefined when den == 0.
struct Fraction {
  int64_t num = 0;
  int64_t den = 0;

  bool defined() const { return den != 0; }
  /// num / den as a double (for JSON convenience only). Requires defined().
  double ToDouble() const;
  /// num * scale / den rounded half away from zero: Rounded(1000) of 93/100 is 930, i.e. the
  /// percentage in tenths. Requires defined().
  int64_t Rounded(int64_t scale) const;
};

/// The 0-based index of the nearest-rank `percent` percentile in n sorted values: the value at
/// 1-based rank ceil(percent/100 * n), and at least rank 1. Requires n > 0, 0 <= percent <= 100.
size_t NearestRankIndex(size_t n, int percent);

/// The nearest-rank percentile of `sorted` (ascending). Requires !sorted.empty().
template <class T>
const T& NearestRank(const std::vector<T>& sorted, int percent) {
  return sorted[NearestRankIndex(sorted.size(), percent)];
}

/// Mean of paired differences with a 95% confidence interval from the normal approximation:
/// mean +- 1.96 * s / sqrt(n), s the sample standard deviation (n - 1 in the denominator).
struct PairedDifference {
  int64_t n = 0;                  // number of pairs
  std::optional<double> mean;     // unset when n == 0
  std::optional<double> sd;       // sample standard deviation; unset when n < 2
  std::optional<double> ci_low;   // unset when n < 2
  std::optional<double> ci_high;  // unset when n < 2
};

inline constexpr double kZ95 = 1.96;

/// Summarises differences (candidate - baseline), in whatever unit they are given.
PairedDifference SummarisePairs(const std::vector<double>& differences);

/// x rounded half away from zero to an integer count of tenths: 4.05 -> 41 (modulo binary
/// representation of x), -4.05 -> -41.
int64_t RoundTenths(double x);

}  // namespace taskcost
