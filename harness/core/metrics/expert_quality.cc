#include "harness/core/metrics/expert_quality.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "harness/core/metrics/intervals.h"
#include "harness/core/metrics/stats.h"
#include "harness/core/metrics/verdict.h"

namespace taskcost {

std::optional<double> KrippendorffAlphaInterval(const std::vector<std::vector<double>>& items) {
  std::vector<double> pooled;
  double observed = 0;  // sum over items of (sum over ordered pairs of squared differences) / (m-1)
  for (const std::vector<double>& values : items) {
    if (values.size() < 2) continue;
    double pairs = 0;
    for (double a : values) {
      for (double b : values) pairs += (a - b) * (a - b);
    }
    observed += pairs / static_cast<double>(values.size() - 1);
    pooled.insert(pooled.end(), values.begin(), values.end());
  }
  const double n = static_cast<double>(pooled.size());
  if (pooled.size() < 2) return std::nullopt;
  // Sum over ordered pairs of all pooled values of (a - b)^2 = 2 n sum (x - mean)^2.
  double mean = 0;
  for (double x : pooled) mean += x;
  mean /= n;
  double squares = 0;
  for (double x : pooled) squares += (x - mean) * (x - mean);
  const double expected = 2 * n * squares / (n * (n - 1));
  if (expected == 0) return std::nullopt;
  return 1 - (observed / n) / expected;
}

QualityDifference PairedQualityDifference(const std::vector<double>& differences) {
  const MeanDifference m = FlooredTInterval(differences, kQualityFloorUnit);
  QualityDifference out;
  out.n = m.n;
  out.mean = m.mean;
  out.sd = m.sd;
  if (m.ci) {
    out.ci_low = m.ci->low;
    out.ci_high = m.ci->high;
  }
  return out;
}

namespace {

// Per candidate, per sample: the mean of every score of that sample's outputs.
using SampleMeans = std::map<std::string, double>;

struct Tally {
  double sum = 0;
  int64_t count = 0;
};

ExpertQuality QualityOf(const SampleMeans& means, int64_t scores) {
  ExpertQuality q;
  q.scores = scores;
  std::vector<double> values;
  for (const auto& [sample, mean] : means) values.push_back(mean);
  const MeanDifference m = FlooredTInterval(values, kQualityFloorUnit);
  q.samples = m.n;
  q.mean = m.mean;
  if (m.ci) {
    q.ci_low = m.ci->low;
    q.ci_high = m.ci->high;
  }
  return q;
}

std::optional<double> Alpha(const std::vector<ExpertScore>& scores, int64_t* items) {
  std::map<std::tuple<std::string, std::string, int>, std::vector<double>> by_item;
  for (const ExpertScore& s : scores) {
    by_item[{s.sample_id, s.candidate_id, s.repeat}].push_back(s.score);
  }
  std::vector<std::vector<double>> units;
  for (auto& [key, values] : by_item) {
    if (values.size() >= 2) units.push_back(std::move(values));
  }
  *items = static_cast<int64_t>(units.size());
  return KrippendorffAlphaInterval(units);
}

}  // namespace

void ApplyExpertReview(Report& report, const ExpertInput& input) {
  std::map<std::string, std::map<std::string, Tally>> tallies;  // candidate -> sample -> tally
  std::map<std::string, int64_t> counts;
  std::set<std::string> reviewers;
  std::vector<ExpertScore> known;
  for (const ExpertScore& s : input.scores) {
    if (report.Find(s.candidate_id) == nullptr) continue;
    Tally& t = tallies[s.candidate_id][s.sample_id];
    t.sum += s.score;
    ++t.count;
    ++counts[s.candidate_id];
    reviewers.insert(s.reviewer);
    known.push_back(s);
  }
  ExpertReview review;
  review.scale_min = input.scale_min;
  review.scale_max = input.scale_max;
  review.tolerance = static_cast<double>(input.tolerance_milli) / 1000.0;
  review.reviewers.assign(reviewers.begin(), reviewers.end());
  review.imports = input.imports;
  review.scores = static_cast<int64_t>(known.size());
  review.alpha = Alpha(known, &review.alpha_items);
  report.expert = review;

  std::map<std::string, SampleMeans> means;
  for (const auto& [candidate, samples] : tallies) {
    for (const auto& [sample, t] : samples) {
      means[candidate][sample] = t.sum / static_cast<double>(t.count);
    }
  }
  for (CandidateMetrics& c : report.candidates) {
    auto found = means.find(c.id);
    if (found != means.end()) c.expert_quality = QualityOf(found->second, counts[c.id]);
  }
  const CandidateMetrics* baseline = report.Baseline();
  if (baseline == nullptr) return;
  const SampleMeans& base = means[baseline->id];
  for (Comparison& comparison : report.comparisons) {
    auto found = means.find(comparison.candidate_id);
    const CandidateMetrics* c = report.Find(comparison.candidate_id);
    if (found == means.end() || c == nullptr) continue;
    std::vector<double> differences;
    for (const auto& [sample, mean] : found->second) {
      auto b = base.find(sample);
      if (b != base.end()) differences.push_back(mean - b->second);
    }
    ApplyQualityVerdict(comparison, *c, *baseline, PairedQualityDifference(differences),
                        review.tolerance, report.success_tolerance_pp);
  }
  report.overall = DecideOverall(report);
}

}  // namespace taskcost
