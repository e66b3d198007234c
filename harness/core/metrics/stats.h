// Stats: the small statistics the report needs: exact fractions, nearest-rank percentiles, the
// mean and spread of differences, and the paired success difference with its 95% interval
// (intervals.h computes it). Pure functions on plain values; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/core/metrics/intervals.h"

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

/// Candidate minus baseline success per sample, in percentage points: the mean and spread of
/// the per-sample differences and Newcombe's paired interval (NewcombePairedInterval) over the
/// samples both finished. Filled by PairedSuccess (verdict.h); SummarisePairs fills n, mean
/// and sd of any list of differences.
struct PairedDifference {
  int64_t n = 0;                  // number of pairs
  std::optional<double> mean;     // unset when n == 0
  std::optional<double> sd;       // sample standard deviation; unset when n < 2
  std::optional<double> ci_low;   // unset when n == 0
  std::optional<double> ci_high;  // unset when n == 0
  // The 2x2 table behind the interval, in samples (fractional with repeats): first is the
  // candidate, second the baseline; first_only are the samples only the candidate got right.
  PairedTable table;
};

/// Mean and sample standard deviation of `differences`, in whatever unit they are given; no
/// interval (ci_low, ci_high and table stay unset).
PairedDifference SummarisePairs(const std::vector<double>& differences);

/// x rounded half away from zero to an integer count of tenths: 4.05 -> 41 (modulo binary
/// representation of x), -4.05 -> -41.
int64_t RoundTenths(double x);

}  // namespace taskcost
