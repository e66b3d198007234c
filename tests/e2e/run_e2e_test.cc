// End to end: the real taskcost binary, the real curl transport and the simulator on
// 127.0.0.1 (started by --simulate on port 0). Figures are worked out by hand from the profile.
// Catalogs: tests/e2e/sim_suite.h (m-big $5 / $15, m-small $0.80 / $4.00 per 1M tokens).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::run_e2e_test {
namespace {
using nlohmann::json;

const std::string kSuite = TicketSuite("tiny", R"(
human: {minutes_per_task: 2, hourly_rate: 50}
volume_per_month: 1000
policy: {max_attempts: 3, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim-anthropic, model: m-small}
)");

// Fixed token counts; big always right; small's first attempt of every task is malformed JSON.
const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200}
  m-small:
    accuracy: 1
    input_tokens: 1000
    output_tokens: 100
    faults: {malformed_json: 1}
    fault_attempts: [1]
)";

struct TinySuite {
  TempDir dir;
  TinySuite() { WriteSimSuite(dir, {kTicketSamples, kTicketSchema, kSuite.c_str(), kProfile}); }
  CliOutcome Run(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"run", "suite.yaml", "--simulate", "profile.yaml",
                                     "--out", "run", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, dir.path());
  }
  json Report() const { return json::parse(ReadFileText(dir.path() + "/run/report.json")); }
};

}  // namespace

TEST_CASE("e2e: cost per successful task matches the hand-computed figure") {
  TinySuite suite;
  CliOutcome run = suite.Run();
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  json report = suite.Report();

  // big: 1,000 in x $5/1M + 200 out x $15/1M = $0.005 + $0.003 = $0.008 per call, one call a
  // task, four successes: total $0.032, $0.008 per successful task.
  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("successes") == 4);
  CHECK(big.at("attempts") == 4);
  CHECK(big.at("total_cost_picousd") == 32'000'000'000);
  CHECK(big.at("cost_per_successful_task_picousd") == 8'000'000'000);

  // small (Anthropic format): 1,000 in x $0.80/1M + 100 out x $4/1M = $0.0008 + $0.0004 =
  // $0.0012 per call. The malformed first attempt is billed too: two calls a task, $0.0024 per
  // successful task, $0.0096 in all; 2.00 attempts per task.
  const json& small = ReportCandidate(report, "small");
  CHECK(small.at("successes") == 4);
  CHECK(small.at("attempts") == 8);
  CHECK(small.at("failures_by_attempt").at("invalid_output") == 4);
  CHECK(small.at("total_cost_picousd") == 9'600'000'000);
  CHECK(small.at("cost_per_successful_task_picousd") == 2'400'000'000);
  CHECK(small.at("attempts_per_task").get<double>() == doctest::Approx(2.0));

  // The change against the baseline: 0.0024 / 0.008 - 1 = -70%.
  CHECK(report.at("comparisons").at(0).at("cost_change_pct").get<double>() ==
        doctest::Approx(-70.0));
  // Human: 2 min at $50/h = $1.6667 a ticket; ROI of big = 1.666667 / 0.008 = 208.3x.
  CHECK(big.at("roi").at("roi_multiple").get<double>() == doctest::Approx(208.33).epsilon(0.001));

  SUBCASE("the terminal table prints the same figures") {
    CHECK(run.out.find("0.008") != std::string::npos);
    CHECK(run.out.find("0.0024 (-70.0%)") != std::string::npos);
  }
  SUBCASE("report recomputes the same output from the journal alone") {
    CliOutcome again = RunCli({"report", "run", "--no-write"}, suite.dir.path());
    CHECK(again.exit_code == 0);
    CHECK(again.out == run.out);
  }
  SUBCASE("the journal holds two lines per call (sent, then its attempt) and no key") {
    std::string journal = ReadFileText(suite.dir.path() + "/run/attempts.jsonl");
    CHECK(std::count(journal.begin(), journal.end(), '\n') == 1 + 2 * 12);
    CHECK(journal.find("simulated-key") == std::string::npos);
  }
}

TEST_CASE("e2e: keys come from the environment and never reach the run directory") {
  TinySuite suite;
  SUBCASE("a real (non-simulated) run without the key is refused before anything is sent") {
    CliOutcome run = RunCli({"run", "suite.yaml", "--out", "run"}, suite.dir.path(),
                            {{"SIM_OPENAI_KEY", ""}, {"SIM_ANTHROPIC_KEY", "x"}});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("environment variable SIM_OPENAI_KEY is not set") != std::string::npos);
  }
  SUBCASE("a key that is set is sent but written nowhere") {
    CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run"},
                            suite.dir.path(),
                            {{"SIM_OPENAI_KEY", "sk-test-TOPSECRET-1"},
                             {"SIM_ANTHROPIC_KEY", "sk-ant-TOPSECRET-2"}});
    REQUIRE(run.exit_code == 0);
    for (const char* file : {"run.json", "attempts.jsonl", "report.json", "report.md"}) {
      std::string text = ReadFileText(suite.dir.path() + "/run/" + file);
      CHECK_MESSAGE(text.find("TOPSECRET") == std::string::npos, file);
    }
    CHECK(run.out.find("TOPSECRET") == std::string::npos);
    CHECK(run.err.find("TOPSECRET") == std::string::npos);
  }
}

TEST_CASE("e2e: a refused key stops that candidate, the others finish, exit 3") {
  TinySuite suite;
  suite.dir.Write("profile.yaml", std::string(kProfile) + "require_key: true\napi_key: good-key\n");
  CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run",
                           "--quiet", "--concurrency", "1"},
                          suite.dir.path(),
                          {{"SIM_OPENAI_KEY", "good-key"}, {"SIM_ANTHROPIC_KEY", "bad-key"}});
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("candidate small was stopped: auth") != std::string::npos);
  json report = suite.Report();
  CHECK(ReportCandidate(report, "big").at("successes") == 4);
  CHECK(ReportCandidate(report, "small").at("fatal_error") == "auth");
}

TEST_CASE("e2e: an existing run directory is never overwritten") {
  TinySuite suite;
  REQUIRE(suite.Run().exit_code == 0);
  CliOutcome again = suite.Run();
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("already exists and is not empty; pass --resume") != std::string::npos);
}

TEST_CASE("e2e: resuming a finished run calls nothing again") {
  TinySuite suite;
  REQUIRE(suite.Run().exit_code == 0);
  const std::string before = ReadFileText(suite.dir.path() + "/run/attempts.jsonl");
  CliOutcome resumed =
      RunCli({"run", "--resume", "run", "--simulate", "profile.yaml", "--quiet"}, suite.dir.path());
  CHECK(resumed.exit_code == 0);
  CHECK(ReadFileText(suite.dir.path() + "/run/attempts.jsonl") == before);
}

TEST_CASE("e2e: a provider that is not listening is classified as network and counted") {
  TinySuite suite;
  suite.dir.Write("suite.yaml", std::string(kSuite) + "budget_usd: 1\n");
  CliOutcome run = RunCli({"run", "suite.yaml", "--out", "run", "--quiet"}, suite.dir.path(),
                          {{"SIM_OPENAI_KEY", "k"}, {"SIM_ANTHROPIC_KEY", "k"}});
  // Port 9 (discard) on loopback is closed: every attempt fails to connect, three each.
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("no provider answered") != std::string::npos);
  json report = suite.Report();
  CHECK(ReportCandidate(report, "big").at("failures_by_attempt").at("network") == 12);
}

}  // namespace taskcost::run_e2e_test
