// The benchmarks: each starts the simulator as its own process (`taskcost mock`), runs the real
// `taskcost run` binary (and, for CPU, the curl baseline) against it as child processes, and
// returns figures with a verdict against the project's target. Method: docs/benchmarks.md.
// Not synchronised: run one at a time (they share the machine's cores on purpose).
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost::bench {

enum class Verdict { kInfo, kPass, kFail, kPending, kNotJudged };

/// One line of the printed table.
struct Figure {
  std::string benchmark;  // "cpu", "latency", "rate", "memory", "journal"
  std::string name;       // what was measured
  std::string value;      // formatted, with its unit
  std::string target;     // formatted target, "" for information
  Verdict verdict = Verdict::kInfo;
};

struct BenchContext {
  std::string taskcost;   // path of the taskcost binary
  std::string baseline;   // path of the curl_baseline binary
  std::string source;     // repository root (samples, schema, prices)
  std::string work;       // scratch directory; each benchmark uses a subdirectory
  bool smoke = false;     // tiny sizes, no verdicts: checks that everything runs
};

using Benchmark = Result<std::vector<Figure>> (*)(const BenchContext&);

/// Harness CPU per attempt against the curl baseline, same simulator, same requests.
Result<std::vector<Figure>> CpuBenchmark(const BenchContext& ctx);
/// Wall time of 2,000 tasks at 200 ms latency and concurrency 64 against the ideal.
Result<std::vector<Figure>> LatencyBenchmark(const BenchContext& ctx);
/// Wall time and 429 share under the simulator's requests-per-minute window.
Result<std::vector<Figure>> RateBenchmark(const BenchContext& ctx);
/// Attempt latency with and without a command scorer taking 300 ms (scorers run off the loop,
/// so the provider's latency must not change).
Result<std::vector<Figure>> ScorerBenchmark(const BenchContext& ctx);
/// Peak resident memory of `taskcost run` at 10k, 50k and 100k attempts.
Result<std::vector<Figure>> MemoryBenchmark(const BenchContext& ctx);
/// Time to read back a journal of 100,000 attempt lines (ReadJournal), in process.
Result<std::vector<Figure>> JournalBenchmark(const BenchContext& ctx);

}  // namespace taskcost::bench
