// Metrics of scorers and cascades from hand-made journals: quality averaged per task, failures
// by scorer on each task's last answer, unjudged tasks, and a cascade's steps folded into one
// task whose cost is the sum of its calls.
#include <doctest/doctest.h>

#include "harness/core/metrics/metrics.h"
#include "tests/core/report_fixture.h"

namespace taskcost::metrics_scorers_test {
namespace {

using testing::Call;
using testing::MakeAttempt;
using testing::TwoCandidateManifest;

CheckResult Check(const char* name, bool pass, std::optional<double> score, bool quality) {
  CheckResult c{name, pass, ""};
  c.score = score;
  c.quality = quality;
  return c;
}

TEST_CASE("metrics: quality is the mean of each task's mean quality score, failures by scorer") {
  // small, samples s1..s3 (TwoCandidateManifest names them s1..sN):
  //   s1: success; quality scores 1.0 and 0.5 -> task mean 0.75
  //   s2: incorrect (field_equals failed); quality 0.25 and 0.25 -> 0.25
  //   s3: first attempt fails the schema; the second is unjudged (a success scorer could not
  //       judge) but its quality scorers did score: 1.0 and 0.5 -> 0.75
  // quality_score = (0.75 + 0.25 + 0.75) / 3 = 0.58333...
  std::vector<Attempt> journal;
  Attempt s1 = MakeAttempt({"s1", "small", 1, 1000, 100});
  s1.checks = {Check("field_equals(category)", true, 1.0, false),
               Check("list_f1(items)", true, 1.0, true), Check("max_words", false, 0.5, true)};
  Attempt s2 = MakeAttempt({"s2", "small", 1, 1000, 100, ErrorClass::kIncorrect});
  s2.checks = {Check("field_equals(category)", false, 0.0, false),
               Check("list_f1(items)", false, 0.25, true), Check("max_words", false, 0.25, true)};
  Attempt s3a = MakeAttempt({"s3", "small", 1, 1000, 100, ErrorClass::kInvalidOutput});
  s3a.validation_errors = {"/category: not in enum"};
  Attempt s3b = MakeAttempt({"s3", "small", 2, 1000, 100, ErrorClass::kScorerError});
  CheckResult unjudged{"field_equals(category)", false, "timed out after 10 s"};
  unjudged.scorer_error = true;
  s3b.checks = {unjudged, Check("list_f1(items)", true, 1.0, true),
                Check("max_words", false, 0.5, true)};
  journal = {s1, s2, s3a, s3b};

  const Report r = ComputeReport(TwoCandidateManifest(3), journal);
  const CandidateMetrics& small = *r.Find("small");
  REQUIRE(small.quality_score.has_value());
  CHECK(*small.quality_score == doctest::Approx(1.75 / 3));
  CHECK(small.quality_tasks == 3);
  CHECK(small.unjudged_tasks == 1);
  CHECK(small.successes == 1);
  REQUIRE(small.scorers.size() == 3);
  // field_equals: failed on s2, could not judge s3 (its last answer); the schema failure of
  // s3's first attempt is not its last answer, so "schema" is not listed.
  CHECK(small.scorers[0].name == "field_equals(category)");
  CHECK(small.scorers[0].failed_tasks == 1);
  CHECK(small.scorers[0].scorer_errors == 1);
  CHECK(small.scorers[1].name == "list_f1(items)");
  CHECK(small.scorers[1].quality);
  CHECK(small.scorers[1].failed_tasks == 1);
  CHECK(*small.scorers[1].MeanScore() == doctest::Approx(2.25 / 3));
  CHECK(small.scorers[2].failed_tasks == 3);
  CHECK(r.Find("big")->quality_score == std::nullopt);
}

TEST_CASE("metrics: a cascade's steps fold into one task, and step costs add up to the total") {
  // Candidate "small" used as a cascade of steps "cheap" then "dear" (the prices of the
  // fixture are per candidate id, small's: $0.15 / $0.60 per 1M).
  //   s1: cheap attempt 1 succeeds                                   1000 in, 100 out
  //   s2: cheap attempts 1 and 2 fail, dear attempt 1 succeeds       each 1000 in, 100 out
  // One call costs 1000 x 150,000 + 100 x 600,000 = 210,000,000 pUSD.
  auto step = [](Call call, const char* id) {
    Attempt a = MakeAttempt(call);
    a.step = id;
    return a;
  };
  std::vector<Attempt> journal = {
      step({"s1", "small", 1, 1000, 100}, "cheap"),
      step({"s2", "small", 1, 1000, 100, ErrorClass::kInvalidOutput}, "cheap"),
      step({"s2", "small", 2, 1000, 100, ErrorClass::kIncorrect}, "cheap"),
      step({"s2", "small", 1, 1000, 100}, "dear"),  // attempt numbers restart in a new step
  };
  const Report r = ComputeReport(TwoCandidateManifest(2), journal);
  const CandidateMetrics& c = *r.Find("small");
  CHECK(c.tasks_run == 2);
  CHECK(c.successes == 2);  // s2's last attempt is dear's attempt 1, not cheap's attempt 2
  CHECK(c.escalated_tasks == 1);
  CHECK(c.total_cost.picos() == 4 * 210'000'000);
  REQUIRE(c.steps.size() == 2);
  CHECK(c.steps[0].step == "cheap");
  CHECK(c.steps[0].tasks == 2);
  CHECK(c.steps[0].attempts == 3);
  CHECK(c.steps[0].cost.picos() == 3 * 210'000'000);
  CHECK(c.steps[1].step == "dear");
  CHECK(c.steps[1].tasks == 1);
  CHECK((c.steps[0].cost + c.steps[1].cost) == c.total_cost);
  CHECK(c.cost_per_success->picos() == 2 * 210'000'000);
}

}  // namespace
}  // namespace taskcost::metrics_scorers_test
