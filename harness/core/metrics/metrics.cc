#include "harness/core/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "harness/core/prices/pricing.h"
#include "harness/core/metrics/verdict.h"

namespace taskcost {
namespace {

constexpr int64_t kMicroMinutesPerHour = 60 * 1'000'000;

// One task: (sample, repeat) within a candidate, with its attempts folded in.
struct TaskKey {
  size_t sample = 0;  // index into manifest.sample_ids
  int repeat = 0;
  auto operator<=>(const TaskKey&) const = default;
};

// One check of a task's last attempt in 16 bytes (a run keeps one tally per task, so it stays
// small): the scorer by its index in the candidate's CheckNames, and the verdict without reason.
struct CheckTally {
  uint16_t name = 0;
  bool pass = false;
  bool quality = false;
  bool scorer_error = false;
  bool scored = false;
  double score = 0;
};

// A candidate's scorer names as its checks first appear: (name, quality), indexed by CheckTally.
using CheckNames = std::vector<std::pair<std::string, bool>>;

uint16_t CheckIndex(CheckNames& names, const std::string& name, bool quality) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].first == name && names[i].second == quality) return static_cast<uint16_t>(i);
  }
  names.emplace_back(name, quality);
  return static_cast<uint16_t>(names.size() - 1);
}

// Sized for a run's one tally per task: 88 bytes and 16 a check.
struct TaskTally {
  Money cost;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int64_t latency_us = 0;
  std::unique_ptr<CheckTally[]> checks;  // of the last attempt: check_count of them
  int32_t check_count = 0;
  int32_t attempts = 0;
  int32_t last_attempt = 0;  // highest attempt number seen
  int32_t step = -1;         // a cascade's or chain's step of the last attempt: index into the
                             // candidate's steps; -1 for a single model
  int32_t steps = 0;         // a cascade's steps reached
  ErrorClass failure = ErrorClass::kNone;  // of the last attempt, when it failed
  bool success = false;                    // of the last attempt
  bool schema_failed = false;              // the last attempt failed the output schema
  bool unfinished = false;                 // the last attempt left the task without an outcome
  bool ends_in_flight = false;  // its last record is a call that got no answer (no outcome)
};

// What decides whether a candidate's task has a final outcome (task_state.h): the run's retry
// policy and, for a cascade or chain, its steps in run.json's order.
struct OutcomeRules {
  const RetryPolicy* policy = nullptr;
  bool chain = false;
  std::vector<std::string> steps;  // step ids; empty for a single model

  StepPosition PositionOf(const std::string& step) const {
    StepPosition position{chain, 0, static_cast<int>(std::max<size_t>(1, steps.size()))};
    auto found = std::find(steps.begin(), steps.end(), step);
    // A step run.json does not list cannot be placed: taken as the last, so it escalates nowhere.
    position.index =
        found == steps.end() ? position.steps - 1 : static_cast<int>(found - steps.begin());
    return position;
  }
};

// A candidate's tasks by (sample, repeat), iterated in key order: a dense table with a slot per
// planned task (no allocation per task), and a map for any repeat outside the planned ones that
// a journal may hold. A slot is a task once an attempt was added to it (attempts > 0).
class TaskMap {
 public:
  TaskMap(size_t samples, int repeats)
      : repeats_(std::max(1, repeats)), dense_(samples * static_cast<size_t>(repeats_)) {}

  TaskTally& operator[](const TaskKey& key) {
    TaskTally& task = key.repeat >= 0 && key.repeat < repeats_
                          ? dense_[key.sample * static_cast<size_t>(repeats_) +
                                   static_cast<size_t>(key.repeat)]
                          : extra_[key];
    if (task.attempts == 0) ++size_;  // the caller adds an attempt to it
    return task;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// The task's tally, or null when no attempt was added to it.
  TaskTally* Find(const TaskKey& key) {
    TaskTally* task = nullptr;
    if (key.repeat >= 0 && key.repeat < repeats_) {
      task = &dense_[key.sample * static_cast<size_t>(repeats_) + static_cast<size_t>(key.repeat)];
    } else if (auto it = extra_.find(key); it != extra_.end()) {
      task = &it->second;
    }
    return task != nullptr && task->attempts > 0 ? task : nullptr;
  }

  class Iterator {
   public:
    Iterator(const TaskMap* map, size_t dense, std::map<TaskKey, TaskTally>::const_iterator extra)
        : map_(map), dense_(dense), extra_(extra) {
      SkipEmpty();
    }
    std::pair<TaskKey, const TaskTally&> operator*() const {
      if (FromExtra()) return {extra_->first, extra_->second};
      return {DenseKey(), map_->dense_[dense_]};
    }
    Iterator& operator++() {
      if (FromExtra()) {
        ++extra_;
      } else {
        ++dense_;
        SkipEmpty();
      }
      return *this;
    }
    bool operator!=(const Iterator& o) const { return dense_ != o.dense_ || extra_ != o.extra_; }

   private:
    TaskKey DenseKey() const {
      const size_t r = static_cast<size_t>(map_->repeats_);
      return TaskKey{dense_ / r, static_cast<int>(dense_ % r)};
    }
    bool FromExtra() const {
      if (extra_ == map_->extra_.end()) return false;
      return dense_ == map_->dense_.size() || extra_->first < DenseKey();
    }
    void SkipEmpty() {
      while (dense_ < map_->dense_.size() && map_->dense_[dense_].attempts == 0) ++dense_;
    }
    const TaskMap* map_;
    size_t dense_;
    std::map<TaskKey, TaskTally>::const_iterator extra_;
  };
  Iterator begin() const { return Iterator(this, 0, extra_.begin()); }
  Iterator end() const { return Iterator(this, dense_.size(), extra_.end()); }

 private:
  int repeats_;
  std::vector<TaskTally> dense_;
  std::map<TaskKey, TaskTally> extra_;
  size_t size_ = 0;
};

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

int StepIndex(std::vector<StepCost>& steps, const std::string& id) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].step == id) return static_cast<int>(i);
  }
  steps.push_back(StepCost{id});
  return static_cast<int>(steps.size() - 1);
}

// price x tokens (a negative count as 0, as CallCost); Money::Overflow() beyond Money's range.
Money TokensAt(Money price, int64_t tokens) {
  try {
    return price.Times(std::max<int64_t>(0, tokens));
  } catch (const std::overflow_error&) {
    return Money::Overflow();
  }
}

// The attempt's cache reads and writes, priced at `price` (null: time-priced or unknown).
void AddPromptCache(const Usage& usage, const ModelPrice* price, CandidateMetrics& m) {
  m.cache_read_tokens += std::max<int64_t>(0, usage.cached_input_tokens);
  m.cache_write_tokens += std::max<int64_t>(0, usage.cache_write_tokens);
  m.largest_input_tokens = std::max(m.largest_input_tokens, usage.TotalInput());
  if (price == nullptr || price->TimePriced()) return;
  const Money read =
      TokensAt(price->cached_input.value_or(price->input), usage.cached_input_tokens);
  Money write;
  for (const PricedTokens& term : CacheWriteTerms(*price, usage)) {
    write += TokensAt(term.per_token, term.tokens);
  }
  const Money uncached = TokensAt(price->input, usage.cached_input_tokens) +
                         TokensAt(price->input, usage.cache_write_tokens);
  m.cache_read_cost += read;
  m.cache_write_cost += write;
  m.cache_uncached_cost += uncached;
  m.cache_saving += uncached - read - write;
}

void AddAttempt(const Attempt& a, const OutcomeRules& rules, TaskTally& task, CandidateMetrics& m,
                CheckNames& names) {
  task.cost += a.cost;
  ++task.attempts;
  task.input_tokens += a.usage.TotalInput();
  task.output_tokens += a.usage.output_tokens;
  task.cache_read_tokens += std::max<int64_t>(0, a.usage.cached_input_tokens);
  task.cache_write_tokens += std::max<int64_t>(0, a.usage.cache_write_tokens);
  task.latency_us += a.latency_us;
  // The last attempt is the highest-numbered one; a later line with the same number wins. A
  // cascade's later step (journaled after the earlier one ended) numbers its attempts afresh.
  const int step = a.step.empty() ? -1 : StepIndex(m.steps, a.step);
  const bool new_step = task.attempts == 1 ? step != -1 : step != task.step;
  if (new_step) {
    task.step = step;
    ++task.steps;
    ++m.steps[static_cast<size_t>(step)].tasks;
  }
  if (step != -1) {
    StepCost& cost = m.steps[static_cast<size_t>(step)];
    ++cost.attempts;
    cost.cost += a.cost;
  }
  if (task.attempts == 1 || new_step || a.attempt >= task.last_attempt) {
    task.last_attempt = a.attempt;
    const TaskState state = StateOfTask(&a, *rules.policy, rules.PositionOf(a.step));
    // A call sent after it and never answered (AddUnanswered) leaves the task open too.
    task.unfinished = state == TaskState::kUnfinished || task.ends_in_flight;
    task.success = state == TaskState::kSucceeded;  // a chain's earlier step never is
    task.failure = task.success ? ErrorClass::kNone : FailureClass(a);
    task.schema_failed = !a.validation_errors.empty();
    if (static_cast<size_t>(task.check_count) != a.checks.size()) {
      task.check_count = static_cast<int32_t>(a.checks.size());
      task.checks.reset(a.checks.empty() ? nullptr : new CheckTally[a.checks.size()]);
    }
    for (size_t i = 0; i < a.checks.size(); ++i) {
      const CheckResult& check = a.checks[i];
      task.checks[i] = CheckTally{CheckIndex(names, check.name, check.quality),
                                  check.pass,
                                  check.quality,
                                  check.scorer_error,
                                  check.score.has_value(),
                                  check.score.value_or(0)};
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
  if (!a.usage_flag.empty()) ++m.implausible_usage;
  if (!a.success) AddCount(m.attempt_failures, FailureClass(a));
  if (IsFatal(a.error) && !m.fatal_error) m.fatal_error = a.error;
}

// The field of every finished task, ascending.
template <class T>
std::vector<T> SortedField(const TaskMap& tasks, T TaskTally::*field) {
  std::vector<T> values;
  values.reserve(tasks.size());
  for (const auto& [key, task] : tasks) {
    if (!task.unfinished) values.push_back(task.*field);
  }
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
    // In 128 bits: a median near Money's range times the factor neither throws nor wraps.
    if (task.unfinished || static_cast<__int128>(task.cost.picos()) <=
                               static_cast<__int128>(median.picos()) * options.outlier_cost_factor) {
      continue;
    }
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
    if (task.unfinished) ++figures.tasks_unfinished;
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
    if (figures.tasks_run > figures.tasks_unfinished) {
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
    // A repeat's overflow amount makes the spread unknown; past int64 llround gives an
    // unspecified value (INT64_MIN here): the overflow amount either way.
    const bool unknown = spread.cost_per_success_max && spread.cost_per_success_max->overflowed();
    spread.cost_per_success_sd =
        !unknown && *sd < 9.2e18 ? Money::FromPicos(std::llround(*sd)) : Money::Overflow();
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
void AddScorers(const TaskMap& tasks, const CheckNames& names, CandidateMetrics& m) {
  double quality_sum = 0;
  for (const auto& [key, task] : tasks) {
    if (task.unfinished) continue;
    if (task.schema_failed) ++ScorerEntry(m.scorers, "schema", false).failed_tasks;
    if (task.failure == ErrorClass::kScorerError) ++m.unjudged_tasks;
    double task_sum = 0;
    int64_t task_scores = 0;
    for (int32_t i = 0; i < task.check_count; ++i) {
      const CheckTally& check = task.checks[static_cast<size_t>(i)];
      ScorerFigures& f = ScorerEntry(m.scorers, names[check.name].first, check.quality);
      if (check.scorer_error) {
        ++f.scorer_errors;
      } else if (!check.pass) {
        ++f.failed_tasks;
      }
      if (!check.scored) continue;
      ++f.scored_tasks;
      f.score_sum += check.score;
      if (check.quality) {
        task_sum += check.score;
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
void Finish(const RunManifest& manifest, const TaskMap& tasks, const CheckNames& names,
            const ReportOptions& options,
            const Report& report, CandidateMetrics& m) {
  m.tasks_planned = static_cast<int64_t>(manifest.sample_ids.size()) * manifest.repeats;
  m.tasks_run = static_cast<int64_t>(tasks.size());
  m.tasks_not_run = std::max<int64_t>(0, m.tasks_planned - m.tasks_run);
  m.retries = m.attempts - m.tasks_run;
  Money finished_cost;
  for (const auto& [key, task] : tasks) {
    if (task.unfinished) {
      ++m.tasks_unfinished;
      m.unfinished_attempts += task.attempts;
      m.unfinished_cost += task.cost;
      continue;
    }
    finished_cost += task.cost;
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
  if (m.TasksFinished() > 0) {
    m.cost_per_task = finished_cost.DividedBy(m.TasksFinished());
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
  AddScorers(tasks, names, m);
  if (manifest.repeats > 1) m.repeat_spread = SpreadOverRepeats(tasks, manifest.repeats);
}

TaskState StateOf(const TaskTally& t) {
  if (t.unfinished) return TaskState::kUnfinished;
  return t.success ? TaskState::kSucceeded : TaskState::kFailed;
}

// Every task run, and a row of zeros for each planned task that was not run, in key order.
void AppendTasks(const RunManifest& manifest, const TaskMap& tasks, const std::string& candidate,
                 std::vector<TaskFigures>& out) {
  const int repeats = std::max(1, manifest.repeats);
  const TaskKey end{manifest.sample_ids.size(), 0};
  auto after = [repeats](const TaskKey& k) {
    return k.repeat + 1 < repeats ? TaskKey{k.sample, k.repeat + 1} : TaskKey{k.sample + 1, 0};
  };
  TaskKey planned{0, 0};  // the next planned task not yet written
  auto not_run_before = [&](const TaskKey& key) {
    for (; planned < key && planned < end; planned = after(planned)) {
      TaskFigures row{candidate, manifest.sample_ids[planned.sample], planned.repeat};
      row.state = TaskState::kNotRun;
      out.push_back(std::move(row));
    }
  };
  for (const auto& [key, t] : tasks) {
    not_run_before(key);
    if (planned == key) planned = after(key);
    out.push_back({candidate, manifest.sample_ids[key.sample], key.repeat, t.attempts,
                   t.input_tokens, t.output_tokens, t.cost, t.latency_us, t.success, t.failure});
    out.back().state = StateOf(t);
    out.back().cache_read_tokens = t.cache_read_tokens;
    out.back().cache_write_tokens = t.cache_write_tokens;
  }
  not_run_before(end);
}

// Finished tasks only: the verdict pairs samples finished by both candidates.
std::vector<SampleTally> TallyBySample(const TaskMap& tasks, size_t samples) {
  std::vector<SampleTally> tally(samples);
  for (const auto& [key, task] : tasks) {
    if (task.unfinished) continue;
    ++tally[key.sample].runs;
    if (task.success) ++tally[key.sample].successes;
  }
  return tally;
}

// The prices a candidate's calls were made at, by step ("" for a single model): the recorded
// steps' prices, or (older run.json files) the step's candidate's own entry.
std::vector<std::pair<std::string, ModelPrice>> CallPrices(const RunManifest& manifest,
                                                           const ManifestCandidate& candidate) {
  std::vector<std::pair<std::string, ModelPrice>> prices = {{"", candidate.price}};
  for (const ManifestStep& step : StepsOf(candidate)) {
    if (!candidate.steps.empty()) {
      prices.emplace_back(step.id, step.price);
      continue;
    }
    for (const ManifestCandidate& c : manifest.candidates) {
      if (c.id == step.candidate) prices.emplace_back(step.id, c.price);
    }
  }
  return prices;
}

// The price of a call of `step`; null when the step's price is unknown.
const ModelPrice* PriceOfCall(const std::vector<std::pair<std::string, ModelPrice>>& prices,
                              const std::string& step) {
  for (const auto& [id, price] : prices) {
    if (id == step) return &price;
  }
  return nullptr;
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

bool Report::UsedPromptCache() const {
  return std::any_of(candidates.begin(), candidates.end(),
                     [](const CandidateMetrics& c) { return c.UsedPromptCache(); });
}

bool Report::Partial() const {
  return std::any_of(candidates.begin(), candidates.end(),
                     [](const CandidateMetrics& c) { return c.Partial(); });
}

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
  std::vector<TaskMap> tasks;  // per candidate (reserved per candidate in the constructor)
  std::vector<CheckNames> check_names;  // per candidate
  std::vector<OutcomeRules> rules;      // per candidate
  // Per candidate: the price of each step's calls ("" for a single model's), from run.json.
  std::vector<std::vector<std::pair<std::string, ModelPrice>>> prices;
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
    OutcomeRules& rules = s.rules.emplace_back();
    rules.policy = &manifest.policy;
    rules.chain = c.model.starts_with("chain:");
    for (const ManifestStep& step : StepsOf(c)) rules.steps.push_back(step.id);
    s.prices.push_back(CallPrices(manifest, c));
    m.cache_requested = manifest.prompt_cache;
    m.min_cache_prefix_tokens = c.price.min_cache_prefix_tokens;
  }
  for (size_t i = 0; i < manifest.sample_ids.size(); ++i) {
    s.sample_index.emplace(manifest.sample_ids[i], i);
  }
  for (size_t i = 0; i < s.report.candidates.size(); ++i) {
    s.tasks.emplace_back(manifest.sample_ids.size(), manifest.repeats);
  }
  s.check_names.resize(s.report.candidates.size());
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
  AddAttempt(a, s.rules[c->second], s.tasks[c->second][TaskKey{sample->second, a.repeat}],
             s.report.candidates[c->second], s.check_names[c->second]);
  AddPromptCache(a.usage, PriceOfCall(s.prices[c->second], a.step), s.report.candidates[c->second]);
}

void ReportBuilder::AddUnanswered(const SentCall& call) {
  State& s = *state_;
  auto c = s.candidate_index.find(call.candidate_id);
  auto sample = s.sample_index.find(call.sample_id);
  if (c == s.candidate_index.end() || sample == s.sample_index.end()) return;
  CandidateMetrics& m = s.report.candidates[c->second];
  ++m.calls_in_flight;
  m.in_flight_worst_case += call.worst_case;
  if (!call.last_of_task) return;
  ++m.tasks_in_flight;
  if (TaskTally* task = s.tasks[c->second].Find(TaskKey{sample->second, call.repeat})) {
    task->ends_in_flight = true;
    task->unfinished = true;  // no outcome: the call that would decide it got no answer
  }
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
    taskcost::Finish(manifest, s.tasks[i], s.check_names[i], s.options, report, m);
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
    report.calls_in_flight += m.calls_in_flight;
    report.in_flight_worst_case += m.in_flight_worst_case;
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
