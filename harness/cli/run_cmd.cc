// taskcost run SUITE: the downgrade test. Loads and checks everything first (exit 2 before a
// cent is spent), then runs every candidate on every sample, journaling each attempt, and prints
// the report. --simulate runs against the bundled simulator; --resume continues a killed run;
// the response cache answers requests an earlier run already paid for.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/history_index.h"
#include "harness/cli/progress.h"
#include "harness/cli/report_output.h"
#include "harness/cli/run_setup.h"
#include "harness/core/render/report_format.h"
#include "harness/core/formats/user_files.h"
#include "harness/edge/run_dir.h"
#include "harness/edge/subprocess.h"
#include "harness/runner/runner.h"

namespace taskcost {
namespace {
namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};
extern "C" void OnSignal(int) {
  g_interrupted.store(true);
  InterruptProcesses();  // a command scorer running now is stopped within 100 ms
}

struct RunArgs {
  PlanArgs plan;  // what the run covers, shared with `taskcost plan`
  std::string out, resume;
  int concurrency = 64;
  uint64_t seed = 1;
  bool quiet = false;
  bool allow_partial = false;
  bool results_given = false;  // --results on the command line (else a resumed run keeps its own)
};

std::optional<int> ParseRunArgs(const std::vector<std::string>& args, RunArgs* a) {
  po::options_description options("run options");
  options.add_options()
      ("suite", po::value(&a->plan.suite_path), "suite.yaml to run")
      ("concurrency", po::value(&a->concurrency)->default_value(64), "attempts in flight at once")
      ("out", po::value(&a->out), "run directory (default: RESULTS/<suite>/<run-id>)")
      ("seed", po::value(&a->seed)->default_value(1), "seed for retry jitter")
      ("allow-partial", po::bool_switch(&a->allow_partial),
       "start even when the worst case exceeds the budget, and stop at the cap")
      ("resume", po::value(&a->resume), "continue the run in this directory without repeating "
       "finished tasks")
      ("quiet,q", po::bool_switch(&a->quiet), "no progress on stderr");
  AddPlanOptions(options, &a->plan);
  po::positional_options_description positional;
  positional.add("suite", 1);
  ParseOutcome parsed = ParseVerbArgs("run", "SUITE [options]", args, options, positional);
  if (parsed.exit_code) return parsed.exit_code;
  if (a->plan.suite_path.empty() && a->resume.empty()) {
    PrintError("run needs a SUITE (or --resume RUN_DIR); see 'taskcost run --help'");
    return kExitBadInput;
  }
  if (a->concurrency < 1) {
    PrintError("--concurrency must be at least 1");
    return kExitBadInput;
  }
  a->results_given = !parsed.vars["results"].defaulted();
  if (!a->resume.empty() && (parsed.vars.count("limit") || !a->plan.samples.empty() ||
                             !a->plan.candidates.empty())) {
    PrintError("--resume continues the run's own samples and candidates; drop --limit, "
               "--samples and --candidates");
    return kExitBadInput;
  }
  return CheckPlanArgs(a->plan, parsed.vars);
}

// A resumed run keeps the settings run.json recorded where the command line gives none: its
// results root, its response cache (or none), its catalogs and its simulator profile.
void KeepRunSettings(const RunManifest& m, RunArgs& a) {
  PlanArgs& plan = a.plan;
  if (!a.results_given && m.results_dir) plan.results = *m.results_dir;
  if (!plan.no_cache && plan.cache_dir.empty() && m.cache_dir) {
    plan.no_cache = m.cache_dir->empty();
    plan.cache_dir = *m.cache_dir;
  }
  std::error_code ec;
  if (plan.providers.empty() && std::filesystem::exists(m.providers_file, ec)) {
    plan.providers = m.providers_file;
  }
  if (plan.prices.empty() && std::filesystem::exists(m.prices_file, ec))
    plan.prices = m.prices_file;
  const bool profile_given = !plan.simulate.empty() && !IsBareSimulate(plan);
  if (m.simulated && !profile_given && m.simulator_profile && !m.simulator_profile->empty()) {
    plan.simulate = *m.simulator_profile;
  }
  ResolveBareSimulate(plan);
}

// A resumed run covers what its manifest lists, whatever the flags say.
Selection SelectionOf(const RunManifest& manifest) {
  Selection selection;
  selection.sample_ids = manifest.sample_ids;
  for (const ManifestCandidate& c : manifest.candidates) selection.candidate_ids.push_back(c.id);
  return selection;
}

// Refuses (exit 2) a run whose worst case exceeds the budget, unless --allow-partial.
std::optional<int> CheckBudget(const RunPlan& plan, const ResponseCache* cache,
                               bool allow_partial) {
  const std::optional<Money>& budget = plan.suite->budget;
  if (!budget) return std::nullopt;
  const RunEstimate estimate = EstimateWithCache(plan, cache);
  if (estimate.worst_case <= *budget) return std::nullopt;
  const std::string figures = "the worst case, $" + FormatUsd(estimate.worst_case) +
                              ", exceeds the budget of $" + FormatUsd(*budget) + " (expected " +
                              ExpectedUsdText(estimate) + ")";
  if (allow_partial) {
    PrintWarning(figures + "; --allow-partial: the run stops when the budget is reached");
    return std::nullopt;
  }
  std::fputs(EstimateText(plan, estimate, cache).c_str(), stderr);
  PrintError(figures + "; nothing was spent. Raise --budget, select fewer tasks (--limit, "
             "--samples, --candidates), or pass --allow-partial to run and stop at the cap");
  return kExitBadInput;
}

int ExitFor(const RunResult& result) {
  if (result.stop == StopCause::kInterrupted) return kExitInterrupted;
  if (result.stop == StopCause::kBudget || !result.stopped.empty()) return kExitIncomplete;
  if (result.attempts > 0 && result.http_answers == 0) return kExitIncomplete;
  return kExitOk;
}

// "97.6%": `part` as a share of `whole` (> 0), to a tenth of a percent.
std::string ShareText(Money part, Money whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%",
                100.0 * static_cast<double>(part.picos()) / static_cast<double>(whole.picos()));
  return text;
}

// Which candidates the budget stopped and why, and how much of the cap was used.
void SayBudgetStops(const RunResult& result, const std::optional<Money>& budget,
                    const std::string& dir) {
  if (result.stop != StopCause::kBudget || !budget) return;
  for (const BudgetStopped& b : result.budget_stopped) {
    PrintWarning("budget: " + b.candidate_id + " stopped; its next call could cost up to $" +
                 FormatUsd(b.next_call) + ", more than the $" + FormatUsd(b.left) + " left");
  }
  PrintWarning("budget reached: spent $" + FormatUsd(result.budget_spent) + " of $" +
               FormatUsd(*budget) + " (" + ShareText(result.budget_spent, *budget) + "); " +
               std::to_string(result.tasks_not_run) +
               " tasks have no outcome (listed as unfinished or not run in the report; "
               "taskcost run --resume " + dir + " continues them)");
}

void SayWhyIncomplete(const RunResult& result, const std::string& dir,
                      const std::optional<Money>& budget) {
  SayBudgetStops(result, budget, dir);
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

// One invocation of `run`, step by step; each step prints its own errors and returns the exit
// code when the run cannot go on.
class RunCommand {
 public:
  explicit RunCommand(RunArgs args) : a_(std::move(args)) {}
  int Main();

 private:
  std::optional<int> LoadPrevious();
  std::optional<int> BuildPlan();
  std::optional<int> StartSimulator();
  std::optional<int> OpenRunDir();
  int Execute();
  int WriteReports(const RunResult& result, Report report);

  RunArgs a_;
  std::optional<LoadedRun> previous_;
  LoadedInputs inputs_;  // the plan points into inputs_.suite: never moved after BuildPlan
  std::optional<RunPlan> plan_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<Simulator> simulator_;
  SystemClock clock_;
  RunManifest manifest_;
  std::optional<RunDirLock> lock_;  // held while this run writes its directory
  std::string dir_;
  std::string manifest_path_;
};

int RunCommand::Main() {
  for (auto step : {&RunCommand::LoadPrevious, &RunCommand::BuildPlan,
                    &RunCommand::StartSimulator}) {
    if (std::optional<int> exit_code = (this->*step)()) return *exit_code;
  }
  if (!previous_) {  // a resumed run was accepted when it started
    if (auto refused = CheckBudget(*plan_, cache_.get(), a_.allow_partial)) return *refused;
  }
  if (std::optional<int> exit_code = OpenRunDir()) return *exit_code;
  return Execute();
}

std::optional<int> RunCommand::LoadPrevious() {
  if (a_.resume.empty()) return std::nullopt;
  if (fs::is_directory(a_.resume)) {  // before reading it: another run may be writing it
    Result<RunDirLock> locked = RunDirLock::Acquire(a_.resume);
    if (!locked.ok()) {
      PrintErrors(locked.errors());
      return kExitBadInput;
    }
    lock_ = std::move(locked).value();
  }
  Result<LoadedRun> loaded = LoadRunDir(a_.resume);
  if (!loaded.ok()) {
    PrintErrors(loaded.errors());
    return kExitBadInput;
  }
  previous_ = std::move(loaded).value();
  for (const std::string& w : previous_->warnings) PrintWarning(w);
  if (a_.plan.suite_path.empty()) a_.plan.suite_path = previous_->manifest.suite_file;
  KeepRunSettings(previous_->manifest, a_);
  if (previous_->manifest.simulated && a_.plan.simulate.empty()) {
    PrintError("run " + a_.resume + " used the simulator; resume it with --simulate");
    return kExitBadInput;
  }
  a_.plan.repeat = previous_->manifest.repeats;
  return std::nullopt;
}

std::optional<int> RunCommand::BuildPlan() {
  Result<LoadedInputs> inputs = LoadInputs(a_.plan.suite_path, a_.plan.providers, a_.plan.prices);
  if (!inputs.ok()) {
    PrintErrors(inputs.errors());
    return kExitBadInput;
  }
  inputs_ = std::move(inputs).value();
  Suite& suite = inputs_.suite;
  Status budget = ApplyBudgetFlag(a_.plan, suite);
  if (!budget.ok()) {
    PrintErrors(budget.errors());
    return kExitBadInput;
  }
  if (previous_ && previous_->manifest.suite_hash != suite.content_hash) {
    PrintError("the suite changed since run " + a_.resume + " started (" +
               previous_->manifest.suite_hash + " then, " + suite.content_hash +
               " now); a resumed run must use the same suite and samples");
    return kExitBadInput;
  }
  Result<RunPlan> plan =
      BuildRunPlan(suite, inputs_.providers, inputs_.prices, KeysFromEnvironment(inputs_.providers),
                   a_.plan.simulate.empty(), a_.plan.repeat);
  if (!plan.ok()) {
    PrintErrors(plan.errors());
    return kExitBadInput;
  }
  plan_ = std::move(plan).value();
  Status selected =
      SelectSubset(*plan_, previous_ ? SelectionOf(previous_->manifest) : SelectionFrom(a_.plan));
  if (!selected.ok()) {
    PrintErrors(selected.errors());
    return kExitBadInput;
  }
  cache_ = CacheFrom(a_.plan);
  return std::nullopt;
}

std::optional<int> RunCommand::StartSimulator() {
  if (a_.plan.simulate.empty()) return std::nullopt;
  Result<SimulatorSetup> setup = LoadSimulatorSetup(a_.plan.simulate);
  if (!setup.ok()) {
    PrintErrors(setup.errors());
    return kExitBadInput;
  }
  Result<std::unique_ptr<Simulator>> started = Simulator::Start(std::move(setup->profile));
  if (!started.ok()) {
    PrintErrors(started.errors());
    return kExitIncomplete;
  }
  simulator_ = std::move(started).value();
  PointAtSimulator(*plan_, simulator_->BaseUrl(), setup->cache_endpoint);
  std::fprintf(stderr, "taskcost: simulated run: outputs come from the bundled simulator (%s), "
                       "not from real models\n", a_.plan.simulate.c_str());
  return std::nullopt;
}

std::optional<int> RunCommand::OpenRunDir() {
  const Suite& suite = inputs_.suite;
  if (previous_) {
    dir_ = previous_->dir;
    manifest_ = previous_->manifest;
  } else {
    const int64_t now = clock_.UnixMillis();
    std::string run_id = RunIdFor(now);
    if (a_.out.empty()) {  // results/<suite>/<run id>, never another run's
      const std::string parent = (fs::path(a_.plan.results) / suite.name).string();
      Result<std::string> claimed = ClaimRunDir(parent, run_id);
      if (!claimed.ok()) {
        PrintErrors(claimed.errors());
        return kExitIncomplete;
      }
      run_id = claimed.value();
      dir_ = (fs::path(parent) / run_id).string();
      Result<RunDirLock> locked = RunDirLock::Acquire(dir_);
      if (!locked.ok()) {
        PrintErrors(locked.errors());
        return kExitBadInput;
      }
      lock_ = std::move(locked).value();
    } else {
      dir_ = a_.out;
      Result<RunDirLock> created = CreateRunDir(dir_);
      if (!created.ok()) {
        PrintErrors(created.errors());
        return kExitBadInput;
      }
      lock_ = std::move(created).value();
    }
    manifest_ = MakeManifest(*plan_, run_id, now, simulator_ != nullptr, kVersion);
    manifest_.results_dir = AbsolutePath(a_.plan.results);
    manifest_.cache_dir = cache_ ? AbsolutePath(cache_->dir()) : "";
    manifest_.simulator_profile = AbsolutePath(a_.plan.simulate);
  }
  manifest_.ended_unix_ms = 0;
  manifest_.budget = suite.budget;
  manifest_path_ = (fs::path(dir_) / kManifestFile).string();
  Status wrote = WriteFileAtomic(manifest_path_, ManifestToJson(manifest_));
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  return std::nullopt;
}

int RunCommand::Execute() {
  std::vector<std::string> warnings;
  auto journal = JournalWriter::Open((fs::path(dir_) / kJournalFile).string(), manifest_.run_id,
                                     &warnings);
  if (!journal.ok()) {
    PrintErrors(journal.errors());
    return kExitIncomplete;
  }
  for (const std::string& w : warnings) {
    // A resumed run's torn final line was reported once already, when its journal was read.
    if (previous_ && std::ranges::count(previous_->warnings, w) > 0) continue;
    PrintWarning(w);
  }

  ProgressPrinter progress(a_.quiet);
  RunOptions options;
  options.concurrency = a_.concurrency;
  options.seed = a_.seed;
  options.budget = inputs_.suite.budget;
  options.interrupt = &g_interrupted;
  options.on_progress = [&](const RunProgress& p) { progress.Update(p); };
  options.on_notice = [&](const std::string& text) { progress.Notice(text); };
  options.cache = cache_.get();
  if (previous_) options.unanswered = previous_->unanswered;
  // The report is built as attempts are journaled, by the ReportBuilder that `taskcost report`
  // feeds from the journal, in the journal's order: earlier attempts (resume), then this run's.
  ReportBuilder report(manifest_);
  if (previous_) {
    for (const Attempt& a : previous_->attempts) report.Add(a);
  }
  options.on_journaled = [&report](const Attempt& a) { report.Add(a); };
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  std::unique_ptr<Transport> transport = MakeCurlTransport();
  const std::vector<Attempt> none;
  Result<RunResult> result = ExecuteRun(*plan_, previous_ ? previous_->attempts : none, options,
                                        *transport, clock_, **journal);
  progress.Finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  journal->reset();
  if (simulator_) simulator_->Stop();
  if (!result.ok()) {
    PrintErrors(result.errors());
    return kExitIncomplete;
  }
  for (const SentCall& call : result->unanswered) report.AddUnanswered(call);
  return WriteReports(*result, report.Finish());
}

int RunCommand::WriteReports(const RunResult& result, Report report) {
  manifest_.ended_unix_ms = clock_.UnixMillis();
  Status ended = WriteFileAtomic(manifest_path_, ManifestToJson(manifest_));
  if (!ended.ok()) PrintErrors(ended.errors());

  Status expert = AttachExpertReview(report, dir_);  // as ReportFromRunDir does for `report`
  if (!expert.ok()) {
    PrintErrors(expert.errors());
    return kExitIncomplete;
  }
  Result<std::string> text = EmitReports(report, dir_, StdoutWantsColor(), true);
  if (!text.ok()) {
    PrintErrors(text.errors());
    return kExitIncomplete;
  }
  std::fputs(text->c_str(), stdout);
  std::fprintf(stderr, "taskcost: run directory %s (run.json, attempts.jsonl, report.json, "
                       "report.md)\n", dir_.c_str());
  Status indexed = IndexRunReport(a_.plan.results, dir_, report, manifest_.started_unix_ms);
  if (!indexed.ok()) PrintWarning("history index not updated: " + indexed.error().ToString());
  SayWhyIncomplete(result, dir_, inputs_.suite.budget);
  return ExitFor(result);
}

}  // namespace

int RunVerb(const std::vector<std::string>& args) {
  RunArgs a;
  if (std::optional<int> exit_code = ParseRunArgs(args, &a)) return *exit_code;
  return RunCommand(std::move(a)).Main();
}

}  // namespace taskcost
