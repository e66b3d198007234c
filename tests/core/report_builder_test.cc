// ReportBuilder: the report computed one attempt at a time (the streaming report path) is the
// very report ComputeReport gives over the whole journal.
#include <doctest/doctest.h>

#include "harness/core/metrics.h"
#include "harness/core/report_json.h"
#include "tests/core/report_fixture.h"

namespace taskcost {

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
  CHECK(streamed.overall.decision == Decision::kSwitch);
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

}  // namespace taskcost
