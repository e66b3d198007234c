#include "harness/core/metrics/intervals.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>

namespace taskcost {

Interval WilsonInterval(double successes, double n) {
  assert(n > 0 && successes >= 0 && successes <= n);
  const double p = successes / n;
  const double z2 = kZ975 * kZ975;
  const double centre = p + z2 / (2 * n);
  const double spread = kZ975 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  const double scale = 1 + z2 / n;
  return {std::max(0.0, (centre - spread) / scale), std::min(1.0, (centre + spread) / scale)};
}

PairedTable PairedTable::Scaled(double factor) const {
  return {both * factor, first_only * factor, second_only * factor, neither * factor};
}

namespace {

// The estimated correlation between the two proportions (Newcombe's phi), with the
// continuity adjustment of Fagerland, Lydersen & Laake (2017, section 8.5): a positive
// cross-product difference A = both x neither - first_only x second_only counts only beyond
// n / 2; 0 when a margin is empty.
double Correlation(const PairedTable& t) {
  const double first = t.both + t.first_only;    // the first succeeded
  const double second = t.both + t.second_only;  // the second succeeded
  const double n = t.n();
  const double margins = first * (n - first) * second * (n - second);
  if (margins <= 0) return 0;
  const double a = t.both * t.neither - t.first_only * t.second_only;
  if (a > n / 2) return (a - n / 2) / std::sqrt(margins);
  if (a >= 0) return 0;
  return a / std::sqrt(margins);
}

// sqrt(x^2 + y^2 - 2 phi x y), never below 0 through rounding.
double SquareAndAdd(double x, double y, double phi) {
  return std::sqrt(std::max(0.0, x * x + y * y - 2 * phi * x * y));
}

}  // namespace

Interval NewcombePairedInterval(const PairedTable& t) {
  const double n = t.n();
  assert(n > 0);
  const double p1 = (t.both + t.first_only) / n;
  const double p2 = (t.both + t.second_only) / n;
  const Interval w1 = WilsonInterval(t.both + t.first_only, n);
  const Interval w2 = WilsonInterval(t.both + t.second_only, n);
  const double phi = Correlation(t);
  const double d = p1 - p2;
  return {std::max(-1.0, d - SquareAndAdd(p1 - w1.low, w2.high - p2, phi)),
          std::min(1.0, d + SquareAndAdd(p2 - w2.low, w1.high - p1, phi))};
}

double StudentT975(double df) {
  assert(df > 0);
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), 0.975);
}

namespace {

double FlooredVariance(double sum_squares, int64_t n, double floor_unit) {
  const double plain = sum_squares / static_cast<double>(n - 1);
  const double floored = (sum_squares + 2 * floor_unit * floor_unit) / static_cast<double>(n + 1);
  return std::max(plain, floored);
}

Interval TInterval(double mean, double variance, int64_t n) {
  const double half = StudentT975(static_cast<double>(n - 1)) * std::sqrt(variance) /
                      std::sqrt(static_cast<double>(n));
  return {mean - half, mean + half};
}

}  // namespace

MeanDifference FlooredTInterval(const std::vector<double>& differences, double floor_unit) {
  MeanDifference out;
  out.n = static_cast<int64_t>(differences.size());
  if (differences.empty()) return out;
  double sum = 0;
  for (double d : differences) sum += d;
  const double mean = sum / static_cast<double>(out.n);
  out.mean = mean;
  for (double d : differences) out.sum_squares += (d - mean) * (d - mean);
  if (out.n < 2) return out;
  out.sd = std::sqrt(out.sum_squares / static_cast<double>(out.n - 1));
  out.ci = TInterval(mean, FlooredVariance(out.sum_squares, out.n, floor_unit), out.n);
  return out;
}

Interval ProjectedTInterval(double mean, double pair_variance, int64_t n, double floor_unit) {
  assert(n >= 2);
  const double sum_squares = pair_variance * static_cast<double>(n - 1);
  return TInterval(mean, FlooredVariance(sum_squares, n, floor_unit), n);
}

}  // namespace taskcost
