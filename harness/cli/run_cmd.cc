// taskcost run SUITE: the downgrade test. Loads and checks everything first (exit 2 before a
// cent is spent), then runs every candidate on every sample, journaling each attempt, and prints
// the report. --simulate runs against the bundled simulator; --resume continues a killed run.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/inputs.h"
#include "harness/cli/options.h"
#include "harness/cli/progress.h"
#include "harness/cli/report_output.h"
#include "harness/edge/run_dir.h"
#include "harness/mock/simulator.h"
#include "harness/runner/runner.h"

namespace taskcost {
namespace {
namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};
extern "C" void OnSignal(int) { g_interrupted.store(true); }

struct RunArgs {
  std::string suite_path, providers, prices, out, results = "results", budget, simulate, resume;
  int concurrency = 64;
  int repeat = 1;
  uint64_t seed = 1;
  bool quiet = false;
};

std::optional<int> ParseRunArgs(const std::vector<std::string>& args, RunArgs* a) {
  po::options_description options("run options");
  options.add_options()
      ("suite", po::value(&a->suite_path), "suite.yaml to run")
      ("providers", po::value(&a->providers), "providers.yaml (default: the suite's, else configs/)")
      ("prices", po::value(&a->prices), "prices.yaml (default: the suite's, else configs/)")
      ("concurrency", po::value(&a->concurrency)->default_value(64), "attempts in flight at once")
      ("out", po::value(&a->out), "run directory (default: RESULTS/<suite>/<run-id>)")
      ("results", po::value(&a->results)->default_value("results"), "results root directory")
      ("budget", po::value(&a->budget), "hard spending cap in USD (overrides the suite's budget_usd)")
      ("repeat", po::value(&a->repeat)->default_value(1), "run each task this many times")
      ("seed", po::value(&a->seed)->default_value(1), "seed for retry jitter")
      ("simulate", po::value(&a->simulate)->implicit_value("configs/simulator.yaml"),
       "run against the bundled simulator with this profile (default configs/simulator.yaml); "
       "outputs are simulated, no key needed")
      ("resume", po::value(&a->resume), "continue the run in this directory without repeating "
       "finished tasks")
      ("quiet,q", po::bool_switch(&a->quiet), "no progress on stderr");
  po::positional_options_description positional;
  positional.add("suite", 1);
  ParseOutcome parsed = ParseVerbArgs("run", "SUITE [options]", args, options, positional);
  if (parsed.exit_code) return parsed.exit_code;
  if (a->suite_path.empty() && a->resume.empty()) {
    PrintError("run needs a SUITE (or --resume RUN_DIR); see 'taskcost run --help'");
    return kExitBadInput;
  }
  if (a->concurrency < 1 || a->repeat < 1) {
    PrintError("--concurrency and --repeat must be at least 1");
    return kExitBadInput;
  }
  return std::nullopt;
}

KeyLookup KeysFromEnvironment(const ProviderCatalog& providers) {
  KeyLookup keys;
  for (const ProviderConfig& p : providers.providers) {
    if (p.api_key_env.empty()) continue;
    if (const char* value = std::getenv(p.api_key_env.c_str())) keys[p.api_key_env] = Secret(value);
  }
  return keys;
}

void PointAtSimulator(RunPlan& plan, const std::string& base_url) {
  for (PlannedCandidate& pc : plan.candidates) {
    if (pc.provider.kind == ProviderKind::kAnthropic) {
      pc.provider.base_url = base_url;
    } else {
      pc.provider.base_url = base_url + "/v1";
      if (pc.provider.kind == ProviderKind::kAzureOpenAi) pc.provider.kind = ProviderKind::kOpenAi;
    }
    pc.provider.headers.clear();
    // The real provider's caps do not bind the simulator, which enforces its profile's own
    // rate_limit windows (and says so in its headers).
    pc.provider.requests_per_minute = 0;
    pc.provider.tokens_per_minute = 0;
    if (pc.key.empty()) pc.key = Secret("simulated-key");
  }
}

int ExitFor(const RunResult& result) {
  if (result.stop == StopCause::kInterrupted) return kExitInterrupted;
  if (result.stop == StopCause::kBudget || !result.stopped.empty()) return kExitIncomplete;
  if (result.attempts > 0 && result.http_answers == 0) return kExitIncomplete;
  return kExitOk;
}

void SayWhyIncomplete(const RunResult& result, const std::string& dir) {
  if (result.stop == StopCause::kBudget) {
    PrintWarning("budget reached: " + std::to_string(result.tasks_not_run) +
                 " tasks were not run (they are listed as not run in the report)");
  }
  for (const StoppedCandidate& s : result.stopped) {
    PrintWarning("candidate " + s.candidate_id + " was stopped: " + s.reason);
  }
  if (result.attempts > 0 && result.http_answers == 0) {
    PrintError("no provider answered any request (network errors only); check base_url and "
               "connectivity");
  }
  if (result.stop == StopCause::kInterrupted) {
    std::fprintf(stderr, "taskcost: interrupted; journal flushed. Continue with: taskcost run "
                         "--resume %s\n", dir.c_str());
  }
}

}  // namespace

int RunVerb(const std::vector<std::string>& args) {
  RunArgs a;
  if (std::optional<int> exit_code = ParseRunArgs(args, &a)) return *exit_code;

  std::optional<LoadedRun> previous;
  if (!a.resume.empty()) {
    Result<LoadedRun> loaded = LoadRunDir(a.resume);
    if (!loaded.ok()) {
      PrintErrors(loaded.errors());
      return kExitBadInput;
    }
    previous = std::move(loaded).value();
    for (const std::string& w : previous->warnings) PrintWarning(w);
    if (a.suite_path.empty()) a.suite_path = previous->manifest.suite_file;
    if (previous->manifest.simulated && a.simulate.empty()) {
      PrintError("run " + a.resume + " used the simulator; resume it with --simulate");
      return kExitBadInput;
    }
  }

  Result<LoadedInputs> inputs = LoadInputs(a.suite_path, a.providers, a.prices);
  if (!inputs.ok()) {
    PrintErrors(inputs.errors());
    return kExitBadInput;
  }
  Suite& suite = inputs->suite;
  if (!a.budget.empty()) {
    Result<Money> budget = Money::ParseUsd(a.budget);
    if (!budget.ok() || budget->picos() <= 0) {
      PrintError("--budget: expected a positive amount in USD, got \"" + a.budget + "\"");
      return kExitBadInput;
    }
    suite.budget = *budget;
  }
  if (previous && previous->manifest.suite_hash != suite.content_hash) {
    PrintError("the suite changed since run " + a.resume + " started (" +
               previous->manifest.suite_hash + " then, " + suite.content_hash +
               " now); a resumed run must use the same suite and samples");
    return kExitBadInput;
  }

  const bool simulated = !a.simulate.empty();
  if (previous) a.repeat = previous->manifest.repeats;
  Result<RunPlan> plan = BuildRunPlan(suite, inputs->providers, inputs->prices,
                                      KeysFromEnvironment(inputs->providers), !simulated, a.repeat);
  if (!plan.ok()) {
    PrintErrors(plan.errors());
    return kExitBadInput;
  }

  std::unique_ptr<Simulator> simulator;
  if (simulated) {
    Result<SimulatorProfile> profile = LoadSimulatorProfile(a.simulate);
    if (!profile.ok()) {
      PrintErrors(profile.errors());
      return kExitBadInput;
    }
    Result<std::unique_ptr<Simulator>> started = Simulator::Start(std::move(profile).value());
    if (!started.ok()) {
      PrintErrors(started.errors());
      return kExitIncomplete;
    }
    simulator = std::move(started).value();
    PointAtSimulator(plan.value(), simulator->BaseUrl());
    std::fprintf(stderr, "taskcost: simulated run: outputs come from the bundled simulator (%s), "
                         "not from real models\n", a.simulate.c_str());
  }

  SystemClock clock;
  RunManifest manifest;
  std::string dir;
  if (previous) {
    dir = previous->dir;
    manifest = previous->manifest;
  } else {
    const int64_t now = clock.UnixMillis();
    const std::string run_id = RunIdFor(now);
    dir = a.out.empty() ? (fs::path(a.results) / suite.name / run_id).string() : a.out;
    Status created = CreateRunDir(dir);
    if (!created.ok()) {
      PrintErrors(created.errors());
      return kExitBadInput;
    }
    manifest = MakeManifest(*plan, run_id, now, simulated, kVersion);
  }
  manifest.ended_unix_ms = 0;
  manifest.budget = suite.budget;
  const std::string manifest_path = (fs::path(dir) / kManifestFile).string();
  Status wrote = WriteFileAtomic(manifest_path, ManifestToJson(manifest));
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  std::vector<std::string> warnings;
  auto journal = JournalWriter::Open((fs::path(dir) / kJournalFile).string(), manifest.run_id,
                                     &warnings);
  if (!journal.ok()) {
    PrintErrors(journal.errors());
    return kExitIncomplete;
  }
  for (const std::string& w : warnings) PrintWarning(w);

  ProgressPrinter progress(a.quiet);
  RunOptions options;
  options.concurrency = a.concurrency;
  options.seed = a.seed;
  options.budget = suite.budget;
  options.interrupt = &g_interrupted;
  options.on_progress = [&](const RunProgress& p) { progress.Update(p); };
  options.on_notice = [&](const std::string& text) { progress.Notice(text); };
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  std::unique_ptr<Transport> transport = MakeCurlTransport();
  const std::vector<Attempt> none;
  Result<RunResult> result = ExecuteRun(*plan, previous ? previous->attempts : none, options,
                                        *transport, clock, **journal);
  progress.Finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  journal->reset();
  if (simulator) simulator->Stop();
  if (!result.ok()) {
    PrintErrors(result.errors());
    return kExitIncomplete;
  }

  manifest.ended_unix_ms = clock.UnixMillis();
  Status ended = WriteFileAtomic(manifest_path, ManifestToJson(manifest));
  if (!ended.ok()) PrintErrors(ended.errors());

  Result<LoadedRun> run = LoadRunDir(dir);
  if (!run.ok()) {
    PrintErrors(run.errors());
    return kExitIncomplete;
  }
  Result<std::string> text = ProduceReports(*run, StdoutWantsColor(), true);
  if (!text.ok()) {
    PrintErrors(text.errors());
    return kExitIncomplete;
  }
  std::fputs(text->c_str(), stdout);
  std::fprintf(stderr, "taskcost: run directory %s (run.json, attempts.jsonl, report.json, "
                       "report.md)\n", dir.c_str());
  SayWhyIncomplete(*result, dir);
  return ExitFor(*result);
}

}  // namespace taskcost
