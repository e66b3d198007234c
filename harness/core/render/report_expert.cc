#include "harness/core/render/report_expert.h"

#include <cmath>
#include <cstdio>

#include "harness/core/render/report_format.h"

namespace taskcost {
namespace {

std::string Tolerance(const ExpertReview& review) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", review.tolerance);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string IntervalText(const std::optional<double>& low, const std::optional<double>& high) {
  return low && high ? FormatQuality(low) + ".." + FormatQuality(high) : "n/a";
}

std::string CountText(int64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string Reason(const ExpertReview& review, const Comparison& c) {
  const std::string t = Tolerance(review);
  switch (c.reason) {
    case VerdictReason::kQualityWithinTolerance:
      return "; quality within the " + t + " tolerance (CI lower bound " +
             FormatQuality(c.expert_quality->ci_low) + " > -" + t + ")";
    case VerdictReason::kQualityClearlyWorse:
      return "; quality is clearly worse (whole CI below -" + t + ")";
    case VerdictReason::kQualityMayBeWorse:
      return "; quality may be more than " + t + " worse (CI reaches -" + t + ")" +
             SettleClause(c, c.expert_quality->n, "scored sample",
                          *c.expert_quality->mean > -review.tolerance);
    case VerdictReason::kTooFewScoredPairs:
      return "; too few samples scored for both for a quality interval";
    default:
      return "";
  }
}

}  // namespace

std::string FormatQuality(const std::optional<double>& x, bool plus) {
  if (!x) return "n/a";
  const double hundredths = std::round(*x * 100);
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", hundredths / 100);
  std::string out = text;
  if (out == "-0.00") out = "0.00";
  if (plus && hundredths > 0) out = "+" + out;
  return out;
}

std::string ExpertQualityCell(const CandidateMetrics& c) {
  return c.expert_quality ? FormatQuality(c.expert_quality->mean) : "n/a";
}

std::string QualityClause(const Report& report, const Comparison& comparison) {
  if (!comparison.expert_quality || !report.expert) return "";
  const CandidateMetrics* c = report.Find(comparison.candidate_id);
  const CandidateMetrics* b = report.Baseline();
  const QualityDifference& q = *comparison.expert_quality;
  auto mean = [](const CandidateMetrics* m) {
    return m != nullptr && m->expert_quality ? FormatQuality(m->expert_quality->mean) : "n/a";
  };
  std::string text = ", expert quality " + mean(c) + " vs " + mean(b) + " (";
  if (q.mean) text += FormatQuality(q.mean, true) + ", ";
  if (q.ci_low) text += "95% CI " + IntervalText(q.ci_low, q.ci_high) + ", ";
  text += CountText(q.n, "paired sample") + ")";
  return text + Reason(*report.expert, comparison);
}

ReportTable ExpertQualityTable(const Report& report) {
  ReportTable t;
  t.header = {"candidate", "scored", "quality", "95% CI", "vs baseline", "95% CI"};
  t.right_aligned = {false, true, true, true, true, true};
  if (!report.expert) return t;
  for (const CandidateMetrics& c : report.candidates) {
    std::vector<std::string> row = {c.baseline ? c.id + " (baseline)" : c.id};
    if (!c.expert_quality) {
      row.insert(row.end(), {"0", "n/a", "n/a", "n/a", "n/a"});
      t.rows.push_back(std::move(row));
      continue;
    }
    const ExpertQuality& q = *c.expert_quality;
    row.push_back(std::to_string(q.samples));
    row.push_back(FormatQuality(q.mean));
    row.push_back(IntervalText(q.ci_low, q.ci_high));
    const QualityDifference* d = nullptr;
    for (const Comparison& comparison : report.comparisons) {
      if (comparison.candidate_id == c.id && comparison.expert_quality) {
        d = &*comparison.expert_quality;
      }
    }
    row.push_back(d ? FormatQuality(d->mean, true) : "");
    row.push_back(d ? IntervalText(d->ci_low, d->ci_high) : "");
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string ExpertSummary(const Report& report) {
  if (!report.expert) return "";
  const ExpertReview& r = *report.expert;
  std::string names;
  for (const std::string& name : r.reviewers) names += (names.empty() ? "" : ", ") + name;
  std::string text = "scale " + std::to_string(r.scale_min) + "-" + std::to_string(r.scale_max) +
                     ", tolerance " + Tolerance(r) + "; " +
                     CountText(static_cast<int64_t>(r.reviewers.size()), "reviewer") + " (" +
                     names + "), " + CountText(r.imports, "sheet") + " imported, " +
                     CountText(r.scores, "score") + "; agreement (Krippendorff's alpha, interval) ";
  if (r.alpha) {
    char alpha[32];
    std::snprintf(alpha, sizeof alpha, "%.3f", *r.alpha);
    text += std::string(alpha) + " over " + CountText(r.alpha_items, "output") +
            " scored by two reviewers or more";
  } else {
    text += "n/a (" +
            std::string(r.reviewers.size() < 2 ? "one reviewer"
                                               : "no output scored twice, or no spread") +
            ")";
  }
  text +=
      "; intervals: Student t over samples, the variance floored at one point of disagreement "
      "(vs baseline: paired by sample)";
  return text;
}

}  // namespace taskcost
