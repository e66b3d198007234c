// Intervals: 95% confidence intervals that stay honest at the sample sizes users have (2, 7,
// 12 or 100 paired samples): Wilson's score interval for one proportion, Newcombe's
// square-and-add interval for the difference of two paired proportions, and a Student t
// interval for a mean of paired differences whose variance never collapses to zero.
// Formulas and the published examples they are checked against: docs/report-format.md#6.
// Pure functions on plain values; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace taskcost {

/// The standard normal distribution's 97.5% quantile (two-sided 95%).
inline constexpr double kZ975 = 1.959963984540054;

struct Interval {
  double low = 0;
  double high = 0;
};

/// Wilson's score interval for `successes` out of `n` (Wilson 1927; Newcombe 1998, method 3).
/// Both may be fractional (per-sample shares over repeats). Requires 0 <= successes <= n, n > 0.
Interval WilsonInterval(double successes, double n);

/// A paired 2x2 table: per sample, whether the first and the second succeeded. Cells may be
/// fractional: a sample with repeats adds the shares of its (first, second) outcome pairs.
struct PairedTable {
  double both = 0;         // both succeeded
  double first_only = 0;   // the first succeeded, the second failed
  double second_only = 0;  // the second succeeded, the first failed
  double neither = 0;      // both failed

  double n() const { return both + first_only + second_only + neither; }
  /// p_first - p_second = (first_only - second_only) / n. Requires n() > 0.
  double Difference() const { return (first_only - second_only) / n(); }
  /// Every cell multiplied by `factor`: the same pattern observed on more samples.
  PairedTable Scaled(double factor) const;
};

/// Newcombe's square-and-add interval (Newcombe 1998, Stat Med 17:2635, method 10) for
/// p_first - p_second: the two Wilson intervals combined with the estimated correlation
/// between the two proportions, continuity-adjusted as in Fagerland, Lydersen & Laake,
/// "Statistical Analysis of Contingency Tables" (2017), chapter 8. Never zero width: with
/// every pair agreeing on n samples it is +-z^2 / (n + z^2) (n = 2: +-0.658). Requires n() > 0.
Interval NewcombePairedInterval(const PairedTable& table);

/// The 97.5% quantile of Student's t distribution with `df` degrees of freedom (df > 0).
double StudentT975(double df);

/// The mean of paired differences with a 95% Student t interval, mean +- t(n - 1) s / sqrt(n).
/// So that an interval never claims certainty because every pair happened to agree, the
/// variance has a floor: s^2 = max(SS / (n - 1), (SS + 2 u^2) / (n + 1)), SS the sum of
/// squared deviations and u = `floor_unit`, as if two more pairs had differed by +u and -u.
/// The floor only acts when the pairs vary less than u (s < u); 7 identical pairs of a 1-5
/// scale (u = 1) give +-0.46, 2 give +-7.3. No interval below 2 pairs.
struct MeanDifference {
  int64_t n = 0;
  std::optional<double> mean;  // unset when n == 0
  std::optional<double> sd;    // the plain sample standard deviation; unset when n < 2
  std::optional<Interval> ci;  // unset when n < 2
  double sum_squares = 0;      // sum of squared deviations from the mean
};
MeanDifference FlooredTInterval(const std::vector<double>& differences, double floor_unit);

/// The 95% interval FlooredTInterval would give on n pairs (n >= 2) with the given mean and
/// per-pair variance (SS / (n - 1) of what was observed): the same pattern on more samples.
Interval ProjectedTInterval(double mean, double pair_variance, int64_t n, double floor_unit);

/// The smallest n in (from, limit] at which `settled(n)` holds, assuming it stays true once it
/// holds (a growing sample only narrows an interval); unset when it does not hold at `limit`.
template <class Predicate>
std::optional<int64_t> SmallestSettlingN(int64_t from, int64_t limit, Predicate settled) {
  if (from >= limit || !settled(limit)) return std::nullopt;
  int64_t low = from;  // not settled (or the current size)
  int64_t high = limit;
  while (high - low > 1) {
    const int64_t mid = low + (high - low) / 2;
    if (settled(mid)) {
      high = mid;
    } else {
      low = mid;
    }
  }
  return high;
}

}  // namespace taskcost
