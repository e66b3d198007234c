// Verdict: each candidate against the baseline (cost change, success change, the paired
// per-sample success difference) and the plain-words decision: switch, keep or inconclusive.
// Rules: docs/report-format.md#verdict. Pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/metrics/stats.h"

namespace taskcost {

/// One candidate's tasks on one sample (over repeats): how many ran and how many succeeded.
struct SampleTally {
  int64_t successes = 0;
  int64_t runs = 0;
};

/// Over the samples both candidates finished (runs > 0 on both sides): the per-sample
/// differences d_i = 100 * (successes/runs of the candidate - the same of the baseline) in
/// percentage points (mean, sd) and Newcombe's paired interval on the 2x2 table of outcomes,
/// a sample with repeats adding the shares of its outcome pairs (docs/report-format.md#6).
/// Both vectors are indexed by the manifest's sample order and have the same size.
PairedDifference PairedSuccess(const std::vector<SampleTally>& candidate,
                               const std::vector<SampleTally>& baseline);

/// The number of paired samples at which the current success pattern (`paired.table` scaled
/// up) would give an interval wholly above or wholly below -tolerance_pp; unset when it
/// already does, when there is no pair, or when it would take more than kMaxSettlingPairs.
inline constexpr int64_t kMaxSettlingPairs = 1'000'000;
std::optional<int64_t> PairsToSettle(const PairedDifference& paired, double tolerance_pp);

/// The same for a paired quality difference with the observed mean and spread.
std::optional<int64_t> ScoredPairsToSettle(const QualityDifference& quality, double tolerance);

/// Compares `candidate` with `baseline` and decides. `paired` comes from PairedSuccess.
Comparison Compare(const CandidateMetrics& candidate, const CandidateMetrics& baseline,
                   const PairedDifference& paired, double tolerance_pp);

/// Decides `comparison` again with expert quality (docs/review.md): rules 1-6 as before, a
/// success rate clearly worse by more than `success_tolerance_pp` still keeps the baseline,
/// then the paired quality difference against `tolerance` (quality points); "switch" needs
/// both intervals wholly above minus their tolerance.
void ApplyQualityVerdict(Comparison& comparison, const CandidateMetrics& candidate,
                         const CandidateMetrics& baseline, const QualityDifference& quality,
                         double tolerance, double success_tolerance_pp);

/// Switch to the cheapest "switch" candidate (by cost per successful task), else keep the
/// baseline. Requires report.comparisons and report.candidates to be filled.
OverallVerdict DecideOverall(const Report& report);

}  // namespace taskcost
