#include "harness/core/render/report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "harness/core/render/report_expert.h"

namespace taskcost {
namespace {

constexpr int kMoneySignificantDigits = 5;
constexpr int kPicoDecimals = 12;

// Number of decimal digits of a non-negative integer (1 for 0).
int DigitCount(uint64_t value) {
  int digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

void DropTrailingZeros(std::string& text, int keep_decimals) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos) return;
  const size_t min_size = keep_decimals == 0 ? dot : dot + 1 + static_cast<size_t>(keep_decimals);
  while (text.size() > min_size && text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
}

std::string Plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string FormatUsd(Money amount) {
  const int64_t picos = amount.picos();
  if (picos == 0) return "0.00";
  const uint64_t magnitude =
      picos < 0 ? 0 - static_cast<uint64_t>(picos) : static_cast<uint64_t>(picos);
  const int exponent = DigitCount(magnitude) - 1 - kPicoDecimals;  // of the leading digit
  const int decimals = std::clamp(kMoneySignificantDigits - 1 - exponent, 2, kPicoDecimals);
  std::string text = amount.ToFixed(decimals);
  DropTrailingZeros(text, 2);
  return text;
}

std::string FormatUsdOrNa(const std::optional<Money>& amount) {
  return amount ? "$" + FormatUsd(*amount) : "n/a";
}

std::string FormatScaled(int64_t value, int decimals, bool plus) {
  const bool negative = value < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string text = negative ? "-" : (plus && value > 0 ? "+" : "");
  text += std::to_string(magnitude / unit);
  if (decimals > 0) {
    const std::string frac = std::to_string(magnitude % unit);
    text += "." + std::string(static_cast<size_t>(decimals) - frac.size(), '0') + frac;
  }
  return text;
}

std::string FormatPercent(const Fraction& f, bool plus) {
  return f.defined() ? FormatScaled(f.Rounded(1000), 1, plus) : "n/a";
}

std::string FormatRatio(const Fraction& f, int decimals) {
  if (!f.defined()) return "n/a";
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return FormatScaled(f.Rounded(scale), decimals);
}

std::string FormatMillis(int64_t micros) { return FormatScaled(MulDivRound(micros, 1, 100), 1); }

std::string FormatTenths(double x, bool plus) { return FormatScaled(RoundTenths(x), 1, plus); }

std::string FormatBound(double x) {
  if (RoundTenths(x) != 0 || x == 0) return FormatTenths(x);
  // Rounding to tenths would print 0.0 and hide the sign: keep the first significant digit.
  char text[32];
  int decimals = 2;
  while (decimals < 9 && std::round(std::abs(x) * std::pow(10.0, decimals)) == 0) ++decimals;
  std::snprintf(text, sizeof text, "%.*f", decimals, x);
  return text;
}

std::string FormatRoi(const std::optional<Fraction>& roi) {
  if (!roi || !roi->defined()) return "n/a";
  // Below 10x <=> num < 10 * den; compared in 128 bits so no product overflows.
  const bool small = static_cast<__int128>(roi->num) < static_cast<__int128>(roi->den) * 10;
  return small ? FormatRatio(*roi, 2) + "x" : FormatRatio(*roi, 1) + "x";
}

std::string FormatMinutes(int64_t micro_minutes) {
  std::string text = FormatScaled(micro_minutes, 6);
  DropTrailingZeros(text, 0);
  return text;
}

std::string TaskName(const Report& report, const std::string& sample_id, int repeat) {
  return report.repeats > 1 ? sample_id + "#" + std::to_string(repeat) : sample_id;
}

namespace {

std::string CostClause(const Report& report, const CandidateMetrics& c, const CandidateMetrics& b,
                       const Comparison& comparison) {
  std::string text = "cost per successful " + report.unit + " ";
  if (comparison.cost_change) text += FormatPercent(*comparison.cost_change, true) + "% ";
  return text + "(" + FormatUsdOrNa(c.cost_per_success) + " vs " +
         FormatUsdOrNa(b.cost_per_success) + ")";
}

std::string SuccessClause(const CandidateMetrics& c, const CandidateMetrics& b,
                          const Comparison& comparison) {
  std::string text = "success " + FormatPercent(c.SuccessRate()) + "% vs " +
                     FormatPercent(b.SuccessRate()) + "% (";
  if (comparison.success_change) {
    const Fraction change = *comparison.success_change;
    text += FormatPercent(change, true) + " pp";
    const PairedDifference& p = comparison.paired;
    // The paired mean differs from the rate difference when some tasks did not run.
    if (p.mean && RoundTenths(*p.mean) != change.Rounded(1000)) {
      text += "; paired mean " + FormatTenths(*p.mean, true) + " pp";
    }
    text += ", ";
  }
  const PairedDifference& p = comparison.paired;
  if (p.ci_low) {
    text += "95% CI " + FormatBound(*p.ci_low) + ".." + FormatBound(*p.ci_high) + " pp, ";
  }
  text += Plural(p.n, "paired sample") + (p.ci_low ? "" : ", no CI") + ")";
  return text;
}

std::string DecisionWords(const Report& report, Decision d) {
  switch (d) {
    case Decision::kSwitch:
      return "switch";
    case Decision::kKeep:
      return "keep " + report.baseline_id;
    case Decision::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

// The sentence for verdicts reached without comparing numbers; empty for the others.
std::string ShortReason(const Report& report, const CandidateMetrics& c, const CandidateMetrics& b,
                        VerdictReason reason) {
  const std::string not_run =
      std::to_string(c.tasks_not_run) + " of " + std::to_string(c.tasks_planned) + " tasks not run";
  switch (reason) {
    case VerdictReason::kBaselineFatalStop:
      return "the baseline " + b.id + " was stopped by a fatal " +
             std::string(ErrorClassName(*b.fatal_error)) + " error";
    case VerdictReason::kFatalStop:
      return "stopped by a fatal " + std::string(ErrorClassName(*c.fatal_error)) + " error; " +
             not_run;
    case VerdictReason::kNoTasksRun:
      if (c.tasks_run > 0) {
        return "no task finished (" + std::to_string(c.tasks_unfinished) + " unfinished, " +
               not_run + ")";
      }
      return "no task ran (" + not_run + ")";
    case VerdictReason::kBaselineNoSuccesses:
      return "the baseline " + b.id + " has no successful " + report.unit + " to compare with";
    case VerdictReason::kNoSuccesses:
      return "0 of " + std::to_string(c.TasksFinished()) +
             " tasks succeeded; cost per successful " + report.unit + " n/a (baseline " +
             FormatUsdOrNa(b.cost_per_success) + ")";
    default:
      return "";
  }
}

std::string TrailingReason(const Report& report, const Comparison& comparison) {
  const std::string tolerance = FormatTenths(report.success_tolerance_pp) + " pp";
  switch (comparison.reason) {
    case VerdictReason::kClearlyWorse:
      return "; success is clearly worse (whole CI below -" + tolerance + ")";
    case VerdictReason::kMayBeWorse:
      return "; success may be more than " + tolerance + " worse (CI reaches -" + tolerance +
             ")" +
             SettleClause(comparison, comparison.paired.n, "paired sample",
                          100 * comparison.paired.table.Difference() >
                              -report.success_tolerance_pp);
    case VerdictReason::kSameCost:
      return "; same cost per successful " + report.unit;
    case VerdictReason::kTooFewPairs:
      return "; no sample was finished by both, nothing to pair";
    default:
      return "";
  }
}

// "; partial: 82 of 100 tasks finished (baseline 100 of 100)" when either side is partial.
std::string PartialClause(const CandidateMetrics& c, const CandidateMetrics& b) {
  if (!c.Partial() && !b.Partial()) return "";
  auto finished = [](const CandidateMetrics& m) {
    return std::to_string(m.TasksFinished()) + " of " + std::to_string(m.tasks_planned);
  };
  return "; partial: " + finished(c) + " tasks finished (baseline " + finished(b) + ")";
}

}  // namespace

std::string SettleClause(const Comparison& comparison, int64_t pairs, const std::string& what,
                         bool towards_switch) {
  if (!comparison.pairs_to_settle) {
    return "; it is too close to the tolerance to settle with any practical number of " + what +
           "s";
  }
  const int64_t total = *comparison.pairs_to_settle;
  return "; if the pattern holds, about " + std::to_string(total) + " " + what + "s (" +
         std::to_string(total - pairs) + " more) would settle it, likely as " +
         (towards_switch ? "switch" : "keep");
}

std::string VerdictLine(const Report& report, const Comparison& comparison) {
  const CandidateMetrics* c = report.Find(comparison.candidate_id);
  const CandidateMetrics* b = report.Baseline();
  if (c == nullptr || b == nullptr) return comparison.candidate_id + ": inconclusive";
  std::string line = c->id + ": " + DecisionWords(report, comparison.decision) + " — ";
  const std::string short_reason = ShortReason(report, *c, *b, comparison.reason);
  if (!short_reason.empty()) return line + short_reason + PartialClause(*c, *b);
  return line + CostClause(report, *c, *b, comparison) + ", " + SuccessClause(*c, *b, comparison) +
         TrailingReason(report, comparison) + QualityClause(report, comparison) +
         PartialClause(*c, *b);
}

std::string OverallLine(const Report& report) {
  if (report.candidates.empty()) return "no candidate in the run";
  if (report.overall.decision == Decision::kSwitch) {
    for (const Comparison& comparison : report.comparisons) {
      if (comparison.candidate_id != report.overall.candidate_id) continue;
      const CandidateMetrics* c = report.Find(comparison.candidate_id);
      std::string text = "switch to " + report.overall.candidate_id + " — cost per successful " +
                         report.unit + " " + FormatUsdOrNa(c->cost_per_success);
      if (comparison.cost_change) {
        text += " (" + FormatPercent(*comparison.cost_change, true) + "% vs " + report.baseline_id +
                ")";
      }
      if (comparison.expert_quality) {
        text += ", expert quality " + FormatQuality(comparison.expert_quality->mean, true);
      }
      return text;
    }
  }
  if (report.comparisons.empty()) return "keep " + report.baseline_id + " — no other candidate";
  int64_t inconclusive = 0;
  for (const Comparison& comparison : report.comparisons) {
    if (comparison.decision == Decision::kInconclusive) ++inconclusive;
  }
  std::string text = "keep " + report.baseline_id + " — no candidate is shown cheaper per " +
                     "successful " + report.unit + " without being worse";
  if (inconclusive > 0) text += " (" + std::to_string(inconclusive) + " inconclusive)";
  return text;
}

}  // namespace taskcost
