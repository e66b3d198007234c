// Metrics: the Report, every figure a run's journal yields per candidate (cost per successful
// task, success rate, percentiles, failures, outliers, ROI) and against the baseline (changes,
// paired success difference, verdict). Definitions: docs/report-format.md.
// Pure: ComputeReport reads plain data and returns plain data; not synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/expert_types.h"
#include "harness/core/model/money.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/core/metrics/stats.h"
#include "harness/core/model/task_state.h"

namespace taskcost {

struct ReportOptions {
  // A candidate may be this many percentage points worse in success (lower bound of the paired
  // 95% CI) and still be recommended.
  double success_tolerance_pp = 5.0;
  // A task is an outlier when it costs more than this multiple of its candidate's median.
  int64_t outlier_cost_factor = 3;
  // An outlier's input (output) is "long" above this multiple of the median per task.
  int64_t long_tokens_factor = 2;
  // Keep every task's figures in Report::tasks (CSV rows, the HTML cost distribution).
  bool keep_tasks = false;
};

/// How many attempts (or tasks) ended in one error class.
struct ClassCount {
  ErrorClass error = ErrorClass::kNone;
  int64_t count = 0;
};

/// A task costing more than outlier_cost_factor x its candidate's median task cost.
struct Outlier {
  std::string sample_id;
  int repeat = 0;
  Money cost;  // every attempt of the task
  int64_t attempts = 0;
  int64_t input_tokens = 0;          // Usage::TotalInput summed over the task's attempts
  int64_t output_tokens = 0;         // output_tokens summed over the task's attempts
  std::vector<std::string> reasons;  // "long input", "long output", "3 attempts"
};

/// One task's figures (only with ReportOptions::keep_tasks): the rows of `report --format csv`
/// and the points of the HTML cost distribution. Same folding as the candidate figures.
struct TaskFigures {
  std::string candidate_id;
  std::string sample_id;
  int repeat = 0;
  int64_t attempts = 0;
  int64_t input_tokens = 0;   // Usage::TotalInput summed over the task's attempts
  int64_t output_tokens = 0;  // output_tokens summed over the task's attempts
  Money cost;                 // every attempt of the task
  int64_t latency_us = 0;     // sum of its attempts' latency
  bool success = false;       // of the last attempt
  ErrorClass failure = ErrorClass::kNone;  // final failure class when it failed
  std::optional<double> quality;           // the task's mean expert score, when scored
  // Partial runs: succeeded, failed, unfinished (no final outcome), or not run (a planned task
  // without an attempt: a row of zeros, so the rows name every planned task).
  TaskState state = TaskState::kFailed;
  int64_t cache_read_tokens = 0;   // Usage::cached_input_tokens over the task's attempts
  int64_t cache_write_tokens = 0;  // Usage::cache_write_tokens over the task's attempts
};

/// The human alternative against one candidate (only when the suite has a `human:` block).
struct RoiMetrics {
  Money effective_cost_per_task;  // cost per successful task + review cost per task
  std::optional<Fraction> roi;    // human / effective, in picodollars; unset when effective is 0
  bool negative = false;          // effective > human: AI plus review costs more
  std::optional<Money> monthly_saving;   // V * (human - effective); unset when V == 0
  std::optional<Money> monthly_ai_cost;  // V * cost per successful task; unset when V == 0
  bool monthly_too_large = false;        // a monthly figure exceeds Money's range (~$9.2M)
};

/// One repeat of one candidate: its tasks as if they were a run of their own.
struct RepeatFigures {
  int repeat = 0;
  int64_t tasks_run = 0;
  int64_t successes = 0;
  Money cost;                             // every attempt of the repeat's tasks
  std::optional<Money> cost_per_success;  // cost / successes; unset when none succeeded
  int64_t tasks_unfinished = 0;           // of tasks_run: no final outcome (partial runs)

  Fraction SuccessRate() const { return {successes, tasks_run - tasks_unfinished}; }
};

/// How much a candidate's figures move from one repeat to the next (runs with repeats > 1).
/// Min, max and the sample standard deviation (n - 1) over the repeats where the figure is
/// defined; the deviation needs two such repeats.
struct RepeatSpread {
  std::vector<RepeatFigures> repeats;  // 0 .. repeats-1, then any other repeat the journal has
  std::optional<Money> cost_per_success_min;
  std::optional<Money> cost_per_success_max;
  std::optional<Money> cost_per_success_sd;  // from the picodollar values in double, rounded
  std::optional<Fraction> success_rate_min;
  std::optional<Fraction> success_rate_max;
  std::optional<double> success_rate_sd_pp;  // percentage points
};

/// One scorer over a candidate's tasks (docs/scorers.md), judged on each task's last attempt.
/// "schema" counts the tasks whose last answer failed the output schema.
struct ScorerFigures {
  std::string name;            // "numeric_within(total)", "schema"
  bool quality = false;        // from the suite's quality: list
  int64_t failed_tasks = 0;    // judged and failed (a success scorer's failure fails the task)
  int64_t scorer_errors = 0;   // could not judge (timeouts, crashes, garbage): not the model's
  int64_t scored_tasks = 0;    // tasks with a score
  double score_sum = 0;        // of those scores, 0..1 each

  std::optional<double> MeanScore() const {
    if (scored_tasks == 0) return std::nullopt;
    return score_sum / static_cast<double>(scored_tasks);
  }
};

/// One step of a cascade or chain: what its calls cost over the candidate's tasks.
struct StepCost {
  std::string step;  // the journal's step: a cascade's member id, a chain's step id
  int64_t tasks = 0;     // tasks that reached this step
  int64_t attempts = 0;
  Money cost;            // every attempt of the step, failed ones included
  std::string candidate;   // the candidate that made the calls; "" when run.json does not say
  // How its calls were priced: "token" or "time" (time_price as CandidateMetrics'); "" when
  // unknown (a run.json without steps whose step candidate was not in the run).
  std::string pricing;
  std::string time_price;
};

struct CandidateMetrics {
  std::string id;
  std::string model;
  std::string provider;
  bool baseline = false;
  // "token" (per-token prices) or "time" (GPU-hour: cost = measured latency); a cascade or
  // chain reports its first step's. time_price: "$2.40 per GPU-hour / 8 concurrent requests".
  std::string pricing = "token";
  std::string time_price;

  int64_t tasks_planned = 0;  // samples x repeats
  int64_t tasks_run = 0;      // planned tasks with at least one attempt
  int64_t tasks_not_run = 0;  // planned - run: budget stop, fatal stop or interruption
  int64_t successes = 0;      // finished tasks whose last attempt succeeded
  int64_t attempts = 0;
  int64_t retries = 0;  // attempts beyond the first of their task

  Money total_cost;                       // every attempt, failed ones included
  Money spent;                            // what the run paid: attempts not answered by the cache
  int64_t cached_attempts = 0;            // answered by the response cache: in total_cost, $0 spent
  int64_t answers_without_usage = 0;      // HTTP 2xx without a usage object: tokens unknown, $0
  int64_t implausible_usage = 0;  // attempts whose usage was implausible (Attempt::usage_flag),
                                  // priced by ImplausibleUsagePriced (docs/providers.md)
  std::optional<Money> cost_per_task;     // finished tasks' cost / finished tasks; unset: none
  std::optional<Money> cost_per_success;  // total / successes; unset when none succeeded
  std::optional<Money> task_cost_p50;     // nearest-rank over finished tasks; unset: none
  std::optional<Money> task_cost_p95;
  std::optional<Money> task_cost_max;

  int64_t input_tokens = 0;               // Usage::TotalInput over every attempt
  int64_t output_tokens = 0;              // output_tokens over every attempt
  std::optional<int64_t> latency_p50_us;  // per task: sum of its attempts' latency
  std::optional<int64_t> latency_p95_us;

  std::vector<ClassCount> attempt_failures;  // every failed attempt, by its own class
  std::vector<ClassCount> task_failures;     // every failed task, by its last attempt's class
  std::optional<ErrorClass> fatal_error;     // first fatal class seen (auth, bad_request, quota)
  std::vector<Outlier> outliers;             // by cost, highest first
  std::optional<RoiMetrics> roi;             // human present and at least one success
  std::optional<RepeatSpread> repeat_spread;  // only when the run has more than one repeat
  std::optional<ExpertQuality> expert_quality;  // only when review scores were imported

  // Scorers. quality_score: over the tasks whose last answer was scored by the quality: list,
  // the mean of each task's mean quality score (0-1); unset when none was scored.
  std::optional<double> quality_score;
  int64_t quality_tasks = 0;            // tasks that quality_score averages
  int64_t unjudged_tasks = 0;           // tasks ended by a success scorer that could not judge
  std::vector<ScorerFigures> scorers;   // in the order first seen; empty without scorers

  // Cascades: tasks that went past their first step, and each step's share of total_cost
  // (the steps' costs add up to it). Empty steps for a single model.
  int64_t escalated_tasks = 0;
  std::vector<StepCost> steps;  // in the order first seen (the cascade's order)
  // LLM judges (docs/scorers.md): calls to judge models about this candidate's answers.
  // Evaluation overhead: in none of the cost figures above.
  int64_t judge_calls = 0;
  int64_t cached_judge_calls = 0;  // answered by the response cache
  Money judge_cost;                // every judge call, cached ones at their original usage
  Money judge_spent;               // what the run paid for them
  // Calls that went out and got no answer, the candidate's and its judges' (the run was killed,
  // or interrupted past its grace: the journal's unanswered `sent` lines). Their usage is
  // unknown, so they are in no figure above; each cost at most its worst case.
  int64_t calls_in_flight = 0;
  Money in_flight_worst_case;
  int64_t tasks_in_flight = 0;  // tasks whose last record is such a call: no outcome yet

  // Partial runs (docs/report-format.md, section 1): tasks run without a final outcome (a retry,
  // a cascade's next step or a judge's verdict cut off by a budget stop, an interrupt or a fatal
  // stop). They are left out of every per-task figure (success rate, attempts per task, cost per
  // task, percentiles, outliers, failed tasks, scorers, escalations, the paired comparison);
  // their attempts and cost stay in every total and in cost per successful task.
  int64_t tasks_unfinished = 0;
  int64_t unfinished_attempts = 0;  // the attempts of those tasks
  Money unfinished_cost;            // what those tasks cost

  // Prompt caching (docs/report-format.md, "Prompt caching"): the providers' cache reads and
  // writes over every attempt (as total_cost: failed and response-cached ones included; judge
  // calls apart), each attempt's tokens at its own catalog price (a step's for a cascade or
  // chain; nothing for a time-priced model, whose cost is its latency).
  int64_t cache_read_tokens = 0;   // Usage::cached_input_tokens
  int64_t cache_write_tokens = 0;  // Usage::cache_write_tokens
  Money cache_read_cost;           // at cached_input (input when the catalog has none)
  Money cache_write_cost;          // at cache_write (input when the catalog has none)
  Money cache_uncached_cost;       // the same read and written tokens at the plain input price
  // cache_uncached_cost - cache_read_cost - cache_write_cost: what caching saved; negative when
  // the writes cost more than the reads saved.
  Money cache_saving;
  bool cache_requested = false;  // run.json's prompt_cache: the suite asked for caching
  std::optional<int64_t> min_cache_prefix_tokens;  // the catalog's minimum for its model
  int64_t largest_input_tokens = 0;  // the most input (Usage::TotalInput) of one attempt

  bool UsedPromptCache() const { return cache_read_tokens > 0 || cache_write_tokens > 0; }
  /// Caching was asked for, calls were made, and nothing was read from or written to a cache.
  bool PromptCacheUnused() const { return cache_requested && attempts > 0 && !UsedPromptCache(); }
  /// The share of input tokens read from the cache (of Usage::TotalInput).
  Fraction CacheReadShare() const { return {cache_read_tokens, input_tokens}; }

  int64_t TasksFinished() const { return tasks_run - tasks_unfinished; }
  /// Some planned task has no final outcome: unfinished or not run.
  bool Partial() const { return tasks_unfinished > 0 || tasks_not_run > 0; }

  Fraction EscalationRate() const { return {escalated_tasks, TasksFinished()}; }

  Fraction SuccessRate() const { return {successes, TasksFinished()}; }
  Fraction AttemptsPerTask() const { return {attempts - unfinished_attempts, TasksFinished()}; }
  Fraction MeanInputTokens() const { return {input_tokens, attempts}; }
  Fraction MeanOutputTokens() const { return {output_tokens, attempts}; }
};

enum class Decision { kSwitch, kKeep, kInconclusive };

/// Why a verdict was reached; renderers turn it into words.
enum class VerdictReason {
  kCheaperNotWorse,      // switch: cheaper, CI lower bound above -tolerance
  kCostHigher,           // keep: cost per successful task is higher
  kClearlyWorse,         // keep: CI upper bound below -tolerance
  kNoSuccesses,          // keep: the candidate has no successful task
  kMayBeWorse,           // inconclusive: cheaper, but the CI reaches below -tolerance
  kSameCost,             // inconclusive: same cost per successful task
  kTooFewPairs,          // inconclusive: no sample finished by both, no CI
  kFatalStop,            // inconclusive: the candidate was stopped by a fatal error
  kNoTasksRun,           // inconclusive: the candidate ran no task
  kBaselineNoSuccesses,  // inconclusive: nothing to compare with
  kBaselineFatalStop,    // inconclusive: the baseline was stopped by a fatal error
  // With expert scores (docs/review.md), rules 7-11 read the paired quality difference instead:
  kQualityWithinTolerance,  // switch: cheaper, quality and success CIs above -tolerance
  kQualityClearlyWorse,     // keep: quality CI upper bound below -tolerance
  kQualityMayBeWorse,       // inconclusive: cheaper, the quality CI straddles -tolerance
  kTooFewScoredPairs,       // inconclusive: fewer than 2 samples scored for both
};

std::string_view DecisionName(Decision d);            // "switch", "keep", "inconclusive"
std::string_view VerdictReasonName(VerdictReason r);  // snake_case, e.g. "cheaper_not_worse"

/// One non-baseline candidate against the baseline.
struct Comparison {
  std::string candidate_id;
  std::optional<Fraction> cost_change;     // (c - b) / b over cost per successful task (picos)
  std::optional<Fraction> success_change;  // c rate - b rate, exact (a fraction of 1)
  PairedDifference paired;                 // per sample, candidate - baseline, in pp
  std::optional<QualityDifference> expert_quality;  // when the candidate has expert scores
  // When inconclusive because an interval straddles minus the tolerance: the paired samples
  // (scored samples, for quality) at which the current pattern would settle the question
  // (PairsToSettle, verdict.h); unset when more than a million would be needed.
  std::optional<int64_t> pairs_to_settle;
  Decision decision = Decision::kInconclusive;
  VerdictReason reason = VerdictReason::kNoTasksRun;
};

/// The run's overall recommendation.
struct OverallVerdict {
  Decision decision = Decision::kKeep;  // kSwitch (to `candidate_id`) or kKeep (the baseline)
  std::string candidate_id;             // the candidate to switch to, or the baseline kept
};

struct Report {
  std::string suite_name;
  std::string run_id;
  std::string unit = "task";
  bool simulated = false;
  int repeats = 1;
  int64_t samples = 0;
  std::string baseline_id;            // empty when the manifest has no candidate
  double success_tolerance_pp = 5.0;  // from ReportOptions
  int64_t outlier_cost_factor = 3;    // from ReportOptions
  int64_t long_tokens_factor = 2;     // from ReportOptions
  int64_t ignored_attempts = 0;       // journal lines naming an unknown candidate or sample
  Money total_cost;                   // what the tasks cost: every counted attempt, cached included
  Money spent;                        // what the run paid: counted attempts not from the cache
  int64_t cached_attempts = 0;        // counted attempts answered by the response cache
  // LLM judges over every candidate: evaluation overhead, in neither total_cost nor spent.
  int64_t judge_calls = 0;
  int64_t cached_judge_calls = 0;
  Money judge_cost;
  Money judge_spent;
  // Calls that got no answer, over every candidate (CandidateMetrics::calls_in_flight).
  int64_t calls_in_flight = 0;
  Money in_flight_worst_case;

  HumanAlternative human;
  int64_t volume_per_month = 0;
  Money human_cost_per_task;   // minutes / 60 x rate, rounded to the picodollar
  Money review_cost_per_task;  // review minutes / 60 x rate, rounded to the picodollar

  std::vector<CandidateMetrics> candidates;  // manifest order
  std::vector<Comparison> comparisons;       // every non-baseline candidate, manifest order
  OverallVerdict overall;
  // Every task run (ReportOptions::keep_tasks only): candidates in manifest order, then
  // samples in manifest order, then repeat.
  std::vector<TaskFigures> tasks;
  std::optional<ExpertReview> expert;  // only when review scores were imported (docs/review.md)

  const CandidateMetrics* Find(const std::string& id) const;
  const CandidateMetrics* Baseline() const { return Find(baseline_id); }
  /// Some candidate has unfinished or not-run tasks (every output says "partial").
  bool Partial() const;
  /// Some candidate read from or wrote to a provider's prompt cache (the reports show the
  /// caching figures only then).
  bool UsedPromptCache() const;
};

/// Computes every figure from the manifest and the journal's attempts (journal order).
/// Attempts naming a candidate or sample the manifest does not list are counted in
/// ignored_attempts and otherwise left out. Never fails; undefined figures are unset.
Report ComputeReport(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                     const ReportOptions& options = {});

/// ComputeReport one attempt at a time, for journals read as a stream: keeps a small tally per
/// task, never the attempts, so memory does not grow with attempts. `manifest` must outlive the
/// builder. Add attempts in journal order, then Finish once.
class ReportBuilder {
 public:
  explicit ReportBuilder(const RunManifest& manifest, const ReportOptions& options = {});
  ~ReportBuilder();
  ReportBuilder(const ReportBuilder&) = delete;
  ReportBuilder& operator=(const ReportBuilder&) = delete;

  void Add(const Attempt& attempt);
  /// A call that went out and got no answer (JournalContents::unanswered, RunResult::
  /// unanswered). Add them after every attempt.
  void AddUnanswered(const SentCall& call);
  /// The report over every attempt added so far. Call once; the builder is spent afterwards.
  Report Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace taskcost
