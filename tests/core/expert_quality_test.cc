// Expert quality: Krippendorff's alpha on the textbook example, the bootstrap interval on
// differences whose distribution is known by hand, and the downgrade verdict on quality.
#include "harness/core/expert_quality.h"

#include <doctest/doctest.h>

#include "harness/core/report_format.h"
#include "tests/core/report_fixture.h"

namespace taskcost {
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

TEST_CASE("bootstrap: the interval of differences whose distribution is known by hand") {
  SUBCASE("all differences equal: the interval is that value") {
    QualityDifference q = BootstrapMeanDifference({-0.2, -0.2, -0.2, -0.2}, 1, 2000);
    CHECK(q.n == 4);
    CHECK(*q.mean == doctest::Approx(-0.2));
    CHECK(*q.ci_low == doctest::Approx(-0.2));
    CHECK(*q.ci_high == doctest::Approx(-0.2));
  }
  SUBCASE("two differences 0 and -1: resampled means -1, -0.5, 0 with 1/4, 1/2, 1/4") {
    // 2.5% of 2000 draws is rank 50; about 500 draws are -1, so rank 50 is -1 and rank 1950 0.
    QualityDifference q = BootstrapMeanDifference({0, -1}, 7, 2000);
    CHECK(*q.mean == doctest::Approx(-0.5));
    CHECK(*q.ci_low == doctest::Approx(-1.0));
    CHECK(*q.ci_high == doctest::Approx(0.0));
  }
  SUBCASE("one difference: a mean but no interval") {
    QualityDifference q = BootstrapMeanDifference({-1}, 1, 2000);
    CHECK(*q.mean == doctest::Approx(-1.0));
    CHECK_FALSE(q.ci_low);
  }
  SUBCASE("the same seed gives the same interval") {
    const std::vector<double> d = {0, -1, 0, 1, -1, 0, 0, -2, 1, 0};
    QualityDifference one = BootstrapMeanDifference(d, 42, 500);
    QualityDifference two = BootstrapMeanDifference(d, 42, 500);
    CHECK(*one.ci_low == *two.ci_low);
    CHECK(*one.ci_high == *two.ci_high);
    CHECK(*one.ci_low <= *one.mean);
    CHECK(*one.mean <= *one.ci_high);
  }
}

// Ten samples, both candidates always succeed; big $0.0035 per task, small $0.00021 (cheaper).
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

TEST_CASE("quality verdict: switch when the paired difference stays within the tolerance") {
  // d = 0 on nine samples, -1 on one: mean -0.1. A resampled mean is -k/10 with k ~ Bin(10, 0.1):
  // P(k >= 3) = 7.0% and P(k >= 4) = 1.3%, so the 2.5th percentile is -0.3; P(k = 0) = 34.9%,
  // so the 97.5th is 0. CI -0.3..0.0, lower bound -0.3 >= -0.5: switch.
  Report report = TenSampleReport();
  REQUIRE(report.comparisons[0].decision == Decision::kSwitch);  // on success alone, too
  ApplyExpertReview(report, Scores({5, 5, 5, 5, 5, 5, 5, 5, 5, 4}));
  const Comparison& c = report.comparisons[0];
  REQUIRE(c.expert_quality);
  CHECK(c.expert_quality->n == 10);
  CHECK(*c.expert_quality->mean == doctest::Approx(-0.1));
  CHECK(*c.expert_quality->ci_low == doctest::Approx(-0.3));
  CHECK(*c.expert_quality->ci_high == doctest::Approx(0.0));
  CHECK(c.decision == Decision::kSwitch);
  CHECK(c.reason == VerdictReason::kQualityWithinTolerance);
  CHECK(report.overall.decision == Decision::kSwitch);
  CHECK(VerdictLine(report, c).find("expert quality 4.90 vs 5.00 (-0.10, 95% CI -0.30..0.00, "
                                    "10 paired samples); quality within the 0.5 tolerance (CI "
                                    "lower bound -0.30 >= -0.5)") != std::string::npos);
  // small's own mean: nine 5s and a 4 = 4.9; s = sqrt((9 x 0.01 + 0.81) / 9) = sqrt(0.1);
  // half width 1.96 x sqrt(0.1) / sqrt(10) = 0.196: 4.704..5.096.
  const ExpertQuality& q = *report.Find("small")->expert_quality;
  CHECK(q.samples == 10);
  CHECK(q.scores == 10);
  CHECK(*q.mean == doctest::Approx(4.9));
  CHECK(*q.ci_low == doctest::Approx(4.704));
  CHECK(*q.ci_high == doctest::Approx(5.096));
}

TEST_CASE("quality verdict: keep when clearly worse, even though cheaper") {
  // d = -2 on every sample: CI -2..-2, upper bound below -0.5.
  Report report = TenSampleReport();
  ApplyExpertReview(report, Scores(std::vector<int>(10, 3)));
  const Comparison& c = report.comparisons[0];
  CHECK(*c.expert_quality->ci_high == doctest::Approx(-2.0));
  CHECK(c.decision == Decision::kKeep);
  CHECK(c.reason == VerdictReason::kQualityClearlyWorse);
  CHECK(report.overall.decision == Decision::kKeep);
  CHECK(report.overall.candidate_id == "big");
}

TEST_CASE("quality verdict: inconclusive when the interval straddles the tolerance") {
  // d alternates 0 and -1: mean -0.5; k ~ Bin(10, 0.5): P(k >= 9) = 1.1%, P(k >= 8) = 5.5%, so
  // the 2.5th percentile is -0.8; P(k <= 1) = 1.1%, P(k <= 2) = 5.5%: the 97.5th is -0.2.
  // CI -0.8..-0.2 reaches below -0.5 and above it.
  Report report = TenSampleReport();
  ApplyExpertReview(report, Scores({5, 4, 5, 4, 5, 4, 5, 4, 5, 4}));
  const Comparison& c = report.comparisons[0];
  CHECK(*c.expert_quality->mean == doctest::Approx(-0.5));
  CHECK(*c.expert_quality->ci_low == doctest::Approx(-0.8));
  CHECK(*c.expert_quality->ci_high == doctest::Approx(-0.2));
  CHECK(c.decision == Decision::kInconclusive);
  CHECK(c.reason == VerdictReason::kQualityMayBeWorse);
}

TEST_CASE("quality verdict: too few scored pairs, and cost rules still come first") {
  SUBCASE("one sample scored for both: no interval") {
    Report report = TenSampleReport();
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
    // small fails 8 of 10 (cost per success $0.0021 / 2 = $0.00105, still cheaper): paired
    // success d = -100 on 8 samples, 0 on 2: mean -80 pp, s = sqrt(16000 / 9) = 42.2,
    // CI -80 +- 1.96 x 42.2 / sqrt(10) = -106.1..-53.9 pp, all below -5 pp.
    std::vector<Call> calls;
    for (int i = 1; i <= 10; ++i) {
      calls.push_back({"s" + std::to_string(i), "big", 1, 1000, 100});
      calls.push_back({"s" + std::to_string(i), "small", 1, 1000, 100,
                       i <= 8 ? ErrorClass::kIncorrect : ErrorClass::kNone});
    }
    Report report = ComputeReport(TwoCandidateManifest(10), MakeAttempts(calls));
    ApplyExpertReview(report, Scores(std::vector<int>(10, 5)));
    CHECK(report.comparisons[0].expert_quality);
    CHECK(report.comparisons[0].reason == VerdictReason::kClearlyWorse);
    CHECK(report.comparisons[0].decision == Decision::kKeep);
  }
  SUBCASE("a candidate without scores keeps its success verdict") {
    Report report = TenSampleReport();
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
}  // namespace taskcost
