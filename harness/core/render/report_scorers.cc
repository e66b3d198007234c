// The scorers table of the rendered reports: quality scores and failures by scorer.
#include <cstdio>

#include "harness/core/render/report_format.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {

std::string FormatScore(const std::optional<double>& score) {
  if (!score) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *score);
  return buf;
}

ReportTable ScorerTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "scorer", "list", "failed tasks", "scorer errors", "mean score"};
  t.right_aligned = {false, false, false, true, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    if (c.quality_score) {
      t.rows.push_back({c.id, "quality (mean of quality: scores)", "quality", "", "",
                        FormatScore(c.quality_score) + " over " +
                            std::to_string(c.quality_tasks) + " tasks"});
    }
    for (const ScorerFigures& f : c.scorers) {
      t.rows.push_back({c.id, f.name, f.quality ? "quality" : "success",
                        std::to_string(f.failed_tasks), std::to_string(f.scorer_errors),
                        FormatScore(f.MeanScore())});
    }
  }
  return t;
}

ReportTable CascadeTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "past step 1", "step", "tasks", "attempts", "cost $", "share"};
  t.right_aligned = {false, true, false, true, true, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const StepCost& s = c.steps[i];
      const std::string escalated =
          i > 0 ? "" : std::to_string(c.escalated_tasks) + " (" +
                           FormatPercent(c.EscalationRate()) + "%)";
      t.rows.push_back({i == 0 ? c.id : "", escalated, s.step, std::to_string(s.tasks),
                        std::to_string(s.attempts), FormatUsd(s.cost),
                        FormatPercent({s.cost.picos(), c.total_cost.picos()}) + "%"});
    }
  }
  return t;
}

std::vector<std::string> UnjudgedNotes(const Report& report) {
  std::vector<std::string> notes;
  for (const CandidateMetrics& c : report.candidates) {
    if (c.unjudged_tasks == 0) continue;
    notes.push_back(std::to_string(c.unjudged_tasks) + " task(s) of " + c.id +
                    " were left unjudged: a success scorer could not judge the answer (see "
                    "scorer errors); they count as not succeeded but are not model failures");
  }
  return notes;
}

}  // namespace taskcost
