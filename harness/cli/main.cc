// taskcost: measure what an LLM-powered task really costs per successful task.
// The entry point: a table of verbs (ninja's kTools), dispatch, and the one place that turns an
// unexpected exception into "internal error".
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "harness/cli/cli.h"

namespace taskcost {
namespace {

constexpr Verb kVerbs[] = {
    {"run", "call every candidate on every sample and report cost per successful task", RunVerb},
    {"plan", "estimate a run's expected and worst-case cost per candidate without calling anything",
     PlanVerb},
    {"validate", "check a suite, its samples, schema, providers and prices without calling anything",
     ValidateVerb},
    {"report", "recompute a run's report from its journal", ReportVerb},
    {"mock", "serve the bundled simulator (OpenAI and Anthropic wire formats) on loopback",
     MockVerb},
    {"baseline", "save a run's figures as a baseline file for gate (baseline save RUN_DIR)",
     BaselineVerb},
    {"gate", "check a run against a baseline; exit 1 when a cost or success limit fails",
     GateVerb},
    {"compare", "two runs of one suite side by side, paired by sample (McNemar)", CompareVerb},
    {"prices", "import LiteLLM's price registry into prices.yaml (prices import-litellm FILE)",
     PricesVerb},
    {"history", "cost per successful task, success and spend per candidate over time", HistoryVerb},
    {"summary", "the cost-per-task dashboard across suites, by feature (summary RESULTS_DIR)",
     SummaryVerb},
    {"init", "write a new suite to fill in (init DIR; --from-csv FILE takes a spreadsheet's rows)",
     InitVerb},
    {"review", "blinded expert review sheets: review export RUN_DIR, review import RUN_DIR SHEET",
     ReviewVerb},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: taskcost <verb> [options]\n\n"
               "Measures the cost per successful task of LLM candidates, retries and failures "
               "included.\n\nverbs:\n");
  for (const Verb& verb : kVerbs) std::fprintf(out, "  %-10s %s\n", verb.name, verb.help);
  std::fprintf(out, "\n'taskcost <verb> --help' lists a verb's options.\n");
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return kExitBadInput;
  }
  const std::string verb = args.front();
  if (verb == "--help" || verb == "-h" || verb == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (verb == "--version") {
    std::printf("taskcost %s\n", kVersion);
    return kExitOk;
  }
  args.erase(args.begin());
  std::vector<std::string> names;
  for (const Verb& v : kVerbs) {
    if (verb == v.name) return v.handler(args);
    names.push_back(v.name);
  }
  std::string message = "unknown verb '" + verb + "'";
  if (auto close = ClosestMatch(verb, names)) message += ", did you mean '" + *close + "'?";
  PrintError(message + " (see 'taskcost --help')");
  return kExitBadInput;
}

}  // namespace
}  // namespace taskcost

int main(int argc, char** argv) {
  try {
    return taskcost::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "taskcost: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "taskcost: internal error: unknown exception\n");
  }
  return 70;
}
