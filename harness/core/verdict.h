// Verdict: each candidate against the baseline (cost change, success change, the paired
// per-sample success difference) and the plain-words decision: switch, keep or inconclusive.
// Rules: docs/report-format.md#verdict. Pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/core/metrics.h"
#include "harness/core/stats.h"

namespace taskcost {

/// One candidate's tasks on one sample (over repeats): how many ran and how many succeeded.
struct SampleTally {
  int64_t successes = 0;
  int64_t runs = 0;
};

/// Per sample i where both ran: d_i = 100 * (successes/runs of the candidate - the same of the
/// baseline), in percentage points; summarised with SummarisePairs. Both vectors are indexed
/// by the manifest's sample order and have the same size.
PairedDifference PairedSuccess(const std::vector<SampleTally>& candidate,
                               const std::vector<SampleTally>& baseline);

/// Compares `candidate` with `baseline` and decides. `paired` comes from PairedSuccess.
Comparison Compare(const CandidateMetrics& candidate, const CandidateMetrics& baseline,
                   const PairedDifference& paired, double tolerance_pp);

/// Decides `comparison` again on expert quality instead of success (docs/review.md): rules 1-6
/// as before, a success rate clearly worse by more than `success_tolerance_pp` still keeps the
/// baseline, then the paired quality difference against `tolerance` (quality points).
void ApplyQualityVerdict(Comparison& comparison, const CandidateMetrics& candidate,
                         const CandidateMetrics& baseline, const QualityDifference& quality,
                         double tolerance, double success_tolerance_pp);

/// Switch to the cheapest "switch" candidate (by cost per successful task), else keep the
/// baseline. Requires report.comparisons and report.candidates to be filled.
OverallVerdict DecideOverall(const Report& report);

}  // namespace taskcost
