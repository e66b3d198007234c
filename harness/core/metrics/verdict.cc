#include "harness/core/metrics/verdict.h"

#include <cassert>

#include "harness/core/metrics/intervals.h"

namespace taskcost {

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kSwitch:
      return "switch";
    case Decision::kKeep:
      return "keep";
    case Decision::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

std::string_view VerdictReasonName(VerdictReason r) {
  switch (r) {
    case VerdictReason::kCheaperNotWorse:
      return "cheaper_not_worse";
    case VerdictReason::kCostHigher:
      return "cost_higher";
    case VerdictReason::kClearlyWorse:
      return "clearly_worse";
    case VerdictReason::kNoSuccesses:
      return "no_successes";
    case VerdictReason::kMayBeWorse:
      return "may_be_worse";
    case VerdictReason::kSameCost:
      return "same_cost";
    case VerdictReason::kTooFewPairs:
      return "too_few_pairs";
    case VerdictReason::kFatalStop:
      return "fatal_stop";
    case VerdictReason::kNoTasksRun:
      return "no_tasks_run";
    case VerdictReason::kBaselineNoSuccesses:
      return "baseline_no_successes";
    case VerdictReason::kBaselineFatalStop:
      return "baseline_fatal_stop";
    case VerdictReason::kQualityWithinTolerance:
      return "quality_within_tolerance";
    case VerdictReason::kQualityClearlyWorse:
      return "quality_clearly_worse";
    case VerdictReason::kQualityMayBeWorse:
      return "quality_may_be_worse";
    case VerdictReason::kTooFewScoredPairs:
      return "too_few_scored_pairs";
  }
  return "unknown";
}

PairedDifference PairedSuccess(const std::vector<SampleTally>& candidate,
                               const std::vector<SampleTally>& baseline) {
  assert(candidate.size() == baseline.size());
  std::vector<double> differences;
  PairedTable table;
  for (size_t i = 0; i < candidate.size(); ++i) {
    const SampleTally& c = candidate[i];
    const SampleTally& b = baseline[i];
    if (c.runs == 0 || b.runs == 0) continue;
    const double pc = static_cast<double>(c.successes) / static_cast<double>(c.runs);
    const double pb = static_cast<double>(b.successes) / static_cast<double>(b.runs);
    // Every (candidate run, baseline run) pair of the sample weighs 1 / (runs_c x runs_b), so
    // a sample counts once whatever its repeats; with one repeat the cells are 0 or 1.
    table.both += pc * pb;
    table.first_only += pc * (1 - pb);
    table.second_only += (1 - pc) * pb;
    table.neither += (1 - pc) * (1 - pb);
    // 100 * (c.s / c.n - b.s / b.n) = 100 * (c.s * b.n - b.s * c.n) / (c.n * b.n)
    const double numerator =
        100.0 * static_cast<double>(c.successes * b.runs - b.successes * c.runs);
    differences.push_back(numerator / static_cast<double>(c.runs * b.runs));
  }
  PairedDifference out = SummarisePairs(differences);
  out.table = table;
  if (out.n > 0) {
    const Interval ci = NewcombePairedInterval(table);
    out.ci_low = 100 * ci.low;
    out.ci_high = 100 * ci.high;
  }
  return out;
}

namespace {

// Whether an interval has left the band around -tolerance: wholly above or wholly below.
bool Settled(const Interval& ci, double tolerance) {
  return ci.low > -tolerance || ci.high < -tolerance;
}

}  // namespace

std::optional<int64_t> PairsToSettle(const PairedDifference& paired, double tolerance_pp) {
  if (paired.n == 0 || !paired.ci_low) return std::nullopt;
  const double n = paired.table.n();
  const double tolerance = tolerance_pp / 100;
  return SmallestSettlingN(paired.n, kMaxSettlingPairs, [&](int64_t m) {
    return Settled(NewcombePairedInterval(paired.table.Scaled(static_cast<double>(m) / n)),
                   tolerance);
  });
}

std::optional<int64_t> ScoredPairsToSettle(const QualityDifference& quality, double tolerance) {
  if (!quality.mean || !quality.sd || quality.n < 2) return std::nullopt;
  const double variance = *quality.sd * *quality.sd;
  return SmallestSettlingN(quality.n, kMaxSettlingPairs, [&](int64_t m) {
    return Settled(ProjectedTInterval(*quality.mean, variance, m, kQualityFloorUnit), tolerance);
  });
}

namespace {

// Rules 1-6 of docs/report-format.md, which no quality signal can change.
std::optional<VerdictReason> DecideOnCost(const CandidateMetrics& c, const CandidateMetrics& b) {
  if (b.fatal_error) return VerdictReason::kBaselineFatalStop;
  if (c.fatal_error) return VerdictReason::kFatalStop;
  if (c.TasksFinished() == 0) return VerdictReason::kNoTasksRun;  // none ran, or none finished
  if (!b.cost_per_success) return VerdictReason::kBaselineNoSuccesses;
  if (!c.cost_per_success) return VerdictReason::kNoSuccesses;
  if (*c.cost_per_success > *b.cost_per_success) return VerdictReason::kCostHigher;
  return std::nullopt;
}

// The first rule that applies, in the order docs/report-format.md lists them.
VerdictReason Decide(const CandidateMetrics& c, const CandidateMetrics& b,
                     const PairedDifference& paired, double tolerance_pp) {
  if (std::optional<VerdictReason> reason = DecideOnCost(c, b)) return *reason;
  const Money cost = *c.cost_per_success;
  const Money base = *b.cost_per_success;
  if (!paired.ci_low) return VerdictReason::kTooFewPairs;
  if (*paired.ci_high < -tolerance_pp) return VerdictReason::kClearlyWorse;
  if (cost == base) return VerdictReason::kSameCost;
  if (*paired.ci_low > -tolerance_pp) return VerdictReason::kCheaperNotWorse;
  return VerdictReason::kMayBeWorse;
}

// Rules 7-13 with expert quality (docs/review.md): "switch" needs the success interval and the
// quality interval each wholly above minus its tolerance. A success rate that is clearly worse
// still keeps the baseline: no score can undo failed tasks.
VerdictReason DecideOnQuality(const CandidateMetrics& c, const CandidateMetrics& b,
                              const PairedDifference& success, double success_tolerance_pp,
                              const QualityDifference& q, double tolerance) {
  if (std::optional<VerdictReason> reason = DecideOnCost(c, b)) return *reason;
  if (success.ci_high && *success.ci_high < -success_tolerance_pp) {
    return VerdictReason::kClearlyWorse;
  }
  if (!q.ci_low || !q.ci_high) return VerdictReason::kTooFewScoredPairs;
  if (*q.ci_high < -tolerance) return VerdictReason::kQualityClearlyWorse;
  if (*c.cost_per_success == *b.cost_per_success) return VerdictReason::kSameCost;
  if (!success.ci_low) return VerdictReason::kTooFewPairs;
  if (*success.ci_low <= -success_tolerance_pp) return VerdictReason::kMayBeWorse;
  if (*q.ci_low > -tolerance) return VerdictReason::kQualityWithinTolerance;
  return VerdictReason::kQualityMayBeWorse;
}

Decision DecisionFor(VerdictReason reason) {
  switch (reason) {
    case VerdictReason::kCheaperNotWorse:
    case VerdictReason::kQualityWithinTolerance:
      return Decision::kSwitch;
    case VerdictReason::kCostHigher:
    case VerdictReason::kClearlyWorse:
    case VerdictReason::kNoSuccesses:
    case VerdictReason::kQualityClearlyWorse:
      return Decision::kKeep;
    default:
      return Decision::kInconclusive;
  }
}

}  // namespace

Comparison Compare(const CandidateMetrics& candidate, const CandidateMetrics& baseline,
                   const PairedDifference& paired, double tolerance_pp) {
  Comparison out;
  out.candidate_id = candidate.id;
  out.paired = paired;
  if (candidate.cost_per_success && baseline.cost_per_success &&
      baseline.cost_per_success->picos() != 0) {
    const int64_t c = candidate.cost_per_success->picos();
    const int64_t b = baseline.cost_per_success->picos();
    out.cost_change = Fraction{c - b, b};
  }
  const int64_t c_finished = candidate.TasksFinished(), b_finished = baseline.TasksFinished();
  if (c_finished > 0 && b_finished > 0) {  // success rates are over finished tasks
    out.success_change =
        Fraction{candidate.successes * b_finished - baseline.successes * c_finished,
                 c_finished * b_finished};
  }
  out.reason = Decide(candidate, baseline, paired, tolerance_pp);
  out.decision = DecisionFor(out.reason);
  if (out.reason == VerdictReason::kMayBeWorse) {
    out.pairs_to_settle = PairsToSettle(paired, tolerance_pp);
  }
  return out;
}

void ApplyQualityVerdict(Comparison& comparison, const CandidateMetrics& candidate,
                         const CandidateMetrics& baseline, const QualityDifference& quality,
                         double tolerance, double success_tolerance_pp) {
  comparison.expert_quality = quality;
  comparison.reason = DecideOnQuality(candidate, baseline, comparison.paired, success_tolerance_pp,
                                      quality, tolerance);
  comparison.decision = DecisionFor(comparison.reason);
  comparison.pairs_to_settle.reset();
  if (comparison.reason == VerdictReason::kMayBeWorse) {
    comparison.pairs_to_settle = PairsToSettle(comparison.paired, success_tolerance_pp);
  } else if (comparison.reason == VerdictReason::kQualityMayBeWorse) {
    comparison.pairs_to_settle = ScoredPairsToSettle(quality, tolerance);
  }
}

OverallVerdict DecideOverall(const Report& report) {
  OverallVerdict out;
  out.decision = Decision::kKeep;
  out.candidate_id = report.baseline_id;
  std::optional<Money> best;
  for (const Comparison& comparison : report.comparisons) {
    if (comparison.decision != Decision::kSwitch) continue;
    const CandidateMetrics* c = report.Find(comparison.candidate_id);
    if (c == nullptr || !c->cost_per_success) continue;
    if (!best || *c->cost_per_success < *best) {
      best = c->cost_per_success;
      out.decision = Decision::kSwitch;
      out.candidate_id = c->id;
    }
  }
  return out;
}

}  // namespace taskcost
