// taskcost baseline save RUN_DIR [-o FILE]: the run's figures as a reviewable baseline file
// that `taskcost gate` checks later runs against (docs/gate-format.md).
#include <cstdio>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/cli/report_output.h"
#include "harness/core/gates/baseline.h"
#include "harness/edge/run_dir.h"

namespace taskcost {
namespace {

void WarnIfIncomplete(const RunFigures& figures, const RunManifest& manifest) {
  if (manifest.ended_unix_ms == 0) {
    PrintWarning("run " + manifest.run_id + " did not finish (no end time in run.json)");
  }
  for (const CandidateFigures& c : figures.candidates) {
    if (c.Partial()) {
      PrintWarning("partial run: candidate " + c.id + " finished " +
                   std::to_string(c.TasksFinished()) + " of " +
                   std::to_string(c.tasks_run + c.tasks_not_run) +
                   " planned tasks; the baseline covers only those and records \"partial\": "
                   "true, so `taskcost gate` compares a partial run with it without failing");
    }
  }
}

}  // namespace

int BaselineVerb(const std::vector<std::string>& args) {
  if (args.empty() || args.front() != "save") {
    if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
      std::printf("Baselines that `taskcost gate` checks later runs against "
                  "(docs/gate-format.md). The one subcommand:\n"
                  "  save  write a run's figures as a baseline file\n\n");
      std::fflush(stdout);
      return BaselineVerb({"save", "--help"});
    }
    PrintError("usage: taskcost baseline save RUN_DIR [-o FILE] (the only subcommand is save; "
               "see 'taskcost baseline --help')");
    return kExitBadInput;
  }
  po::options_description options("baseline save options");
  std::string dir, out;
  options.add_options()("run-dir", po::value(&dir)->required(),
                        "the run directory (results/<suite>/<run-id>)")(
      "output,o", po::value(&out),
      "baseline file to write (default results/baselines/<suite>.json; "
      "- for stdout)");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  ParseOutcome parsed = ParseVerbArgs("baseline save", "RUN_DIR [-o FILE]", rest, options,
                                      positional);
  if (parsed.exit_code) return *parsed.exit_code;

  Result<LoadedRun> run = LoadRunDir(dir);
  if (!run.ok()) {
    PrintErrors(run.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : run->warnings) PrintWarning(warning);
  Report report = ComputeReport(run->manifest, run->attempts);
  Status expert = AttachExpertReview(report, dir);  // the mean expert score, when scored
  if (!expert.ok()) {
    PrintErrors(expert.errors());
    return kExitBadInput;
  }
  RunFigures figures = FiguresOf(run->manifest, report);
  figures.suite_file = PortablePath(figures.suite_file, WorkingDirectory());
  WarnIfIncomplete(figures, run->manifest);
  const std::string json = BaselineToJson(figures);
  if (out == "-") {
    std::fputs(json.c_str(), stdout);
    return kExitOk;
  }
  if (out.empty()) out = "results/baselines/" + figures.suite_name + ".json";
  Status wrote = WriteOutputFile(out, json);
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  std::printf("baseline of suite %s (run %s, %zu candidates) written to %s\n",
              figures.suite_name.c_str(), figures.run_id.c_str(), figures.candidates.size(),
              out.c_str());
  return kExitOk;
}

}  // namespace taskcost
