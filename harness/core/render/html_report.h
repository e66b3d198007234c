// The HTML report: one self-contained page (inline CSS, inline SVG charts, no script, nothing
// fetched) with the verdict first, the candidate tables, six charts, failures, the human
// alternative and the outlier tasks with their inputs and outputs. Every figure is printed by
// the same tables and rules as the terminal, Markdown and report.json (report_tables.h,
// report_format.h). Layout: docs/report-format.md. Pure, string out; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_evidence.h"

namespace taskcost {

/// The chart names (data-chart attributes) the report always draws, in page order.
inline constexpr const char* kReportCharts[] = {"cost-per-success",  "cost-distribution",
                                                "attempts-failures", "quality-cost",
                                                "human-vs-ai",       "monthly-cost"};

/// One point per candidate: lower cost is better, higher quality is better. Returns, for each,
/// whether no other point is at least as cheap and at least as good with one of the two strictly
/// better (the Pareto front: the cheapest candidates not worse on both).
std::vector<bool> ParetoFront(const std::vector<std::pair<int64_t, int64_t>>& cost_quality);

/// The page. `report` should be computed with ReportOptions::keep_tasks (the distribution
/// chart draws one dot per task; without tasks it shows only p50 and p95).
std::string RenderHtml(const Report& report, const ReportEvidence& evidence);

}  // namespace taskcost
