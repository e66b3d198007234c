// taskcost_bench: runs the benchmarks (benchmarks.h) and prints one table of figures with a
// verdict against each target. bench/run builds everything in Release and calls this.
//
//   taskcost_bench --taskcost PATH --baseline PATH --source REPO [--work DIR] [--smoke]
//                  [--only cpu|latency|scorer|rate|memory|journal]...
//
// Exit 0 when every judged figure passes (pending ones do not fail), 1 when one fails, 2 on bad
// arguments, 3 when a benchmark could not run.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <utility>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "bench/fixture.h"

namespace taskcost::bench {
namespace {
namespace fs = std::filesystem;

struct Options {
  BenchContext ctx;
  std::vector<std::string> only;
  bool keep = false;  // keep the scratch directory
};

// In the order; the rate-limited run is the long one.
const std::vector<std::pair<std::string, Benchmark>>& Benchmarks() {
  static const std::vector<std::pair<std::string, Benchmark>> table = {
      {"cpu", CpuBenchmark},   {"latency", LatencyBenchmark}, {"scorer", ScorerBenchmark},
      {"rate", RateBenchmark}, {"memory", MemoryBenchmark},   {"journal", JournalBenchmark},
  };
  return table;
}

const char* VerdictText(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kPending: return "PENDING";
    case Verdict::kNotJudged: return "(smoke)";
    case Verdict::kInfo: return "";
  }
  return "";
}

bool Known(const std::string& name) {
  for (const auto& [known, benchmark] : Benchmarks()) {
    if (known == name) return true;
  }
  return false;
}

void PrintTable(const std::vector<Figure>& figures) {
  size_t name_width = 6, value_width = 5, target_width = 6;
  for (const Figure& f : figures) {
    name_width = std::max(name_width, f.name.size());
    value_width = std::max(value_width, f.value.size());
    target_width = std::max(target_width, f.target.size());
  }
  const int nw = static_cast<int>(name_width), vw = static_cast<int>(value_width),
            tw = static_cast<int>(target_width);
  std::printf("%-8s  %-*s  %*s  %-*s  %s\n", "bench", nw, "figure", vw, "value", tw, "target",
              "result");
  std::printf("%s\n", std::string(8 + nw + vw + tw + 16, '-').c_str());
  for (const Figure& f : figures) {
    std::printf("%-8s  %-*s  %*s  %-*s  %s\n", f.benchmark.c_str(), nw, f.name.c_str(), vw,
                f.value.c_str(), tw, f.target.c_str(), VerdictText(f.verdict));
  }
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--smoke") {
      o->ctx.smoke = true;
    } else if (flag == "--keep") {
      o->keep = true;
    } else if (flag == "--taskcost" && has_value) {
      o->ctx.taskcost = argv[++i];
    } else if (flag == "--baseline" && has_value) {
      o->ctx.baseline = argv[++i];
    } else if (flag == "--source" && has_value) {
      o->ctx.source = argv[++i];
    } else if (flag == "--work" && has_value) {
      o->ctx.work = argv[++i];
    } else if (flag == "--only" && has_value && Known(argv[i + 1])) {
      o->only.push_back(argv[++i]);
    } else {
      std::fprintf(stderr, "taskcost_bench: unknown or incomplete argument \"%s\"\n", argv[i]);
      return false;
    }
  }
  return !o->ctx.taskcost.empty() && !o->ctx.baseline.empty() && !o->ctx.source.empty();
}

std::string MakeScratch() {
  std::string pattern = (fs::temp_directory_path() / "taskcost-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

int Run(Options& o) {
  const bool own_scratch = o.ctx.work.empty();
  if (own_scratch) o.ctx.work = MakeScratch();
  if (o.ctx.work.empty()) {
    std::fprintf(stderr, "taskcost_bench: cannot create a scratch directory\n");
    return 3;
  }
  setenv(kKeyVariable, "sk-bench-not-a-real-key", 1);  // the children read it
  o.ctx.taskcost = fs::absolute(o.ctx.taskcost).string();
  o.ctx.baseline = fs::absolute(o.ctx.baseline).string();
  o.ctx.source = fs::absolute(o.ctx.source).string();
  std::vector<Figure> figures;
  bool broken = false;
  for (const auto& [name, benchmark] : Benchmarks()) {
    if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), name) == o.only.end()) continue;
    std::fprintf(stderr, "taskcost_bench: running %s...\n", name.c_str());
    Result<std::vector<Figure>> result = benchmark(o.ctx);
    if (!result.ok()) {
      std::fprintf(stderr, "taskcost_bench: %s: %s\n", name.c_str(),
                   FormatErrors(result.errors()).c_str());
      figures.push_back({name, "could not run", "error", "", Verdict::kFail});
      broken = true;
      continue;
    }
    figures.insert(figures.end(), result->begin(), result->end());
  }
  PrintTable(figures);
  if (own_scratch && !o.keep && !broken) {
    fs::remove_all(o.ctx.work);
  } else {
    std::fprintf(stderr, "taskcost_bench: logs and run directories kept in %s\n",
                 o.ctx.work.c_str());
  }
  if (broken) return 3;
  for (const Figure& f : figures) {
    if (f.verdict == Verdict::kFail) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace taskcost::bench

int main(int argc, char** argv) {
  taskcost::bench::Options options;
  if (!taskcost::bench::ParseArgs(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: taskcost_bench --taskcost PATH --baseline PATH --source REPO [--work DIR]"
                 " [--smoke] [--keep] [--only cpu|latency|scorer|rate|memory|journal]...\n");
    return 2;
  }
  return taskcost::bench::Run(options);
}
