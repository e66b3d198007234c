// Partial runs: tasks without a final outcome (a retry, a cascade's next step or a judge's
// verdict cut off) are unfinished, not failed: their own count, out of the success rate and the
// paired comparison, their spend in every total. Journals made by hand, figures worked by hand.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/core/render/html_report.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_csv.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_json.h"
#include "harness/core/render/report_render.h"
#include "harness/core/model/task_state.h"
#include "tests/core/report_fixture.h"

namespace taskcost::metrics_partial_test {
namespace {

using testing::Call;
using testing::CountOf;
using testing::MakeAttempt;
using testing::MakeAttempts;
using testing::TwoCandidateManifest;
using E = ErrorClass;

// The journal of a run stopped by its budget (--budget ... --allow-partial), under the default
// policy (max_attempts 3, retry_on rate_limit, server, timeout, network, invalid_output).
// Prices of the fixture: big $2.50 / $10.00 per 1M, small $0.15 / $0.60 per 1M.
//
// big (baseline), 1,000 in + 100 out = $0.0035 a call:
//   s1 ok, s2 ok, s3 ok        succeeded                       $0.0035 each
//   s4 incorrect               failed (never retried)          $0.0035
//   s5 rate_limit, attempt 1   UNFINISHED: its retry was cut   $0 (no tokens)
//   s6 -                       not run
//   total $0.014; 4 finished, 3 succeeded: 75.0%; $0.014 / 3 = $0.004666666666667
// small, 1,000 in + 100 out = $0.00021 a call; invalid_output 1,000 in + 300 out = $0.00033:
//   s1 ok                      succeeded                       $0.00021
//   s2 invalid_output, att. 1  UNFINISHED                      $0.00033
//   s3 ok                      succeeded                       $0.00021
//   s4 invalid_output x 3      failed: the policy's 3 attempts $0.00099
//   s5 ok                      succeeded                       $0.00021
//   s6 timeout, att. 1         UNFINISHED                      $0 (no tokens)
//   total $0.00195; 8 attempts, 2 of them in unfinished tasks ($0.00033)
//   finished 4 (s1, s3, s4, s5), 3 succeeded: 75.0% (counting s2 and s6 as failed, as before
//   the fix, gave 3 / 6 = 50.0%)
//   cost per successful task = everything / successes = $0.00195 / 3 = $0.00065
//   cost per task = finished tasks' cost / finished = ($0.00195 - $0.00033) / 4 = $0.000405
//   attempts per task = (8 - 2) / 4 = 1.50
//   finished task costs sorted 0.00021 x 3, 0.00099: p50 (rank 2) $0.00021, p95 (rank 4)
//   $0.00099
// Pairs: samples finished by both: s1, s3, s4 (s2 and s6 unfinished for small, s5 for big, s6
// not run for big): 3 paired samples.
std::vector<Attempt> BudgetStoppedJournal() {
  return MakeAttempts({
      {"s1", "big", 1, 1000, 100},
      {"s1", "small", 1, 1000, 100},
      {"s2", "big", 1, 1000, 100},
      {"s2", "small", 1, 1000, 300, E::kInvalidOutput},
      {"s3", "big", 1, 1000, 100},
      {"s3", "small", 1, 1000, 100},
      {"s4", "big", 1, 1000, 100, E::kIncorrect},
      {"s4", "small", 1, 1000, 300, E::kInvalidOutput},
      {"s4", "small", 2, 1000, 300, E::kInvalidOutput},
      {"s4", "small", 3, 1000, 300, E::kInvalidOutput},
      {"s5", "big", 1, 0, 0, E::kRateLimit},
      {"s5", "small", 1, 1000, 100},
      {"s6", "small", 1, 0, 0, E::kTimeout},
  });
}

}  // namespace

TEST_CASE("partial: a budget stop's cut retries are unfinished, not failed") {
  const Report r = ComputeReport(TwoCandidateManifest(6), BudgetStoppedJournal());
  const CandidateMetrics& small = *r.Find("small");
  CHECK(small.tasks_run == 6);
  CHECK(small.tasks_unfinished == 2);
  CHECK(small.TasksFinished() == 4);
  CHECK(small.tasks_not_run == 0);
  CHECK(small.successes == 3);
  CHECK(small.SuccessRate().Rounded(1000) == 750);  // 75.0%, not 50.0%
  CHECK(small.attempts == 8);
  CHECK(small.unfinished_attempts == 2);
  CHECK(small.unfinished_cost.ToExactString() == "0.00033");
  CHECK(small.total_cost.ToExactString() == "0.00195");  // the unfinished spend included
  CHECK(small.cost_per_success->ToExactString() == "0.00065");
  CHECK(small.cost_per_task->ToExactString() == "0.000405");
  CHECK(small.AttemptsPerTask().Rounded(100) == 150);
  CHECK(small.task_cost_p50->ToExactString() == "0.00021");
  CHECK(small.task_cost_p95->ToExactString() == "0.00099");
  // Failed tasks are finished ones only: s4 (invalid_output); every failed call still counts.
  CHECK(CountOf(small.task_failures, E::kInvalidOutput) == 1);
  CHECK(CountOf(small.task_failures, E::kTimeout) == 0);
  CHECK(CountOf(small.attempt_failures, E::kInvalidOutput) == 4);
  CHECK(CountOf(small.attempt_failures, E::kTimeout) == 1);
  CHECK(small.Partial());

  const CandidateMetrics& big = *r.Find("big");
  CHECK(big.tasks_run == 5);
  CHECK(big.tasks_unfinished == 1);
  CHECK(big.tasks_not_run == 1);
  CHECK(big.successes == 3);
  CHECK(big.SuccessRate().Rounded(1000) == 750);
  CHECK(big.total_cost.ToExactString() == "0.014");
  CHECK(big.cost_per_success->picos() == 4'666'666'667);
  CHECK(CountOf(big.task_failures, E::kRateLimit) == 0);
  CHECK(r.Partial());

  REQUIRE(r.comparisons.size() == 1);
  CHECK(r.comparisons[0].paired.n == 3);  // s1, s3, s4
}

TEST_CASE("partial: a complete run has no unfinished task, whatever its last errors") {
  // Every task here has its final outcome: the retry budget used up (3 attempts), a class the
  // policy does not retry (truncated), a fatal class (quota), an unjudged answer.
  RunManifest m = TwoCandidateManifest(4);
  std::vector<Attempt> journal = MakeAttempts({
      {"s1", "big", 1, 0, 0, E::kServer},
      {"s1", "big", 2, 0, 0, E::kServer},
      {"s1", "big", 3, 0, 0, E::kServer},
      {"s2", "big", 1, 1000, 100, E::kTruncated},
      {"s3", "big", 1, 0, 0, E::kQuota},
      {"s4", "big", 1, 1000, 100, E::kScorerError},
  });
  Report r = ComputeReport(m, journal);
  CHECK(r.Find("big")->tasks_unfinished == 0);
  CHECK(r.Find("big")->TasksFinished() == 4);
  CHECK(r.Find("big")->SuccessRate().Rounded(1000) == 0);
  // The policy decides: with truncated in retry_on and 4 attempts allowed, s1 and s2 were cut.
  m.policy.max_attempts = 4;
  m.policy.retry_on.push_back(E::kTruncated);
  r = ComputeReport(m, journal);
  CHECK(r.Find("big")->tasks_unfinished == 2);
}

TEST_CASE("partial: a cascade whose next step never started, a chain cut between steps") {
  // small is a cascade "cheap > dear" (run.json's model names the steps); big a chain
  // "draft (big) > fix (small)".
  RunManifest m = TwoCandidateManifest(4);
  m.candidates[1].model = "cascade: cheap > dear";
  m.candidates[0].model = "chain: draft (big) > fix (small)";
  auto step = [](Call call, const char* id, bool partial = false) {
    Attempt a = MakeAttempt(call);
    a.step = id;
    a.partial = partial;
    return a;
  };
  const std::vector<Attempt> journal = {
      // cascade: s1 escalated and dear answered (succeeded); s2 cheap failed incorrect, dear
      // never started (unfinished); s3 cheap failed on auth, a fatal class that does not
      // escalate (failed); s4 cheap succeeded.
      step({"s1", "small", 1, 1000, 100, E::kIncorrect}, "cheap"),
      step({"s1", "small", 1, 1000, 100}, "dear"),
      step({"s2", "small", 1, 1000, 100, E::kIncorrect}, "cheap"),
      step({"s3", "small", 1, 0, 0, E::kAuth}, "cheap"),
      step({"s4", "small", 1, 1000, 100}, "cheap"),
      // chain: s1 both steps (succeeded); s2 draft answered, fix never started (unfinished);
      // s3 draft failed (a chain stops: failed).
      step({"s1", "big", 1, 1000, 100}, "draft", true),
      step({"s1", "big", 1, 1000, 100}, "fix"),
      step({"s2", "big", 1, 1000, 100}, "draft", true),
      step({"s3", "big", 1, 1000, 100, E::kIncorrect}, "draft", true),
  };
  const Report r = ComputeReport(m, journal);
  const CandidateMetrics& cascade = *r.Find("small");
  CHECK(cascade.tasks_unfinished == 1);
  CHECK(cascade.successes == 2);
  CHECK(cascade.SuccessRate().Rounded(1000) == 667);  // 2 of 3 finished
  const CandidateMetrics& chain = *r.Find("big");
  CHECK(chain.tasks_unfinished == 1);
  CHECK(chain.tasks_not_run == 1);
  CHECK(chain.successes == 1);
  CHECK(chain.SuccessRate().Rounded(1000) == 500);  // s1 of s1, s3
}

TEST_CASE("partial: an answer awaiting its success judge is unfinished, a quality judge is not") {
  RunManifest m = TwoCandidateManifest(3);
  auto pending = [](bool quality) {
    CheckResult c{"judge(tone)", false, std::string(kNotJudgedReason)};
    c.scorer_error = true;
    c.pending = true;
    c.quality = quality;
    return c;
  };
  Attempt s1 = MakeAttempt({"s1", "small", 1, 1000, 100, E::kScorerError});
  s1.checks = {pending(false)};  // the verdict decides the task: unfinished
  Attempt s2 = MakeAttempt({"s2", "small", 1, 1000, 100});
  s2.checks = {pending(true)};  // a pending quality score decides nothing: succeeded
  Attempt s3 = MakeAttempt({"s3", "small", 1, 1000, 100, E::kIncorrect});
  s3.checks = {CheckResult{"field_equals(category)", false, "expected a"}, pending(false)};
  // s3 already failed a success check: failed whatever the judge says.
  const Report r = ComputeReport(m, {s1, s2, s3});
  const CandidateMetrics& small = *r.Find("small");
  CHECK(small.tasks_unfinished == 1);
  CHECK(small.successes == 1);
  CHECK(small.unjudged_tasks == 0);  // s1 is unfinished, not unjudged
  CHECK(CountOf(small.task_failures, E::kIncorrect) == 1);
}

TEST_CASE("partial: task states by rule") {
  RetryPolicy policy;  // max 3; retries rate_limit, server, timeout, network, invalid_output
  auto state = [&](ErrorClass error, int attempt, StepPosition position = {}) {
    Attempt a = MakeAttempt({"s1", "small", attempt, 0, 0, error});
    return StateOfTask(&a, policy, position);
  };
  CHECK(StateOfTask(nullptr, policy, {}) == TaskState::kNotRun);
  CHECK(state(E::kNone, 1) == TaskState::kSucceeded);
  CHECK(state(E::kRateLimit, 2) == TaskState::kUnfinished);
  CHECK(state(E::kRateLimit, 3) == TaskState::kFailed);
  CHECK(state(E::kRefusal, 1) == TaskState::kFailed);  // not in retry_on
  CHECK(state(E::kBadRequest, 1) == TaskState::kFailed);
  CHECK(state(E::kIncorrect, 1, {false, 0, 2}) == TaskState::kUnfinished);  // escalates
  CHECK(state(E::kIncorrect, 1, {false, 1, 2}) == TaskState::kFailed);      // the last step
  CHECK(state(E::kScorerError, 1, {false, 0, 2}) == TaskState::kFailed);    // does not escalate
  CHECK(state(E::kIncorrect, 1, {true, 0, 2}) == TaskState::kFailed);       // a chain stops
  // A provider that asks for a wait longer than max_wait_s (120 s by default) ends the task:
  // the runner does not retry it (issue 12 item 6), so it is failed, not unfinished.
  Attempt refused = MakeAttempt({"s1", "small", 1, 0, 0, E::kRateLimit});
  refused.retry_after_ms = 999'999'000;
  CHECK(StateOfTask(&refused, policy, {}) == TaskState::kFailed);
  refused.retry_after_ms = 120'000;  // exactly the cap: still waited for
  CHECK(StateOfTask(&refused, policy, {}) == TaskState::kUnfinished);
  CHECK(TaskStateName(TaskState::kUnfinished) == "unfinished");
  CHECK(TaskStateName(TaskState::kNotRun) == "not_run");
}

TEST_CASE("partial: every rendering of a partial run says so") {
  ReportOptions options;
  options.keep_tasks = true;
  const Report r = ComputeReport(TwoCandidateManifest(6), BudgetStoppedJournal(), options);
  // 12 planned tasks; without an outcome: big s5 (unfinished), s6 (not run), small s2 and s6
  // (unfinished); the unfinished tasks cost $0 (big s5) + $0.00033 (small s2) + $0 (small s6).
  const std::string banner =
      "PARTIAL RUN: 4 of 12 planned tasks have no outcome (big 1 unfinished, 1 not run; small 2 "
      "unfinished, 0 not run); success rates, per-task figures and the verdict cover finished "
      "tasks only; totals and cost per successful ticket classified include the $0.00033 the "
      "unfinished tasks cost";
  const std::string terminal = RenderTerminal(r, false);
  CHECK(terminal.find(banner + "\n") != std::string::npos);
  CHECK(terminal.find("small           3/4 75.0%") != std::string::npos);  // not 3/6 50.0%
  CHECK(terminal.find("unfinished") != std::string::npos);  // the details table's column
  CHECK(terminal.find("small: 2 of 6 planned tasks unfinished (a retry, a cascade's next step or "
                      "a judge's verdict was cut off): left out of the success rate and per-task "
                      "figures; in the totals: their 2 attempts, $0.00033") != std::string::npos);
  CHECK(VerdictLine(r, r.comparisons[0])
            .ends_with("; partial: 4 of 6 tasks finished (baseline 4 "
                       "of 6)"));
  CHECK(RenderMarkdown(r).find("> **PARTIAL RUN: 4 of 12 planned tasks have no outcome") !=
        std::string::npos);
  CHECK(RenderHtml(r, {}).find("<p class=\"warn partial\">PARTIAL RUN: 4 of 12") !=
        std::string::npos);

  const nlohmann::json j = nlohmann::json::parse(ReportToJson(r));
  CHECK(j.at("partial") == true);
  const nlohmann::json& small = j.at("candidates")[1];
  CHECK(small.at("tasks_unfinished") == 2);
  CHECK(small.at("tasks_finished") == 4);
  CHECK(small.at("partial") == true);
  CHECK(small.at("success_rate") == 0.75);
  CHECK(small.at("unfinished_attempts") == 2);
  CHECK(small.at("unfinished_cost_picousd") == 330'000'000);

  // One CSV row per planned task, its state last.
  const std::string csv = ReportToCsv(r);
  CHECK(csv.find("latency_ms,quality,state\r\n") != std::string::npos);
  CHECK(csv.find("s2,small,0,1,1000,300,0.00033,330000000,false,,0.0,,unfinished\r\n") !=
        std::string::npos);
  CHECK(csv.find("s4,small,0,3,3000,900,0.00099,990000000,false,invalid_output,0.0,,failed\r\n") !=
        std::string::npos);
  CHECK(csv.find("s6,big,0,0,0,0,0,0,false,,,,not_run\r\n") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 12);
}

TEST_CASE("partial: a complete run prints no partial wording") {
  const Report r = ComputeReport(TwoCandidateManifest(4), testing::HandWorkedJournal());
  CHECK_FALSE(r.Partial());
  CHECK(RenderTerminal(r, false).find("PARTIAL") == std::string::npos);
  CHECK(RenderTerminal(r, false).find("unfinished") == std::string::npos);
  CHECK(VerdictLine(r, r.comparisons[0]).find("partial") == std::string::npos);
  CHECK(nlohmann::json::parse(ReportToJson(r)).at("partial") == false);
}

}  // namespace taskcost::metrics_partial_test

namespace taskcost::metrics_partial_test {

TEST_CASE("partial: the verdict's success change is between the finished tasks' rates") {
  // BudgetStoppedJournal: small 3 of 4 finished, big 3 of 4: 75.0% vs 75.0%, 0.0 pp (over
  // the tasks run it would read 3/6 - 3/5 = -10.0 pp next to two equal rates).
  const Report r = ComputeReport(TwoCandidateManifest(6), BudgetStoppedJournal());
  REQUIRE(r.comparisons[0].success_change.has_value());
  CHECK(r.comparisons[0].success_change->num == 0);
  CHECK(VerdictLine(r, r.comparisons[0]).find("success 75.0% vs 75.0% (0.0 pp") !=
        std::string::npos);
}

}  // namespace taskcost::metrics_partial_test

namespace taskcost::metrics_partial_test {

TEST_CASE("partial: a candidate that finished no task is inconclusive, not kept") {
  // small's only tasks were cut before a retry: s1 rate_limit, s2 server, both at attempt 1.
  // With no finished task there is no evidence either way.
  const Report r =
      ComputeReport(TwoCandidateManifest(2), MakeAttempts({{"s1", "big", 1, 1000, 100},
                                                           {"s2", "big", 1, 1000, 100},
                                                           {"s1", "small", 1, 0, 0, E::kRateLimit},
                                                           {"s2", "small", 1, 0, 0, E::kServer}}));
  REQUIRE(r.comparisons.size() == 1);
  CHECK(r.comparisons[0].decision == Decision::kInconclusive);
  CHECK(r.comparisons[0].reason == VerdictReason::kNoTasksRun);
  CHECK(VerdictLine(r, r.comparisons[0]) ==
        "small: inconclusive — no task finished (2 unfinished, 0 of 2 tasks not run); partial: 0 "
        "of 2 tasks finished (baseline 2 of 2)");
}

}  // namespace taskcost::metrics_partial_test
