// An LLM judge in a real run against the simulator: one judge call per answer, journaled as its
// own line, its cost reported as evaluation overhead and never in a task's cost; the quality
// score is the mean of the judge's scores; a re-run answers the judge from the response cache.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::judge_e2e_test {
namespace {
using nlohmann::json;

const std::string kSuite = TicketSuite("judged", R"(quality:
  - judge: {name: tone, provider: sim, model: m-small, rubric: "Polite about: {{text}}"}
policy: {max_attempts: 2, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big}
)");

// m-big answers right at 1,000 in / 200 out: $0.005 + $0.003 = $0.008 a task.
// m-small judges at 500 in / 40 out: 500 x $0.80/1M + 40 x $4.00/1M = $0.0004 + $0.00016
// = $0.00056 a judge call.
const char* kProfile = R"(seed: 11
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200, latency_ms: 5}
  m-small: {input_tokens: 500, output_tokens: 40, latency_ms: 5}
)";

}  // namespace

TEST_CASE("e2e judge: judge calls are journaled and reported apart from the task's cost") {
  TempDir dir;
  WriteSimSuite(dir, {kTicketSamples, kTicketSchema, kSuite.c_str(), kProfile});
  CliOutcome validated = RunCli({"validate", "suite.yaml"}, dir.path());
  CHECK(validated.exit_code == 0);
  CHECK(validated.out.find("1 candidates (baseline big), LLM judges judge(tone) (m-small)") !=
        std::string::npos);
  const std::string cache = dir.path() + "/cache";
  CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run",
                           "--quiet", "--cache-dir", cache},
                          dir.path());
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("successes") == 4);
  CHECK(big.at("total_cost_picousd") == 32'000'000'000);  // 4 x $0.008
  CHECK(big.at("cost_per_successful_task_picousd") == 8'000'000'000);
  CHECK(big.at("judge_calls") == 4);
  CHECK(big.at("judge_cost_picousd") == 2'240'000'000);  // 4 x $0.00056
  CHECK(report.at("judge_spent_picousd") == 2'240'000'000);
  CHECK(report.at("spent_picousd") == 32'000'000'000);

  // Each answer has one judge line deciding its check; the quality score is their mean.
  int attempts = 0, judges = 0;
  double score_sum = 0;
  for (const json& line : JournalAttempts(dir.path() + "/run/attempts.jsonl")) {
    if (line.at("type") == "attempt") {
      ++attempts;
      CHECK(line.at("checks").at(1).at("pending") == true);  // written before the verdict
      continue;
    }
    ++judges;
    CHECK(line.at("type") == "judge");
    CHECK(line.at("judge") == "judge(tone)");
    CHECK(line.at("model") == "m-small");
    CHECK(line.at("check") == 1);
    CHECK(line.at("cost_picousd") == 560'000'000);
    REQUIRE(line.at("verdict").is_object());
    score_sum += line.at("verdict").at("score").get<double>();
    // The simulated judge knows the right category; m-big answered every ticket right.
    CHECK(line.at("verdict").at("reason") == "1 of 1 fields as expected");
  }
  CHECK(attempts == 4);
  CHECK(judges == 4);
  CHECK(big.at("quality_score").get<double>() == doctest::Approx(score_sum / 4));
  CHECK(score_sum == 4.0);
  CHECK(run.out.find("plus $0.00224 on 4 LLM-judge calls") != std::string::npos);
  CHECK(run.out.find("LLM judges") != std::string::npos);

  // The report recomputed from the journal alone says the same.
  std::filesystem::remove(dir.path() + "/run/report.json");
  CliOutcome again = RunCli({"report", "run"}, dir.path());
  REQUIRE(again.exit_code == 0);
  const json recomputed = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  CHECK(ReportCandidate(recomputed, "big").at("judge_cost_picousd") == 2'240'000'000);
  CHECK(ReportCandidate(recomputed, "big").at("quality_score") == big.at("quality_score"));

  // Re-priced with the judge's model at half price: the overhead halves, the tasks do not move.
  dir.Write("half.yaml", R"(currency: USD
models:
  m-big: {input: 5.00, output: 15.00, as_of: 2026-11-30, source: "https://example.invalid/big"}
  m-small: {input: 0.40, output: 2.00, as_of: 2026-11-30, source: "https://example.invalid/small"}
)");
  CliOutcome repriced = RunCli({"report", "run", "--prices", "half.yaml"}, dir.path());
  INFO(repriced.out << repriced.err);
  REQUIRE(repriced.exit_code == 0);
  CHECK(repriced.out.find("big: $0.032 -> $0.032 (0.0%)") != std::string::npos);
  CHECK(repriced.out.find("LLM judges (evaluation overhead, in no task's cost): $0.00224 -> "
                          "$0.00112 (-50.0%)") != std::string::npos);

  // A re-run asks nothing: the answers and the verdicts come from the cache, at $0.
  CliOutcome rerun = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run2",
                             "--quiet", "--cache-dir", cache},
                            dir.path());
  REQUIRE(rerun.exit_code == 0);
  const json cached = json::parse(ReadFileText(dir.path() + "/run2/report.json"));
  CHECK(cached.at("spent_picousd") == 0);
  CHECK(cached.at("judge_spent_picousd") == 0);
  CHECK(cached.at("cached_judge_calls") == 4);
  CHECK(ReportCandidate(cached, "big").at("quality_score") == big.at("quality_score"));
}

}  // namespace taskcost::judge_e2e_test
