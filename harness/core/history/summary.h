// The cost-per-task dashboard across suites (`taskcost summary RESULTS_DIR`): the latest run of
// each suite, the candidate its verdict chooses, grouped by the `feature` tag: tasks per month,
// AI cost per task (cost per successful task + human review), human cost per task, ROI multiple
// and monthly saving, negative ROI flagged. Definitions: docs/history.md. Pure; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

/// One suite's latest run, reduced to the candidate its verdict chooses.
struct SuiteSummary {
  std::string suite;
  std::string run_id;
  std::string feature;    // the `feature` tag (the candidate's over the suite's), else the suite
  std::string team;       // the `team` tag, "" when none
  std::string candidate;  // switched to, or the baseline kept
  bool switched = false;
  int64_t volume_per_month = 0;
  std::optional<Money> ai_cost_per_task;     // effective: cost per success + review; unset
                                             // when the candidate has no success
  std::optional<Money> human_cost_per_task;  // unset without a human: block
  // The run left planned tasks without an outcome (docs/report-format.md, section 1): its
  // figures cover its finished tasks. Over every candidate of the run.
  bool partial = false;
  int64_t tasks_unfinished = 0;
  int64_t tasks_not_run = 0;
};

/// The chosen candidate of one run.
SuiteSummary SummariseRun(const Report& report, const RunManifest& manifest);

/// A feature: its suites and their figures combined, weighted by volume.
struct FeatureSummary {
  std::string feature;
  std::vector<SuiteSummary> suites;
  int64_t volume_per_month = 0;  // sum over its suites
  // Per task, weighted by each suite's volume (a single suite: its own figures). Unset when a
  // suite lacks the figure, or several suites have no volume to weigh them by.
  std::optional<Money> ai_cost_per_task;
  std::optional<Money> human_cost_per_task;
  std::optional<Fraction> roi;          // human / AI, exact in picodollars
  std::optional<Money> monthly_saving;  // sum of V x (human - AI); unset without volume
  bool negative_roi = false;            // AI costs more than the human alone
};

/// Features in name order, each with its suites in name order.
std::vector<FeatureSummary> ByFeature(const std::vector<SuiteSummary>& suites);

std::string RenderSummaryText(const std::vector<FeatureSummary>& features,
                              const std::string& results);
std::string RenderSummaryHtml(const std::vector<FeatureSummary>& features,
                              const std::string& results);

}  // namespace taskcost
