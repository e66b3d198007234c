// taskcost validate SUITE: checks the suite, its samples, schema, providers and prices without
// calling anything, every problem in one round. Exit 0 when all is well (with a warning per API
// key variable that is not set), 2 with one located message per problem.
#include <cstdio>
#include <string>

#include "harness/cli/cli.h"
#include "harness/cli/inputs.h"
#include "harness/cli/options.h"
#include "harness/core/schema/validate.h"

namespace taskcost {

int ValidateVerb(const std::vector<std::string>& args) {
  po::options_description options("validate options");
  std::string suite_path, providers, prices;
  options.add_options()
      ("suite", po::value(&suite_path)->required(), "suite.yaml to check")
      ("providers", po::value(&providers),
       "providers.yaml (default: the suite's, else configs/ beside or above the suite, the "
       "install's, the source tree's)")
      ("prices", po::value(&prices), "prices.yaml (default: as for --providers)");
  po::positional_options_description positional;
  positional.add("suite", 1);
  ParseOutcome parsed = ParseVerbArgs("validate", "SUITE [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;

  std::vector<std::string> warnings;
  Result<LoadedInputs> inputs = LoadInputs(suite_path, providers, prices, &warnings);
  if (!inputs.ok()) PrintErrors(inputs.errors());
  for (const std::string& warning : warnings) PrintWarning(warning);
  if (!inputs.ok()) return kExitBadInput;
  const Suite& suite = inputs->suite;
  const Candidate* baseline = suite.Baseline();
  std::string judges;  // ", LLM judges judge(tone) (gpt-4.1)"
  for (const Candidate& judge : suite.judges) {
    judges += (judges.empty() ? ", LLM judges " : ", ") + judge.id + " (" + judge.model + ")";
  }
  std::printf("%s: ok: suite \"%s\", %zu samples, %zu candidates (baseline %s)%s, providers %s, "
              "prices %s\n",
              suite.file.c_str(), suite.name.c_str(), suite.samples.size(),
              suite.candidates.size(), baseline ? baseline->id.c_str() : "-", judges.c_str(),
              suite.providers_file.c_str(), suite.prices_file.c_str());
  return kExitOk;
}

}  // namespace taskcost
