#include "harness/core/history/summary.h"

#include <doctest/doctest.h>

#include "harness/core/render/report_format.h"
#include "tests/core/report_fixture.h"

namespace taskcost::summary_test {
namespace {

SuiteSummary Summary(const std::string& name, const std::string& feature, int64_t volume,
                     const char* ai, const char* human) {
  SuiteSummary s;
  s.suite = name;
  s.feature = feature;
  s.candidate = "c";
  s.volume_per_month = volume;
  s.ai_cost_per_task = Money::ParseUsd(ai).value();
  s.human_cost_per_task = Money::ParseUsd(human).value();
  return s;
}

}  // namespace

TEST_CASE("summary: the verdict's candidate, tags by candidate over suite") {
  RunManifest manifest = testing::TwoCandidateManifest(4);
  testing::AddHuman(manifest);
  manifest.tags = {{"team", "support"}, {"feature", "triage"}};
  manifest.candidates[1].tags = {{"team", "platform"}};
  // Four samples settle nothing at the default 5 pp tolerance (the interval is +-42.7 pp); at
  // 50 pp the hand-worked verdict switches to small.
  const Report report =
      ComputeReport(manifest, testing::HandWorkedJournal(), {.success_tolerance_pp = 50.0});
  const SuiteSummary s = SummariseRun(report, manifest);
  // The verdict switches to small: $0.00255 / 3 = $0.00085 per success, plus
  // review 0.2 min at $50/h = $0.166666666667.
  CHECK(s.candidate == "small");
  CHECK(s.switched);
  CHECK(s.feature == "triage");
  CHECK(s.team == "platform");
  CHECK(s.volume_per_month == 1000);
  CHECK(s.ai_cost_per_task->picos() == 850'000'000 + 166'666'666'667);
  CHECK(s.human_cost_per_task->picos() == 1'666'666'666'667);
}

TEST_CASE("summary: a feature weighs its suites by volume and flags negative ROI") {
  // triage: 1000 x ($1 - $0.002) + 3000 x ($2 - $0.004): AI (2 + 12) / 4000 = $0.0035,
  // human (1000 + 6000) / 4000 = $1.75, ROI 7000 / 14 = 500x, saving $6986.
  const std::vector<FeatureSummary> features = ByFeature(
      {Summary("b", "triage", 3000, "0.004", "2"), Summary("a", "triage", 1000, "0.002", "1"),
       Summary("refund", "refunds", 10, "0.5", "0.25")});
  REQUIRE(features.size() == 2);
  const FeatureSummary& refunds = features[0];
  const FeatureSummary& triage = features[1];
  CHECK(triage.feature == "triage");
  CHECK(triage.suites[0].suite == "a");
  CHECK(triage.volume_per_month == 4000);
  CHECK(FormatUsd(*triage.ai_cost_per_task) == "0.0035");
  CHECK(FormatUsd(*triage.human_cost_per_task) == "1.75");
  CHECK(FormatRoi(triage.roi) == "500.0x");
  CHECK(FormatUsd(*triage.monthly_saving) == "6986.00");
  CHECK_FALSE(triage.negative_roi);
  CHECK(refunds.negative_roi);
  CHECK(FormatRoi(refunds.roi) == "0.50x");
  CHECK(FormatUsd(*refunds.monthly_saving) == "-2.50");

  const std::string text = RenderSummaryText(features, "results");
  CHECK(text.find("NEGATIVE ROI: refunds: AI plus review costs $0.50 per task, more than the "
                  "human alone ($0.25)") != std::string::npos);
  const std::string html = RenderSummaryHtml(features, "results");
  CHECK(html.find("id=\"summary-table\"") != std::string::npos);
  CHECK(html.find("data-chart=\"summary-cost\"") != std::string::npos);
}

}  // namespace taskcost::summary_test

namespace taskcost::summary_test {

TEST_CASE("summary: a suite whose latest run is partial is flagged in every row and a line") {
  RunManifest manifest = testing::TwoCandidateManifest(4);
  testing::AddHuman(manifest);
  // The hand-worked journal without small's s4 (not run) and big's second s3 attempt (big's s3
  // then ends on a rate_limit at attempt 1 of 3: unfinished).
  std::vector<Attempt> journal;
  for (const Attempt& a : testing::HandWorkedJournal()) {
    const bool cut = (a.candidate_id == "small" && a.sample_id == "s4") ||
                     (a.candidate_id == "big" && a.sample_id == "s3" && a.attempt == 2);
    if (!cut) journal.push_back(a);
  }
  const SuiteSummary s = SummariseRun(ComputeReport(manifest, journal), manifest);
  CHECK(s.partial);
  CHECK(s.tasks_unfinished == 1);
  CHECK(s.tasks_not_run == 1);
  const std::string text = RenderSummaryText(ByFeature({s}), "results");
  CHECK(text.find("partial run") != std::string::npos);  // the flag column
  CHECK(text.find("PARTIAL RUN: triage: run 2026-11-23T10-04-12Z left 1 tasks unfinished and 1 "
                  "not run; its figures cover its finished tasks (taskcost run --resume "
                  "finishes it)\n") != std::string::npos);
  CHECK(RenderSummaryHtml(ByFeature({s}), "results").find("PARTIAL RUN: triage") !=
        std::string::npos);
}

}  // namespace taskcost::summary_test
