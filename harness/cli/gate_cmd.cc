// taskcost gate RUN_DIR --baseline FILE: checks a run against a baseline under the suite's
// `gate:` thresholds (or flags) and says why in the CI system's formats: one line per check on
// stdout, --junit FILE, --markdown FILE, and the Markdown appended to $GITHUB_STEP_SUMMARY.
// Exit 0 when every check holds, 1 when one fails, 2 on bad input.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/cli/report_output.h"
#include "harness/core/gates/gate.h"
#include "harness/core/gates/reprice.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/edge/run_dir.h"

namespace taskcost {
namespace {

struct GateArgs {
  std::string dir, baseline, suite, junit, markdown;
  std::string max_cost_increase_pct, max_success_drop_pp, min_success_pct, max_p95_cost_usd,
      max_total_cost_usd, min_quality;
  std::vector<std::string> candidates;
  bool allow_partial = false;
};

std::optional<int> ParseGateArgs(const std::vector<std::string>& args, GateArgs* a) {
  po::options_description options("gate options");
  options.add_options()
      ("run-dir", po::value(&a->dir)->required(), "the run directory to check")
      ("baseline", po::value(&a->baseline)->required(), "baseline file (taskcost baseline save)")
      ("suite", po::value(&a->suite), "suite.yaml whose gate: block sets the limits (default: "
       "the run's suite file, when it exists)")
      ("junit", po::value(&a->junit), "write JUnit XML here (one testcase per candidate and check)")
      ("markdown", po::value(&a->markdown), "write a Markdown summary here")
      ("max-cost-increase-pct", po::value(&a->max_cost_increase_pct),
       "max rise of cost per successful task vs the baseline, % (default 10; off)")
      ("max-success-drop-pp", po::value(&a->max_success_drop_pp),
       "max fall of the success rate vs the baseline, percentage points (default 5; off)")
      ("min-success-pct", po::value(&a->min_success_pct), "minimum success rate, % (off)")
      ("max-p95-cost-usd", po::value(&a->max_p95_cost_usd), "max p95 cost per task, USD (off)")
      ("max-total-cost-usd", po::value(&a->max_total_cost_usd), "max total run cost, USD (off)")
      ("min-quality", po::value(&a->min_quality), "minimum mean expert score, 1-5 (off)")
      ("candidate", po::value(&a->candidates)->composing(),
       "gate only this candidate (repeatable; default: the suite's gate: candidates, else all)")
      ("allow-partial", po::bool_switch(&a->allow_partial),
       "gate a partial run (tasks unfinished or not run) against a complete baseline instead of "
       "failing it; its figures cover its finished tasks");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  ParseOutcome parsed =
      ParseVerbArgs("gate", "RUN_DIR --baseline FILE [options]", args, options, positional);
  return parsed.exit_code;
}

// A flag that replaces a limit: a non-negative decimal in 1/10^scale units, or "off".
Status OverrideLimit(const char* flag, const std::string& text, int scale,
                     std::optional<int64_t>& limit) {
  if (text.empty()) return OkStatus();
  if (text == "off") {
    limit.reset();
    return OkStatus();
  }
  Result<int64_t> value = ParseScaledDecimal(text, scale);
  if (!value.ok() || *value < 0) {
    return MakeError(std::string("--") + flag + ": expected a number >= 0 or off, got \"" + text +
                     "\"");
  }
  limit = *value;
  return OkStatus();
}

Status OverrideUsd(const char* flag, const std::string& text, std::optional<Money>& limit) {
  std::optional<int64_t> picos = limit ? std::optional<int64_t>(limit->picos()) : std::nullopt;
  Status status = OverrideLimit(flag, text, 12, picos);
  limit = picos ? std::optional<Money>(Money::FromPicos(*picos)) : std::nullopt;
  return status;
}

Status ApplyFlags(const GateArgs& a, GateSpec& spec) {
  Errors errors;
  for (Status s : {OverrideLimit("max-cost-increase-pct", a.max_cost_increase_pct, 2,
                                 spec.max_cost_increase_bp),
                   OverrideLimit("max-success-drop-pp", a.max_success_drop_pp, 2,
                                 spec.max_success_drop_bp),
                   OverrideLimit("min-success-pct", a.min_success_pct, 2, spec.min_success_bp),
                   OverrideUsd("max-p95-cost-usd", a.max_p95_cost_usd, spec.max_p95_cost),
                   OverrideUsd("max-total-cost-usd", a.max_total_cost_usd, spec.max_total_cost),
                   OverrideLimit("min-quality", a.min_quality, 3, spec.min_quality_milli)}) {
    if (!s.ok()) errors.insert(errors.end(), s.errors().begin(), s.errors().end());
  }
  if (!a.candidates.empty()) spec.candidates = a.candidates;
  if (!errors.empty()) return errors;
  return OkStatus();
}

// The suite's gate: block (an explicit --suite must load; the run's own suite file is used when
// it still exists), then the flags on top.
Result<GateSpec> GateSpecFor(const GateArgs& a, const RunManifest& manifest) {
  GateSpec spec;
  std::string path = a.suite;
  std::error_code ec;
  if (path.empty() && std::filesystem::exists(manifest.suite_file, ec)) path = manifest.suite_file;
  if (!path.empty()) {
    Result<Suite> suite = LoadSuite(path);
    if (!suite.ok()) return suite.errors();
    if (suite->name != manifest.suite_name) {
      return MakeError(path + " is suite \"" + suite->name + "\", but the run is of suite \"" +
                       manifest.suite_name + "\"; pass that suite's file with --suite");
    }
    spec = suite->gate;
  } else {
    PrintWarning("suite file " + manifest.suite_file + " not found; using the default limits "
                 "and flags (pass --suite to read its gate: block)");
  }
  Status flags = ApplyFlags(a, spec);
  if (!flags.ok()) return flags.errors();
  return spec;
}

// The run's figures, with the expert quality of its imported review scores when `dir` is given.
RunFigures Figures(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                   const std::string& dir = "") {
  Report report = ComputeReport(manifest, attempts);
  if (!dir.empty()) {
    Status expert = AttachExpertReview(report, dir);
    if (!expert.ok()) PrintErrors(expert.errors());
  }
  RunFigures figures = FiguresOf(manifest, report);
  figures.suite_file = PortablePath(figures.suite_file, WorkingDirectory());
  return figures;
}

Status WriteOutputs(const GateArgs& a, const GateReport& report) {
  Errors errors;
  auto keep = [&](const Status& s) {
    if (!s.ok()) errors.insert(errors.end(), s.errors().begin(), s.errors().end());
  };
  if (!a.junit.empty()) keep(WriteOutputFile(a.junit, RenderGateJUnit(report)));
  const std::string markdown = RenderGateMarkdown(report);
  if (!a.markdown.empty()) keep(WriteOutputFile(a.markdown, markdown));
  const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (summary != nullptr && *summary != '\0') keep(AppendToFile(summary, markdown + "\n"));
  if (!errors.empty()) return errors;
  return OkStatus();
}

}  // namespace

int GateVerb(const std::vector<std::string>& args) {
  GateArgs a;
  if (std::optional<int> exit_code = ParseGateArgs(args, &a)) return *exit_code;
  Result<LoadedRun> run = LoadRunDir(a.dir);
  if (!run.ok()) {
    PrintErrors(run.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : run->warnings) PrintWarning(warning);
  Result<std::string> text = ReadWholeFile(a.baseline);
  Result<RunFigures> baseline =
      text.ok() ? BaselineFromJson(*text, a.baseline) : Result<RunFigures>(text.errors());
  Result<GateSpec> spec = GateSpecFor(a, run->manifest);
  for (const auto* failed : {baseline.ok() ? nullptr : &baseline.errors(),
                             spec.ok() ? nullptr : &spec.errors()}) {
    if (failed != nullptr) PrintErrors(*failed);
  }
  if (!baseline.ok() || !spec.ok()) return kExitBadInput;

  CandidatePrices old_prices;
  for (const CandidateFigures& c : baseline->candidates) old_prices[c.id] = c.price;
  const PricedRun at_old = Reprice(run->manifest, run->attempts, old_prices);
  const RunFigures now = Figures(run->manifest, run->attempts, a.dir);
  const RunFigures now_at_old = Figures(at_old.manifest, at_old.attempts);
  Result<GateReport> report =
      EvaluateGate({*baseline, a.baseline, now, a.dir, now_at_old, *spec, a.allow_partial});
  if (!report.ok()) {
    PrintErrors(report.errors());
    return kExitBadInput;
  }
  std::fputs(RenderGateText(*report).c_str(), stdout);
  Status wrote = WriteOutputs(a, *report);
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitBadInput;
  }
  return report->Passed() ? kExitOk : kExitGateFailed;
}

}  // namespace taskcost
