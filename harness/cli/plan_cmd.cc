// taskcost plan SUITE: what a run would cost before a cent is spent. Loads and checks what `run`
// would, applies the same selection, and prints per candidate the estimated tokens, the expected
// cost and the worst case (the budget reservation rule x max_attempts), against the budget.
// Attempts the response cache would answer are counted as free. Calls nothing.
#include <cstdio>

#include "harness/cli/cli.h"
#include "harness/cli/run_setup.h"

namespace taskcost {

int PlanVerb(const std::vector<std::string>& args) {
  PlanArgs a;
  po::options_description options("plan options");
  options.add_options()("suite", po::value(&a.suite_path), "suite.yaml to plan");
  AddPlanOptions(options, &a);
  po::positional_options_description positional;
  positional.add("suite", 1);
  ParseOutcome parsed = ParseVerbArgs("plan", "SUITE [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;
  if (a.suite_path.empty()) {
    PrintError("plan needs a SUITE; see 'taskcost plan --help'");
    return kExitBadInput;
  }
  if (std::optional<int> bad = CheckPlanArgs(a, parsed.vars)) return *bad;

  Result<LoadedInputs> inputs = LoadInputs(a.suite_path, a.providers, a.prices);
  if (!inputs.ok()) {
    PrintErrors(inputs.errors());
    return kExitBadInput;
  }
  Suite& suite = inputs->suite;
  Status budget = ApplyBudgetFlag(a, suite);
  if (!budget.ok()) {
    PrintErrors(budget.errors());
    return kExitBadInput;
  }
  // Keys are not needed to plan: nothing is sent.
  Result<RunPlan> plan =
      BuildRunPlan(suite, inputs->providers, inputs->prices, {}, false, a.repeat);
  if (!plan.ok()) {
    PrintErrors(plan.errors());
    return kExitBadInput;
  }
  Status selected = SelectSubset(plan.value(), SelectionFrom(a));
  if (!selected.ok()) {
    PrintErrors(selected.errors());
    return kExitBadInput;
  }
  if (!a.simulate.empty()) {
    Result<SimulatorSetup> simulator = LoadSimulatorSetup(a.simulate);
    if (!simulator.ok()) {
      PrintErrors(simulator.errors());
      return kExitBadInput;
    }
    // Cache keys name the simulator by its profile, not its address: any address will do.
    PointAtSimulator(plan.value(), "http://127.0.0.1:0", simulator->cache_endpoint);
  }
  std::unique_ptr<ResponseCache> cache = CacheFrom(a);
  const RunEstimate estimate = EstimateWithCache(*plan, cache.get());
  std::fputs(EstimateText(*plan, estimate, cache.get()).c_str(), stdout);
  return kExitOk;
}

}  // namespace taskcost
