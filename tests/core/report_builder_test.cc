// ReportBuilder: the report computed one attempt at a time (the streaming report path) is the
// very report ComputeReport gives over the whole journal.
#include <doctest/doctest.h>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_json.h"
#include "tests/core/report_fixture.h"

namespace taskcost::report_builder_test {

TEST_CASE("report builder: one attempt at a time gives the same report as the whole journal") {
  RunManifest m = testing::TwoCandidateManifest(4);
  testing::AddHuman(m);
  std::vector<Attempt> attempts = testing::HandWorkedJournal();
  attempts.push_back(testing::MakeAttempt({"s9", "big"}));      // unknown sample: ignored
  attempts.push_back(testing::MakeAttempt({"s1", "medium"}));   // unknown candidate: ignored

  ReportBuilder builder(m);
  for (const Attempt& a : attempts) builder.Add(a);
  const Report streamed = builder.Finish();

  CHECK(ReportToJson(streamed) == ReportToJson(ComputeReport(m, attempts)));
  CHECK(streamed.ignored_attempts == 2);
  // From the hand-worked journal: big costs $0.014 over 3 successes.
  REQUIRE(streamed.Baseline() != nullptr);
  CHECK(streamed.Baseline()->cost_per_success == Money::FromPicos(4'666'666'667));
  // Four samples cannot show that small is no worse: the verdict keeps big (inconclusive).
  CHECK(streamed.overall.decision == Decision::kKeep);
  CHECK(streamed.comparisons.at(0).reason == VerdictReason::kMayBeWorse);
}

TEST_CASE("report builder: no attempt gives the empty report of the manifest") {
  const RunManifest m = testing::TwoCandidateManifest(4);
  ReportBuilder builder(m);
  const Report r = builder.Finish();
  CHECK(ReportToJson(r) == ReportToJson(ComputeReport(m, {})));
  REQUIRE(r.candidates.size() == 2);
  CHECK(r.candidates[0].tasks_run == 0);
  CHECK_FALSE(r.candidates[0].cost_per_success.has_value());
}

}  // namespace taskcost::report_builder_test

namespace taskcost::report_builder_test {

TEST_CASE("report builder: a repeat the manifest does not plan still counts, in key order") {
  RunManifest m = testing::TwoCandidateManifest(2);  // one repeat planned
  // s2's repeat 0 fails (a refusal, never retried); s1 has repeats 0 and 3 (a journal from a
  // --repeat 4 run, say). small ran nothing.
  std::vector<Attempt> attempts = {
      testing::MakeAttempt({"s2", "big", 1, 1000, 100, ErrorClass::kRefusal, 400, 0}),
      testing::MakeAttempt({"s1", "big", 1, 1000, 100, ErrorClass::kNone, 300, 3}),
      testing::MakeAttempt({"s1", "big", 1, 1000, 100, ErrorClass::kNone, 200, 0}),
  };
  ReportOptions keep;
  keep.keep_tasks = true;
  const Report r = ComputeReport(m, attempts, keep);
  const CandidateMetrics& big = *r.Find("big");
  CHECK(big.tasks_run == 3);
  CHECK(big.successes == 2);
  CHECK(big.tasks_not_run == 0);
  REQUIRE(r.tasks.size() == 5);  // samples in manifest order, then repeat
  CHECK((r.tasks[0].sample_id == "s1" && r.tasks[0].repeat == 0));
  CHECK((r.tasks[1].sample_id == "s1" && r.tasks[1].repeat == 3));
  CHECK((r.tasks[2].sample_id == "s2" && r.tasks[2].repeat == 0));
  CHECK(r.tasks[2].failure == ErrorClass::kRefusal);
  CHECK(r.tasks[2].state == TaskState::kFailed);
  // small's planned tasks, not run, as rows of zeros.
  CHECK((r.tasks[3].candidate_id == "small" && r.tasks[3].sample_id == "s1"));
  CHECK(r.tasks[3].state == TaskState::kNotRun);
  CHECK(r.tasks[3].attempts == 0);
  CHECK((r.tasks[4].sample_id == "s2" && r.tasks[4].state == TaskState::kNotRun));
}

}  // namespace taskcost::report_builder_test
