#include "harness/core/metrics/verdict.h"

#include <doctest/doctest.h>

#include "harness/core/render/report_format.h"
#include "tests/core/report_fixture.h"

namespace taskcost::verdict_test {
namespace {

using testing::MakeCandidate;
using E = ErrorClass;

CandidateMetrics Metrics(const std::string& id, int64_t successes, int64_t tasks_run,
                         int64_t total_picos) {
  CandidateMetrics m;
  m.id = id;
  m.tasks_planned = tasks_run;
  m.tasks_run = tasks_run;
  m.successes = successes;
  m.total_cost = Money::FromPicos(total_picos);
  if (successes > 0) m.cost_per_success = m.total_cost.DividedBy(successes);
  return m;
}

PairedDifference Ci(double low, double high) {
  PairedDifference p;
  p.n = 100;
  p.mean = (low + high) / 2;
  p.sd = 1;
  p.ci_low = low;
  p.ci_high = high;
  return p;
}

// Sample tallies for 100 samples where the first `fail` samples fail (one repeat).
std::vector<SampleTally> Tallies(int fail_from, int fail_to) {
  std::vector<SampleTally> t(100, SampleTally{1, 1});
  for (int i = fail_from; i < fail_to; ++i) t[static_cast<size_t>(i)].successes = 0;
  return t;
}

}  // namespace

TEST_CASE("verdict: switch, keep and inconclusive by the documented rules") {
  const CandidateMetrics base = Metrics("base", 97, 100, 193'030'000'000);   // $0.00199 x 97
  const CandidateMetrics cheap = Metrics("cheap", 93, 100, 39'060'000'000);  // $0.00042 x 93
  const CandidateMetrics dear = Metrics("dear", 97, 100, 300'000'000'000);
  SUBCASE("cheaper and the CI lower bound above -2 pp: switch") {
    const Comparison c = Compare(cheap, base, Ci(-1.9, 3.0), 2.0);
    CHECK(c.decision == Decision::kSwitch);
    CHECK(c.reason == VerdictReason::kCheaperNotWorse);
  }
  SUBCASE("cheaper but the CI reaches below -2 pp: inconclusive") {
    const Comparison c = Compare(cheap, base, Ci(-8.1, 0.1), 2.0);
    CHECK(c.decision == Decision::kInconclusive);
    CHECK(c.reason == VerdictReason::kMayBeWorse);
  }
  SUBCASE("a lower bound exactly at -tolerance is not above it") {
    CHECK(Compare(cheap, base, Ci(-2.0, 1.0), 2.0).decision == Decision::kInconclusive);
  }
  SUBCASE("cheaper but clearly worse (CI upper bound below -2 pp): keep") {
    const Comparison c = Compare(cheap, base, Ci(-9.0, -2.5), 2.0);
    CHECK(c.decision == Decision::kKeep);
    CHECK(c.reason == VerdictReason::kClearlyWorse);
  }
  SUBCASE("more expensive per successful task: keep, whatever the success") {
    const Comparison c = Compare(dear, base, Ci(-1.0, 1.0), 2.0);
    CHECK(c.decision == Decision::kKeep);
    CHECK(c.reason == VerdictReason::kCostHigher);
  }
  SUBCASE("the tolerance is a parameter") {
    CHECK(Compare(cheap, base, Ci(-8.1, 0.1), 10.0).decision == Decision::kSwitch);
  }
  SUBCASE("no sample finished by both: inconclusive") {
    PairedDifference none;
    CHECK(Compare(cheap, base, none, 2.0).reason == VerdictReason::kTooFewPairs);
  }
}

TEST_CASE("verdict: the change figures come from exact integers") {
  const CandidateMetrics base = Metrics("base", 97, 100, 193'030'000'000);   // $0.00199 each
  const CandidateMetrics cheap = Metrics("cheap", 93, 100, 39'060'000'000);  // $0.00042 each
  const Comparison c = Compare(cheap, base, Ci(-1, 1), 2.0);
  // (420,000,000 - 1,990,000,000) / 1,990,000,000 = -78.894% -> -78.9
  CHECK(c.cost_change->Rounded(1000) == -789);
  // 93/100 - 97/100 = -4.0 pp
  CHECK(c.success_change->Rounded(1000) == -40);
}

TEST_CASE("verdict: candidates that cannot be compared say why") {
  const CandidateMetrics base = Metrics("base", 97, 100, 199'000'000'000);
  SUBCASE("no successful task: keep the baseline") {
    const Comparison c = Compare(Metrics("zero", 0, 100, 5'000'000), base, Ci(-100, -90), 2.0);
    CHECK(c.decision == Decision::kKeep);
    CHECK(c.reason == VerdictReason::kNoSuccesses);
    CHECK_FALSE(c.cost_change.has_value());
  }
  SUBCASE("stopped by a fatal error: inconclusive") {
    CandidateMetrics stopped = Metrics("stopped", 3, 3, 3'000);
    stopped.tasks_planned = 100;
    stopped.tasks_not_run = 97;
    stopped.fatal_error = E::kAuth;
    const Comparison c = Compare(stopped, base, Ci(-1, 1), 2.0);
    CHECK(c.decision == Decision::kInconclusive);
    CHECK(c.reason == VerdictReason::kFatalStop);
  }
  SUBCASE("ran nothing: inconclusive") {
    CHECK(Compare(Metrics("idle", 0, 0, 0), base, {}, 2.0).reason == VerdictReason::kNoTasksRun);
  }
  SUBCASE("the baseline has no success: inconclusive") {
    const Comparison c =
        Compare(Metrics("cheap", 5, 10, 50), Metrics("b", 0, 10, 99), Ci(1, 2), 2.0);
    CHECK(c.reason == VerdictReason::kBaselineNoSuccesses);
  }
}

TEST_CASE("verdict: paired success pairs samples both candidates ran") {
  SUBCASE("candidate fails 7 samples the baseline passes; baseline fails 3 others") {
    std::vector<SampleTally> candidate = Tallies(0, 7);
    std::vector<SampleTally> baseline = Tallies(7, 10);
    // d: seven -100, three +100, ninety 0: mean -4 pp. The table is 90 both, 3 candidate only,
    // 7 baseline only, 0 neither; Newcombe's interval on it is -11.12..2.66 pp (worked in
    // tests/core/intervals_test.cc).
    const PairedDifference p = PairedSuccess(candidate, baseline);
    CHECK(p.n == 100);
    CHECK(*p.mean == doctest::Approx(-4.0));
    CHECK(p.table.both == 90);
    CHECK(p.table.first_only == 3);
    CHECK(p.table.second_only == 7);
    CHECK(p.table.neither == 0);
    CHECK(RoundTenths(*p.ci_low) == -111);
    CHECK(RoundTenths(*p.ci_high) == 27);
  }
  SUBCASE("samples missing on either side are left out") {
    std::vector<SampleTally> candidate = Tallies(0, 0);
    std::vector<SampleTally> baseline = Tallies(0, 0);
    candidate[0].runs = candidate[0].successes = 0;
    baseline[1].runs = baseline[1].successes = 0;
    CHECK(PairedSuccess(candidate, baseline).n == 98);
    CHECK(PairedSuccess(candidate, baseline).table.n() == 98);
  }
  SUBCASE("repeats make fractional cells and a sample still counts once") {
    // candidate 1 of 2, baseline 2 of 2 on the only sample: d = 100 x (1/2 - 1) = -50 pp;
    // cells: both 1/2 x 1, candidate only 1/2 x 0, baseline only 1/2 x 1, neither 0.
    const PairedDifference p = PairedSuccess({{1, 2}}, {{2, 2}});
    CHECK(*p.mean == -50.0);
    CHECK(p.table.both == 0.5);
    CHECK(p.table.second_only == 0.5);
    CHECK(p.table.n() == 1.0);
  }
  SUBCASE("two samples right on both sides: an interval, never zero width") {
    // The --limit 2 run of the demo: +-z^2 / (2 + z^2) = +-65.76 pp.
    const PairedDifference p = PairedSuccess({{1, 1}, {1, 1}}, {{1, 1}, {1, 1}});
    CHECK(*p.mean == 0.0);
    CHECK(*p.ci_low == doctest::Approx(-65.762).epsilon(1e-4));
    CHECK(*p.ci_high == doctest::Approx(65.762).epsilon(1e-4));
  }
}

// base: $0.00199 a success; cheap: $0.00042 a success; every task of both runs and succeeds.
Comparison AllAgree(int samples, double tolerance_pp) {
  const CandidateMetrics base = Metrics("base", samples, samples, 1'990'000'000LL * samples);
  const CandidateMetrics cheap = Metrics("cheap", samples, samples, 420'000'000LL * samples);
  const std::vector<SampleTally> right(static_cast<size_t>(samples), SampleTally{1, 1});
  return Compare(cheap, base, PairedSuccess(right, right), tolerance_pp);
}

TEST_CASE("verdict: agreement on a few samples is inconclusive, not a switch") {
  // With every pair agreeing, the interval is +-z^2 / (n + z^2): 2 samples +-65.8 pp, 7
  // +-35.4 pp, 12 +-24.2 pp, 72 +-5.07 pp; 73 give +-4.9992 pp, the first inside 5 pp.
  for (int n : {2, 7, 12, 72}) {
    CAPTURE(n);
    const Comparison c = AllAgree(n, 5.0);
    CHECK(c.decision == Decision::kInconclusive);
    CHECK(c.reason == VerdictReason::kMayBeWorse);
    REQUIRE(c.pairs_to_settle);
    CHECK(*c.pairs_to_settle == 73);
  }
  const Comparison settled = AllAgree(73, 5.0);
  CHECK(settled.decision == Decision::kSwitch);
  CHECK_FALSE(settled.pairs_to_settle);
  // A 10 pp tolerance: z^2 / (n + z^2) < 0.1 from n = 35 (3.841459 / 38.841459 = 0.0989).
  CHECK(AllAgree(34, 10.0).decision == Decision::kInconclusive);
  CHECK(*AllAgree(34, 10.0).pairs_to_settle == 35);
  CHECK(AllAgree(35, 10.0).decision == Decision::kSwitch);
}

TEST_CASE("verdict: a close call says how many samples would settle it") {
  // The 90/3/7/0 table: mean -4 pp, interval -11.1..2.7 pp straddles -5 pp. Scaled up with the
  // same shares, the lower bound first exceeds -5 pp at 3,873 pairs (found by an independent
  // implementation of the same formulas; the bound at 3,872 is -5.0001 pp).
  const CandidateMetrics base = Metrics("base", 97, 100, 193'030'000'000);
  const CandidateMetrics cheap = Metrics("cheap", 93, 100, 39'060'000'000);
  const Comparison c = Compare(cheap, base, PairedSuccess(Tallies(0, 7), Tallies(7, 10)), 5.0);
  CHECK(c.reason == VerdictReason::kMayBeWorse);
  REQUIRE(c.pairs_to_settle);
  CHECK(*c.pairs_to_settle == 3873);
}

TEST_CASE("verdict: overall picks the cheapest candidate that is a switch") {
  // 80 samples: agreement on every one gives +-4.58 pp (3.841459 / 83.841459), inside 5 pp.
  RunManifest m = testing::TwoCandidateManifest(80);
  m.candidates.push_back(MakeCandidate("tiny", false));
  // big: $0.0035 a task, all pass. small: $0.00021, all pass. tiny: 1 in + 0 out tokens at
  // the small price, all pass: the cheapest, and as good.
  std::vector<testing::Call> calls;
  for (int i = 1; i <= 80; ++i) {
    const std::string s = "s" + std::to_string(i);
    calls.push_back({s, "big", 1, 1000, 100});
    calls.push_back({s, "small", 1, 1000, 100});
    calls.push_back({s, "tiny", 1, 1, 0});
  }
  const Report r = ComputeReport(m, testing::MakeAttempts(calls));
  REQUIRE(r.comparisons.size() == 2);
  CHECK(r.comparisons[0].decision == Decision::kSwitch);
  CHECK(r.comparisons[1].decision == Decision::kSwitch);
  CHECK(r.overall.decision == Decision::kSwitch);
  CHECK(r.overall.candidate_id == "tiny");
  CHECK(OverallLine(r) ==
        "switch to tiny — cost per successful ticket classified $0.00000015 (-100.0% vs big)");
}

TEST_CASE("verdict: overall keeps the baseline when nothing qualifies") {
  RunManifest m = testing::TwoCandidateManifest(4);
  std::vector<Attempt> attempts = testing::HandWorkedJournal();
  for (Attempt& a : attempts) {
    if (a.candidate_id == "small") a.cost = a.cost.Times(100);  // now dearer than big
  }
  const Report r = ComputeReport(m, attempts);
  CHECK(r.comparisons[0].decision == Decision::kKeep);
  CHECK(r.overall.decision == Decision::kKeep);
  CHECK(r.overall.candidate_id == "big");
  CHECK(OverallLine(r) ==
        "keep big — no candidate is shown cheaper per successful ticket classified without "
        "being worse");
}

}  // namespace taskcost::verdict_test

namespace taskcost::verdict_test {

TEST_CASE("verdict: an interval bound that rounds to 0.0 keeps its sign") {
  // The case: an upper end of -0.033 pp printed as "..0.0", as if it touched zero.
  CHECK(FormatBound(-0.033) == "-0.03");
  CHECK(FormatBound(0.004) == "0.004");
  CHECK(FormatBound(-0.0004) == "-0.0004");
  CHECK(FormatBound(0.0) == "0.0");
  CHECK(FormatBound(-0.05) == "-0.1");  // rounds half away from zero to -0.1 as before
  CHECK(FormatBound(-11.1233) == "-11.1");
  CHECK(FormatBound(2.66) == "2.7");
}

}  // namespace taskcost::verdict_test
