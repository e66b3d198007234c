// Expert quality: Krippendorff's alpha on the textbook example, the paired quality interval
// worked by hand, and the downgrade verdict on quality and success together.
#include "harness/core/metrics/expert_quality.h"

#include <doctest/doctest.h>

#include "harness/core/render/report_format.h"
#include "tests/core/report_fixture.h"

namespace taskcost::expert_quality_test {
namespace {

using testing::Call;
using testing::MakeAttempts;
using testing::TwoCandidateManifest;

// Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers,
// 12 units, values 1-5, missing values. Published: interval alpha = 0.849.
TEST_CASE("alpha: the textbook example gives the published interval alpha") {
  const int x = -1;  // missing
  const int a[] = {1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x};
  const int b[] = {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3};
  const int c[] = {x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x};
  const int d[] = {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x};
  std::vector<std::vector<double>> units(12);
  for (int u = 0; u < 12; ++u) {
    for (int v : {a[u], b[u], c[u], d[u]}) {
      if (v != x) units[u].push_back(v);
    }
  }
  // Unit 12 has one value and is left out: 40 pairable values in 11 units.
  // D_o = 17.333 / 40 = 0.43333; D_e = 4480 / (40 x 39) = 2.87179; alpha = 1 - 0.1509 = 0.8491.
  std::optional<double> alpha = KrippendorffAlphaInterval(units);
  REQUIRE(alpha);
  CHECK(*alpha == doctest::Approx(0.849).epsilon(0.001));
}

TEST_CASE("alpha: perfect agreement is 1, no pairable item or no spread has no alpha") {
  CHECK(KrippendorffAlphaInterval({{4, 4}, {2, 2}, {5, 5}}) == doctest::Approx(1.0));
  CHECK_FALSE(KrippendorffAlphaInterval({{4}, {2}}));
  CHECK_FALSE(KrippendorffAlphaInterval({{3, 3}, {3, 3}}));
  // Two reviewers who always disagree by the whole scale: alpha below 0.
  CHECK(*KrippendorffAlphaInterval({{1, 5}, {5, 1}, {1, 5}}) < 0);
}

TEST_CASE("quality interval: the paired difference's floored t interval, by hand") {
  SUBCASE("all differences equal: never a zero-width interval") {
    // SS = 0: s^2 = max(0, 2 / 5) = 0.4; half width t(3) 3.1824 x 0.632456 / 2 = 1.006378.
    const QualityDifference q = PairedQualityDifference({-0.2, -0.2, -0.2, -0.2});
    CHECK(q.n == 4);
    CHECK(*q.mean == doctest::Approx(-0.2));
    CHECK(*q.sd == doctest::Approx(0.0));
    CHECK(*q.ci_low == doctest::Approx(-1.206378).epsilon(1e-4));
    CHECK(*q.ci_high == doctest::Approx(0.806378).epsilon(1e-4));
  }
  SUBCASE("one difference: a mean but no interval") {
    const QualityDifference q = PairedQualityDifference({-1});
    CHECK(*q.mean == doctest::Approx(-1.0));
    CHECK_FALSE(q.ci_low);
  }
}

// 100 samples, both candidates always succeed; big $0.0035 per task, small $0.00021 (cheaper).
// The success interval is +-3.70 pp, inside the 5 pp tolerance: quality decides.
Report HundredSampleReport() {
  std::vector<Call> calls;
  for (int i = 1; i <= 100; ++i) {
    calls.push_back({"s" + std::to_string(i), "big", 1, 1000, 100});
    calls.push_back({"s" + std::to_string(i), "small", 1, 1000, 100});
  }
  return ComputeReport(TwoCandidateManifest(100), MakeAttempts(calls));
}

// Ten samples, both candidates always succeed: the success interval is +-27.75 pp.
Report TenSampleReport() {
  std::vector<Call> calls;
  for (int i = 1; i <= 10; ++i) {
    calls.push_back({"s" + std::to_string(i), "big", 1, 1000, 100});
    calls.push_back({"s" + std::to_string(i), "small", 1, 1000, 100});
  }
  return ComputeReport(TwoCandidateManifest(10), MakeAttempts(calls));
}

// big scores 5 everywhere; small scores `small[i]` on sample s<i+1>; one reviewer.
ExpertInput Scores(const std::vector<int>& small) {
  ExpertInput input;
  for (size_t i = 0; i < small.size(); ++i) {
    const std::string sample = "s" + std::to_string(i + 1);
    input.scores.push_back({sample, "big", 0, "ann", 5});
    input.scores.push_back({sample, "small", 0, "ann", small[i]});
  }
  input.imports = 1;
  return input;
}

TEST_CASE("quality verdict: switch when both intervals stay within their tolerances") {
  // Ten samples scored: d = 0 on nine, -1 on one: mean -0.1; SS = 0.9, s^2 = max(0.1, 2.9 / 11)
  // = 0.263636; half width t(9) 2.2622 x 0.513455 / sqrt(10) = 0.3673: CI -0.47..0.27, lower
  // bound above -0.5. Success: 100 pairs agree, CI -3.7..3.7 pp, above -5 pp. Switch.
  Report report = HundredSampleReport();
  REQUIRE(report.comparisons[0].decision == Decision::kSwitch);  // on success alone, too
  ApplyExpertReview(report, Scores({5, 5, 5, 5, 5, 5, 5, 5, 5, 4}));
  const Comparison& c = report.comparisons[0];
  REQUIRE(c.expert_quality);
  CHECK(c.expert_quality->n == 10);
  CHECK(*c.expert_quality->mean == doctest::Approx(-0.1));
  CHECK(*c.expert_quality->ci_low == doctest::Approx(-0.4673).epsilon(1e-3));
  CHECK(*c.expert_quality->ci_high == doctest::Approx(0.2673).epsilon(1e-3));
  CHECK(c.decision == Decision::kSwitch);
  CHECK(c.reason == VerdictReason::kQualityWithinTolerance);
  CHECK(report.overall.decision == Decision::kSwitch);
  CHECK(VerdictLine(report, c).find("expert quality 4.90 vs 5.00 (-0.10, 95% CI -0.47..0.27, "
                                    "10 paired samples); quality within the 0.5 tolerance (CI "
                                    "lower bound -0.47 > -0.5)") != std::string::npos);
  // small's own mean: nine 5s and a 4 = 4.9, the same spread: 4.5327..5.2673.
  const ExpertQuality& q = *report.Find("small")->expert_quality;
  CHECK(q.samples == 10);
  CHECK(q.scores == 10);
  CHECK(*q.mean == doctest::Approx(4.9));
  CHECK(*q.ci_low == doctest::Approx(4.5327).epsilon(1e-4));
  CHECK(*q.ci_high == doctest::Approx(5.2673).epsilon(1e-4));
}

TEST_CASE("quality verdict: good scores do not switch while success may be worse") {
  // The bug: with scores imported, a candidate switched although its success interval
  // reached far below -5 pp. Ten samples all right on both: success CI -27.7..27.7 pp.
  Report report = TenSampleReport();
  ApplyExpertReview(report, Scores(std::vector<int>(10, 5)));
  const Comparison& c = report.comparisons[0];
  CHECK(c.decision == Decision::kInconclusive);
  CHECK(c.reason == VerdictReason::kMayBeWorse);
  REQUIRE(c.pairs_to_settle);
  CHECK(*c.pairs_to_settle == 73);
  CHECK(report.overall.decision == Decision::kKeep);
}

TEST_CASE("quality verdict: keep when clearly worse, even though cheaper") {
  // d = -2 on every sample: s^2 = max(0, 2 / 11) = 0.181818; half width 2.2622 x 0.426401 /
  // sqrt(10) = 0.3050: CI -2.31..-1.70, upper bound below -0.5.
  Report report = HundredSampleReport();
  ApplyExpertReview(report, Scores(std::vector<int>(10, 3)));
  const Comparison& c = report.comparisons[0];
  CHECK(*c.expert_quality->ci_high == doctest::Approx(-1.6950).epsilon(1e-3));
  CHECK(c.decision == Decision::kKeep);
  CHECK(c.reason == VerdictReason::kQualityClearlyWorse);
  CHECK(report.overall.decision == Decision::kKeep);
  CHECK(report.overall.candidate_id == "big");
}

TEST_CASE("quality verdict: inconclusive when the interval reaches the tolerance") {
  SUBCASE("mean -0.3: how many scored samples would settle it") {
    // d = -1 on three samples of ten: mean -0.3; SS = 7 x 0.09 + 3 x 0.49 = 2.1; s^2 =
    // max(0.233333, 4.1 / 11 = 0.372727); half width 2.2622 x 0.610514 / sqrt(10) = 0.4367:
    // CI -0.74..0.14. With the same mean and pair variance 0.233333, n = 29 gives s^2 =
    // (6.533333 + 2) / 30 = 0.284444 and a lower bound -0.3 - 2.0484 x 0.533333 / sqrt(29) =
    // -0.5029; n = 30: s^2 = 8.766667 / 31 = 0.282796, -0.3 - 2.0452 x 0.531786 / sqrt(30) =
    // -0.4986, above -0.5: 30 scored samples.
    Report report = HundredSampleReport();
    ApplyExpertReview(report, Scores({5, 5, 4, 5, 5, 4, 5, 5, 4, 5}));
    const Comparison& c = report.comparisons[0];
    CHECK(*c.expert_quality->ci_low == doctest::Approx(-0.7367).epsilon(1e-3));
    CHECK(c.decision == Decision::kInconclusive);
    CHECK(c.reason == VerdictReason::kQualityMayBeWorse);
    REQUIRE(c.pairs_to_settle);
    CHECK(*c.pairs_to_settle == 30);
    CHECK(VerdictLine(report, c).find("; quality may be more than 0.5 worse (CI reaches -0.5); "
                                      "if the pattern holds, about 30 scored samples (20 more) "
                                      "would settle it, likely as switch") != std::string::npos);
  }
  SUBCASE("a mean exactly at the tolerance never settles") {
    // d alternates 0 and -1: mean -0.5, the interval always straddles -0.5.
    Report report = HundredSampleReport();
    ApplyExpertReview(report, Scores({5, 4, 5, 4, 5, 4, 5, 4, 5, 4}));
    const Comparison& c = report.comparisons[0];
    CHECK(*c.expert_quality->mean == doctest::Approx(-0.5));
    CHECK(c.reason == VerdictReason::kQualityMayBeWorse);
    CHECK_FALSE(c.pairs_to_settle);
    CHECK(VerdictLine(report, c).find("too close to the tolerance to settle") !=
          std::string::npos);
  }
}

TEST_CASE("quality verdict: too few scored pairs, and cost rules still come first") {
  SUBCASE("one sample scored for both: no interval") {
    Report report = HundredSampleReport();
    ApplyExpertReview(report, Scores({5}));
    CHECK(report.comparisons[0].reason == VerdictReason::kTooFewScoredPairs);
    CHECK(report.comparisons[0].decision == Decision::kInconclusive);
  }
  SUBCASE("a costlier candidate is kept whatever its quality") {
    std::vector<Call> calls;
    for (int i = 1; i <= 10; ++i) {
      calls.push_back({"s" + std::to_string(i), "big", 1, 1000, 100});
      calls.push_back({"s" + std::to_string(i), "small", 1, 100000, 100});  // $0.01506 a task
    }
    Report report = ComputeReport(TwoCandidateManifest(10), MakeAttempts(calls));
    ApplyExpertReview(report, Scores(std::vector<int>(10, 5)));
    CHECK(report.comparisons[0].reason == VerdictReason::kCostHigher);
  }
  SUBCASE("a success rate clearly worse keeps the baseline whatever the scores") {
    // small fails 8 of 10 (cost per success $0.0021 / 2 = $0.00105, still cheaper): the table
    // is 2 both, 0 candidate only, 8 baseline only: p1 = 0.2, p2 = 1; Wilson 2/10 upper
    // 0.509838, 10/10 lower 0.722467; margins empty so phi = 0; upper bound -0.8 +
    // sqrt(0.277533^2 + 0.309838^2) = -0.38404, below -0.05.
    std::vector<Call> calls;
    for (int i = 1; i <= 10; ++i) {
      calls.push_back({"s" + std::to_string(i), "big", 1, 1000, 100});
      calls.push_back({"s" + std::to_string(i), "small", 1, 1000, 100,
                       i <= 8 ? ErrorClass::kIncorrect : ErrorClass::kNone});
    }
    Report report = ComputeReport(TwoCandidateManifest(10), MakeAttempts(calls));
    CHECK(*report.comparisons[0].paired.ci_high == doctest::Approx(-38.404).epsilon(1e-3));
    ApplyExpertReview(report, Scores(std::vector<int>(10, 5)));
    CHECK(report.comparisons[0].expert_quality);
    CHECK(report.comparisons[0].reason == VerdictReason::kClearlyWorse);
    CHECK(report.comparisons[0].decision == Decision::kKeep);
  }
  SUBCASE("a candidate without scores keeps its success verdict") {
    Report report = HundredSampleReport();
    ExpertInput input;
    input.scores.push_back({"s1", "big", 0, "ann", 5});
    ApplyExpertReview(report, input);
    CHECK_FALSE(report.comparisons[0].expert_quality);
    CHECK(report.comparisons[0].reason == VerdictReason::kCheaperNotWorse);
    CHECK(report.expert);
  }
}

TEST_CASE("expert review: reviewers are averaged per sample and their agreement measured") {
  Report report = TenSampleReport();
  ExpertInput input;
  // Two reviewers on s1 and s2 for both candidates: ann and bob differ by 1 on small/s1.
  for (const char* reviewer : {"ann", "bob"}) {
    for (const char* sample : {"s1", "s2"}) {
      input.scores.push_back({sample, "big", 0, reviewer, 5});
      const bool low = std::string(reviewer) == "bob" && std::string(sample) == "s1";
      input.scores.push_back({sample, "small", 0, reviewer, low ? 3 : 4});
    }
  }
  input.imports = 2;
  ApplyExpertReview(report, input);
  // small: s1 (4 + 3) / 2 = 3.5, s2 4: mean 3.75 over 2 samples from 4 scores.
  const ExpertQuality& q = *report.Find("small")->expert_quality;
  CHECK(q.samples == 2);
  CHECK(q.scores == 4);
  CHECK(*q.mean == doctest::Approx(3.75));
  REQUIRE(report.expert);
  CHECK(report.expert->reviewers == std::vector<std::string>{"ann", "bob"});
  CHECK(report.expert->alpha_items == 4);
  // Values 5,5 | 5,5 | 4,3 | 4,4: D_o = (2 x 1 / 1) / 8 = 0.25; mean 4.375, squares 3.875,
  // D_e = 2 x 8 x 3.875 / (8 x 7) = 1.10714; alpha = 1 - 0.25 / 1.10714 = 0.77419.
  CHECK(*report.expert->alpha == doctest::Approx(0.77419).epsilon(0.0001));
}

}  // namespace
}  // namespace taskcost::expert_quality_test
