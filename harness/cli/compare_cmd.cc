// taskcost compare RUN_A RUN_B: two runs of the same suite side by side, paired by task, with
// an exact McNemar test on the success change and the tasks that flipped.
#include <cstdio>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/core/gates/compare.h"
#include "harness/edge/run_dir.h"

namespace taskcost {

int CompareVerb(const std::vector<std::string>& args) {
  po::options_description options("compare options");
  std::string dir_a, dir_b;
  options.add_options()
      ("run-a", po::value(&dir_a)->required(), "the earlier run directory (A)")
      ("run-b", po::value(&dir_b)->required(), "the later run directory (B)");
  po::positional_options_description positional;
  positional.add("run-a", 1).add("run-b", 1);
  ParseOutcome parsed = ParseVerbArgs("compare", "RUN_A RUN_B", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;

  Result<LoadedRun> a = LoadRunDir(dir_a);
  Result<LoadedRun> b = LoadRunDir(dir_b);
  if (!a.ok()) PrintErrors(a.errors());
  if (!b.ok()) PrintErrors(b.errors());
  if (!a.ok() || !b.ok()) return kExitBadInput;
  for (const LoadedRun* run : {&a.value(), &b.value()}) {
    for (const std::string& warning : run->warnings) PrintWarning(warning);
  }
  Result<RunComparison> comparison =
      CompareRuns({a->manifest, a->attempts, dir_a}, {b->manifest, b->attempts, dir_b});
  if (!comparison.ok()) {
    PrintErrors(comparison.errors());
    return kExitBadInput;
  }
  std::fputs(RenderComparison(*comparison).c_str(), stdout);
  return kExitOk;
}

}  // namespace taskcost
