// History: cost per successful task, success rate and spend per candidate over time, from the
// run index (results/history.sqlite, harness/edge/history_db.h). Plain rows in, text, JSON and
// an HTML page out; the change against the previous run and week over week (weeks start Monday
// 00:00 UTC). Partial and simulated runs are marked and, unless asked, left out of every change
// and of week over week. Definitions: docs/history.md. Pure; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/money.h"
#include "harness/core/model/result.h"
#include "harness/core/metrics/stats.h"

namespace taskcost {

/// One candidate in one run, as the index keeps it.
struct HistoryPoint {
  std::string suite;
  std::string run_id;
  std::string run_dir;  // as indexed: relative to the results directory when inside it
  int64_t started_unix_ms = 0;
  bool simulated = false;
  std::string candidate;
  bool baseline = false;
  int64_t tasks_run = 0;
  int64_t successes = 0;
  int64_t attempts = 0;
  Money total_cost;  // what the tasks cost
  Money spent;       // what the run paid (cached answers excluded)
  // Partial runs (docs/report-format.md, section 1): of the candidate's planned tasks, those run
  // without a final outcome and those not run. successes are of the finished tasks.
  int64_t tasks_unfinished = 0;
  int64_t tasks_not_run = 0;

  int64_t TasksFinished() const { return tasks_run - tasks_unfinished; }
  /// The candidate left planned tasks without an outcome in this run.
  bool Partial() const { return tasks_unfinished > 0 || tasks_not_run > 0; }
  Fraction SuccessRate() const { return {successes, TasksFinished()}; }
};

/// Which runs the changes and week over week compare: complete runs of real models, plus
/// partial (`--include-partial`) and simulated (`--include-simulated`) runs when asked.
struct HistoryFilter {
  bool include_partial = false;
  bool include_simulated = false;

  bool Compares(const HistoryPoint& point) const {
    return (include_partial || !point.Partial()) && (include_simulated || !point.simulated);
  }
};

/// The points of one run: one per candidate of `report`.
std::vector<HistoryPoint> HistoryPointsOf(const Report& report, int64_t started_unix_ms,
                                          const std::string& run_dir);

/// The figures of one candidate over one period (a run, or a week of runs): sums of the
/// period's runs, so cost per successful task is total / successes over the whole period.
struct PeriodFigures {
  std::string suite;
  std::string candidate;
  std::string label;  // run id, or the week's Monday "2026-11-23"
  int64_t start_unix_ms = 0;
  int64_t runs = 0;
  int64_t tasks_run = 0;
  int64_t successes = 0;
  Money total_cost;
  Money spent;
  std::optional<Money> cost_per_success;
  // Partial runs: tasks without an outcome (left out of the success rate), and how the period's
  // runs are marked. A run outside the filter is listed with compared = false and no changes.
  int64_t tasks_unfinished = 0;
  int64_t tasks_not_run = 0;
  bool partial = false;    // some run of the period is partial for this candidate
  bool simulated = false;  // some run of the period is simulated
  bool compared = true;    // within the filter: has changes and is some later period's previous
  // Against the previous period of the same candidate; unset for its first period.
  std::optional<Fraction> cost_change;     // (this - previous) / previous cost per success
  std::optional<Fraction> success_change;  // this rate - previous rate (a fraction of 1)
  std::optional<Fraction> spent_change;    // (this - previous) / previous spend
};

/// Parses "30d", "12h", "2w" into milliseconds. Fails naming the option.
Result<int64_t> ParseSince(const std::string& text);

/// Monday 00:00 UTC of the week holding `unix_ms`.
int64_t WeekStart(int64_t unix_ms);
/// "2026-11-23" (UTC) for a Unix time in milliseconds.
std::string DateOf(int64_t unix_ms);

/// Per suite and candidate (first-seen order), one period per run, oldest first; a run the
/// filter compares has the change against the candidate's previous such run.
std::vector<PeriodFigures> ByRun(const std::vector<HistoryPoint>& points,
                                 const HistoryFilter& filter = {});
/// Per suite and candidate, one period per calendar week (UTC, Monday first), oldest first,
/// summing only the runs the filter compares.
std::vector<PeriodFigures> ByWeek(const std::vector<HistoryPoint>& points,
                                  const HistoryFilter& filter = {});

struct HistoryView {
  std::string title;                 // "support-triage" or "all suites"
  std::string source;                // the index file, for the heading
  int64_t since_unix_ms = 0;         // 0 = everything
  std::vector<HistoryPoint> points;  // of one suite, oldest first (several suites: by suite)
  HistoryFilter filter;              // what the changes and week over week compare
};

std::string RenderHistoryText(const HistoryView& view);
std::string HistoryToJson(const HistoryView& view);
std::string RenderHistoryHtml(const HistoryView& view);

}  // namespace taskcost
