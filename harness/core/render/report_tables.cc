#include "harness/core/render/report_tables.h"

#include <algorithm>

#include "harness/core/render/report_expert.h"
#include "harness/core/render/report_format.h"

namespace taskcost {
namespace {

const Comparison* FindComparison(const Report& report, const std::string& id) {
  for (const Comparison& c : report.comparisons) {
    if (c.candidate_id == id) return &c;
  }
  return nullptr;
}

std::string CandidateLabel(const CandidateMetrics& c) {
  return c.baseline ? c.id + " (baseline)" : c.id;
}

std::string UsdCell(const std::optional<Money>& amount) {
  return amount ? FormatUsd(*amount) : "n/a";
}

std::string SuccessCell(const CandidateMetrics& c) {
  return std::to_string(c.successes) + "/" + std::to_string(c.TasksFinished()) + " " +
         (c.SuccessRate().defined() ? FormatPercent(c.SuccessRate()) + "%" : "n/a");
}

std::string CostPerSuccessCell(const Report& report, const CandidateMetrics& c) {
  std::string cell = UsdCell(c.cost_per_success);
  const Comparison* comparison = FindComparison(report, c.id);
  if (comparison != nullptr && comparison->cost_change) {
    cell += " (" + FormatPercent(*comparison->cost_change, true) + "%)";
  }
  return cell;
}

std::string MillisCell(const std::optional<int64_t>& micros) {
  return micros ? FormatMillis(*micros) + " ms" : "n/a";
}

int64_t CountOf(const std::vector<ClassCount>& counts, ErrorClass c) {
  for (const ClassCount& entry : counts) {
    if (entry.error == c) return entry.count;
  }
  return 0;
}

}  // namespace

ReportTable MainTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate",  "success",    "att/task",   "$/successful task",
              "p50 $/task", "p95 $/task", "latency p50"};
  t.right_aligned = {false, true, true, true, true, true, true};
  if (report.human.present) {
    t.header.push_back("ROI");
    t.right_aligned.push_back(true);
  }
  if (report.expert) {
    t.header.push_back("quality");
    t.right_aligned.push_back(true);
  }
  for (const CandidateMetrics& c : report.candidates) {
    std::vector<std::string> row = {CandidateLabel(c),
                                    SuccessCell(c),
                                    FormatRatio(c.AttemptsPerTask(), 2),
                                    CostPerSuccessCell(report, c),
                                    UsdCell(c.task_cost_p50),
                                    UsdCell(c.task_cost_p95),
                                    MillisCell(c.latency_p50_us)};
    if (report.human.present) row.push_back(c.roi ? FormatRoi(c.roi->roi) : "n/a");
    if (report.expert) row.push_back(ExpertQualityCell(c));
    t.rows.push_back(std::move(row));
  }
  return t;
}

ReportTable DetailTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate",  "tasks run",  "not run",     "total $",     "$/task",
              "max $/task", "in tok/att", "out tok/att", "latency p95", "retries"};
  t.right_aligned = {false, true, true, true, true, true, true, true, true, true};
  const bool cache = report.cached_attempts > 0;
  if (cache) {
    t.header.insert(t.header.end(), {"cached att", "spent $"});
    t.right_aligned.insert(t.right_aligned.end(), {true, true});
  }
  const bool unfinished = std::any_of(report.candidates.begin(), report.candidates.end(),
                                      [](const CandidateMetrics& c) { return c.tasks_unfinished; });
  if (unfinished) {  // after "not run"
    t.header.insert(t.header.begin() + 3, "unfinished");
    t.right_aligned.insert(t.right_aligned.begin() + 3, true);
  }
  for (const CandidateMetrics& c : report.candidates) {
    t.rows.push_back({c.id, std::to_string(c.tasks_run) + "/" + std::to_string(c.tasks_planned),
                      std::to_string(c.tasks_not_run), FormatUsd(c.total_cost),
                      UsdCell(c.cost_per_task), UsdCell(c.task_cost_max),
                      FormatRatio(c.MeanInputTokens(), 1), FormatRatio(c.MeanOutputTokens(), 1),
                      MillisCell(c.latency_p95_us), std::to_string(c.retries)});
    if (cache) t.rows.back().insert(t.rows.back().end(),
                                    {std::to_string(c.cached_attempts), FormatUsd(c.spent)});
    if (unfinished)
      t.rows.back().insert(t.rows.back().begin() + 3, std::to_string(c.tasks_unfinished));
  }
  return t;
}

ReportTable RepeatSpreadTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate",   "min $/successful task", "max $/successful task",
              "sd $/successful task", "min success", "max success", "sd success"};
  t.right_aligned = {false, true, true, true, true, true, true};
  auto rate = [](const std::optional<Fraction>& f) {
    return f ? FormatPercent(*f) + "%" : std::string("n/a");
  };
  for (const CandidateMetrics& c : report.candidates) {
    if (!c.repeat_spread) continue;
    const RepeatSpread& s = *c.repeat_spread;
    t.rows.push_back({c.id, UsdCell(s.cost_per_success_min), UsdCell(s.cost_per_success_max),
                      UsdCell(s.cost_per_success_sd), rate(s.success_rate_min),
                      rate(s.success_rate_max),
                      s.success_rate_sd_pp ? FormatTenths(*s.success_rate_sd_pp) + " pp" : "n/a"});
  }
  return t;
}

ReportTable FailureTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "class", "failed attempts", "failed tasks (final class)"};
  t.right_aligned = {false, false, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    for (ErrorClass e : AllErrorClasses()) {
      const int64_t attempts = CountOf(c.attempt_failures, e);
      const int64_t tasks = CountOf(c.task_failures, e);
      if (attempts == 0 && tasks == 0) continue;
      t.rows.push_back(
          {c.id, std::string(ErrorClassName(e)), std::to_string(attempts), std::to_string(tasks)});
    }
  }
  return t;
}

ReportTable OutlierTable(const Report& report, size_t limit) {
  ReportTable t;
  t.header = {"candidate", "task", "cost $", "attempts", "input tok", "output tok", "reasons"};
  t.right_aligned = {false, false, true, true, true, true, false};
  for (const CandidateMetrics& c : report.candidates) {
    const size_t shown = std::min(limit, c.outliers.size());
    for (size_t i = 0; i < shown; ++i) {
      const Outlier& o = c.outliers[i];
      std::string reasons;
      for (const std::string& r : o.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
      t.rows.push_back({c.id, TaskName(report, o.sample_id, o.repeat), FormatUsd(o.cost),
                        std::to_string(o.attempts), std::to_string(o.input_tokens),
                        std::to_string(o.output_tokens), reasons.empty() ? "-" : reasons});
    }
    if (c.outliers.size() > shown) {
      t.rows.push_back(
          {c.id, "(" + std::to_string(c.outliers.size() - shown) + " more)", "", "", "", "", ""});
    }
  }
  return t;
}

ReportTable HumanTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "effective $/task", "ROI", "monthly saving $", "AI cost $/month"};
  t.right_aligned = {false, true, true, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    if (!c.roi) {
      t.rows.push_back({c.id, "n/a", "n/a", "n/a", "n/a"});
      continue;
    }
    const RoiMetrics& r = *c.roi;
    auto monthly = [&](const std::optional<Money>& amount) {
      return r.monthly_too_large && !amount ? std::string("too large") : UsdCell(amount);
    };
    t.rows.push_back({c.id, FormatUsd(r.effective_cost_per_task), FormatRoi(r.roi),
                      monthly(r.monthly_saving), monthly(r.monthly_ai_cost)});
  }
  return t;
}

std::string SpendLine(const Report& report) {
  std::string text = "spent this run: $" + FormatUsd(report.spent);
  if (report.cached_attempts == 0) {
    text += " (every attempt called its provider)";
  } else {
    int64_t attempts = 0;
    for (const CandidateMetrics& c : report.candidates) attempts += c.attempts;
    text += "; the tasks cost $" + FormatUsd(report.total_cost) + " (" +
            std::to_string(report.cached_attempts) + " of " + std::to_string(attempts) +
            " attempts answered by the response cache, priced at their original usage)";
  }
  if (report.judge_calls > 0) {
    text += "; plus $" + FormatUsd(report.judge_spent) + " on " +
            std::to_string(report.judge_calls) + " LLM-judge calls (evaluation overhead, in no " +
            "task's cost)";
  }
  return text;
}

std::string InFlightLine(const Report& report) {
  if (report.calls_in_flight == 0) return "";
  const bool one = report.calls_in_flight == 1;
  return std::to_string(report.calls_in_flight) + (one ? " call was" : " calls were") +
         " in flight when the run stopped; " + (one ? "its" : "their") +
         " usage is unknown; at most $" + FormatUsd(report.in_flight_worst_case) +
         " by the worst case";
}

std::string JudgeTableNote(bool sentence) {
  std::string words =
      "calls to judge models about each candidate's answers, retries included; evaluation "
      "overhead, not part of any task's cost, cost per successful task or verdict";
  if (sentence) {
    words.front() = 'C';
    words += '.';
  }
  return words;
}

ReportTable JudgeTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "judge calls", "from cache", "judge cost $", "per task run $"};
  t.right_aligned = {false, true, true, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    if (c.judge_calls == 0) continue;
    const std::string per_task =
        c.tasks_run == 0 ? "n/a" : FormatUsd(c.judge_cost.DividedBy(c.tasks_run));
    t.rows.push_back({c.id, std::to_string(c.judge_calls), std::to_string(c.cached_judge_calls),
                      FormatUsd(c.judge_cost), per_task});
  }
  return t;
}

std::string HumanSummary(const Report& report) {
  std::string text = FormatMinutes(report.human.micro_minutes_per_task) + " min at $" +
                     FormatUsd(report.human.hourly_rate) + "/h = $" +
                     FormatUsd(report.human_cost_per_task) + " per " + report.unit + "; review " +
                     FormatMinutes(report.human.review_micro_minutes_per_task) + " min = $" +
                     FormatUsd(report.review_cost_per_task) + " per task";
  if (report.volume_per_month > 0) {
    text += "; volume " + std::to_string(report.volume_per_month) + " per month";
  }
  return text;
}

std::vector<std::string> NegativeRoiWarnings(const Report& report) {
  std::vector<std::string> warnings;
  for (const CandidateMetrics& c : report.candidates) {
    if (!c.roi || !c.roi->negative) continue;
    warnings.push_back("NEGATIVE ROI: " + c.id + ": AI plus review costs $" +
                       FormatUsd(c.roi->effective_cost_per_task) + " per " + report.unit +
                       ", more than the human alone ($" + FormatUsd(report.human_cost_per_task) +
                       ")");
  }
  return warnings;
}

std::string PartialBanner(const Report& report) {
  if (!report.Partial()) return "";
  int64_t planned = 0, unfinished = 0, not_run = 0;
  Money cost;
  std::string who;
  for (const CandidateMetrics& c : report.candidates) {
    planned += c.tasks_planned;
    unfinished += c.tasks_unfinished;
    not_run += c.tasks_not_run;
    cost += c.unfinished_cost;
    if (!c.Partial()) continue;
    who += (who.empty() ? "" : "; ") + c.id + " " + std::to_string(c.tasks_unfinished) +
           " unfinished, " + std::to_string(c.tasks_not_run) + " not run";
  }
  return "PARTIAL RUN: " + std::to_string(unfinished + not_run) + " of " + std::to_string(planned) +
         " planned tasks have no outcome (" + who +
         "); success rates, per-task figures and the verdict cover finished tasks only; totals "
         "and cost per successful " +
         report.unit + " include the $" + FormatUsd(cost) + " the unfinished tasks cost";
}

std::vector<std::string> TimePricedNotes(const Report& report) {
  std::vector<std::string> notes;
  for (const CandidateMetrics& c : report.candidates) {
    if (c.steps.empty() && c.pricing == "time") {
      notes.push_back(c.id + ": time-priced at " + c.time_price + "; cost = measured latency");
    }
    for (const StepCost& s : c.steps) {  // a cascade's or chain's, each at its own price
      if (s.pricing != "time") continue;
      const std::string by = s.candidate == s.step ? "" : " (" + s.candidate + ")";
      notes.push_back(c.id + ": step " + s.step + by + " time-priced at " + s.time_price +
                      "; cost = measured latency");
    }
  }
  return notes;
}

std::vector<std::string> NotRunNotes(const Report& report) {
  std::vector<std::string> notes;
  for (const CandidateMetrics& c : report.candidates) {
    if (c.fatal_error) {
      notes.push_back(c.id + ": stopped by a fatal " + std::string(ErrorClassName(*c.fatal_error)) +
                      " error");
    }
    if (c.tasks_unfinished > 0) {
      const std::string attempts = std::to_string(c.unfinished_attempts) +
                                   (c.unfinished_attempts == 1 ? " attempt" : " attempts");
      notes.push_back(c.id + ": " + std::to_string(c.tasks_unfinished) + " of " +
                      std::to_string(c.tasks_planned) +
                      " planned tasks unfinished (a retry, a cascade's next step or a judge's "
                      "verdict was cut off): left out of the success rate and per-task figures; "
                      "in the totals: their " +
                      attempts + ", $" + FormatUsd(c.unfinished_cost));
    }
    if (c.tasks_not_run > 0) {
      notes.push_back(c.id + ": " + std::to_string(c.tasks_not_run) + " of " +
                      std::to_string(c.tasks_planned) +
                      " planned tasks not run (budget stop, fatal stop or interruption)");
    }
    if (c.answers_without_usage > 0) {
      notes.push_back(c.id + ": " + std::to_string(c.answers_without_usage) + " of " +
                      std::to_string(c.attempts) +
                      " answers carried no usage object; their tokens are unknown and they are "
                      "counted at $0, so this candidate's costs are understated");
    }
    if (c.implausible_usage > 0) {
      notes.push_back(c.id + ": " + std::to_string(c.implausible_usage) + " of " +
                      std::to_string(c.attempts) +
                      " answers reported implausible usage (journaled as usage_flag); each is "
                      "priced at the larger of its counts and the worst case reserved for it");
    }
    if (c.TasksFinished() > 0 && c.successes == 0) {
      notes.push_back(c.id + ": no successful " + report.unit + "; cost per successful " +
                      report.unit + " is n/a");
    }
  }
  if (report.ignored_attempts > 0) {
    notes.push_back(std::to_string(report.ignored_attempts) +
                    " journal lines name a candidate or sample not in run.json and were ignored");
  }
  return notes;
}

}  // namespace taskcost
