// Expert quality: imported review scores turned into report figures (per candidate mean and
// interval, the paired difference to the baseline with its interval, reviewer agreement by
// Krippendorff's alpha) and the downgrade verdict on quality. Formulas: docs/review.md.
// Pure functions on plain data; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/expert_types.h"
#include "harness/core/metrics/metrics.h"

namespace taskcost {

/// One reviewer's score of one output (the task (sample, candidate, repeat)).
struct ExpertScore {
  std::string sample_id;
  std::string candidate_id;
  int repeat = 0;
  std::string reviewer;
  int score = 0;
};

/// What ApplyExpertReview needs: the rubric and every score, at most one per reviewer and task
/// (the review store keeps the latest).
struct ExpertInput {
  int scale_min = 1;
  int scale_max = 5;
  int64_t tolerance_milli = 500;
  int64_t imports = 0;
  std::vector<ExpertScore> scores;
};

/// Krippendorff's alpha with the interval metric: 1 - D_o / D_e over the items (units) with two
/// values or more. Unset when fewer than 2 such values, or when every value is the same (D_e 0).
std::optional<double> KrippendorffAlphaInterval(const std::vector<std::vector<double>>& items);

/// Mean of the paired differences `differences` (candidate - baseline, quality points) with
/// the floored Student t 95% interval (FlooredTInterval, kQualityFloorUnit). No interval when
/// n < 2.
QualityDifference PairedQualityDifference(const std::vector<double>& differences);

/// Fills report.expert, each scored candidate's expert_quality and each comparison's paired
/// quality difference, decides those comparisons on quality (ApplyQualityVerdict) and the
/// overall verdict again. Scores of candidates the report does not know are ignored.
void ApplyExpertReview(Report& report, const ExpertInput& input);

}  // namespace taskcost
