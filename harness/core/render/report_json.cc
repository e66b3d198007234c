#include "harness/core/render/report_json.h"

#include <nlohmann/json.hpp>

#include "harness/core/render/report_format.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

// "<name>_picousd" (exact integer) and "<name>_usd" (nearest double); both null when unset.
void PutMoney(Json& j, const std::string& name, const std::optional<Money>& amount) {
  j[name + "_picousd"] = amount ? Json(amount->picos()) : Json(nullptr);
  j[name + "_usd"] = amount ? Json(amount->ToUsdDouble()) : Json(nullptr);
}

Json FractionOrNull(const Fraction& f, double scale = 1.0) {
  return f.defined() ? Json(f.ToDouble() * scale) : Json(nullptr);
}

Json OptionalOrNull(const std::optional<double>& x) { return x ? Json(*x) : Json(nullptr); }

Json ClassCounts(const std::vector<ClassCount>& counts) {
  Json j = Json::object();
  for (ErrorClass e : AllErrorClasses()) {
    int64_t n = 0;
    for (const ClassCount& entry : counts) {
      if (entry.error == e) n = entry.count;
    }
    j[std::string(ErrorClassName(e))] = n;
  }
  return j;
}

// Expert scoring (docs/review.md); written only when scores were imported.
Json ExpertQualityJson(const ExpertQuality& q) {
  return {{"scores", q.scores},           {"samples", q.samples},
          {"mean", OptionalOrNull(q.mean)}, {"ci95_low", OptionalOrNull(q.ci_low)},
          {"ci95_high", OptionalOrNull(q.ci_high)}};
}

Json QualityDifferenceJson(const QualityDifference& q) {
  return {{"n", q.n},
          {"mean", OptionalOrNull(q.mean)},
          {"sd", OptionalOrNull(q.sd)},
          {"ci95_low", OptionalOrNull(q.ci_low)},
          {"ci95_high", OptionalOrNull(q.ci_high)}};
}

Json ExpertReviewJson(const ExpertReview& r) {
  return {{"scale_min", r.scale_min},
          {"scale_max", r.scale_max},
          {"tolerance", r.tolerance},
          {"reviewers", r.reviewers},
          {"imports", r.imports},
          {"scores", r.scores},
          {"interval", "student_t_floored"},
          {"alpha_interval", OptionalOrNull(r.alpha)},
          {"alpha_items", r.alpha_items}};
}

Json OutlierJson(const Outlier& o) {
  Json j;
  j["sample_id"] = o.sample_id;
  j["repeat"] = o.repeat;
  PutMoney(j, "cost", o.cost);
  j["attempts"] = o.attempts;
  j["input_tokens"] = o.input_tokens;
  j["output_tokens"] = o.output_tokens;
  j["reasons"] = o.reasons;
  return j;
}

Json RoiJson(const std::optional<RoiMetrics>& roi) {
  if (!roi) return nullptr;
  Json j;
  PutMoney(j, "effective_cost_per_task", roi->effective_cost_per_task);
  j["roi_multiple"] = roi->roi ? FractionOrNull(*roi->roi) : Json(nullptr);
  j["negative_roi"] = roi->negative;
  PutMoney(j, "monthly_saving", roi->monthly_saving);
  PutMoney(j, "projected_monthly_cost", roi->monthly_ai_cost);
  j["monthly_too_large"] = roi->monthly_too_large;
  return j;
}

Json LatencyMs(const std::optional<int64_t>& micros) {
  return micros ? Json(static_cast<double>(*micros) / 1000.0) : Json(nullptr);
}

Json OptionalInt(const std::optional<int64_t>& x) { return x ? Json(*x) : Json(nullptr); }

Json OptionalRate(const std::optional<Fraction>& f) {
  return f ? FractionOrNull(*f) : Json(nullptr);
}

Json RepeatSpreadJson(const std::optional<RepeatSpread>& spread) {
  if (!spread) return nullptr;
  Json j;
  j["repeats"] = Json::array();
  for (const RepeatFigures& r : spread->repeats) {
    Json one;
    one["repeat"] = r.repeat;
    one["tasks_run"] = r.tasks_run;
    one["tasks_unfinished"] = r.tasks_unfinished;
    one["successes"] = r.successes;
    one["success_rate"] = FractionOrNull(r.SuccessRate());
    PutMoney(one, "cost", r.cost);
    PutMoney(one, "cost_per_successful_task", r.cost_per_success);
    j["repeats"].push_back(std::move(one));
  }
  PutMoney(j, "cost_per_successful_task_min", spread->cost_per_success_min);
  PutMoney(j, "cost_per_successful_task_max", spread->cost_per_success_max);
  PutMoney(j, "cost_per_successful_task_sd", spread->cost_per_success_sd);
  j["success_rate_min"] = OptionalRate(spread->success_rate_min);
  j["success_rate_max"] = OptionalRate(spread->success_rate_max);
  j["success_rate_sd_pp"] = OptionalOrNull(spread->success_rate_sd_pp);
  return j;
}

// Prompt caching (docs/report-format.md): only in reports where some candidate used a cache.
Json PromptCacheJson(const CandidateMetrics& c) {
  Json j = Json::object();
  j["read_tokens"] = c.cache_read_tokens;
  j["write_tokens"] = c.cache_write_tokens;
  j["read_share"] = FractionOrNull(c.CacheReadShare());
  PutMoney(j, "read_cost", c.cache_read_cost);
  PutMoney(j, "write_cost", c.cache_write_cost);
  PutMoney(j, "uncached_cost", c.cache_uncached_cost);
  PutMoney(j, "saving", c.cache_saving);
  return j;
}

Json CandidateJson(const CandidateMetrics& c, bool prompt_cache) {
  Json j;
  j["id"] = c.id;
  j["model"] = c.model;
  j["provider"] = c.provider;
  j["baseline"] = c.baseline;
  j["pricing"] = c.pricing;
  j["tasks_planned"] = c.tasks_planned;
  j["tasks_run"] = c.tasks_run;
  j["tasks_not_run"] = c.tasks_not_run;
  j["tasks_unfinished"] = c.tasks_unfinished;
  j["tasks_finished"] = c.TasksFinished();
  j["partial"] = c.Partial();
  j["successes"] = c.successes;
  j["attempts"] = c.attempts;
  j["retries"] = c.retries;
  j["success_rate"] = FractionOrNull(c.SuccessRate());
  j["attempts_per_task"] = FractionOrNull(c.AttemptsPerTask());
  PutMoney(j, "total_cost", c.total_cost);
  PutMoney(j, "spent", c.spent);
  j["unfinished_attempts"] = c.unfinished_attempts;
  PutMoney(j, "unfinished_cost", c.unfinished_cost);
  j["cached_attempts"] = c.cached_attempts;
  j["answers_without_usage"] = c.answers_without_usage;
  j["implausible_usage"] = c.implausible_usage;
  j["judge_calls"] = c.judge_calls;
  j["cached_judge_calls"] = c.cached_judge_calls;
  PutMoney(j, "judge_cost", c.judge_cost);
  PutMoney(j, "judge_spent", c.judge_spent);
  j["calls_in_flight"] = c.calls_in_flight;
  PutMoney(j, "in_flight_worst_case", c.in_flight_worst_case);
  j["tasks_in_flight"] = c.tasks_in_flight;
  PutMoney(j, "cost_per_task", c.cost_per_task);
  PutMoney(j, "cost_per_successful_task", c.cost_per_success);
  PutMoney(j, "task_cost_p50", c.task_cost_p50);
  PutMoney(j, "task_cost_p95", c.task_cost_p95);
  PutMoney(j, "task_cost_max", c.task_cost_max);
  j["input_tokens"] = c.input_tokens;
  j["output_tokens"] = c.output_tokens;
  j["mean_input_tokens_per_attempt"] = FractionOrNull(c.MeanInputTokens());
  j["mean_output_tokens_per_attempt"] = FractionOrNull(c.MeanOutputTokens());
  j["latency_p50_us"] = OptionalInt(c.latency_p50_us);
  j["latency_p50_ms"] = LatencyMs(c.latency_p50_us);
  j["latency_p95_us"] = OptionalInt(c.latency_p95_us);
  j["latency_p95_ms"] = LatencyMs(c.latency_p95_us);
  j["failures_by_attempt"] = ClassCounts(c.attempt_failures);
  j["failures_by_task"] = ClassCounts(c.task_failures);
  j["fatal_error"] =
      c.fatal_error ? Json(std::string(ErrorClassName(*c.fatal_error))) : Json(nullptr);
  j["outliers"] = Json::array();
  for (const Outlier& o : c.outliers) j["outliers"].push_back(OutlierJson(o));
  j["roi"] = RoiJson(c.roi);
  j["repeat_spread"] = RepeatSpreadJson(c.repeat_spread);
  j["quality_score"] = OptionalOrNull(c.quality_score);
  j["quality_tasks"] = c.quality_tasks;
  j["unjudged_tasks"] = c.unjudged_tasks;
  j["escalated_tasks"] = c.escalated_tasks;
  j["escalation_rate"] = FractionOrNull(c.EscalationRate());
  j["steps"] = Json::array();
  for (const StepCost& s : c.steps) {
    Json one = Json::object();
    one["step"] = s.step;
    if (!s.candidate.empty()) one["candidate"] = s.candidate;
    if (!s.pricing.empty()) one["pricing"] = s.pricing;
    if (!s.time_price.empty()) one["time_price"] = s.time_price;
    one["tasks"] = s.tasks;
    one["attempts"] = s.attempts;
    one["cost_picousd"] = s.cost.picos();
    one["cost_usd"] = s.cost.ToUsdDouble();
    j["steps"].push_back(std::move(one));
  }
  j["scorers"] = Json::array();
  for (const ScorerFigures& f : c.scorers) {
    Json one = Json::object();
    one["name"] = f.name;
    one["list"] = f.quality ? "quality" : "success";
    one["failed_tasks"] = f.failed_tasks;
    one["scorer_errors"] = f.scorer_errors;
    one["scored_tasks"] = f.scored_tasks;
    one["mean_score"] = OptionalOrNull(f.MeanScore());
    j["scorers"].push_back(std::move(one));
  }
  if (c.expert_quality) j["expert_quality"] = ExpertQualityJson(*c.expert_quality);
  if (prompt_cache) j["prompt_cache"] = PromptCacheJson(c);
  if (c.PromptCacheUnused()) j["prompt_cache_warning"] = PromptCacheWarning(c);
  return j;
}

Json ComparisonJson(const Report& report, const Comparison& c) {
  Json j;
  j["candidate"] = c.candidate_id;
  j["baseline"] = report.baseline_id;
  j["cost_change_pct"] = c.cost_change ? FractionOrNull(*c.cost_change, 100.0) : Json(nullptr);
  j["success_change_pp"] =
      c.success_change ? FractionOrNull(*c.success_change, 100.0) : Json(nullptr);
  Json paired;
  paired["n"] = c.paired.n;
  paired["mean_pp"] = OptionalOrNull(c.paired.mean);
  paired["sd_pp"] = OptionalOrNull(c.paired.sd);
  paired["ci95_low_pp"] = OptionalOrNull(c.paired.ci_low);
  paired["ci95_high_pp"] = OptionalOrNull(c.paired.ci_high);
  paired["interval"] = "newcombe_hybrid_score";
  paired["candidate_only"] = c.paired.table.first_only;
  paired["baseline_only"] = c.paired.table.second_only;
  paired["both"] = c.paired.table.both;
  paired["neither"] = c.paired.table.neither;
  j["paired_success"] = paired;
  j["pairs_to_settle"] = c.pairs_to_settle ? Json(*c.pairs_to_settle) : Json(nullptr);
  if (c.expert_quality) j["paired_expert_quality"] = QualityDifferenceJson(*c.expert_quality);
  j["decision"] = std::string(DecisionName(c.decision));
  j["reason"] = std::string(VerdictReasonName(c.reason));
  j["text"] = VerdictLine(report, c);
  return j;
}

Json HumanJson(const Report& report) {
  if (!report.human.present) return nullptr;
  Json j;
  j["micro_minutes_per_task"] = report.human.micro_minutes_per_task;
  j["minutes_per_task"] = static_cast<double>(report.human.micro_minutes_per_task) / 1e6;
  PutMoney(j, "hourly_rate", report.human.hourly_rate);
  j["review_micro_minutes_per_task"] = report.human.review_micro_minutes_per_task;
  j["review_minutes_per_task"] =
      static_cast<double>(report.human.review_micro_minutes_per_task) / 1e6;
  PutMoney(j, "cost_per_task", report.human_cost_per_task);
  PutMoney(j, "review_cost_per_task", report.review_cost_per_task);
  return j;
}

}  // namespace

std::string ReportToJson(const Report& report) {
  Json j;
  j["format"] = "taskcost-report";
  j["version"] = kReportFormatVersion;
  j["suite"] = report.suite_name;
  j["run_id"] = report.run_id;
  j["unit"] = report.unit;
  j["simulated"] = report.simulated;
  j["partial"] = report.Partial();
  j["samples"] = report.samples;
  j["repeats"] = report.repeats;
  j["baseline"] = report.baseline_id.empty() ? Json(nullptr) : Json(report.baseline_id);
  j["volume_per_month"] = report.volume_per_month;
  j["settings"] = {{"success_tolerance_pp", report.success_tolerance_pp},
                   {"outlier_cost_factor", report.outlier_cost_factor},
                   {"long_tokens_factor", report.long_tokens_factor},
                   {"ci_z", kZ975}};
  j["ignored_attempts"] = report.ignored_attempts;
  PutMoney(j, "total_cost", report.total_cost);
  PutMoney(j, "spent", report.spent);
  j["cached_attempts"] = report.cached_attempts;
  j["judge_calls"] = report.judge_calls;
  j["cached_judge_calls"] = report.cached_judge_calls;
  PutMoney(j, "judge_cost", report.judge_cost);
  PutMoney(j, "judge_spent", report.judge_spent);
  j["calls_in_flight"] = report.calls_in_flight;
  PutMoney(j, "in_flight_worst_case", report.in_flight_worst_case);
  j["in_flight_note"] = report.calls_in_flight > 0 ? Json(InFlightLine(report)) : Json(nullptr);
  j["human"] = HumanJson(report);
  j["candidates"] = Json::array();
  for (const CandidateMetrics& c : report.candidates) {
    j["candidates"].push_back(CandidateJson(c, report.UsedPromptCache()));
  }
  j["comparisons"] = Json::array();
  for (const Comparison& c : report.comparisons) {
    j["comparisons"].push_back(ComparisonJson(report, c));
  }
  if (report.expert) j["expert_review"] = ExpertReviewJson(*report.expert);
  j["verdict"] = {{"decision", std::string(DecisionName(report.overall.decision))},
                  {"candidate", report.overall.candidate_id},
                  {"text", OverallLine(report)}};
  return j.dump(2) + "\n";
}

}  // namespace taskcost
