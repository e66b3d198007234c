#include "harness/core/metrics/metrics.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "harness/core/render/report_tables.h"
#include "tests/core/report_fixture.h"

namespace taskcost::metrics_test {
namespace {

using testing::Call;
using testing::CountOf;
using testing::HandWorkedJournal;
using testing::MakeAttempts;
using testing::TwoCandidateManifest;
using E = ErrorClass;

int64_t Picos(const std::optional<Money>& m) {
  REQUIRE(m.has_value());
  return m->picos();
}

}  // namespace

TEST_CASE("metrics: hand-worked journal, baseline with a retry and a wrong answer") {
  const Report r = ComputeReport(TwoCandidateManifest(4), HandWorkedJournal());
  REQUIRE(r.candidates.size() == 2);
  const CandidateMetrics& big = r.candidates[0];
  CHECK(big.id == "big");
  CHECK(big.baseline);
  CHECK(r.baseline_id == "big");
  CHECK(big.tasks_planned == 4);
  CHECK(big.tasks_run == 4);
  CHECK(big.tasks_not_run == 0);
  CHECK(big.successes == 3);
  CHECK(big.attempts == 5);
  CHECK(big.retries == 1);
  // 4 tasks x $0.0035 = $0.014 (the rate-limited call cost nothing).
  CHECK(big.total_cost.ToExactString() == "0.014");
  CHECK(Picos(big.cost_per_task) == 3'500'000'000);
  // $0.014 / 3 = 0.004666666666666... rounded half away from zero to the picodollar.
  CHECK(Picos(big.cost_per_success) == 4'666'666'667);
  CHECK(Picos(big.task_cost_p50) == 3'500'000'000);
  CHECK(Picos(big.task_cost_p95) == 3'500'000'000);
  CHECK(Picos(big.task_cost_max) == 3'500'000'000);
  // Task latencies 400, 500 (100 + 400), 500, 600 ms: p50 = rank 2 = 500, p95 = rank 4 = 600.
  CHECK(big.latency_p50_us == 500'000);
  CHECK(big.latency_p95_us == 600'000);
  CHECK(big.SuccessRate().Rounded(1000) == 750);     // 75.0%
  CHECK(big.AttemptsPerTask().Rounded(100) == 125);  // 1.25
  CHECK(big.MeanInputTokens().Rounded(10) == 8000);  // 4,000 / 5 = 800.0
  CHECK(big.MeanOutputTokens().Rounded(10) == 800);  // 400 / 5 = 80.0
  CHECK(CountOf(big.attempt_failures, E::kRateLimit) == 1);
  CHECK(CountOf(big.attempt_failures, E::kIncorrect) == 1);
  CHECK(big.attempt_failures.size() == 2);
  CHECK(CountOf(big.task_failures, E::kIncorrect) == 1);
  CHECK(big.task_failures.size() == 1);
  CHECK(big.outliers.empty());  // every task costs the median
  CHECK_FALSE(big.fatal_error.has_value());
  CHECK_FALSE(big.roi.has_value());  // no human block in this manifest
}

TEST_CASE("metrics: hand-worked journal, cheap candidate with a retry cascade") {
  const Report r = ComputeReport(TwoCandidateManifest(4), HandWorkedJournal());
  const CandidateMetrics& small = r.candidates[1];
  CHECK_FALSE(small.baseline);
  CHECK(small.tasks_run == 4);
  CHECK(small.successes == 3);
  CHECK(small.attempts == 6);
  CHECK(small.retries == 2);
  // 0.00021 + 0.00087 + 0.00021 + 0.00126 = 0.00255
  CHECK(small.total_cost.ToExactString() == "0.00255");
  CHECK(small.cost_per_task->ToExactString() == "0.0006375");
  CHECK(small.cost_per_success->ToExactString() == "0.00085");  // 0.00255 / 3
  CHECK(small.task_cost_p50->ToExactString() == "0.00021");
  CHECK(small.task_cost_p95->ToExactString() == "0.00126");
  CHECK(small.task_cost_max->ToExactString() == "0.00126");
  CHECK(small.latency_p50_us == 300'000);
  CHECK(small.latency_p95_us == 900'000);               // the 3-attempt task
  CHECK(small.MeanInputTokens().Rounded(10) == 21667);  // 13,000 / 6 = 2,166.67
  CHECK(small.MeanOutputTokens().Rounded(10) == 1667);  // 1,000 / 6 = 166.67
  CHECK(CountOf(small.attempt_failures, E::kInvalidOutput) == 2);
  CHECK(CountOf(small.attempt_failures, E::kIncorrect) == 1);
  CHECK(CountOf(small.task_failures, E::kIncorrect) == 1);
  CHECK(CountOf(small.task_failures, E::kInvalidOutput) == 0);  // s2 succeeded in the end
}

TEST_CASE("metrics: outliers cost more than 3x the median and say why") {
  const Report r = ComputeReport(TwoCandidateManifest(4), HandWorkedJournal());
  const std::vector<Outlier>& outliers = r.candidates[1].outliers;
  // Median task cost $0.00021; 3x = $0.00063. Median input per task 1,000 (of 1,000, 1,000,
  // 3,000, 8,000), median output 100 (of 100, 100, 100, 700).
  REQUIRE(outliers.size() == 2);
  CHECK(outliers[0].sample_id == "s4");  // $0.00126, highest first
  CHECK(outliers[0].cost.ToExactString() == "0.00126");
  CHECK(outliers[0].attempts == 1);
  CHECK(outliers[0].input_tokens == 8000);
  CHECK(outliers[0].reasons == std::vector<std::string>{"long input"});
  CHECK(outliers[1].sample_id == "s2");  // $0.00087
  CHECK(outliers[1].input_tokens == 3000);
  CHECK(outliers[1].output_tokens == 700);
  CHECK(outliers[1].reasons == std::vector<std::string>{"long input", "long output", "3 attempts"});
}

TEST_CASE("metrics: a task exactly 3x the median is not an outlier") {
  // Task costs $1, $1, $3 (picos): median $1, and $3 is not more than 3 x $1.
  RunManifest m = TwoCandidateManifest(3);
  std::vector<Attempt> attempts =
      MakeAttempts({{"s1", "big", 1, 400, 0}, {"s2", "big", 1, 400, 0}, {"s3", "big", 1, 1200, 0}});
  CHECK(ComputeReport(m, attempts).candidates[0].outliers.empty());
  attempts.back().cost = attempts.back().cost + Money::FromPicos(1);
  CHECK(ComputeReport(m, attempts).candidates[0].outliers.size() == 1);
}

TEST_CASE("metrics: planned tasks without an attempt are counted as not run") {
  RunManifest m = TwoCandidateManifest(4);
  m.repeats = 2;
  // small ran two tasks of eight (s1 repeats 0 and 1); big ran s1 repeat 0 only.
  const std::vector<Attempt> attempts =
      MakeAttempts({{"s1", "big", 1, 1000, 100, E::kNone, 10, 0},
                    {"s1", "small", 1, 1000, 100, E::kNone, 10, 0},
                    {"s1", "small", 1, 1000, 100, E::kNone, 10, 1}});
  const Report r = ComputeReport(m, attempts);
  CHECK(r.candidates[0].tasks_planned == 8);
  CHECK(r.candidates[0].tasks_run == 1);
  CHECK(r.candidates[0].tasks_not_run == 7);
  CHECK(r.candidates[1].tasks_run == 2);
  CHECK(r.candidates[1].tasks_not_run == 6);
  // Success rate is over tasks run: 2/2.
  CHECK(r.candidates[1].SuccessRate().Rounded(1000) == 1000);
}

TEST_CASE("metrics: answers without a usage object are counted and said, not silently $0") {
  std::vector<Attempt> attempts = MakeAttempts({{"s1", "big", 1, 1000, 100},
                                                {"s2", "big", 1, 0, 0},
                                                {"s1", "small", 1, 0, 0, E::kServer}});
  attempts[0].http_status = 200;
  attempts[0].usage_raw = R"({"prompt_tokens":1000,"completion_tokens":100})";
  attempts[1].http_status = 200;  // an OpenAI-compatible server that sent no usage
  attempts[2].http_status = 500;  // a fault has no usage either, and costs nothing: no note
  const Report r = ComputeReport(TwoCandidateManifest(2), attempts);
  CHECK(r.candidates[0].answers_without_usage == 1);
  CHECK(r.candidates[1].answers_without_usage == 0);
  const std::vector<std::string> notes = NotRunNotes(r);
  CHECK(std::find(notes.begin(), notes.end(),
                  "big: 1 of 2 answers carried no usage object; their tokens are unknown and they "
                  "are counted at $0, so this candidate's costs are understated") != notes.end());
}

TEST_CASE("metrics: a candidate that never ran has no figures, not zeros") {
  const std::vector<Attempt> attempts = MakeAttempts({{"s1", "big", 1, 1000, 100}});
  const Report report = ComputeReport(TwoCandidateManifest(2), attempts);
  const CandidateMetrics& small = report.candidates[1];
  CHECK(small.tasks_run == 0);
  CHECK(small.tasks_not_run == 2);
  CHECK_FALSE(small.cost_per_task.has_value());
  CHECK_FALSE(small.cost_per_success.has_value());
  CHECK_FALSE(small.task_cost_p50.has_value());
  CHECK_FALSE(small.latency_p50_us.has_value());
  CHECK_FALSE(small.SuccessRate().defined());
}

TEST_CASE("metrics: the last attempt decides the task, by attempt number") {
  // The journal may interleave tasks; attempt 2 of s1 arrives before attempt 1 (merged shards).
  const std::vector<Attempt> attempts = MakeAttempts(
      {{"s1", "big", 2, 1000, 100, E::kNone}, {"s1", "big", 1, 1000, 100, E::kTimeout}});
  const Report report = ComputeReport(TwoCandidateManifest(1), attempts);
  const CandidateMetrics& big = report.candidates[0];
  CHECK(big.successes == 1);
  CHECK(big.attempts == 2);
  CHECK(big.total_cost.ToExactString() == "0.007");  // both calls billed
  CHECK(big.task_failures.empty());
  CHECK(CountOf(big.attempt_failures, E::kTimeout) == 1);
}

TEST_CASE("metrics: a failed attempt without an error class counts as incorrect") {
  std::vector<Attempt> attempts = MakeAttempts({{"s1", "big", 1, 1000, 100, E::kIncorrect}});
  attempts[0].error = ErrorClass::kNone;  // success == false, no class recorded
  const Report report = ComputeReport(TwoCandidateManifest(1), attempts);
  const CandidateMetrics& big = report.candidates[0];
  CHECK(CountOf(big.attempt_failures, E::kIncorrect) == 1);
  CHECK(CountOf(big.task_failures, E::kIncorrect) == 1);
}

TEST_CASE("metrics: fatal errors and unknown journal lines") {
  std::vector<Attempt> attempts = MakeAttempts({{"s1", "big", 1, 1000, 100},
                                                {"s1", "small", 1, 0, 0, E::kAuth},
                                                {"s1", "ghost", 1, 1000, 100},
                                                {"s9", "big", 1, 1000, 100}});
  const Report r = ComputeReport(TwoCandidateManifest(3), attempts);
  CHECK(r.ignored_attempts == 2);
  CHECK(r.candidates[1].fatal_error == E::kAuth);
  CHECK(r.candidates[1].tasks_not_run == 2);
  CHECK_FALSE(r.candidates[0].fatal_error.has_value());
}

TEST_CASE("metrics: the baseline is the marked candidate, else the first") {
  RunManifest m = TwoCandidateManifest(1);
  m.candidates[0].baseline = false;
  m.candidates[1].baseline = true;
  CHECK(ComputeReport(m, {}).baseline_id == "small");
  CHECK(ComputeReport(m, {}).comparisons.at(0).candidate_id == "big");
  m.candidates[1].baseline = false;
  CHECK(ComputeReport(m, {}).baseline_id == "big");
}

TEST_CASE("metrics: human alternative, ROI and monthly projections") {
  RunManifest m = TwoCandidateManifest(4);
  testing::AddHuman(m);
  const Report r = ComputeReport(m, HandWorkedJournal());
  // 2 min / 60 x $50 = $1.666666666667; 0.2 min / 60 x $50 = $0.166666666667 (rounded picos).
  CHECK(r.human_cost_per_task.picos() == 1'666'666'666'667);
  CHECK(r.human_cost_per_task.ToFixed(2) == "1.67");  // domain.md: $1.67 per ticket
  CHECK(r.review_cost_per_task.picos() == 166'666'666'667);
  const RoiMetrics& big = r.candidates[0].roi.value();
  // effective = 4,666,666,667 + 166,666,666,667 = 171,333,333,334 picos
  CHECK(big.effective_cost_per_task.picos() == 171'333'333'334);
  CHECK(big.roi->Rounded(100) == 973);  // 1,666,666,666,667 / 171,333,333,334 = 9.7276
  CHECK_FALSE(big.negative);
  // 1,000 x (1,666,666,666,667 - 171,333,333,334) = 1,495,333,333,333,000 picos
  CHECK(big.monthly_saving->picos() == 1'495'333'333'333'000);
  CHECK(big.monthly_ai_cost->picos() == 4'666'666'667'000);
  const RoiMetrics& small = r.candidates[1].roi.value();
  CHECK(small.effective_cost_per_task.picos() == 167'516'666'667);  // 850,000,000 + review
  CHECK(small.roi->Rounded(100) == 995);
}

TEST_CASE("metrics: negative ROI is flagged and the saving is negative") {
  RunManifest m = TwoCandidateManifest(4);
  testing::AddHuman(m);
  m.human.micro_minutes_per_task = 10'000;  // 0.01 min at $50/h = $0.008333...
  m.human.review_micro_minutes_per_task = 0;
  const Report r = ComputeReport(m, HandWorkedJournal());
  const RoiMetrics& big = r.candidates[0].roi.value();  // $0.0046667 < $0.0083333
  CHECK_FALSE(big.negative);
  m.human.micro_minutes_per_task = 1'000;  // $0.00083333 < $0.0046667 for big
  const Report r2 = ComputeReport(m, HandWorkedJournal());
  const RoiMetrics& big2 = r2.candidates[0].roi.value();
  CHECK(big2.negative);
  CHECK(big2.monthly_saving->picos() < 0);
  CHECK(big2.roi->Rounded(100) == 18);    // 833,333,333 / 4,666,666,667 = 0.1786
  CHECK(r2.candidates[1].roi->negative);  // $0.00085 > $0.00083333 too
}

TEST_CASE("metrics: monthly figures beyond Money's range are unset, not a crash") {
  RunManifest m = TwoCandidateManifest(4);
  testing::AddHuman(m);
  // 10 million tasks x $1.5 saving each = $15M, past int64 picodollars (~$9.2M).
  m.volume_per_month = 10'000'000;
  const Report r = ComputeReport(m, HandWorkedJournal());
  const RoiMetrics& big = r.candidates[0].roi.value();
  CHECK(big.monthly_too_large);
  CHECK_FALSE(big.monthly_saving.has_value());
  CHECK(big.monthly_ai_cost->ToExactString() == "46666.66667");  // 1e7 x $0.004666666667 fits
}

}  // namespace taskcost::metrics_test

namespace taskcost::metrics_test {

TEST_CASE("metrics: cached attempts cost their original usage in task figures, $0 in spend") {
  // big's s1 and s2 ($0.0035 each) were answered by the response cache.
  std::vector<Attempt> attempts = HandWorkedJournal();
  for (Attempt& a : attempts) {
    if (a.candidate_id == "big" && (a.sample_id == "s1" || a.sample_id == "s2")) a.cached = true;
  }
  const Report r = ComputeReport(TwoCandidateManifest(4), attempts);
  const CandidateMetrics& big = *r.Find("big");
  CHECK(big.cached_attempts == 2);
  CHECK(big.total_cost.picos() == 14'000'000'000);          // unchanged: $0.014
  CHECK(Picos(big.cost_per_success) == 4'666'666'667);      // unchanged: $0.014 / 3
  CHECK(big.spent.picos() == 7'000'000'000);                // $0.014 - 2 x $0.0035
  const CandidateMetrics& small = *r.Find("small");
  CHECK(small.cached_attempts == 0);
  CHECK(small.spent == small.total_cost);                   // $0.00255
  CHECK(r.total_cost.picos() == 16'550'000'000);            // $0.014 + $0.00255
  CHECK(r.spent.picos() == 9'550'000'000);                  // $0.007 + $0.00255
  CHECK(r.cached_attempts == 2);

  SUBCASE("the same journal without the cache: spent equals the task cost") {
    const Report plain = ComputeReport(TwoCandidateManifest(4), HandWorkedJournal());
    CHECK(plain.spent == plain.total_cost);
    CHECK(plain.cached_attempts == 0);
    CHECK(Picos(plain.Find("big")->cost_per_success) == Picos(big.cost_per_success));
  }
}

TEST_CASE("metrics: the spread across repeats of cost per successful task and success rate") {
  RunManifest m = TwoCandidateManifest(2);
  m.repeats = 3;
  // big: a call of 1,000 in + 100 out = $0.0035; 1,000 in + 300 out = $0.0055.
  //   repeat 0: s1 ok, s2 ok                       2/2, $0.007  -> $0.0035 per success
  //   repeat 1: s1 ok, s2 incorrect                1/2, $0.007  -> $0.007
  //   repeat 2: s1 invalid ($0.0055) then ok, s2 ok  2/2, $0.0125 -> $0.00625
  //   min $0.0035, max $0.007; sd of (3.5, 7, 6.25) x 1e9 picos = 1,842,778,699 picos
  //   success 100%, 50%, 100%: sd = sqrt(((16.67)^2 + (33.33)^2 + (16.67)^2) / 2) = 28.87 pp
  // small ($0.00021 a call): repeat 0 both incorrect (0/2), repeat 1 both ok, repeat 2 not run.
  //   cost per success only in repeat 1: min = max = $0.00021, no sd; success 0% and 100%.
  const std::vector<Attempt> attempts = MakeAttempts({
      {"s1", "big", 1, 1000, 100, E::kNone, 0, 0},
      {"s2", "big", 1, 1000, 100, E::kNone, 0, 0},
      {"s1", "big", 1, 1000, 100, E::kNone, 0, 1},
      {"s2", "big", 1, 1000, 100, E::kIncorrect, 0, 1},
      {"s1", "big", 1, 1000, 300, E::kInvalidOutput, 0, 2},
      {"s1", "big", 2, 1000, 100, E::kNone, 0, 2},
      {"s2", "big", 1, 1000, 100, E::kNone, 0, 2},
      {"s1", "small", 1, 1000, 100, E::kIncorrect, 0, 0},
      {"s2", "small", 1, 1000, 100, E::kIncorrect, 0, 0},
      {"s1", "small", 1, 1000, 100, E::kNone, 0, 1},
      {"s2", "small", 1, 1000, 100, E::kNone, 0, 1},
  });
  const Report r = ComputeReport(m, attempts);

  REQUIRE(r.Find("big")->repeat_spread.has_value());
  const RepeatSpread& big = *r.Find("big")->repeat_spread;
  REQUIRE(big.repeats.size() == 3);
  CHECK(big.repeats[1].successes == 1);
  CHECK(big.repeats[2].cost.picos() == 12'500'000'000);
  CHECK(Picos(big.repeats[2].cost_per_success) == 6'250'000'000);
  CHECK(Picos(big.cost_per_success_min) == 3'500'000'000);
  CHECK(Picos(big.cost_per_success_max) == 7'000'000'000);
  CHECK(Picos(big.cost_per_success_sd) == 1'842'778'699);
  CHECK(big.success_rate_min->num == 1);
  CHECK(big.success_rate_min->den == 2);
  CHECK(big.success_rate_max->ToDouble() == 1.0);
  CHECK(*big.success_rate_sd_pp == doctest::Approx(28.8675).epsilon(1e-5));

  const RepeatSpread& small = *r.Find("small")->repeat_spread;
  CHECK(small.repeats[2].tasks_run == 0);
  CHECK(Picos(small.cost_per_success_min) == 210'000'000);
  CHECK(Picos(small.cost_per_success_max) == 210'000'000);
  CHECK_FALSE(small.cost_per_success_sd.has_value());  // one repeat with a success
  CHECK(small.success_rate_min->ToDouble() == 0.0);
  CHECK(*small.success_rate_sd_pp == doctest::Approx(70.7107).epsilon(1e-5));

  SUBCASE("one repeat: no spread at all") {
    const Report once = ComputeReport(TwoCandidateManifest(4), HandWorkedJournal());
    CHECK_FALSE(once.Find("big")->repeat_spread.has_value());
  }
}

}  // namespace taskcost::metrics_test
