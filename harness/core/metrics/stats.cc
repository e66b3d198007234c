#include "harness/core/metrics/stats.h"

#include <cassert>
#include <cmath>

#include "harness/core/model/money.h"

namespace taskcost {

double Fraction::ToDouble() const {
  assert(defined());
  return static_cast<double>(num) / static_cast<double>(den);
}

int64_t Fraction::Rounded(int64_t scale) const {
  assert(defined());
  return MulDivRound(num, scale, den);
}

size_t NearestRankIndex(size_t n, int percent) {
  assert(n > 0 && percent >= 0 && percent <= 100);
  // ceil(percent * n / 100) in integers.
  size_t rank = (static_cast<size_t>(percent) * n + 99) / 100;
  if (rank == 0) rank = 1;
  return rank - 1;
}

PairedDifference SummarisePairs(const std::vector<double>& differences) {
  PairedDifference out;
  out.n = static_cast<int64_t>(differences.size());
  if (differences.empty()) return out;
  double sum = 0;
  for (double d : differences) sum += d;
  const double n = static_cast<double>(differences.size());
  const double mean = sum / n;
  out.mean = mean;
  if (differences.size() < 2) return out;
  double squares = 0;
  for (double d : differences) squares += (d - mean) * (d - mean);
  out.sd = std::sqrt(squares / (n - 1));
  return out;
}

int64_t RoundTenths(double x) { return static_cast<int64_t>(std::round(x * 10)); }

}  // namespace taskcost
