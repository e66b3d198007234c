// What `taskcost run` and `taskcost plan` share: the options that say what a run covers (suite,
// catalogs, repeats, --limit/--samples/--candidates, --budget), where answers come from
// (--simulate, the response cache), and turning them into a RunPlan and its cost estimate.
// Not synchronised (the CLI's one thread).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "harness/cli/inputs.h"
#include "harness/cli/options.h"
#include "harness/core/model/result.h"
#include "harness/edge/response_cache.h"
#include "harness/mock/simulator.h"
#include "harness/runner/run_plan.h"

namespace taskcost {

struct PlanArgs {
  std::string suite_path;
  std::string providers, prices;  // catalog overrides; empty = the suite's, else configs/
  std::string budget;             // USD; empty = the suite's budget_usd
  std::string simulate;           // simulator profile; empty = real providers
  int repeat = 1;
  int limit = 0;                  // 0 = every selected sample
  std::string samples, candidates;  // comma-separated ids; empty = all
  std::string results = "results";  // results root; the cache defaults to <results>/.cache
  std::string cache_dir;
  bool no_cache = false;
};

/// Adds the shared options (everything in PlanArgs but the positional suite).
void AddPlanOptions(po::options_description& options, PlanArgs* args);

/// Checks the shared options' values (`vars`: what was given); prints the problem and returns
/// the exit code on error. Resolves a bare --simulate (ResolveBareSimulate) when the suite is
/// known.
std::optional<int> CheckPlanArgs(PlanArgs& args, const po::variables_map& vars);

/// Whether --simulate was given without a profile (and not resolved yet).
bool IsBareSimulate(const PlanArgs& args);
/// A bare --simulate: the simulator.yaml beside suite.yaml when there is one, else
/// configs/simulator.yaml found as the default catalogs are (config_files.h).
void ResolveBareSimulate(PlanArgs& args);

/// --samples, --limit and --candidates as a Selection.
Selection SelectionFrom(const PlanArgs& args);

/// The response cache the options ask for; null with --no-cache.
std::unique_ptr<ResponseCache> CacheFrom(const PlanArgs& args);

/// Applies --budget to the loaded suite. Errors name the flag.
Status ApplyBudgetFlag(const PlanArgs& args, Suite& suite);

/// A simulator profile and the name the response cache gives its endpoint: a hash of the
/// profile, its answers file and this build, so answers of another profile are never reused.
struct SimulatorSetup {
  SimulatorProfile profile;
  std::string cache_endpoint;
};
Result<SimulatorSetup> LoadSimulatorSetup(const std::string& profile_path);

/// Points every candidate of `plan` at the simulator at `base_url` (no /v1), with a dummy key
/// where none is set and without the real provider's rate caps.
void PointAtSimulator(RunPlan& plan, const std::string& base_url,
                      const std::string& cache_endpoint);

/// Keys of the catalog's providers, read from the environment.
KeyLookup KeysFromEnvironment(const ProviderCatalog& providers);

/// Estimates `plan`, counting attempts `cache` (may be null) will answer as free.
RunEstimate EstimateWithCache(const RunPlan& plan, const ResponseCache* cache);

/// The expected cost for messages: "$0.0043", or "$0.0043 plus 20 time-priced calls not
/// estimated" when time-priced calls have no estimate.
std::string ExpectedUsdText(const RunEstimate& estimate);

/// The estimate as a table, notes (a cascade's expected is its first step's; time-priced calls
/// have no expected cost), the budget line and the rules, ready to print.
std::string EstimateText(const RunPlan& plan, const RunEstimate& estimate,
                         const ResponseCache* cache);

}  // namespace taskcost
