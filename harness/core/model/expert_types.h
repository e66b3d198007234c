// The figures of expert scoring that a Report carries once scored review sheets were imported:
// per candidate the mean score with its interval, per comparison the paired difference to the
// baseline, and for the run the rubric, the reviewers and their agreement. Computed by
// ApplyExpertReview (expert_quality.h). Definitions: docs/review.md. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace taskcost {

/// The variance floor of quality intervals, in scale points (FlooredTInterval, intervals.h): an
/// interval never assumes that the next sample cannot differ by one point.
inline constexpr double kQualityFloorUnit = 1.0;

/// One candidate's expert quality: per sample the mean of every score it got (over reviewers
/// and repeats), then the mean over samples with a Student t 95% interval whose variance has
/// a floor (FlooredTInterval with kQualityFloorUnit).
struct ExpertQuality {
  int64_t scores = 0;             // individual scores counted
  int64_t samples = 0;            // samples with at least one score: n
  std::optional<double> mean;     // unset when n == 0
  std::optional<double> ci_low;   // unset when n < 2
  std::optional<double> ci_high;  // unset when n < 2
};

/// Candidate minus baseline expert quality, paired by sample, with the same floored Student t
/// 95% interval over the per-sample differences.
struct QualityDifference {
  int64_t n = 0;                  // samples scored for both
  std::optional<double> mean;     // unset when n == 0
  std::optional<double> sd;       // sample standard deviation of the differences; n >= 2
  std::optional<double> ci_low;   // unset when n < 2
  std::optional<double> ci_high;  // unset when n < 2
};

/// The run's review: how it was scored and how far the reviewers agreed.
struct ExpertReview {
  int scale_min = 1;
  int scale_max = 5;
  double tolerance = 0.5;              // quality points; from the rubric of the sheets
  std::vector<std::string> reviewers;  // sorted
  int64_t imports = 0;                 // imported sheets counted (superseded ones are not)
  int64_t scores = 0;                  // scores counted, every candidate
  std::optional<double> alpha;  // Krippendorff's alpha, interval metric
  int64_t alpha_items = 0;      // outputs scored by two reviewers or more
};

}  // namespace taskcost
