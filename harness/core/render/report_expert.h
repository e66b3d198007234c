// Report pieces for expert scoring (docs/review.md): the printed quality figures, the verdict's
// quality clause, and the expert-quality table and summary shared by the terminal and Markdown
// renderers. Internal to the report renderers. Pure functions; not synchronised.
#pragma once

#include <optional>
#include <string>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {

/// A quality figure with two decimals, half away from zero: 4.345 -> "4.35" (modulo binary
/// representation), -0.3 -> "-0.30"; with `plus`, "+0.10". "n/a" when unset.
std::string FormatQuality(const std::optional<double>& x, bool plus = false);

/// The main table's quality cell: the mean expert score, or "n/a" when not scored.
std::string ExpertQualityCell(const CandidateMetrics& c);

/// ", expert quality 4.30 vs 4.60 (-0.30, 95% CI -0.50..-0.10, 10 paired samples); within
/// the 0.5 tolerance", or "" when the comparison was not decided on quality.
std::string QualityClause(const Report& report, const Comparison& comparison);

/// candidate, scored samples, mean, 95% CI, difference vs the baseline and its bootstrap CI.
ReportTable ExpertQualityTable(const Report& report);

/// "scale 1-5, tolerance 0.5; 2 reviewers (alice, bob), 2 sheets, 40 scores; agreement
/// (Krippendorff's alpha, interval) 0.85 over 20 outputs scored twice or more". "" without
/// scores.
std::string ExpertSummary(const Report& report);

}  // namespace taskcost
