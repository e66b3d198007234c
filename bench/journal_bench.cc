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

namespace taskcost::bench {
namespace {

// One answered attempt, about 400 bytes as a journal line; `i` makes each line differ.
Attempt BenchAttempt(int i) {
  Attempt a;
  a.sample_id = "s" + std::to_string(i);
  a.candidate_id = i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini";
  a.attempt = 1;
  a.started_unix_ms = 1'800'000'000'000 + i;
  a.latency_us = 1000 * i;
  a.http_status = 200;
  a.usage = Usage{100 + i, 0, 0, 20, 0};
  a.usage_raw = R"({"prompt_tokens":)" + std::to_string(100 + i) + R"(,"completion_tokens":20})";
  a.cost = Money::FromPicos(27'000'000 + i);
  a.output = R"({"category":"billing","note":"line )" + std::to_string(i) + "\"}";
  a.checks = {{"field_equals(category)", true, ""}};
  a.success = true;
  return a;
}

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
      line = AttemptToJsonLine(BenchAttempt(i)) + "\n";
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
