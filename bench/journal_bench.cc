// The journal benchmark: how long ReadJournal takes over a large attempts.jsonl (moved here from
// tests/edge/journal_test.cc, where a wall-clock bound would fail on a loaded machine). In
// process: no simulator, no child.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/benchmarks.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal.h"
#include "tests/edge/journal_attempt.h"  // the journal tests' attempts

namespace taskcost::bench {
namespace {

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", s);
  return text;
}

}  // namespace

Result<std::vector<Figure>> JournalBenchmark(const BenchContext& ctx) {
  const int lines = ctx.smoke ? 1'000 : 100'000;
  const std::filesystem::path dir = std::filesystem::path(ctx.work) / "journal";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "attempts.jsonl").string();
  size_t bytes = 0;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::string line = JournalHeaderLine("bench") + "\n";
    out << line;
    bytes += line.size();
    for (int i = 0; i < lines; ++i) {
      line = AttemptToJsonLine(testing::JournalAttempt(i)) + "\n";
      out << line;
      bytes += line.size();
    }
    if (!out) return MakeError("cannot write " + path, "");
  }
  const auto start = std::chrono::steady_clock::now();
  Result<JournalContents> read = ReadJournal(path);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!read.ok()) return read.errors();
  if (read->attempts.size() != static_cast<size_t>(lines)) {
    return MakeError(
        "read " + std::to_string(read->attempts.size()) + " attempts of " + std::to_string(lines),
        path);
  }
  // 1.5 s measured on a shared 2-core machine; the target catches accidental quadratic work.
  const bool met = took <= 5.0;
  return std::vector<Figure>{
      {"journal",
       "ReadJournal of " + std::to_string(lines) + " attempt lines (" +
           std::to_string(bytes / 1'000'000) + " MB)",
       Seconds(took), "<= 5 s",
       ctx.smoke ? Verdict::kNotJudged : (met ? Verdict::kPass : Verdict::kFail)}};
}

}  // namespace taskcost::bench
