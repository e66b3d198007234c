#include "harness/cli/run_setup.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/config_files.h"
#include "harness/core/formats/content_hash.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_render.h"
#include "harness/core/formats/user_files.h"
#include "harness/edge/run_dir.h"

namespace taskcost {
namespace {

// "S1, S3,S4" -> {"S1", "S3", "S4"}.
std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> ids;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string id = text.substr(start, comma - start);
    const size_t first = id.find_first_not_of(" \t");
    const size_t last = id.find_last_not_of(" \t");
    if (first != std::string::npos) ids.push_back(id.substr(first, last - first + 1));
    start = comma + 1;
  }
  return ids;
}

std::string Count(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

// --simulate without a profile: the suite's own simulator.yaml when it has one.
constexpr const char* kSuiteSimulator = "(the suite's)";

void AddPlanOptions(po::options_description& options, PlanArgs* a) {
  options.add_options()
      ("providers", po::value(&a->providers),
       "providers.yaml (default: the suite's, else configs/ beside or above the suite, the "
       "install's, the source tree's)")
      ("prices", po::value(&a->prices), "prices.yaml (default: as for --providers)")
      ("budget", po::value(&a->budget),
       "hard spending cap in USD (overrides the suite's budget_usd)")
      ("repeat", po::value(&a->repeat)->default_value(1), "run each task this many times")
      ("limit", po::value(&a->limit), "only the first N samples (after --samples)")
      ("samples", po::value(&a->samples), "only these samples: ID,ID,... (suite order is kept)")
      ("candidates", po::value(&a->candidates),
       "only these candidates: ID,ID,... (the baseline must be among them)")
      ("simulate", po::value(&a->simulate)->implicit_value(kSuiteSimulator),
       "run against the bundled simulator with this profile (default: simulator.yaml beside "
       "suite.yaml, else configs/simulator.yaml found as providers.yaml is); outputs are "
       "simulated, no key needed")
      ("results", po::value(&a->results)->default_value("results"), "results root directory")
      ("cache-dir", po::value(&a->cache_dir), "response cache directory (default RESULTS/.cache)")
      ("no-cache", po::bool_switch(&a->no_cache), "call every provider; neither read nor write "
       "the response cache");
}

bool IsBareSimulate(const PlanArgs& a) { return a.simulate == kSuiteSimulator; }

void ResolveBareSimulate(PlanArgs& a) {
  if (!IsBareSimulate(a)) return;
  const std::filesystem::path beside =
      std::filesystem::path(a.suite_path).parent_path() / "simulator.yaml";
  std::error_code ec;
  a.simulate = std::filesystem::is_regular_file(beside, ec)
                   ? beside.string()
                   : DefaultConfigPath("simulator.yaml", a.suite_path);
}

std::optional<int> CheckPlanArgs(PlanArgs& a, const po::variables_map& vars) {
  if (!a.suite_path.empty()) ResolveBareSimulate(a);  // a resumed run's suite is known later
  if (a.repeat < 1) {
    PrintError("--repeat must be at least 1");
    return kExitBadInput;
  }
  if (vars.count("limit") && a.limit < 1) {
    PrintError("--limit must be at least 1, got " + std::to_string(a.limit));
    return kExitBadInput;
  }
  for (const auto& [flag, value] : {std::pair{"--samples", &a.samples},
                                    std::pair{"--candidates", &a.candidates}}) {
    if (!value->empty() && SplitIds(*value).empty()) {
      PrintError(std::string(flag) + ": expected ids separated by commas, got \"" + *value + "\"");
      return kExitBadInput;
    }
  }
  return std::nullopt;
}

Selection SelectionFrom(const PlanArgs& a) {
  Selection selection;
  selection.sample_ids = SplitIds(a.samples);
  selection.candidate_ids = SplitIds(a.candidates);
  if (a.limit > 0) selection.limit = a.limit;
  return selection;
}

std::unique_ptr<ResponseCache> CacheFrom(const PlanArgs& a) {
  if (a.no_cache) return nullptr;
  const std::string dir =
      a.cache_dir.empty() ? (std::filesystem::path(a.results) / ".cache").string() : a.cache_dir;
  return std::make_unique<ResponseCache>(dir);
}

Status ApplyBudgetFlag(const PlanArgs& a, Suite& suite) {
  if (a.budget.empty()) return OkStatus();
  Result<Money> budget = Money::ParseUsd(a.budget);
  if (!budget.ok() || budget->picos() <= 0) {
    return MakeError("expected a positive amount in USD, got \"" + a.budget + "\"", "--budget");
  }
  suite.budget = *budget;
  return OkStatus();
}

Result<SimulatorSetup> LoadSimulatorSetup(const std::string& profile_path) {
  Result<SimulatorProfile> profile = LoadSimulatorProfile(profile_path);
  if (!profile.ok()) return profile.errors();
  Result<std::string> text = ReadUserFile(profile_path);
  if (!text.ok()) return text.errors();
  std::string answers;
  if (profile->answers.present) {
    Result<std::string> read = ReadUserFile(profile->answers.samples_file, kMaxSamplesFileBytes);
    if (!read.ok()) return read.errors();
    answers = std::move(read).value();
  }
  SimulatorSetup setup;
  setup.cache_endpoint =
      "simulator:" + ContentHash({kVersion, "\n", *text, "\n", answers});
  setup.profile = std::move(profile).value();
  return setup;
}

void PointAtSimulator(RunPlan& plan, const std::string& base_url,
                      const std::string& cache_endpoint) {
  std::vector<PlannedCandidate*> all;
  for (PlannedCandidate& pc : plan.candidates) {
    all.push_back(&pc);
    for (PlannedCandidate& step : pc.steps) all.push_back(&step);
  }
  for (PlannedCandidate& judge : plan.judges) all.push_back(&judge);
  for (PlannedCandidate* each : all) {
    PlannedCandidate& pc = *each;
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
    pc.cache_endpoint = cache_endpoint;
    pc.simulated = true;
    if (pc.key.empty()) pc.key = Secret("simulated-key");
  }
}

KeyLookup KeysFromEnvironment(const ProviderCatalog& providers) {
  KeyLookup keys;
  for (const ProviderConfig& p : providers.providers) {
    if (p.api_key_env.empty()) continue;
    if (const char* value = std::getenv(p.api_key_env.c_str())) keys[p.api_key_env] = Secret(value);
  }
  return keys;
}

RunEstimate EstimateWithCache(const RunPlan& plan, const ResponseCache* cache) {
  if (cache == nullptr) return EstimateRun(plan);
  const RequestTemplates requests(plan);
  return EstimateRun(plan, [&](const PlannedTask& task, int attempt) {
    Result<ChatCall> call = MakeCall(plan, task);
    if (!call.ok()) return false;  // the loader checks templates; such a task is never sent
    const HttpRequest request = requests.For(task).Build(*call);
    return cache->Lookup(CacheKeyFor(plan, task, attempt, request)).has_value();
  });
}

namespace {

// The expected cost cell: "0.0012"; "time-priced" when every expected call is; "0.0012 + time"
// when some are (their cost is their measured latency, not estimated).
std::string ExpectedCell(Money expected, int64_t calls, int64_t time_priced_calls) {
  if (time_priced_calls == 0) return FormatUsd(expected);
  if (time_priced_calls == calls) return "time-priced";
  return FormatUsd(expected) + " + time";
}

// "60 s" (or "1500 ms" when not whole seconds).
std::string TimeoutText(std::chrono::milliseconds timeout) {
  const int64_t ms = timeout.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// What the table's figures mean for cascades and time-priced candidates, one line each.
std::string EstimateNotes(const RunPlan& plan, const RunEstimate& estimate) {
  std::string out;
  for (size_t i = 0; i < estimate.candidates.size(); ++i) {
    const CandidateEstimate& c = estimate.candidates[i];
    const PlannedCandidate& pc = plan.candidates[i];
    if (c.cascade) {
      out += c.candidate_id + ": a cascade; expected $ is its first step (" + pc.step_ids[0] +
             ") alone, the best case where no task escalates ($" + FormatUsd(c.expected_escalated) +
             " if every task went through every step); worst case $ counts every attempt of "
             "every step\n";
    }
    if (!c.time_priced) continue;
    std::vector<std::string> timed;
    if (pc.steps.empty()) timed.push_back(TimePriceText(pc.price));
    for (size_t s = 0; s < pc.steps.size(); ++s) {
      if (pc.steps[s].price.TimePriced()) {
        timed.push_back("step " + pc.step_ids[s] + " at " + TimePriceText(pc.steps[s].price));
      }
    }
    out += c.candidate_id + ": time-priced (" + JoinNames(timed) +
           "): a call costs its measured latency, so expected $ leaves such calls out (no "
           "estimate); worst case $ counts each attempt at the policy timeout (" +
           TimeoutText(plan.suite->policy.timeout) + ")\n";
  }
  return out;
}

}  // namespace

std::string ExpectedUsdText(const RunEstimate& estimate) {
  std::string out = "$" + FormatUsd(estimate.expected);
  if (estimate.time_priced_calls > 0) {
    out += " plus " + Count(static_cast<size_t>(estimate.time_priced_calls), "time-priced call") +
           " not estimated";
  }
  return out;
}

std::string EstimateText(const RunPlan& plan, const RunEstimate& estimate,
                         const ResponseCache* cache) {
  ReportTable t;
  t.header = {"candidate", "tasks", "in tok/task", "out tok/task", "expected $", "worst case $"};
  t.right_aligned = {false, true, true, true, true, true};
  int64_t tasks = 0, cached = 0, calls = 0;
  bool time_priced = false;
  for (size_t i = 0; i < estimate.candidates.size(); ++i) {
    const CandidateEstimate& c = estimate.candidates[i];
    const bool baseline = plan.candidates[i].candidate->baseline;
    t.rows.push_back({baseline ? c.candidate_id + " (baseline)" : c.candidate_id,
                      std::to_string(c.tasks), FormatRatio({c.input_tokens, c.tasks}, 1),
                      FormatRatio({c.output_tokens, c.tasks}, 1),
                      ExpectedCell(c.expected, c.expected_calls, c.time_priced_calls),
                      FormatUsd(c.worst_case)});
    tasks += c.tasks;
    cached += c.cached_attempts;
    calls += c.expected_calls;
    time_priced |= c.time_priced;
  }
  int64_t candidates_time_priced = 0;
  for (const CandidateEstimate& c : estimate.candidates) {
    candidates_time_priced += c.time_priced_calls;
  }
  if (estimate.judge_calls > 0) {  // evaluation overhead: spent, but in no task's cost
    t.rows.push_back({"LLM judges", std::to_string(estimate.judge_calls) + " calls", "", "",
                      ExpectedCell(estimate.judge_expected, estimate.judge_calls,
                                   estimate.time_priced_calls - candidates_time_priced),
                      FormatUsd(estimate.judge_worst_case)});
  }
  t.rows.push_back({"total", std::to_string(tasks), "", "",
                    ExpectedCell(estimate.expected, calls + estimate.judge_calls,
                                 estimate.time_priced_calls),
                    FormatUsd(estimate.worst_case)});
  const Suite& suite = *plan.suite;
  std::string out = "taskcost plan: " + suite.name + ": " + Count(plan.samples.size(), "sample") +
                    " x " + Count(static_cast<size_t>(plan.repeats), "repeat") + " x " +
                    Count(plan.candidates.size(), "candidate") + " = " +
                    Count(static_cast<size_t>(tasks), "task") + ", at most " +
                    Count(static_cast<size_t>(estimate.max_attempts), "attempt") + " a task\n\n";
  out += RenderTerminalTable(t, false) + "\n";
  out += EstimateNotes(plan, estimate);
  if (cache != nullptr && cached > 0) {
    out += "response cache (" + cache->dir() + "): " + std::to_string(cached) + " of " +
           std::to_string(tasks * estimate.max_attempts) +
           " possible attempts are answered from it and cost nothing\n";
  }
  if (suite.budget) {
    out += "budget: $" + FormatUsd(*suite.budget) + "; the worst case " +
           (estimate.worst_case > *suite.budget ? "EXCEEDS it (run refuses to start unless "
                                                  "--allow-partial)"
                                                : "is within it");
    if (time_priced) {
      out += "; it bounds time-priced calls only by the policy timeout (" +
             TimeoutText(suite.policy.timeout) +
             " an attempt): their cost is their measured latency, which cannot be estimated";
    }
    out += "\n";
  } else {
    out += "budget: none set (budget_usd or --budget)\n";
  }
  out += "expected: one attempt a task, input = B / 4 tokens (B = the request's bytes less its "
         "envelope: prompts, instructions, schema and tools as sent), output = a typical answer "
         "to the schema / 4 tokens (at most max_tokens); worst case: every attempt, input = B / 3 "
         "+ 32 tokens, output = max_tokens (docs/plan.md)\n";
  const bool composite = std::any_of(plan.candidates.begin(), plan.candidates.end(),
                                     [](const PlannedCandidate& pc) { return !pc.steps.empty(); });
  if (composite) {
    out += "chains and cascades: expected counts one attempt of every step of a chain (a later "
           "step's input adds the earlier steps' expected output) and a cascade's first step; "
           "worst case counts every attempt of every step\n";
  }
  return out;
}

}  // namespace taskcost
