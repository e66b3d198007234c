#include "bench/benchmarks.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/fixture.h"
#include "bench/process.h"

namespace taskcost::bench {
namespace {
namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr int kConcurrency = 64;
constexpr int kRateLatencyMs = 50;  // the rate-limited run's simulated latency

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* format, ...) {
  char text[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  return text;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

Verdict Judge(const BenchContext& ctx, bool met) {
  if (ctx.smoke) return Verdict::kNotJudged;
  return met ? Verdict::kPass : Verdict::kFail;
}

std::string MakeDir(const BenchContext& ctx, const std::string& name) {
  const fs::path dir = fs::path(ctx.work) / name;
  fs::create_directories(dir);
  return dir.string();
}

// The simulator as its own process, so its CPU is measured apart from the harness's.
struct SimProcess {
  Child child;
  std::string base_url;
};

Result<SimProcess> StartSimulator(const BenchContext& ctx, const std::string& dir,
                                  const std::string& profile) {
  const std::string log = dir + "/mock.log";
  Result<Child> child =
      Child::Start({ctx.taskcost, "mock", "--profile", profile, "--port", "0"}, log);
  if (!child.ok()) return child.errors();
  Result<std::string> url = child->ReadLine(seconds(30));
  if (!url.ok() || !url->starts_with("http://")) {
    child->Terminate();
    return MakeError("the simulator did not start; see " + log);
  }
  return SimProcess{std::move(child).value(), *url};
}

// One `taskcost run` of the fixture suite, with what it used and what its journal holds.
struct HarnessRun {
  ChildUsage usage;
  JournalCounts journal;
  double sim_cpu_s = 0;  // the simulator's CPU during the run
};

// Without `with_cache` the run neither reads nor writes the response cache (--no-cache): every
// run sends its requests, as the baseline does. (With the default cache in the working
// directory, every run after the first would be answered from the first one's answers.) With
// it, the run starts from an empty cache directory of its own and stores every answer.
Result<HarnessRun> RunHarness(const BenchContext& ctx, SimProcess& sim, const std::string& dir,
                              const std::string& suite, const std::string& name, int repeat,
                              bool with_cache = false) {
  const std::string out = dir + "/" + name;
  const std::string log = dir + "/" + name + ".log";
  std::vector<std::string> argv = {ctx.taskcost, "run", suite, "--repeat", std::to_string(repeat),
                                   "--concurrency", std::to_string(kConcurrency), "--out", out,
                                   "--quiet"};
  if (with_cache) {
    argv.insert(argv.end(), {"--cache-dir", out + ".cache"});
  } else {
    argv.push_back("--no-cache");
  }
  const double sim_before = sim.child.CpuSecondsSoFar();
  Result<ChildUsage> usage = RunToEnd(argv, log);
  if (!usage.ok()) return usage.errors();
  HarnessRun run{*usage, {}, sim.child.CpuSecondsSoFar() - sim_before};
  if (usage->exit_code != 0) {
    return MakeError("taskcost run exited with " + std::to_string(usage->exit_code) + "; see " +
                     log);
  }
  Result<JournalCounts> counts = CountJournal(out);
  if (!counts.ok()) return counts.errors();
  run.journal = *counts;
  if (run.journal.attempts == 0) return MakeError(out + ": the journal holds no attempt");
  return run;
}

// CPU of `taskcost report` over a finished run: the part of a run spent re-reading its journal.
Result<ChildUsage> RunReport(const BenchContext& ctx, const std::string& run_dir) {
  Result<ChildUsage> usage =
      RunToEnd({ctx.taskcost, "report", run_dir, "--no-write"}, run_dir + ".report.log");
  if (usage.ok() && usage->exit_code != 0) {
    return MakeError("taskcost report exited with " + std::to_string(usage->exit_code));
  }
  return usage;
}

// One run of the curl baseline: its own figures (the loop only) and the simulator's CPU.
struct BaselineRun {
  int64_t requests = 0;
  double cpu_s = 0;
  double wall_s = 0;
  double sim_cpu_s = 0;
};

Result<BaselineRun> RunBaseline(const BenchContext& ctx, SimProcess& sim, const std::string& dir,
                               const std::string& suite, int repeat) {
  const std::string log = dir + "/baseline.log";
  const double sim_before = sim.child.CpuSecondsSoFar();
  std::string line;
  Result<ChildUsage> usage = RunToEnd({ctx.baseline, "--suite", suite, "--repeat",
                                       std::to_string(repeat), "--concurrency",
                                       std::to_string(kConcurrency)},
                                      log, &line);
  if (!usage.ok()) return usage.errors();
  if (usage->exit_code != 0) {
    return MakeError("curl_baseline exited with " + std::to_string(usage->exit_code) + "; see " +
                     log);
  }
  nlohmann::json figures = nlohmann::json::parse(line, nullptr, false);
  if (figures.is_discarded()) return MakeError("curl_baseline printed no figures: " + line);
  BaselineRun run;
  run.requests = figures.at("requests").get<int64_t>();
  run.cpu_s = figures.at("user_s").get<double>() + figures.at("system_s").get<double>();
  run.wall_s = figures.at("wall_s").get<double>();
  run.sim_cpu_s = sim.child.CpuSecondsSoFar() - sim_before;
  return run;
}

std::string Percent(double share) { return Format("%.0f%% of a core", 100 * share); }

Figure SimulatorShare(const std::string& benchmark, double sim_cpu_s, double wall_s,
                      int64_t requests) {
  return Figure{benchmark, "simulator CPU (own process)",
                Percent(sim_cpu_s / wall_s) + Format(", %.0f us/request",
                                                     1e6 * sim_cpu_s / std::max<int64_t>(1, requests)),
                "", Verdict::kInfo};
}

// A benchmark's scratch directory, its simulator, and the suite pointed at that simulator.
struct Setup {
  std::string dir;
  SimProcess sim;
  std::string suite;
};

// `client_rpm` > 0 states the provider's requests_per_minute in the catalog (a client cap).
Result<Setup> SetUp(const BenchContext& ctx, const std::string& name, const ProfileSpec& spec,
                    int client_rpm = 0) {
  const std::string dir = MakeDir(ctx, name);
  Result<std::string> profile = WriteProfile(ctx.source, dir, spec);
  if (!profile.ok()) return profile.errors();
  Result<SimProcess> sim = StartSimulator(ctx, dir, *profile);
  if (!sim.ok()) return sim.errors();
  Result<std::string> suite = WriteSuite(
      ctx.source, dir, {.base_url = sim->base_url, .requests_per_minute = client_rpm});
  if (!suite.ok()) return suite.errors();
  return Setup{dir, std::move(sim).value(), *suite};
}

}  // namespace

Result<std::vector<Figure>> CpuBenchmark(const BenchContext& ctx) {
  Result<Setup> setup = SetUp(ctx, "cpu", {.latency_ms = 0});
  if (!setup.ok()) return setup.errors();
  auto& [dir, sim, suite] = setup.value();

  const int repeat = ctx.smoke ? 1 : 200;  // x 100 samples
  const int rounds = ctx.smoke ? 1 : 3;    // interleaved; medians are reported
  std::vector<double> harness_us, baseline_us, ratios, report_us, harness_share, sim_share,
      sim_us, baseline_share, baseline_sim_share;
  int64_t attempts = 0;
  for (int round = 0; round < rounds; ++round) {
    Result<HarnessRun> h =
        RunHarness(ctx, sim, dir, suite, "run-" + std::to_string(round), repeat);
    if (!h.ok()) return h.errors();
    Result<ChildUsage> report = RunReport(ctx, dir + "/run-" + std::to_string(round));
    if (!report.ok()) return report.errors();
    Result<BaselineRun> b = RunBaseline(ctx, sim, dir, suite, repeat);
    if (!b.ok()) return b.errors();
    attempts = h->journal.attempts;
    if (b->requests != attempts) {
      return MakeError("the baseline sent " + std::to_string(b->requests) +
                       " requests, the harness made " + std::to_string(attempts) + " attempts");
    }
    harness_us.push_back(1e6 * h->usage.cpu_s() / static_cast<double>(attempts));
    baseline_us.push_back(1e6 * b->cpu_s / static_cast<double>(b->requests));
    report_us.push_back(1e6 * report->cpu_s() / static_cast<double>(attempts));
    ratios.push_back(harness_us.back() / baseline_us.back());
    harness_share.push_back(h->usage.cpu_s() / h->usage.wall_s);
    sim_share.push_back(h->sim_cpu_s / h->usage.wall_s);
    sim_us.push_back(1e6 * h->sim_cpu_s / static_cast<double>(attempts));
    baseline_share.push_back(b->cpu_s / b->wall_s);
    baseline_sim_share.push_back(b->sim_cpu_s / b->wall_s);
  }
  // Once more with the response cache on, as a first run with the defaults stores every answer.
  Result<HarnessRun> cached = RunHarness(ctx, sim, dir, suite, "run-cache", repeat, true);
  if (!cached.ok()) return cached.errors();
  const double cached_us = 1e6 * cached->usage.cpu_s() / static_cast<double>(attempts);
  sim.child.Terminate();
  const double ratio = Median(ratios);
  const std::string runs = Format("%lld attempts, median of %d", static_cast<long long>(attempts),
                                  rounds);
  return std::vector<Figure>{
      {"cpu", "harness CPU per attempt (whole taskcost run)", Format("%.1f us", Median(harness_us)),
       "", Verdict::kInfo},
      {"cpu", "taskcost report over the same journal (not part of the run)",
       Format("%.1f us", Median(report_us)), "", Verdict::kInfo},
      {"cpu", "harness CPU per attempt, response cache on (1 run, empty cache)",
       Format("%.1f us", cached_us), "", Verdict::kInfo},
      {"cpu", "curl-multi baseline CPU per request (loop)", Format("%.1f us", Median(baseline_us)),
       "", Verdict::kInfo},
      {"cpu", "harness / baseline (" + runs + ")", Format("%.2fx", ratio), "<= 2.00x",
       Judge(ctx, ratio <= 2.0)},
      {"cpu", "harness CPU during its run", Percent(Median(harness_share)), "", Verdict::kInfo},
      {"cpu", "simulator CPU during the harness run",
       Percent(Median(sim_share)) + Format(", %.0f us/request", Median(sim_us)), "",
       Verdict::kInfo},
      {"cpu", "baseline CPU, simulator CPU during the baseline run",
       Percent(Median(baseline_share)) + ", " + Percent(Median(baseline_sim_share)), "",
       Verdict::kInfo},
  };
}

Result<std::vector<Figure>> LatencyBenchmark(const BenchContext& ctx) {
  const int latency_ms = ctx.smoke ? 20 : 200;
  const int repeat = ctx.smoke ? 2 : 20;  // x 100 samples = 2,000 tasks
  Result<Setup> setup = SetUp(ctx, "latency", {.latency_ms = latency_ms});
  if (!setup.ok()) return setup.errors();
  auto& [dir, sim, suite] = setup.value();
  Result<HarnessRun> h = RunHarness(ctx, sim, dir, suite, "run", repeat);
  if (!h.ok()) return h.errors();
  sim.child.Terminate();

  const int64_t tasks = int64_t{kSamples} * repeat;
  const double ideal_s = static_cast<double>(tasks) / kConcurrency * latency_ms / 1000.0;
  const double ratio = h->usage.wall_s / ideal_s;
  const std::string shape = Format("%lld tasks, %d ms, concurrency %d",
                                   static_cast<long long>(tasks), latency_ms, kConcurrency);
  return std::vector<Figure>{
      {"latency", "wall time (" + shape + ")", Format("%.2f s", h->usage.wall_s), "",
       Verdict::kInfo},
      {"latency", "ideal: tasks / concurrency x latency", Format("%.2f s", ideal_s), "",
       Verdict::kInfo},
      {"latency", "wall / ideal", Format("%.3fx", ratio), "<= 1.10x", Judge(ctx, ratio <= 1.10)},
      {"latency", "median attempt latency (send to last byte)",
       Format("%.1f ms", h->journal.median_latency_us / 1000.0), "", Verdict::kInfo},
      {"latency", "harness CPU during the run", Percent(h->usage.cpu_s() / h->usage.wall_s), "",
       Verdict::kInfo},
      SimulatorShare("latency", h->sim_cpu_s, h->usage.wall_s, h->journal.attempts),
  };
}

Result<std::vector<Figure>> ScorerBenchmark(const BenchContext& ctx) {
  const int latency_ms = 200;
  const int repeat = ctx.smoke ? 1 : 2;  // x 100 samples
  Result<Setup> setup = SetUp(ctx, "scorer", {.latency_ms = latency_ms});
  if (!setup.ok()) return setup.errors();
  auto& [dir, sim, suite] = setup.value();
  Result<HarnessRun> plain = RunHarness(ctx, sim, dir, suite, "plain", repeat);
  if (!plain.ok()) return plain.errors();
  // The same suite with a command scorer that takes 300 ms among its success checks.
  std::ifstream in(suite);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string success = "success:\n";
  const char* sleep = ctx.smoke ? "0.05" : "0.3";  // smoke: only that it runs
  text.insert(text.find(success) + success.size(),
              std::string("  - command: [\"sh\", \"-c\", \"cat > /dev/null; sleep ") + sleep +
                  "; echo '{\\\"pass\\\": true}'\"]\n");
  const std::string scored_suite = dir + "/suite-scored.yaml";
  std::ofstream(scored_suite) << text;
  Result<HarnessRun> scored = RunHarness(ctx, sim, dir, scored_suite, "scored", repeat);
  if (!scored.ok()) return scored.errors();
  sim.child.Terminate();

  const double p50_plain = plain->journal.median_latency_us / 1000.0;
  const double p50_scored = scored->journal.median_latency_us / 1000.0;
  const double ratio = p50_scored / p50_plain;
  const std::string shape =
      Format("%d tasks, %d ms, concurrency %d", kSamples * repeat, latency_ms, kConcurrency);
  return std::vector<Figure>{
      {"scorer", "median attempt latency, no command scorer (" + shape + ")",
       Format("%.1f ms", p50_plain), "", Verdict::kInfo},
      {"scorer", std::string("median attempt latency, a command scorer taking ") + sleep + " s",
       Format("%.1f ms", p50_scored), "", Verdict::kInfo},
      {"scorer", "with / without the scorer", Format("%.3fx", ratio), "<= 1.10x",
       Judge(ctx, ratio <= 1.10)},
      {"scorer", "wall time without / with the scorer",
       Format("%.1f s / %.1f s", plain->usage.wall_s, scored->usage.wall_s), "", Verdict::kInfo},
  };
}

namespace {

// The figures of one rate-limited run: wall time against the limit-implied minimum, 429 share.
std::vector<Figure> RateFigures(const BenchContext& ctx, const HarnessRun& h,
                                const std::string& variant, int rpm) {
  // The simulator's window is a token bucket holding one second's allowance (window_s: 1),
  // refilled continuously: the first rpm/60 requests may go at once, the rest at rpm/60 a
  // second. No client can finish sooner than that, plus one reply's latency. Requests the
  // simulator admitted: every attempt but the refused ones.
  const double tasks = static_cast<double>(h.journal.attempts - h.journal.status_429);
  const double per_second = rpm / 60.0;
  const double minimum_s =
      std::max(0.0, tasks - per_second) / per_second + kRateLatencyMs / 1000.0;
  const double ratio = h.usage.wall_s / minimum_s;
  const double share_429 =
      static_cast<double>(h.journal.status_429) / static_cast<double>(h.journal.attempts);
  return {
      {"rate", variant + ": wall time", Format("%.1f s", h.usage.wall_s), "", Verdict::kInfo},
      {"rate", variant + ": wall / minimum (" + Format("%.1f s", minimum_s) + ")",
       Format("%.3fx", ratio), "<= 1.15x", Judge(ctx, ratio <= 1.15)},
      {"rate", variant + Format(": answered 429 (%lld of %lld)",
                                static_cast<long long>(h.journal.status_429),
                                static_cast<long long>(h.journal.attempts)),
       Format("%.2f%%", 100 * share_429), "<= 2%", Judge(ctx, share_429 <= 0.02)},
      SimulatorShare("rate", h.sim_cpu_s, h.usage.wall_s, h.journal.attempts),
  };
}

}  // namespace

Result<std::vector<Figure>> RateBenchmark(const BenchContext& ctx) {
  const int rpm = 6000;                   // 100 requests a second
  const int repeat = ctx.smoke ? 1 : 20;  // x 100 samples; smoke: within the first second's burst
  Result<Setup> setup =
      SetUp(ctx, "rate", {.latency_ms = kRateLatencyMs, .requests_per_minute = rpm}, rpm);
  if (!setup.ok()) {
    std::ifstream log(ctx.work + "/rate/mock.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    if (text.find("unknown key \"rate_limit\"") == std::string::npos) return setup.errors();
    return std::vector<Figure>{{"rate", "rate-limited run", "not measured",
                                "simulator rate_limit (branch ratelimit) not merged",
                                Verdict::kPending}};
  }
  auto& [dir, sim, suite] = setup.value();
  // First with the limit stated in providers.yaml, then with the same simulator and no stated
  // limit: the harness has only the replies' rate-limit headers and 429s to go by.
  Result<HarnessRun> stated = RunHarness(ctx, sim, dir, suite, "run-stated", repeat);
  if (!stated.ok()) return stated.errors();
  const std::string unstated_dir = MakeDir(ctx, "rate/unstated");
  Result<std::string> unstated_suite =
      WriteSuite(ctx.source, unstated_dir, {.base_url = sim.base_url});
  if (!unstated_suite.ok()) return unstated_suite.errors();
  Result<HarnessRun> unstated =
      RunHarness(ctx, sim, unstated_dir, *unstated_suite, "run", repeat);
  if (!unstated.ok()) return unstated.errors();
  sim.child.Terminate();

  std::vector<Figure> figures = {
      {"rate", Format("%d tasks, simulator limit %d requests/minute, latency %d ms",
                      kSamples * repeat, rpm, kRateLatencyMs),
       "", "", Verdict::kInfo}};
  for (const Figure& f : RateFigures(ctx, *stated, "limit in providers.yaml", rpm)) {
    figures.push_back(f);
  }
  for (const Figure& f : RateFigures(ctx, *unstated, "limit not stated", rpm)) {
    figures.push_back(f);
  }
  return figures;
}

Result<std::vector<Figure>> MemoryBenchmark(const BenchContext& ctx) {
  Result<Setup> setup = SetUp(ctx, "memory", {.latency_ms = 0});
  if (!setup.ok()) return setup.errors();
  auto& [dir, sim, suite] = setup.value();

  const std::vector<int> repeats = ctx.smoke ? std::vector<int>{1, 2, 3}
                                             : std::vector<int>{100, 500, 1000};
  std::vector<Figure> figures;
  std::vector<double> peak_mb;
  for (int repeat : repeats) {
    Result<HarnessRun> h =
        RunHarness(ctx, sim, dir, suite, "run-" + std::to_string(repeat), repeat);
    if (!h.ok()) return h.errors();
    peak_mb.push_back(static_cast<double>(h->usage.max_rss_kb) * 1024.0 / 1e6);  // MB = 10^6 B
    figures.push_back({"memory",
                       Format("peak RSS at %lld attempts (%.1f s, %.0f us CPU/attempt)",
                              static_cast<long long>(h->journal.attempts), h->usage.wall_s,
                              1e6 * h->usage.cpu_s() / static_cast<double>(h->journal.attempts)),
                       Format("%.1f MB", peak_mb.back()), "", Verdict::kInfo});
  }
  sim.child.Terminate();
  figures.back().target = "<= 150 MB";
  figures.back().verdict = Judge(ctx, peak_mb.back() <= 150.0);
  // Flat: no attempt is kept, only a fixed-size tally per task (the report's exact percentiles
  // and paired comparisons need one). A journal line is about 1 KB; growth must stay far below.
  const double added = static_cast<double>(repeats.back() - repeats.front()) * kSamples;
  const double bytes_per_attempt = (peak_mb.back() - peak_mb.front()) * 1e6 / added;
  figures.push_back({"memory", "growth per added attempt, smallest to largest run",
                     Format("%.0f B", bytes_per_attempt), "flat: <= 250 B",
                     Judge(ctx, bytes_per_attempt <= 250)});
  return figures;
}

}  // namespace taskcost::bench
