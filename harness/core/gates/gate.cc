#include "harness/core/gates/gate.h"

#include <algorithm>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/render/report_format.h"
#include "harness/core/gates/reprice.h"

namespace taskcost {
namespace {

using Int128 = __int128;
constexpr int64_t kBasisPointsPerOne = 10'000;  // 100% = 10,000 basis points

std::string Percent(const Fraction& f) { return FormatPercent(f) + "%"; }
std::string Change(const Fraction& f) { return f.defined() ? FormatPercent(f, true) + "%" : "n/a"; }

std::string SuccessRateOrNa(const CandidateFigures& c) {
  return c.TasksFinished() == 0 ? "n/a"
                                : Percent(c.SuccessRate()) + " (" + std::to_string(c.successes) +
                                      "/" + std::to_string(c.TasksFinished()) + ")";
}

std::string MoneyChange(Money before, Money after) {
  if (before.picos() == 0) return after.picos() == 0 ? "0.0%" : "n/a";
  return Change({(after - before).picos(), before.picos()});
}

GateCheck Skipped(GateCheck check, std::string why) {
  check.outcome = CheckOutcome::kSkipped;
  check.why = std::move(why);
  return check;
}

// "input tokens per task 1000.0 -> 1300.0" for each usage figure that moved.
std::vector<std::string> UsageMoves(const CandidateFigures& b, const CandidateFigures& n) {
  std::vector<std::string> moves;
  auto add = [&](const char* name, const std::string& before, const std::string& after) {
    if (before != after) moves.push_back(std::string(name) + " " + before + " -> " + after);
  };
  add("input tokens per task", FormatRatio(b.InputTokensPerTask(), 1),
      FormatRatio(n.InputTokensPerTask(), 1));
  add("output tokens per task", FormatRatio(b.OutputTokensPerTask(), 1),
      FormatRatio(n.OutputTokensPerTask(), 1));
  add("attempts per task", FormatRatio(b.AttemptsPerTask(), 2),
      FormatRatio(n.AttemptsPerTask(), 2));
  add("success rate", Percent(b.SuccessRate()), Percent(n.SuccessRate()));
  return moves;
}

// Splits the change of cost per successful task: usage at the baseline's prices, then prices.
std::string CostAttribution(const CandidateFigures& b, const CandidateFigures& n,
                            const CandidateFigures& at_old_prices) {
  const Money base = *b.cost_per_success;
  const Money now = *n.cost_per_success;
  const Money usage_only = at_old_prices.cost_per_success.value_or(now);
  std::vector<std::string> moves = UsageMoves(b, n);
  std::string usage = "usage " + MoneyChange(base, usage_only);
  usage += moves.empty() ? " (tokens and attempts unchanged)" : " (" + JoinNames(moves) + ")";
  std::vector<std::string> rates = RateChanges(b.price, n.price);
  std::string prices = "prices unchanged";
  if (b.model != n.model) rates.insert(rates.begin(), "model " + b.model + " -> " + n.model);
  if (!rates.empty()) {
    const Fraction price_part{(now - usage_only).picos(), base.picos()};
    prices = "prices " + (base.picos() == 0 ? std::string("n/a") : Change(price_part)) + " (" +
             JoinNames(rates) + " per 1M tokens)";
  }
  return rates.empty() ? usage + "; " + prices : prices + "; " + usage;
}

GateCheck CostCheck(const CandidateFigures& b, const CandidateFigures& n,
                    const CandidateFigures& at_old_prices, int64_t limit_bp) {
  GateCheck check{n.id, "cost_per_success", "cost per successful task"};
  check.baseline = FormatUsdOrNa(b.cost_per_success);
  check.now = FormatUsdOrNa(n.cost_per_success);
  check.change = "n/a";
  check.limit = "+" + BasisPointsText(limit_bp) + "%";
  if (!b.cost_per_success) return Skipped(check, "the baseline has no successful task");
  if (!n.cost_per_success) {
    check.outcome = CheckOutcome::kFail;
    check.why = "no successful task in this run";
    return check;
  }
  const Money base = *b.cost_per_success;
  const Money now = *n.cost_per_success;
  check.change = MoneyChange(base, now);
  const bool over = base.picos() == 0 ? now.picos() > 0
                                      : Int128(now.picos() - base.picos()) * kBasisPointsPerOne >
                                            Int128(limit_bp) * base.picos();
  check.outcome = over ? CheckOutcome::kFail : CheckOutcome::kPass;
  check.why = CostAttribution(b, n, at_old_prices);
  return check;
}

GateCheck SuccessDropCheck(const CandidateFigures& b, const CandidateFigures& n, int64_t limit_bp) {
  GateCheck check{n.id, "success_drop", "success rate"};
  check.baseline = SuccessRateOrNa(b);
  check.now = SuccessRateOrNa(n);
  check.change = "n/a";
  check.limit = "-" + BasisPointsText(limit_bp) + " pp";
  if (b.TasksFinished() == 0) return Skipped(check, "the baseline finished no task");
  if (n.TasksFinished() == 0) {
    check.outcome = CheckOutcome::kFail;
    check.why = "no task finished in this run";
    return check;
  }
  // drop = sb/tb - sn/tn over finished tasks, compared exactly over the common denominator.
  const Int128 drop =
      Int128(b.successes) * n.TasksFinished() - Int128(n.successes) * b.TasksFinished();
  const Int128 denominator = Int128(b.TasksFinished()) * n.TasksFinished();
  check.change =
      FormatPercent({static_cast<int64_t>(-drop), static_cast<int64_t>(denominator)}, true) + " pp";
  const bool over = drop * kBasisPointsPerOne > Int128(limit_bp) * denominator;
  check.outcome = over ? CheckOutcome::kFail : CheckOutcome::kPass;
  return check;
}

GateCheck MinSuccessCheck(const CandidateFigures& b, const CandidateFigures& n, int64_t min_bp) {
  GateCheck check{n.id, "min_success", "minimum success rate"};
  check.baseline = SuccessRateOrNa(b);
  check.now = SuccessRateOrNa(n);
  check.change = "n/a";
  check.limit = ">= " + BasisPointsText(min_bp) + "%";
  const int64_t finished = n.TasksFinished();
  const bool below =
      finished == 0 || Int128(n.successes) * kBasisPointsPerOne < Int128(min_bp) * finished;
  check.outcome = below ? CheckOutcome::kFail : CheckOutcome::kPass;
  if (finished == 0) check.why = "no task finished in this run";
  return check;
}

GateCheck P95Check(const CandidateFigures& b, const CandidateFigures& n, Money limit) {
  GateCheck check{n.id, "p95_cost", "p95 cost per task"};
  check.baseline = FormatUsdOrNa(b.task_cost_p95);
  check.now = FormatUsdOrNa(n.task_cost_p95);
  check.change =
      b.task_cost_p95 && n.task_cost_p95 ? MoneyChange(*b.task_cost_p95, *n.task_cost_p95) : "n/a";
  check.limit = "<= $" + FormatUsd(limit);
  const bool over = !n.task_cost_p95 || *n.task_cost_p95 > limit;
  check.outcome = over ? CheckOutcome::kFail : CheckOutcome::kPass;
  if (!n.task_cost_p95) check.why = "no task ran in this run";
  return check;
}

// value / 10^decimals, exact, without trailing zeros: (3900, 3) -> "3.9".
std::string TrimmedDecimal(int64_t value, int decimals) {
  std::string text = FormatScaled(value, decimals);
  while (decimals > 0 && text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string QualityText(const std::optional<int64_t>& milli) {
  return milli ? TrimmedDecimal(*milli, 3) : "n/a";
}

GateCheck QualityCheck(const CandidateFigures& b, const CandidateFigures& n, int64_t min_milli) {
  GateCheck check{n.id, "quality", "minimum quality"};
  check.baseline = QualityText(b.quality_milli);
  check.now = QualityText(n.quality_milli);
  check.change = b.quality_milli && n.quality_milli
                     ? (*n.quality_milli > *b.quality_milli ? "+" : "") +
                           TrimmedDecimal(*n.quality_milli - *b.quality_milli, 3)
                     : "n/a";
  check.limit = ">= " + TrimmedDecimal(min_milli, 3);
  if (!n.quality_milli) return Skipped(check, "no quality scores for this run");
  check.outcome = *n.quality_milli < min_milli ? CheckOutcome::kFail : CheckOutcome::kPass;
  return check;
}

GateCheck TotalCheck(const RunFigures& b, const RunFigures& n, Money limit) {
  GateCheck check{"", "total_cost", "total run cost"};
  check.baseline = "$" + FormatUsd(b.total_cost);
  check.now = "$" + FormatUsd(n.total_cost);
  check.change = MoneyChange(b.total_cost, n.total_cost);
  check.limit = "<= $" + FormatUsd(limit);
  check.outcome = n.total_cost > limit ? CheckOutcome::kFail : CheckOutcome::kPass;
  return check;
}

// "complete (12 of 12 tasks finished)", "partial (9 of 12 tasks finished: 2 unfinished, 1 not
// run)" over the gated candidates.
std::string Completeness(const RunFigures& f, const std::vector<std::string>& ids) {
  int64_t planned = 0, finished = 0, unfinished = 0, not_run = 0;
  for (const std::string& id : ids) {
    const CandidateFigures& c = *f.Find(id);
    planned += c.tasks_run + c.tasks_not_run;
    finished += c.TasksFinished();
    unfinished += c.tasks_unfinished;
    not_run += c.tasks_not_run;
  }
  const std::string counts =
      std::to_string(finished) + " of " + std::to_string(planned) + " tasks finished";
  if (unfinished == 0 && not_run == 0) return "complete (" + counts + ")";
  return "partial (" + counts + ": " + std::to_string(unfinished) + " unfinished, " +
         std::to_string(not_run) + " not run)";
}

bool AnyPartial(const RunFigures& f, const std::vector<std::string>& ids) {
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& id) { return f.Find(id)->Partial(); });
}

// Whether the run is as complete as the baseline: a partial run against a complete baseline
// fails unless allowed. Only when either side is partial.
std::optional<GateCheck> CompleteCheck(const GateInput& in, const std::vector<std::string>& ids) {
  const bool run_partial = AnyPartial(in.run, ids);
  const bool baseline_partial = AnyPartial(in.baseline, ids);
  if (!run_partial && !baseline_partial) return std::nullopt;
  GateCheck check{"", "complete", "complete run"};
  check.baseline = Completeness(in.baseline, ids);
  check.now = Completeness(in.run, ids);
  check.change = "n/a";
  check.limit = "complete";
  if (!run_partial) {
    check.why = "the baseline is partial: its figures cover its finished tasks only";
    return check;
  }
  if (baseline_partial) {
    return Skipped(check, "the baseline is partial too: both cover their finished tasks only");
  }
  if (in.allow_partial) {
    return Skipped(check, "--allow-partial: this run's figures cover its finished tasks only");
  }
  check.outcome = CheckOutcome::kFail;
  check.why = "a partial run is not gated against a complete baseline; finish it (taskcost run " +
              std::string("--resume ") + in.run_label + ") or pass --allow-partial";
  return check;
}

void AddCandidateChecks(const GateInput& in, const std::string& id, GateReport& report) {
  const CandidateFigures& b = *in.baseline.Find(id);
  const CandidateFigures& n = *in.run.Find(id);
  const CandidateFigures* repriced = in.run_at_baseline_prices.Find(id);
  const GateSpec& spec = in.spec;
  if (spec.max_cost_increase_bp) {
    report.checks.push_back(CostCheck(b, n, repriced ? *repriced : n, *spec.max_cost_increase_bp));
  }
  if (spec.max_success_drop_bp) {
    report.checks.push_back(SuccessDropCheck(b, n, *spec.max_success_drop_bp));
  }
  if (spec.min_success_bp) report.checks.push_back(MinSuccessCheck(b, n, *spec.min_success_bp));
  if (spec.max_p95_cost) report.checks.push_back(P95Check(b, n, *spec.max_p95_cost));
  if (spec.min_quality_milli) {
    report.checks.push_back(QualityCheck(b, n, *spec.min_quality_milli));
  }
}

// The candidates to gate: the spec's list, else every candidate of either side.
std::vector<std::string> GatedIds(const GateInput& in) {
  if (!in.spec.candidates.empty()) return in.spec.candidates;
  std::vector<std::string> ids = in.baseline.CandidateIds();
  for (const std::string& id : in.run.CandidateIds()) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

Status CheckComparable(const GateInput& in, const std::vector<std::string>& ids) {
  if (in.baseline.suite_name != in.run.suite_name) {
    return MakeError("baseline " + in.baseline_label + " is for suite " +
                     Quoted(in.baseline.suite_name) + ", but run " + in.run_label +
                     " is of suite " + Quoted(in.run.suite_name) +
                     "; gate a run against a baseline of its own suite");
  }
  Errors errors;
  const std::string fix = "; save a new baseline (taskcost baseline save " + in.run_label +
                          " -o FILE) or gate only the shared candidates (gate: candidates: "
                          "[...] in the suite, or --candidate ID)";
  for (const std::string& id : ids) {
    const bool in_baseline = in.baseline.Find(id) != nullptr;
    const bool in_run = in.run.Find(id) != nullptr;
    if (in_baseline && in_run) continue;
    std::string where =
        !in_baseline && !in_run
            ? "is in neither the baseline " + in.baseline_label + " nor run " + in.run_label
        : in_baseline
            ? "is in the baseline " + in.baseline_label + " but not in run " + in.run_label
            : "is in run " + in.run_label + " but not in the baseline " + in.baseline_label;
    errors.push_back(MakeError("candidate " + Quoted(id) + " " + where + fix));
  }
  if (!errors.empty()) return errors;
  return OkStatus();
}

std::string ShortHash(const std::string& hash) { return hash.substr(0, 19); }

void AddNotes(const GateInput& in, const std::vector<std::string>& ids, GateReport& report) {
  const RunFigures& b = in.baseline;
  const RunFigures& n = in.run;
  if (b.suite_hash != n.suite_hash) {
    report.notes.push_back("the suite changed since the baseline (suite.yaml, samples or schema: " +
                           ShortHash(b.suite_hash) + "... then, " + ShortHash(n.suite_hash) +
                           "... now)");
  }
  if (b.simulated != n.simulated) {
    report.notes.push_back(std::string("the baseline is from a ") +
                           (b.simulated ? "simulated" : "real") + " run and this run is " +
                           (n.simulated ? "simulated" : "real"));
  }
  if (b.samples != n.samples || b.repeats != n.repeats) {
    report.notes.push_back("the baseline ran " + std::to_string(b.samples) + " samples x " +
                           std::to_string(b.repeats) + ", this run " + std::to_string(n.samples) +
                           " x " + std::to_string(n.repeats));
  }
  if (b.prices_as_of != n.prices_as_of) {
    report.notes.push_back("prices as of " + b.prices_as_of + " in the baseline, " +
                           n.prices_as_of + " in this run");
  }
  for (const std::string& id : ids) {
    const CandidateFigures& c = *n.Find(id);
    if (!c.Partial()) continue;
    report.notes.push_back(
        "partial run: candidate " + id + " finished " + std::to_string(c.TasksFinished()) + " of " +
        std::to_string(c.tasks_run + c.tasks_not_run) + " planned tasks (" +
        std::to_string(c.tasks_unfinished) + " unfinished, " + std::to_string(c.tasks_not_run) +
        " not run: budget, interrupt or a stop); its figures cover those");
  }
}

}  // namespace

int64_t GateReport::Count(CheckOutcome outcome) const {
  return std::count_if(checks.begin(), checks.end(),
                       [&](const GateCheck& c) { return c.outcome == outcome; });
}

std::string BasisPointsText(int64_t basis_points) { return TrimmedDecimal(basis_points, 2); }

Result<GateReport> EvaluateGate(const GateInput& in) {
  const std::vector<std::string> ids = GatedIds(in);
  Status comparable = CheckComparable(in, ids);
  if (!comparable.ok()) return comparable.errors();
  GateReport report;
  report.suite_name = in.run.suite_name;
  report.run_id = in.run.run_id;
  report.run_label = in.run_label;
  report.baseline_run_id = in.baseline.run_id;
  report.baseline_label = in.baseline_label;
  AddNotes(in, ids, report);
  if (std::optional<GateCheck> complete = CompleteCheck(in, ids)) {
    report.checks.push_back(*complete);
  }
  for (const std::string& id : ids) AddCandidateChecks(in, id, report);
  if (in.spec.max_total_cost) {
    report.checks.push_back(TotalCheck(in.baseline, in.run, *in.spec.max_total_cost));
  }
  return report;
}

}  // namespace taskcost
