#include "harness/core/render/report_json.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/core/report_fixture.h"

namespace taskcost::report_json_test {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> Keys(const Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

Json HandWorkedJson() {
  RunManifest m = testing::TwoCandidateManifest(4);
  testing::AddHuman(m);
  return Json::parse(ReportToJson(ComputeReport(m, testing::HandWorkedJournal())));
}

}  // namespace

TEST_CASE("report_json: parses, is versioned and keeps the documented key order") {
  const Json j = HandWorkedJson();
  CHECK(j.at("format").get<std::string>() == "taskcost-report");
  CHECK(j.at("version").get<int>() == 1);
  CHECK(Keys(j) == std::vector<std::string>{"format",
                                            "version",
                                            "suite",
                                            "run_id",
                                            "unit",
                                            "simulated",
                                            "partial",
                                            "samples",
                                            "repeats",
                                            "baseline",
                                            "volume_per_month",
                                            "settings",
                                            "ignored_attempts",
                                            "total_cost_picousd",
                                            "total_cost_usd",
                                            "spent_picousd",
                                            "spent_usd",
                                            "cached_attempts",
                                            "judge_calls",
                                            "cached_judge_calls",
                                            "judge_cost_picousd",
                                            "judge_cost_usd",
                                            "judge_spent_picousd",
                                            "judge_spent_usd",
                                             "calls_in_flight",
                                             "in_flight_worst_case_picousd",
                                             "in_flight_worst_case_usd",
                                             "in_flight_note",
                                            "human",
                                            "candidates",
                                            "comparisons",
                                            "verdict"});
  CHECK(Keys(j.at("settings")) == std::vector<std::string>{"success_tolerance_pp",
                                                           "outlier_cost_factor",
                                                           "long_tokens_factor", "ci_z"});
  CHECK(Keys(j.at("human")) ==
        std::vector<std::string>{
            "micro_minutes_per_task", "minutes_per_task", "hourly_rate_picousd", "hourly_rate_usd",
            "review_micro_minutes_per_task", "review_minutes_per_task", "cost_per_task_picousd",
            "cost_per_task_usd", "review_cost_per_task_picousd", "review_cost_per_task_usd"});
  CHECK(Keys(j.at("candidates").at(0)) ==
        std::vector<std::string>{"id",
                                 "model",
                                 "provider",
                                 "baseline",
                                 "pricing",
                                 "tasks_planned",
                                 "tasks_run",
                                 "tasks_not_run",
                                 "tasks_unfinished",
                                 "tasks_finished",
                                 "partial",
                                 "successes",
                                 "attempts",
                                 "retries",
                                 "success_rate",
                                 "attempts_per_task",
                                 "total_cost_picousd",
                                 "total_cost_usd",
                                 "spent_picousd",
                                 "spent_usd",
                                 "unfinished_attempts",
                                 "unfinished_cost_picousd",
                                 "unfinished_cost_usd",
                                 "cached_attempts",
                                 "answers_without_usage",
                                 "implausible_usage",
                                 "judge_calls",
                                 "cached_judge_calls",
                                 "judge_cost_picousd",
                                 "judge_cost_usd",
                                 "judge_spent_picousd",
                                 "judge_spent_usd",
                                 "calls_in_flight",
                                 "in_flight_worst_case_picousd",
                                 "in_flight_worst_case_usd",
                                 "tasks_in_flight",
                                 "cost_per_task_picousd",
                                 "cost_per_task_usd",
                                 "cost_per_successful_task_picousd",
                                 "cost_per_successful_task_usd",
                                 "task_cost_p50_picousd",
                                 "task_cost_p50_usd",
                                 "task_cost_p95_picousd",
                                 "task_cost_p95_usd",
                                 "task_cost_max_picousd",
                                 "task_cost_max_usd",
                                 "input_tokens",
                                 "output_tokens",
                                 "mean_input_tokens_per_attempt",
                                 "mean_output_tokens_per_attempt",
                                 "latency_p50_us",
                                 "latency_p50_ms",
                                 "latency_p95_us",
                                 "latency_p95_ms",
                                 "failures_by_attempt",
                                 "failures_by_task",
                                 "fatal_error",
                                 "outliers",
                                 "roi",
                                 "repeat_spread",
                                 "quality_score",
                                 "quality_tasks",
                                 "unjudged_tasks",
                                 "escalated_tasks",
                                 "escalation_rate",
                                 "steps",
                                 "scorers"});
  CHECK(Keys(j.at("candidates").at(1).at("outliers").at(0)) ==
        std::vector<std::string>{"sample_id", "repeat", "cost_picousd", "cost_usd", "attempts",
                                 "input_tokens", "output_tokens", "reasons"});
  CHECK(Keys(j.at("candidates").at(0).at("roi")) ==
        std::vector<std::string>{"effective_cost_per_task_picousd", "effective_cost_per_task_usd",
                                 "roi_multiple", "negative_roi", "monthly_saving_picousd",
                                 "monthly_saving_usd", "projected_monthly_cost_picousd",
                                 "projected_monthly_cost_usd", "monthly_too_large"});
  CHECK(Keys(j.at("comparisons").at(0)) ==
        std::vector<std::string>{"candidate", "baseline", "cost_change_pct", "success_change_pp",
                                 "paired_success", "pairs_to_settle", "decision", "reason",
                                 "text"});
  CHECK(Keys(j.at("comparisons").at(0).at("paired_success")) ==
        std::vector<std::string>{"n", "mean_pp", "sd_pp", "ci95_low_pp", "ci95_high_pp",
                                 "interval", "candidate_only", "baseline_only", "both",
                                 "neither"});
  CHECK(Keys(j.at("verdict")) == std::vector<std::string>{"decision", "candidate", "text"});
}

TEST_CASE("report_json: money is exact picodollars plus a convenience double") {
  const Json j = HandWorkedJson();
  const Json& big = j.at("candidates").at(0);
  CHECK(big.at("total_cost_picousd").get<int64_t>() == 14'000'000'000);  // $0.014
  CHECK(big.at("total_cost_usd").get<double>() == 0.014);
  CHECK(big.at("cost_per_successful_task_picousd").get<int64_t>() == 4'666'666'667);
  CHECK(big.at("success_rate").get<double>() == 0.75);
  CHECK(big.at("attempts_per_task").get<double>() == 1.25);
  CHECK(big.at("latency_p95_us").get<int64_t>() == 600'000);
  CHECK(big.at("latency_p95_ms").get<double>() == 600.0);
  CHECK(big.at("failures_by_attempt").at("rate_limit").get<int>() == 1);
  CHECK(big.at("failures_by_attempt").size() == AllErrorClasses().size());
  CHECK(big.at("failures_by_task").at("incorrect").get<int>() == 1);
  CHECK(big.at("roi").at("monthly_saving_picousd").get<int64_t>() == 1'495'333'333'333'000);
  CHECK(big.at("roi").at("roi_multiple").get<double>() == doctest::Approx(9.7276).epsilon(1e-4));
  CHECK(j.at("human").at("cost_per_task_picousd").get<int64_t>() == 1'666'666'666'667);
  const Json& small = j.at("candidates").at(1);
  CHECK(small.at("outliers").at(1).at("reasons") ==
        Json::array({"long input", "long output", "3 attempts"}));
  const Json& comparison = j.at("comparisons").at(0);
  CHECK(comparison.at("cost_change_pct").get<double>() == doctest::Approx(-81.7857).epsilon(1e-5));
  CHECK(comparison.at("success_change_pp").get<double>() == 0.0);
  CHECK(comparison.at("paired_success").at("n").get<int>() == 4);
  // 3 both, 1 neither: Newcombe's interval is +-42.7 pp (Wilson 3/4 = 0.300642..0.954413,
  // phi = (3 - 2) / sqrt(3 x 1 x 3 x 1) = 1/3), so four samples cannot show small no worse.
  CHECK(comparison.at("paired_success").at("both").get<double>() == 3.0);
  CHECK(comparison.at("paired_success").at("neither").get<double>() == 1.0);
  CHECK(comparison.at("paired_success").at("ci95_low_pp").get<double>() ==
        doctest::Approx(-42.717).epsilon(1e-4));
  CHECK(comparison.at("decision").get<std::string>() == "inconclusive");
  CHECK(comparison.at("reason").get<std::string>() == "may_be_worse");
  CHECK(comparison.at("pairs_to_settle").get<int>() == 53);  // independent recomputation
  CHECK(j.at("verdict").at("decision").get<std::string>() == "keep");
  CHECK(j.at("verdict").at("candidate").get<std::string>() == "big");
}

TEST_CASE("report_json: undefined figures are null") {
  const std::vector<Attempt> attempts = testing::SmallNeverSucceeds();
  RunManifest m = testing::TwoCandidateManifest(4);
  m.candidates.push_back(testing::MakeCandidate("idle", false));
  const Json j = Json::parse(ReportToJson(ComputeReport(m, attempts)));
  CHECK(j.at("human").is_null());
  const Json& small = j.at("candidates").at(1);
  CHECK(small.at("cost_per_successful_task_picousd").is_null());
  CHECK(small.at("cost_per_successful_task_usd").is_null());
  CHECK(small.at("success_rate").get<double>() == 0.0);
  CHECK(small.at("roi").is_null());
  const Json& idle = j.at("candidates").at(2);
  CHECK(idle.at("success_rate").is_null());
  CHECK(idle.at("cost_per_task_picousd").is_null());
  CHECK(idle.at("task_cost_p95_usd").is_null());
  CHECK(idle.at("latency_p50_ms").is_null());
  CHECK(idle.at("tasks_not_run").get<int>() == 4);
  const Json& vs_small = j.at("comparisons").at(0);
  CHECK(vs_small.at("cost_change_pct").is_null());
  CHECK(vs_small.at("decision").get<std::string>() == "keep");
  CHECK(vs_small.at("reason").get<std::string>() == "no_successes");
  const Json& vs_idle = j.at("comparisons").at(1);
  CHECK(vs_idle.at("paired_success").at("n").get<int>() == 0);
  CHECK(vs_idle.at("paired_success").at("mean_pp").is_null());
  CHECK(vs_idle.at("reason").get<std::string>() == "no_tasks_run");
  CHECK(j.at("verdict").at("decision").get<std::string>() == "keep");
  CHECK(j.at("verdict").at("candidate").get<std::string>() == "big");
}

TEST_CASE("report_json: output is stable") {
  const std::string once =
      ReportToJson(ComputeReport(testing::TwoCandidateManifest(4), testing::HandWorkedJournal()));
  const std::string twice =
      ReportToJson(ComputeReport(testing::TwoCandidateManifest(4), testing::HandWorkedJournal()));
  CHECK(once == twice);
  CHECK(once.back() == '\n');
  CHECK(once.rfind("{\n  \"format\": \"taskcost-report\",\n  \"version\": 1,\n", 0) == 0);
}

}  // namespace taskcost::report_json_test
