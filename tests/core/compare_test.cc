#include "harness/core/gates/compare.h"

#include <doctest/doctest.h>

#include "tests/core/report_fixture.h"

namespace taskcost::compare_test {
namespace {

using testing::HandWorkedJournal;
using testing::TwoCandidateManifest;

// Run B: the hand-worked journal with big's s1 now incorrect and s4 now right, and small's
// s4 now right: big loses s1 and gains s4; small gains s4.
std::vector<Attempt> LaterJournal() {
  std::vector<Attempt> attempts = HandWorkedJournal();
  for (Attempt& a : attempts) {
    const bool flip = (a.candidate_id == "big" && (a.sample_id == "s1" || a.sample_id == "s4")) ||
                      (a.candidate_id == "small" && a.sample_id == "s4");
    if (!flip) continue;
    a.success = !a.success;
    a.error = a.success ? ErrorClass::kNone : ErrorClass::kIncorrect;
  }
  return attempts;
}

}  // namespace

TEST_CASE("compare: the exact McNemar p-value") {
  // p = min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2).
  CHECK(McNemarExactP(0, 0) == 1.0);
  CHECK(McNemarExactP(10, 10) == 1.0);
  // 5 discordant pairs all one way: 2 * (1/2)^5 = 0.0625.
  CHECK(McNemarExactP(5, 0) == doctest::Approx(0.0625));
  CHECK(McNemarExactP(0, 5) == doctest::Approx(0.0625));
  // b = 1, c = 6: 2 * (1 + 7) / 2^7 = 0.125.
  CHECK(McNemarExactP(1, 6) == doctest::Approx(0.125));
  // b = 2, c = 10: 2 * (1 + 12 + 66) / 4096 = 0.0385742...
  CHECK(McNemarExactP(2, 10) == doctest::Approx(158.0 / 4096));
  // 1 discordant pair: 2 * 1/2 = 1.
  CHECK(McNemarExactP(1, 0) == 1.0);
}

TEST_CASE("compare: runs are paired by sample and flipped tasks are listed") {
  RunManifest a = TwoCandidateManifest(4);
  RunManifest b = a;
  b.run_id = "2026-11-24T09-00-00Z";
  const std::vector<Attempt> journal_a = HandWorkedJournal();
  const std::vector<Attempt> journal_b = LaterJournal();
  Result<RunComparison> result = CompareRuns({a, journal_a, "runs/a"}, {b, journal_b, "runs/b"});
  REQUIRE(result.ok());
  const RunComparison& r = result.value();
  REQUIRE(r.candidates.size() == 2);
  const CandidateChange& big = r.candidates[0];
  CHECK(big.pairs == 4);
  CHECK(big.both_succeeded == 2);  // s2, s3
  CHECK(big.both_failed == 0);
  REQUIRE(big.lost.size() == 1);
  CHECK(big.lost[0].sample_id == "s1");
  REQUIRE(big.gained.size() == 1);
  CHECK(big.gained[0].sample_id == "s4");
  CHECK(big.mcnemar_p == 1.0);

  // big, B: same $0.014, 3 successes: $0.00466666666667 per successful task either way.
  // small, B: $0.00255 over 4 successes = $0.0006375 (-25.0% from $0.00085).
  CHECK(RenderComparison(r) ==
        "taskcost compare: suite triage\n"
        "  A: runs/a (run 2026-11-23T10-04-12Z)\n"
        "  B: runs/b (run 2026-11-24T09-00-00Z)\n"
        "\n"
        "big (4 paired tasks)\n"
        "  cost per successful ticket classified $0.0046667 -> $0.0046667  0.0%\n"
        "  success rate                       75.0% (3/4) -> 75.0% (3/4)  0.0 pp; paired: 1 "
        "lost, 1 gained, McNemar exact p = 1.000\n"
        "  input tokens per task              1000.0 -> 1000.0  0.0%\n"
        "  output tokens per task             100.0 -> 100.0  0.0%\n"
        "  attempts per task                  1.25 -> 1.25  0.0%\n"
        "  success -> failure: s1\n"
        "  failure -> success: s4\n"
        "\n"
        "small (4 paired tasks)\n"
        "  cost per successful ticket classified $0.00085 -> $0.0006375  -25.0%\n"
        "  success rate                       75.0% (3/4) -> 100.0% (4/4)  +25.0 pp; paired: 0 "
        "lost, 1 gained, McNemar exact p = 1.000\n"
        "  input tokens per task              3250.0 -> 3250.0  0.0%\n"
        "  output tokens per task             250.0 -> 250.0  0.0%\n"
        "  attempts per task                  1.50 -> 1.50  0.0%\n"
        "  success -> failure: none\n"
        "  failure -> success: s4\n");
}

TEST_CASE("compare: candidates on one side only are named, other suites are refused") {
  RunManifest a = TwoCandidateManifest(4);
  RunManifest b = a;
  b.candidates.pop_back();
  const std::vector<Attempt> journal = HandWorkedJournal();
  Result<RunComparison> r = CompareRuns({a, journal, "a"}, {b, journal, "b"});
  REQUIRE(r.ok());
  CHECK(r->only_in_a == std::vector<std::string>{"small"});
  CHECK(RenderComparison(*r).find("only in A (not compared): small\n") != std::string::npos);

  b.suite_name = "checkout";
  Result<RunComparison> other = CompareRuns({a, journal, "a"}, {b, journal, "b"});
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message ==
        "run a is of suite \"triage\" and run b of suite \"checkout\"; "
        "compare two runs of the same suite");
}

}  // namespace taskcost::compare_test
