#include "harness/core/metrics/stats.h"

#include <doctest/doctest.h>

#include <cmath>

#include "harness/core/model/money.h"

namespace taskcost::stats_test {

TEST_CASE("stats: nearest-rank percentile is the value at rank ceil(p/100 x n)") {
  SUBCASE("n = 1: every percentile is the only value") {
    CHECK(NearestRankIndex(1, 0) == 0);
    CHECK(NearestRankIndex(1, 50) == 0);
    CHECK(NearestRankIndex(1, 95) == 0);
    CHECK(NearestRankIndex(1, 100) == 0);
  }
  SUBCASE("n = 2: p50 is the lower value (rank 1), p95 the upper (rank ceil(1.9) = 2)") {
    CHECK(NearestRankIndex(2, 50) == 0);
    CHECK(NearestRankIndex(2, 51) == 1);
    CHECK(NearestRankIndex(2, 95) == 1);
  }
  SUBCASE("n = 20: p95 is rank 19 (0.95 x 20 = 19 exactly), p50 rank 10") {
    CHECK(NearestRankIndex(20, 95) == 18);
    CHECK(NearestRankIndex(20, 50) == 9);
    CHECK(NearestRankIndex(20, 96) == 19);  // ceil(19.2) = 20
    CHECK(NearestRankIndex(20, 100) == 19);
  }
  SUBCASE("n = 100: p95 is rank 95") { CHECK(NearestRankIndex(100, 95) == 94); }
  SUBCASE("p0 is the smallest value") { CHECK(NearestRankIndex(7, 0) == 0); }
}

TEST_CASE("stats: percentiles of money are money values") {
  std::vector<Money> costs;
  for (int i = 1; i <= 20; ++i) costs.push_back(Money::FromPicos(i * 1000));
  CHECK(NearestRank(costs, 95).picos() == 19'000);
  CHECK(NearestRank(costs, 50).picos() == 10'000);
  const std::vector<Money> two = {Money::FromPicos(3), Money::FromPicos(8)};
  CHECK(NearestRank(two, 50).picos() == 3);
  CHECK(NearestRank(two, 95).picos() == 8);
}

TEST_CASE("stats: fractions round half away from zero") {
  CHECK(Fraction{93, 100}.Rounded(1000) == 930);
  CHECK(Fraction{1, 3}.Rounded(1000) == 333);
  CHECK(Fraction{2, 3}.Rounded(1000) == 667);
  CHECK(Fraction{1, 8}.Rounded(100) == 13);    // 12.5 -> 13
  CHECK(Fraction{-1, 8}.Rounded(100) == -13);  // -12.5 -> -13
  CHECK(Fraction{1, 4}.ToDouble() == 0.25);
  CHECK_FALSE(Fraction{}.defined());
}

TEST_CASE("stats: differences summarised by their mean and standard deviation") {
  SUBCASE("worked example") {
    // d = 100, 0, 0, -100, 100: mean 20; squares 6400 + 400 + 400 + 14400 + 6400 = 28000;
    // s = sqrt(28000 / 4) = 83.666. No interval: intervals are the caller's (intervals.h).
    const PairedDifference p = SummarisePairs({100, 0, 0, -100, 100});
    CHECK(p.n == 5);
    CHECK(*p.mean == doctest::Approx(20.0));
    CHECK(*p.sd == doctest::Approx(std::sqrt(7000.0)));
    CHECK_FALSE(p.ci_low.has_value());
    CHECK_FALSE(p.ci_high.has_value());
  }
  SUBCASE("one pair has a mean but no spread") {
    const PairedDifference p = SummarisePairs({-100});
    CHECK(*p.mean == -100.0);
    CHECK_FALSE(p.sd.has_value());
  }
  SUBCASE("no pairs") {
    const PairedDifference p = SummarisePairs({});
    CHECK(p.n == 0);
    CHECK_FALSE(p.mean.has_value());
  }
}

TEST_CASE("stats: tenths round half away from zero") {
  CHECK(RoundTenths(-4.0) == -40);
  CHECK(RoundTenths(0.25) == 3);
  CHECK(RoundTenths(-0.25) == -3);
  CHECK(RoundTenths(-0.04) == 0);
}

}  // namespace taskcost::stats_test
