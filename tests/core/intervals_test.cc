// Intervals checked against published worked examples and against figures worked by hand.
#include "harness/core/metrics/intervals.h"

#include <doctest/doctest.h>

#include <cmath>

namespace taskcost::intervals_test {
namespace {

// Four decimals, as the published tables print them.
double Round4(double x) { return std::round(x * 10000) / 10000; }

}  // namespace

// Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
// methods", Statistics in Medicine 17 (1998) 857-872, Table II, method 3 (Wilson's score
// interval without continuity correction).
TEST_CASE("intervals: Wilson's interval gives Newcombe's published figures") {
  struct Row {
    double successes, n, low, high;
  };
  const Row rows[] = {
      {81, 263, 0.2553, 0.3662},
      {15, 148, 0.0624, 0.1605},
      {0, 20, 0.0000, 0.1611},
      {1, 29, 0.0061, 0.1718},
  };
  for (const Row& row : rows) {
    CAPTURE(row.successes);
    const Interval w = WilsonInterval(row.successes, row.n);
    CHECK(Round4(w.low) == doctest::Approx(row.low));
    CHECK(Round4(w.high) == doctest::Approx(row.high));
  }
}

// Fagerland, Lydersen & Laake, "Statistical Analysis of Contingency Tables" (2017), chapter 8,
// the Cavo et al. (2012) example: complete response before and after consolidation therapy,
// 59 pairs responding both times, 6 only before, 16 only after, 80 neither (N = 161). Newcombe's
// square-and-add interval is published as -0.0621 (95% CI -0.1186 to -0.0046); the same figures
// are asserted by the authors' R package (contingencytables, tests/testthat/test-ch8.R).
TEST_CASE("intervals: Newcombe's paired interval gives the published Cavo example") {
  const PairedTable cavo{59, 6, 16, 80};
  CHECK(Round4(cavo.Difference()) == doctest::Approx(-0.0621));  // (6 - 16) / 161
  const Interval ci = NewcombePairedInterval(cavo);
  CHECK(Round4(ci.low) == doctest::Approx(-0.1186));
  CHECK(Round4(ci.high) == doctest::Approx(-0.0046));
}

TEST_CASE("intervals: agreement on every pair never gives a zero-width interval") {
  // Both succeed on all n samples: p1 = p2 = 1, every margin but one is empty so the
  // correlation is 0; Wilson's lower bound for n/n is n / (n + z^2), so the interval is
  // +-z^2 / (n + z^2), z^2 = 3.841459.
  struct Row {
    double n, half;
  };
  const Row rows[] = {
      {2, 0.657620},    // 3.841459 / 5.841459
      {7, 0.354330},    // 3.841459 / 10.841459
      {12, 0.242494},   // 3.841459 / 15.841459
      {72, 0.050651},   // 3.841459 / 75.841459: a 5 pp tolerance is not yet cleared
      {73, 0.049992},   // 3.841459 / 76.841459: the first n that clears it
      {100, 0.036993},  // 3.841459 / 103.841459
  };
  for (const Row& row : rows) {
    CAPTURE(row.n);
    const Interval ci = NewcombePairedInterval({row.n, 0, 0, 0});
    CHECK(ci.low == doctest::Approx(-row.half).epsilon(1e-5));
    CHECK(ci.high == doctest::Approx(row.half).epsilon(1e-5));
    // Both fail everywhere: the same width.
    const Interval none = NewcombePairedInterval({0, 0, 0, row.n});
    CHECK(none.low == doctest::Approx(-row.half).epsilon(1e-5));
  }
}

TEST_CASE("intervals: a paired table with discordant pairs both ways, by hand") {
  // 100 samples: 90 both succeed, 3 only the candidate (first), 7 only the baseline, 0 neither.
  // p1 = 93/100, p2 = 97/100, difference -0.04.
  // Wilson 93/100: 0.862505..0.965681; Wilson 97/100: 0.915481..0.989745.
  // A = 90 x 0 - 3 x 7 = -21 < 0: phi = -21 / sqrt(93 x 7 x 97 x 3) = -0.048248.
  // low  = -0.04 - sqrt(0.067495^2 + 0.019745^2 + 2 x 0.048248 x 0.067495 x 0.019745)
  //      = -0.04 - 0.071233 = -0.111233
  // high = -0.04 + sqrt(0.054519^2 + 0.035681^2 + 2 x 0.048248 x 0.054519 x 0.035681)
  //      = -0.04 + 0.066582 = 0.026582
  const Interval ci = NewcombePairedInterval({90, 3, 7, 0});
  CHECK(ci.low == doctest::Approx(-0.111233).epsilon(1e-5));
  CHECK(ci.high == doctest::Approx(0.026582).epsilon(1e-5));
}

TEST_CASE("intervals: fractional cells are a table scaled") {
  const PairedTable t{9, 1, 2, 3};
  const PairedTable doubled = t.Scaled(2);
  CHECK(doubled.both == 18);
  CHECK(doubled.first_only == 2);
  CHECK(doubled.second_only == 4);
  CHECK(doubled.neither == 6);
  CHECK(doubled.n() == 30);
  CHECK(doubled.Difference() == doctest::Approx(-1.0 / 15));
}

// Student t 97.5% quantiles as printed in every t table.
TEST_CASE("intervals: Student t quantiles") {
  CHECK(StudentT975(1) == doctest::Approx(12.7062).epsilon(1e-5));
  CHECK(StudentT975(2) == doctest::Approx(4.3027).epsilon(1e-5));
  CHECK(StudentT975(6) == doctest::Approx(2.4469).epsilon(1e-4));
  CHECK(StudentT975(9) == doctest::Approx(2.2622).epsilon(1e-4));
  CHECK(StudentT975(99) == doctest::Approx(1.9842).epsilon(1e-4));
}

TEST_CASE("intervals: the t interval of paired differences has a variance floor") {
  SUBCASE("seven identical differences: the floor gives +-0.4624") {
    // SS = 0: s^2 = max(0 / 6, (0 + 2) / 8) = 0.25; half width 2.4469 x 0.5 / sqrt(7) = 0.4624.
    const MeanDifference m = FlooredTInterval(std::vector<double>(7, 0.0), 1.0);
    CHECK(m.n == 7);
    CHECK(*m.mean == 0.0);
    CHECK(*m.sd == 0.0);
    CHECK(m.ci->low == doctest::Approx(-0.4624).epsilon(1e-3));
    CHECK(m.ci->high == doctest::Approx(0.4624).epsilon(1e-3));
  }
  SUBCASE("two identical differences: +-7.34") {
    // s^2 = 2 / 3; half width 12.7062 x 0.8165 / sqrt(2) = 7.3359.
    const MeanDifference m = FlooredTInterval({-1, -1}, 1.0);
    CHECK(*m.mean == -1.0);
    CHECK(m.ci->low == doctest::Approx(-8.3359).epsilon(1e-4));
    CHECK(m.ci->high == doctest::Approx(6.3359).epsilon(1e-4));
  }
  SUBCASE("differences that vary more than the floor: the plain t interval") {
    // d = 2, -2, 1, -1, 0: mean 0, SS = 10, s^2 = max(10 / 4, 12 / 6) = 2.5;
    // half width t(4) 2.7764 x 1.5811 / sqrt(5) = 1.9632.
    const MeanDifference m = FlooredTInterval({2, -2, 1, -1, 0}, 1.0);
    CHECK(*m.sd == doctest::Approx(1.5811).epsilon(1e-4));
    CHECK(m.ci->low == doctest::Approx(-1.9632).epsilon(1e-4));
    CHECK(m.ci->high == doctest::Approx(1.9632).epsilon(1e-4));
  }
  SUBCASE("nine zeros and one -1") {
    // mean -0.1; SS = 9 x 0.01 + 0.81 = 0.9; s^2 = max(0.1, 2.9 / 11 = 0.263636);
    // half width 2.2622 x 0.513455 / sqrt(10) = 0.367309: -0.4673..0.2673.
    const MeanDifference m = FlooredTInterval({0, 0, 0, 0, 0, 0, 0, 0, 0, -1}, 1.0);
    CHECK(m.ci->low == doctest::Approx(-0.4673).epsilon(1e-3));
    CHECK(m.ci->high == doctest::Approx(0.2673).epsilon(1e-3));
  }
  SUBCASE("one difference: a mean, no interval") {
    const MeanDifference m = FlooredTInterval({-1}, 1.0);
    CHECK(*m.mean == -1.0);
    CHECK_FALSE(m.sd);
    CHECK_FALSE(m.ci);
  }
  SUBCASE("a projection to more pairs uses the same rule") {
    // mean -0.1, pair variance 0.1 at n = 40: SS = 3.9, s^2 = max(0.1, 5.9 / 41 = 0.143902);
    // half width t(39) 2.0227 x 0.379344 / sqrt(40) = 0.121320.
    const Interval ci = ProjectedTInterval(-0.1, 0.1, 40, 1.0);
    CHECK(ci.low == doctest::Approx(-0.221320).epsilon(1e-3));
  }
}

TEST_CASE("intervals: the smallest settling n by bisection") {
  auto from_73 = [](int64_t n) { return n >= 73; };
  CHECK(*SmallestSettlingN(2, 1'000'000, from_73) == 73);
  CHECK(*SmallestSettlingN(72, 1'000'000, from_73) == 73);
  CHECK_FALSE(SmallestSettlingN(2, 50, from_73));
  CHECK_FALSE(SmallestSettlingN(80, 1'000'000, [](int64_t) { return false; }));
}

}  // namespace taskcost::intervals_test
