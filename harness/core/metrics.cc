#include "harness/core/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "harness/core/pricing.h"
#include "harness/core/verdict.h"

namespace taskcost {
namespace {

constexpr int64_t kMicroMinutesPerHour = 60 * 1'000'000;

// One task: (sample, repeat) within a candidate, with its attempts folded in.
struct TaskKey {
  size_t sample = 0;  // index into manifest.sample_ids
  int repeat = 0;
  auto operator<=>(const TaskKey&) const = default;
};

struct TaskTally {
  Money cost;
  int64_t attempts = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t latency_us = 0;
  int last_attempt = 0;                    // highest attempt number seen
  bool success = false;                    // of the last attempt
  ErrorClass failure = ErrorClass::kNone;  // of the last attempt, when it failed
  std::vector<CheckResult> checks;         // of the last attempt, reasons dropped
  std::string step;                        // a cascade's step of the last attempt
  int64_t steps = 0;                       // a cascade's steps reached
  bool schema_failed = false;              // the last attempt failed the output schema
};

using TaskMap = std::map<TaskKey, TaskTally>;

// The class a failed attempt counts under: its error, or kIncorrect when it carries none.
ErrorClass FailureClass(const Attempt& a) {
  return a.error == ErrorClass::kNone ? ErrorClass::kIncorrect : a.error;
}

void AddCount(std::vector<ClassCount>& counts, ErrorClass c) {
  for (ClassCount& entry : counts) {
    if (entry.error == c) {
      ++entry.count;
      return;
    }
  }
  counts.push_back({c, 1});
}

// Sorts counts into the declaration order of ErrorClass.
void SortCounts(std::vector<ClassCount>& counts) {
  std::sort(counts.begin(), counts.end(), [](const ClassCount& a, const ClassCount& b) {
    return static_cast<int>(a.error) < static_cast<int>(b.error);
  });
}

StepCost& StepEntry(std::vector<StepCost>& steps, const std::string& id) {
  for (StepCost& s : steps) {
    if (s.step == id) return s;
  }
  steps.push_back(StepCost{id});
  return steps.back();
}

void AddAttempt(const Attempt& a, TaskTally& task, CandidateMetrics& m) {
  task.cost += a.cost;
  ++task.attempts;
  task.input_tokens += a.usage.TotalInput();
  task.output_tokens += a.usage.output_tokens;
  task.latency_us += a.latency_us;
  // The last attempt is the highest-numbered one; a later line with the same number wins. A
  // cascade's later step (journaled after the earlier one ended) numbers its attempts afresh.
  const bool new_step = task.attempts == 1 ? !a.step.empty() : a.step != task.step;
  if (new_step) {
    task.step = a.step;
    ++task.steps;
    StepCost& step = StepEntry(m.steps, a.step);
    ++step.tasks;
  }
  if (!a.step.empty()) {
    StepCost& step = StepEntry(m.steps, a.step);
    ++step.attempts;
    step.cost += a.cost;
  }
  if (task.attempts == 1 || new_step || a.attempt >= task.last_attempt) {
    task.last_attempt = a.attempt;
    task.success = a.success && !a.partial;  // a chain stopped before its last step did not
    task.failure = task.success ? ErrorClass::kNone : FailureClass(a);
    task.schema_failed = !a.validation_errors.empty();
    task.checks.clear();
    for (const CheckResult& check : a.checks) {
      task.checks.push_back({check.name, check.pass, "", check.score, check.quality,
                             check.scorer_error});
    }
  }
  for (const JudgeCall& call : a.judge_calls) {  // evaluation overhead, apart from the task
    ++m.judge_calls;
    m.judge_cost += call.cost;
    if (call.cached) {
      ++m.cached_judge_calls;
    } else {
      m.judge_spent += call.cost;
    }
  }
  ++m.attempts;
  m.total_cost += a.cost;
  if (a.cached) {
    ++m.cached_attempts;
  } else {
    m.spent += a.cost;
  }
  m.input_tokens += a.usage.TotalInput();
  m.output_tokens += a.usage.output_tokens;
  // A time-priced model's cost does not come from its usage, so a missing one understates nothing.
  if (a.http_status >= 200 && a.http_status < 300 && a.usage_raw.empty() && m.pricing != "time") {
    ++m.answers_without_usage;
  }
  if (!a.success) AddCount(m.attempt_failures, FailureClass(a));
  if (IsFatal(a.error) && !m.fatal_error) m.fatal_error = a.error;
}

template <class T>
std::vector<T> SortedField(const TaskMap& tasks, T TaskTally::*field) {
  std::vector<T> values;
  values.reserve(tasks.size());
  for (const auto& [key, task] : tasks) values.push_back(task.*field);
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<std::string> OutlierReasons(const TaskTally& task, int64_t median_input,
                                        int64_t median_output, const ReportOptions& options) {
  std::vector<std::string> reasons;
  if (task.input_tokens > options.long_tokens_factor * median_input) {
    reasons.push_back("long input");
  }
  if (task.output_tokens > options.long_tokens_factor * median_output) {
    reasons.push_back("long output");
  }
  if (task.attempts > 1) reasons.push_back(std::to_string(task.attempts) + " attempts");
  return reasons;
}

void FindOutliers(const RunManifest& manifest, const TaskMap& tasks, const ReportOptions& options,
                  CandidateMetrics& m) {
  const Money median = *m.task_cost_p50;
  const int64_t median_input = NearestRank(SortedField(tasks, &TaskTally::input_tokens), 50);
  const int64_t median_output = NearestRank(SortedField(tasks, &TaskTally::output_tokens), 50);
  for (const auto& [key, task] : tasks) {
    if (task.cost <= median.Times(options.outlier_cost_factor)) continue;
    m.outliers.push_back({manifest.sample_ids[key.sample], key.repeat, task.cost, task.attempts,
                          task.input_tokens, task.output_tokens,
                          OutlierReasons(task, median_input, median_output, options)});
  }
  // Highest cost first; ties in sample order as planned, then repeat.
  std::stable_sort(m.outliers.begin(), m.outliers.end(),
                   [](const Outlier& a, const Outlier& b) { return a.cost > b.cost; });
}

bool FractionLess(const Fraction& a, const Fraction& b) { return a.num * b.den < b.num * a.den; }

std::map<int, RepeatFigures> FiguresByRepeat(const TaskMap& tasks, int repeats) {
  std::map<int, RepeatFigures> by_repeat;
  for (int r = 0; r < repeats; ++r) by_repeat[r].repeat = r;
  for (const auto& [key, task] : tasks) {
    RepeatFigures& figures = by_repeat[key.repeat];
    figures.repeat = key.repeat;
    ++figures.tasks_run;
    if (task.success) ++figures.successes;
    figures.cost += task.cost;
  }
  return by_repeat;
}

RepeatSpread SpreadOverRepeats(const TaskMap& tasks, int repeats) {
  RepeatSpread spread;
  std::vector<double> costs, rates_pp;
  for (auto& [r, figures] : FiguresByRepeat(tasks, repeats)) {
    if (figures.successes > 0) {
      figures.cost_per_success = figures.cost.DividedBy(figures.successes);
      const Money cost = *figures.cost_per_success;
      if (!spread.cost_per_success_min || cost < *spread.cost_per_success_min) {
        spread.cost_per_success_min = cost;
      }
      if (!spread.cost_per_success_max || cost > *spread.cost_per_success_max) {
        spread.cost_per_success_max = cost;
      }
      costs.push_back(static_cast<double>(cost.picos()));
    }
    if (figures.tasks_run > 0) {
      const Fraction rate = figures.SuccessRate();
      if (!spread.success_rate_min || FractionLess(rate, *spread.success_rate_min)) {
        spread.success_rate_min = rate;
      }
      if (!spread.success_rate_max || FractionLess(*spread.success_rate_max, rate)) {
        spread.success_rate_max = rate;
      }
      rates_pp.push_back(100.0 * rate.ToDouble());
    }
    spread.repeats.push_back(figures);
  }
  if (std::optional<double> sd = SummarisePairs(costs).sd) {
    spread.cost_per_success_sd = Money::FromPicos(std::llround(*sd));
  }
  spread.success_rate_sd_pp = SummarisePairs(rates_pp).sd;
  return spread;
}

// amount x volume, or unset when the product leaves Money's range.
std::optional<Money> TimesVolume(Money amount, int64_t volume) {
  try {
    return amount.Times(volume);
  } catch (const std::overflow_error&) {
    return std::nullopt;
  }
}

void AddRoi(const Report& report, CandidateMetrics& m) {
  if (!report.human.present || !m.cost_per_success) return;
  RoiMetrics roi;
  roi.effective_cost_per_task = *m.cost_per_success + report.review_cost_per_task;
  if (roi.effective_cost_per_task.picos() > 0) {
    roi.roi = Fraction{report.human_cost_per_task.picos(), roi.effective_cost_per_task.picos()};
  }
  roi.negative = roi.effective_cost_per_task > report.human_cost_per_task;
  if (report.volume_per_month > 0) {
    const Money saving = report.human_cost_per_task - roi.effective_cost_per_task;
    roi.monthly_saving = TimesVolume(saving, report.volume_per_month);
    roi.monthly_ai_cost = TimesVolume(*m.cost_per_success, report.volume_per_month);
    roi.monthly_too_large = !roi.monthly_saving || !roi.monthly_ai_cost;
  }
  m.roi = roi;
}

ScorerFigures& ScorerEntry(std::vector<ScorerFigures>& scorers, const std::string& name,
                          bool quality) {
  for (ScorerFigures& f : scorers) {
    if (f.name == name && f.quality == quality) return f;
  }
  scorers.push_back(ScorerFigures{name, quality});
  return scorers.back();
}

// Scorer figures from each task's last attempt.
void AddScorers(const TaskMap& tasks, CandidateMetrics& m) {
  double quality_sum = 0;
  for (const auto& [key, task] : tasks) {
    if (task.schema_failed) ++ScorerEntry(m.scorers, "schema", false).failed_tasks;
    if (task.failure == ErrorClass::kScorerError) ++m.unjudged_tasks;
    double task_sum = 0;
    int64_t task_scores = 0;
    for (const CheckResult& check : task.checks) {
      ScorerFigures& f = ScorerEntry(m.scorers, check.name, check.quality);
      if (check.scorer_error) {
        ++f.scorer_errors;
      } else if (!check.pass) {
        ++f.failed_tasks;
      }
      if (!check.score) continue;
      ++f.scored_tasks;
      f.score_sum += *check.score;
      if (check.quality) {
        task_sum += *check.score;
        ++task_scores;
      }
    }
    if (task_scores == 0) continue;
    quality_sum += task_sum / static_cast<double>(task_scores);
    ++m.quality_tasks;
  }
  if (m.quality_tasks > 0) m.quality_score = quality_sum / static_cast<double>(m.quality_tasks);
}

// Every per-candidate figure that needs the candidate's whole task list.
void Finish(const RunManifest& manifest, const TaskMap& tasks, const ReportOptions& options,
            const Report& report, CandidateMetrics& m) {
  m.tasks_planned = static_cast<int64_t>(manifest.sample_ids.size()) * manifest.repeats;
  m.tasks_run = static_cast<int64_t>(tasks.size());
  m.tasks_not_run = std::max<int64_t>(0, m.tasks_planned - m.tasks_run);
  m.retries = m.attempts - m.tasks_run;
  for (const auto& [key, task] : tasks) {
    if (task.steps > 1) ++m.escalated_tasks;
    if (task.success) {
      ++m.successes;
    } else {
      AddCount(m.task_failures, task.failure);
    }
  }
  SortCounts(m.attempt_failures);
  SortCounts(m.task_failures);
  if (m.successes > 0) m.cost_per_success = m.total_cost.DividedBy(m.successes);
  if (!tasks.empty()) {
    m.cost_per_task = m.total_cost.DividedBy(m.tasks_run);
    const std::vector<Money> costs = SortedField(tasks, &TaskTally::cost);
    m.task_cost_p50 = NearestRank(costs, 50);
    m.task_cost_p95 = NearestRank(costs, 95);
    m.task_cost_max = costs.back();
    const std::vector<int64_t> latencies = SortedField(tasks, &TaskTally::latency_us);
    m.latency_p50_us = NearestRank(latencies, 50);
    m.latency_p95_us = NearestRank(latencies, 95);
    FindOutliers(manifest, tasks, options, m);
  }
  AddRoi(report, m);
  AddScorers(tasks, m);
  if (manifest.repeats > 1) m.repeat_spread = SpreadOverRepeats(tasks, manifest.repeats);
}

void AppendTasks(const RunManifest& manifest, const TaskMap& tasks, const std::string& candidate,
                 std::vector<TaskFigures>& out) {
  for (const auto& [key, t] : tasks) {
    out.push_back({candidate, manifest.sample_ids[key.sample], key.repeat, t.attempts,
                   t.input_tokens, t.output_tokens, t.cost, t.latency_us, t.success, t.failure});
  }
}

std::vector<SampleTally> TallyBySample(const TaskMap& tasks, size_t samples) {
  std::vector<SampleTally> tally(samples);
  for (const auto& [key, task] : tasks) {
    ++tally[key.sample].runs;
    if (task.success) ++tally[key.sample].successes;
  }
  return tally;
}

Report ReportHeader(const RunManifest& manifest, const ReportOptions& options) {
  Report r;
  r.suite_name = manifest.suite_name;
  r.run_id = manifest.run_id;
  r.unit = manifest.unit;
  r.simulated = manifest.simulated;
  r.repeats = manifest.repeats;
  r.samples = static_cast<int64_t>(manifest.sample_ids.size());
  r.success_tolerance_pp = options.success_tolerance_pp;
  r.outlier_cost_factor = options.outlier_cost_factor;
  r.long_tokens_factor = options.long_tokens_factor;
  r.human = manifest.human;
  r.volume_per_month = manifest.volume_per_month;
  if (manifest.human.present) {
    const Money rate = manifest.human.hourly_rate;
    r.human_cost_per_task =
        rate.Scaled(manifest.human.micro_minutes_per_task, kMicroMinutesPerHour);
    r.review_cost_per_task =
        rate.Scaled(manifest.human.review_micro_minutes_per_task, kMicroMinutesPerHour);
  }
  for (const ManifestCandidate& c : manifest.candidates) {
    if (r.baseline_id.empty() && c.baseline) r.baseline_id = c.id;
  }
  if (r.baseline_id.empty() && !manifest.candidates.empty()) {
    r.baseline_id = manifest.candidates.front().id;  // none marked: the first is the baseline
  }
  return r;
}

}  // namespace

const CandidateMetrics* Report::Find(const std::string& id) const {
  for (const CandidateMetrics& c : candidates) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

struct ReportBuilder::State {
  const RunManifest& manifest;
  const ReportOptions options;
  Report report;
  std::unordered_map<std::string, size_t> candidate_index, sample_index;
  std::vector<TaskMap> tasks;  // per candidate
};

ReportBuilder::ReportBuilder(const RunManifest& manifest, const ReportOptions& options)
    : state_(new State{manifest, options, ReportHeader(manifest, options)}) {
  State& s = *state_;
  for (const ManifestCandidate& c : manifest.candidates) {
    if (!s.candidate_index.emplace(c.id, s.report.candidates.size()).second) continue;  // dup
    CandidateMetrics& m = s.report.candidates.emplace_back();
    m.id = c.id;
    m.model = c.model;
    m.provider = c.provider;
    m.baseline = c.id == s.report.baseline_id;
    if (c.price.TimePriced()) {
      m.pricing = "time";
      m.time_price = TimePriceText(c.price);
    }
  }
  for (size_t i = 0; i < manifest.sample_ids.size(); ++i) {
    s.sample_index.emplace(manifest.sample_ids[i], i);
  }
  s.tasks.resize(s.report.candidates.size());
}

ReportBuilder::~ReportBuilder() = default;

void ReportBuilder::Add(const Attempt& a) {
  State& s = *state_;
  auto c = s.candidate_index.find(a.candidate_id);
  auto sample = s.sample_index.find(a.sample_id);
  if (c == s.candidate_index.end() || sample == s.sample_index.end()) {
    ++s.report.ignored_attempts;
    return;
  }
  AddAttempt(a, s.tasks[c->second][TaskKey{sample->second, a.repeat}],
             s.report.candidates[c->second]);
}

namespace {

// Each step's candidate and pricing, from run.json: the recorded steps, or (older files) the
// step's candidate's own entry.
void AddStepPricing(const RunManifest& manifest, const ManifestCandidate& candidate,
                    std::vector<StepCost>& steps) {
  const std::vector<ManifestStep> recorded = StepsOf(candidate);
  for (StepCost& cost : steps) {
    auto step = std::find_if(recorded.begin(), recorded.end(),
                             [&](const ManifestStep& s) { return s.id == cost.step; });
    if (step == recorded.end()) continue;
    cost.candidate = step->candidate;
    const ModelPrice* price = candidate.steps.empty() ? nullptr : &step->price;
    for (const ManifestCandidate& c : manifest.candidates) {
      if (price == nullptr && c.id == step->candidate) price = &c.price;
    }
    if (price == nullptr) continue;
    cost.pricing = price->TimePriced() ? "time" : "token";
    if (price->TimePriced()) cost.time_price = TimePriceText(*price);
  }
}

}  // namespace

Report ReportBuilder::Finish() {
  State& s = *state_;
  Report& report = s.report;
  const RunManifest& manifest = s.manifest;
  for (size_t i = 0; i < report.candidates.size(); ++i) {
    CandidateMetrics& m = report.candidates[i];
    taskcost::Finish(manifest, s.tasks[i], s.options, report, m);
    for (const ManifestCandidate& c : manifest.candidates) {
      if (c.id == m.id && !m.steps.empty()) AddStepPricing(manifest, c, m.steps);
    }
    report.total_cost += m.total_cost;
    report.spent += m.spent;
    report.cached_attempts += m.cached_attempts;
    report.judge_calls += m.judge_calls;
    report.cached_judge_calls += m.cached_judge_calls;
    report.judge_cost += m.judge_cost;
    report.judge_spent += m.judge_spent;
    if (s.options.keep_tasks) AppendTasks(manifest, s.tasks[i], m.id, report.tasks);
  }
  const size_t base = report.baseline_id.empty() ? 0 : s.candidate_index.at(report.baseline_id);
  for (size_t i = 0; i < report.candidates.size(); ++i) {
    if (i == base) continue;
    PairedDifference paired =
        PairedSuccess(TallyBySample(s.tasks[i], manifest.sample_ids.size()),
                      TallyBySample(s.tasks[base], manifest.sample_ids.size()));
    report.comparisons.push_back(Compare(report.candidates[i], report.candidates[base], paired,
                                         s.options.success_tolerance_pp));
  }
  report.overall = DecideOverall(report);
  return std::move(report);
}

Report ComputeReport(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                     const ReportOptions& options) {
  ReportBuilder builder(manifest, options);
  for (const Attempt& a : attempts) builder.Add(a);
  return builder.Finish();
}

}  // namespace taskcost
