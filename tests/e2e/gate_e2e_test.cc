// End to end: `taskcost run --simulate`, `baseline save`, `gate`, `compare`, `report --prices`
// and `prices import-litellm` through the real binary. Figures are worked out by hand from the
// simulator's token rule (input tokens = ceil(characters / 4)) and the prices below.
#include <doctest/doctest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::gate_e2e_test {
namespace {

// Four tickets of exactly 20 characters each.
const char* kSamples =
    R"({"id": "S1", "text": "my invoice is wrong!", "expected": "billing"}
{"id": "S2", "text": "app crashes on start", "expected": "technical"}
{"id": "S3", "text": "bill me yearly pls!!", "expected": "billing"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical"}
)";

// 145 characters as compact JSON, which is how the request carries it.
const char* kSchema = R"({"type": "object",
  "properties": {"category": {"type": "string", "enum": ["billing", "technical"]}},
  "required": ["category"], "additionalProperties": false})";

const char* kProviders = R"(providers:
  sim: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: GATE_TEST_KEY}
)";

// $5 / $15 and $0.80 / $4.00 per million tokens.
const char* kPrices = R"(currency: USD
models:
  m-big: {input: 5.00, output: 15.00, as_of: 2026-11-23, source: "https://example.invalid/big"}
  m-small: {input: 0.80, output: 4.00, as_of: 2026-11-23, source: "https://example.invalid/small"}
)";

// Both models always right, 100 output tokens, input tokens counted from the characters.
const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, output_tokens: 100}
  m-small: {accuracy: 1, output_tokens: 100}
)";

// The same, with the small model right about half the time.
const char* kWorseProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, output_tokens: 100}
  m-small: {accuracy: 0.5, output_tokens: 100}
)";

// A system prompt of `chars` characters.
std::string System(size_t chars) { return "Classify the ticket." + std::string(chars - 20, '.'); }

// Characters per request: system + "Ticket: " (8) + the ticket (20) + the schema (145). With a
// 1,027-character system prompt that is 1,200: 300 input tokens. Padded by 360 characters it is
// 1,560: 390 input tokens, 30% more.
constexpr size_t kSystemChars = 1027;
constexpr size_t kPaddedSystemChars = 1027 + 360;

std::string SuiteYaml(const std::string& name, size_t system_chars) {
  return TicketSuite(name, R"(
policy: {max_attempts: 2, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim, model: m-small}
)",
                     System(system_chars));
}

struct GateDir {
  TempDir dir;
  GateDir() {
    dir.Write("samples.jsonl", kSamples);
    dir.Write("schema.json", kSchema);
    dir.Write("providers.yaml", kProviders);
    dir.Write("prices.yaml", kPrices);
    dir.Write("profile.yaml", kProfile);
    dir.Write("worse.yaml", kWorseProfile);
    dir.Write("suite.yaml", SuiteYaml("tiny-gate", kSystemChars));
  }
  void Run(const std::string& out, const std::string& suite = "suite.yaml",
           const std::string& profile = "profile.yaml") const {
    CliOutcome run = Cli({"run", suite, "--simulate", profile, "--out", out, "--quiet"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  }
  CliOutcome Cli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}) const {
    std::map<std::string, std::string> all = {{"GITHUB_STEP_SUMMARY", ""}};
    for (const auto& [k, v] : env) all[k] = v;
    return RunCli(args, dir.path(), all);
  }
  std::string Read(const std::string& name) const { return ReadFileText(dir.path() + "/" + name); }
};

// xmllint (libxml2-utils, installed by scripts/install-deps) checks `xml` against the schema.
std::string ValidateJUnit(const GateDir& g, const std::string& xml) {
  const std::string xsd = std::string(TASKCOST_SOURCE_DIR) + "/tests/data/junit.xsd";
  const std::string log = g.dir.path() + "/xmllint.log";
  const std::string command = "xmllint --noout --schema '" + xsd + "' '" + g.dir.path() + "/" +
                              xml + "' > '" + log + "' 2>&1";
  const int status = std::system(command.c_str());
  return status == 0 ? "valid" : ReadFileText(log);
}

}  // namespace

TEST_CASE("e2e gate: a run gated against its own suite's baseline passes") {
  GateDir g;
  g.Run("run-1");
  CliOutcome saved = g.Cli({"baseline", "save", "run-1", "-o", "baselines/tiny.json"});
  REQUIRE_MESSAGE(saved.exit_code == 0, saved.err);
  const std::string baseline = g.Read("baselines/tiny.json");
  g.Run("run-2");
  CliOutcome gate = g.Cli({"gate", "run-2", "--baseline", "baselines/tiny.json", "--junit",
                           "gate.xml", "--markdown", "gate.md"});
  INFO(gate.out, gate.err);
  CHECK(gate.exit_code == 0);
  CHECK(gate.out.find("PASS  big  cost per successful task: baseline $0.003, now $0.003, change "
                      "0.0%, limit +10%") != std::string::npos);
  CHECK(gate.out.find("gate passed: 0 of 4 checks failed\n") != std::string::npos);
  CHECK(ValidateJUnit(g, "gate.xml") == "valid");
  CHECK(g.Read("gate.md").rfind("## taskcost gate: tiny-gate passed: 0 of 4 checks failed", 0) ==
        0);

  SUBCASE("the baseline is stable, exact and names no machine path") {
    // big: 4 tasks x (300 x $5 + 100 x $15) / 1M = 4 x $0.003 = $0.012.
    const nlohmann::json j = nlohmann::json::parse(baseline);
    CHECK(j.at("suite_file") == "suite.yaml");
    CHECK(j.at("candidates").at(0).at("total_cost_usd") == "0.012");
    CHECK(j.at("candidates").at(0).at("input_tokens_per_task") == "300.0");
    // small: 300 x $0.80 + 100 x $4 = $0.00064 a task.
    CHECK(j.at("candidates").at(1).at("cost_per_successful_task_usd") == "0.00064");
    CHECK(baseline.find(g.dir.path()) == std::string::npos);
    CHECK(baseline.find("example.invalid") == std::string::npos);
    CliOutcome again = g.Cli({"baseline", "save", "run-2", "-o", "-"});
    CHECK(again.exit_code == 0);
    // Only the run id differs between two identical runs.
    const std::string id_1 = j.at("run_id").get<std::string>();
    const std::string id_2 = nlohmann::json::parse(again.out).at("run_id").get<std::string>();
    std::string expected = baseline;
    expected.replace(expected.find(id_1), id_1.size(), id_2);
    CHECK(again.out == expected);
  }
}

TEST_CASE("e2e gate: a budget-stopped run fails against a complete baseline unless allowed") {
  // The complete run costs 4 x $0.003 + 4 x $0.00064 = $0.01456, but each call reserves its
  // worst case first (`plan`: $0.14016 / 8 = $0.01752 for big, $0.035533 / 8 = $0.0044417 for
  // small): under a $0.025 budget the first calls fit, the last of big's cannot (its $0.01752
  // on top of what the others spent). Every answer is right, so the finished tasks' figures
  // equal the baseline's.
  GateDir g;
  g.Run("run-1");
  REQUIRE(g.Cli({"baseline", "save", "run-1", "-o", "base.json"}).exit_code == 0);
  CliOutcome run = g.Cli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run-p",
                          "--quiet", "--no-cache", "--budget", "0.025", "--allow-partial"});
  REQUIRE_MESSAGE(run.exit_code == 3, run.err);
  CHECK(run.out.find("PARTIAL RUN: ") != std::string::npos);
  CliOutcome gate = g.Cli({"gate", "run-p", "--baseline", "base.json", "--junit", "gate.xml"});
  INFO(gate.out, gate.err);
  CHECK(gate.exit_code == 1);
  CHECK(gate.out.find("FAIL  run  complete run: baseline complete (8 of 8 tasks finished), now "
                      "partial (") != std::string::npos);
  CHECK(gate.out.find("note: partial run: candidate ") != std::string::npos);
  CHECK(ValidateJUnit(g, "gate.xml") == "valid");
  CliOutcome allowed = g.Cli({"gate", "run-p", "--baseline", "base.json", "--allow-partial"});
  INFO(allowed.out);
  CHECK(allowed.exit_code == 0);
  CHECK(allowed.out.find("SKIP  run  complete run: ") != std::string::npos);
  CHECK(allowed.out.find("; --allow-partial: this run's figures cover its finished tasks only") !=
        std::string::npos);
  // A baseline saved from the partial run records it.
  CliOutcome saved = g.Cli({"baseline", "save", "run-p", "-o", "-"});
  CHECK(nlohmann::json::parse(saved.out).at("partial") == true);
  CHECK(saved.err.find("taskcost: warning: partial run: candidate ") != std::string::npos);
}

TEST_CASE("e2e gate: the example suite, run again unchanged, passes against its baseline") {
  TempDir out;
  const std::string source = TASKCOST_SOURCE_DIR;
  const std::vector<std::string> run = {"run",        "suites/support-triage/suite.yaml",
                                        "--simulate", "configs/simulator.yaml",
                                        "--quiet",    "--out"};
  for (const char* dir : {"/run-1", "/run-2"}) {
    std::vector<std::string> args = run;
    args.push_back(out.path() + dir);
    // The test's own cache (run 2 is answered from it), never the checkout's results/.cache.
    args.insert(args.end(), {"--cache-dir", out.path() + "/cache"});
    CliOutcome done = RunCli(args, source);
    REQUIRE_MESSAGE(done.exit_code == 0, done.err);
  }
  const std::string baseline = out.path() + "/baselines/support-triage.json";
  REQUIRE(RunCli({"baseline", "save", out.path() + "/run-1", "-o", baseline}, source).exit_code ==
          0);
  const std::string text = ReadFileText(baseline);
  CHECK(nlohmann::json::parse(text).at("suite_file") == "suites/support-triage/suite.yaml");
  CHECK(text.find(out.path()) == std::string::npos);
  CHECK(text.find(source) == std::string::npos);
  CliOutcome gate = RunCli(
      {"gate", out.path() + "/run-2", "--baseline", baseline, "--junit", out.path() + "/gate.xml"},
      source, {{"GITHUB_STEP_SUMMARY", ""}});
  INFO(gate.out, gate.err);
  CHECK(gate.exit_code == 0);
  CHECK(gate.out.find("gate passed: 0 of 8 checks failed\n") != std::string::npos);
  CHECK(gate.out.find("FAIL") == std::string::npos);
}

TEST_CASE("e2e gate: a prompt padded by 30% more input tokens fails the cost check") {
  GateDir g;
  g.Run("run-1");
  REQUIRE(g.Cli({"baseline", "save", "run-1", "-o", "base.json"}).exit_code == 0);
  g.dir.Write("suite.yaml", SuiteYaml("tiny-gate", kPaddedSystemChars));
  g.Run("run-2");
  const std::string summary = g.dir.path() + "/summary.md";
  CliOutcome gate = g.Cli({"gate", "run-2", "--baseline", "base.json", "--junit", "gate.xml"},
                          {{"GITHUB_STEP_SUMMARY", summary}});
  INFO(gate.out, gate.err);
  CHECK(gate.exit_code == 1);
  // big: 390 x $5 + 100 x $15 = $0.00195 + $0.0015 = $0.00345 a task, +15.0% on $0.003.
  // small: 390 x $0.80 + 100 x $4 = $0.000312 + $0.0004 = $0.000712, +11.25% on $0.00064.
  const std::string big_line =
      "FAIL  big  cost per successful task: baseline $0.003, now $0.00345, change +15.0%, limit "
      "+10%; usage +15.0% (input tokens per task 300.0 -> 390.0); prices unchanged\n";
  CHECK(gate.out.find(big_line) != std::string::npos);
  CHECK(gate.out.find("FAIL  small  cost per successful task: baseline $0.00064, now $0.000712, "
                      "change +11.3%, limit +10%") != std::string::npos);
  CHECK(gate.out.find("PASS  big  success rate: baseline 100.0% (4/4), now 100.0% (4/4)") !=
        std::string::npos);
  CHECK(gate.out.find("note: the suite changed since the baseline") != std::string::npos);

  const std::string junit = g.Read("gate.xml");
  CHECK(ValidateJUnit(g, "gate.xml") == "valid");
  CHECK(junit.find("<testsuites name=\"taskcost gate\" tests=\"4\" failures=\"2\" errors=\"0\" "
                   "skipped=\"0\" time=\"0\">") != std::string::npos);
  CHECK(junit.find("<testcase classname=\"tiny-gate.big\" name=\"cost per successful task\" "
                   "time=\"0\">\n      <failure message=\"cost per successful task: baseline "
                   "$0.003, now $0.00345, change +15.0%, limit +10%\" type=\"cost_per_success\">"
                   "candidate: big\nbaseline: $0.003\nnow: $0.00345\nchange: +15.0%\nlimit: +10%\n"
                   "why: usage +15.0% (input tokens per task 300.0 -&gt; 390.0); prices "
                   "unchanged\n</failure>") != std::string::npos);
  CHECK(junit.find("<testcase classname=\"tiny-gate.big\" name=\"success rate\" time=\"0\"/>") !=
        std::string::npos);

  SUBCASE("the job summary is appended, not overwritten") {
    CHECK(g.Read("summary.md")
              .find("| **FAIL** | big | cost per successful task | $0.003 | "
                    "$0.00345 | +15.0% | +10% |") != std::string::npos);
    g.Cli({"gate", "run-2", "--baseline", "base.json"}, {{"GITHUB_STEP_SUMMARY", summary}});
    const std::string twice = g.Read("summary.md");
    CHECK(twice.find("## taskcost gate") != twice.rfind("## taskcost gate"));
  }
  SUBCASE("a flag loosens the limit and the gate passes") {
    CHECK(g.Cli({"gate", "run-2", "--baseline", "base.json", "--max-cost-increase-pct", "15"})
              .exit_code == 0);
  }
  SUBCASE("a gate: block in the suite sets the limit") {
    g.dir.Write("suite.yaml",
                SuiteYaml("tiny-gate", kPaddedSystemChars) + "gate: {max_cost_increase_pct: 20}\n");
    CHECK(g.Cli({"gate", "run-2", "--baseline", "base.json"}).exit_code == 0);
  }
  SUBCASE("compare pairs the runs and shows the token change") {
    CliOutcome compare = g.Cli({"compare", "run-1", "run-2"});
    CHECK(compare.exit_code == 0);
    CHECK(compare.out.find("  input tokens per task              300.0 -> 390.0  +30.0%\n") !=
          std::string::npos);
  }
}

TEST_CASE("e2e gate: a profile with lower accuracy fails the success-rate check") {
  GateDir g;
  g.Run("run-1");
  REQUIRE(g.Cli({"baseline", "save", "run-1", "-o", "base.json"}).exit_code == 0);
  g.Run("run-2", "suite.yaml", "worse.yaml");
  CliOutcome gate = g.Cli({"gate", "run-2", "--baseline", "base.json", "--junit", "gate.xml"});
  INFO(gate.out, gate.err);
  CHECK(gate.exit_code == 1);
  CHECK(gate.out.find("PASS  big  success rate") != std::string::npos);
  // Which tickets the small model gets wrong comes from the profile's seeded draws: S1 here.
  // Cost per success: $0.00256 over 3 successes = $0.00085333, +33.3% on $0.00064.
  CHECK(gate.out.find("FAIL  small  success rate: baseline 100.0% (4/4), now 75.0% (3/4), "
                      "change -25.0 pp, limit -5 pp\n") != std::string::npos);
  CHECK(gate.out.find("FAIL  small  cost per successful task: baseline $0.00064, now "
                      "$0.00085333, change +33.3%, limit +10%; usage +33.3% (success rate "
                      "100.0% -> 75.0%); prices unchanged\n") != std::string::npos);
  CHECK(g.Read("gate.xml").find("type=\"success_drop\">candidate: small\n") != std::string::npos);
  CHECK(ValidateJUnit(g, "gate.xml") == "valid");

  SUBCASE("compare names the samples that flipped, with the exact paired test") {
    CliOutcome compare = g.Cli({"compare", "run-1", "run-2"});
    CHECK(compare.exit_code == 0);
    CHECK(compare.out.find("-25.0 pp; paired: 1 lost, 0 gained, McNemar exact p = 1.000\n") !=
          std::string::npos);
    CHECK(compare.out.find("  success -> failure: S1\n") != std::string::npos);
  }
}

TEST_CASE("e2e gate: a baseline of another suite, or a missing candidate, is bad input") {
  GateDir g;
  g.dir.Write("other.yaml", SuiteYaml("checkout", kSystemChars));
  g.Run("run-other", "other.yaml");
  REQUIRE(g.Cli({"baseline", "save", "run-other", "-o", "other.json"}).exit_code == 0);
  g.Run("run-1");
  CliOutcome gate = g.Cli({"gate", "run-1", "--baseline", "other.json", "--junit", "gate.xml"});
  CHECK(gate.exit_code == 2);
  CHECK(gate.err ==
        "taskcost: error: baseline other.json is for suite \"checkout\", but run "
        "run-1 is of suite \"tiny-gate\"; gate a run against a baseline of its own "
        "suite\n");

  SUBCASE("a candidate missing from the baseline") {
    REQUIRE(g.Cli({"baseline", "save", "run-1", "-o", "base.json"}).exit_code == 0);
    std::string text = g.Read("base.json");
    nlohmann::json j = nlohmann::json::parse(text);
    j["candidates"].erase(1);
    g.dir.Write("base.json", j.dump(2));
    CliOutcome missing = g.Cli({"gate", "run-1", "--baseline", "base.json"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("candidate \"small\" is in run run-1 but not in the baseline "
                           "base.json") != std::string::npos);
    CHECK(g.Cli({"gate", "run-1", "--baseline", "base.json", "--candidate", "big"}).exit_code == 0);
  }
  SUBCASE("a bad flag value") {
    CliOutcome bad =
        g.Cli({"gate", "run-1", "--baseline", "other.json", "--min-success-pct", "ninety"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--min-success-pct: expected a number >= 0 or off, got \"ninety\"") !=
          std::string::npos);
  }
  SUBCASE("limits from another suite's file") {
    CliOutcome bad = g.Cli({"gate", "run-1", "--baseline", "other.json", "--suite", "other.yaml"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "taskcost: error: other.yaml is suite \"checkout\", but the run is of suite "
                     "\"tiny-gate\"; pass that suite's file with --suite\n");
  }
}

TEST_CASE("e2e gate: report --prices re-prices recorded usage under another catalog") {
  GateDir g;
  g.Run("run-1");
  // Half the prices: $2.50 / $7.50 for m-big; m-small as before.
  g.dir.Write("half.yaml", R"(currency: USD
models:
  m-big: {input: 2.50, output: 7.50, batch_discount_percent: 50, as_of: 2026-12-01, source: "https://example.invalid/big"}
  m-small: {input: 0.80, output: 4.00, as_of: 2026-12-01, source: "https://example.invalid/small"}
)");
  const std::string recorded = g.Read("run-1/report.json");
  CliOutcome report = g.Cli({"report", "run-1", "--prices", "half.yaml"});
  INFO(report.err);
  CHECK(report.exit_code == 0);
  // big: 4 x (300 x $2.50 + 100 x $7.50) / 1M = 4 x $0.0015 = $0.006, half of $0.012.
  CHECK(report.out.find("  big: $0.012 -> $0.006 (-50.0%); input $5.00 -> $2.50, output $15.00 "
                        "-> $7.50 per 1M tokens\n") != std::string::npos);
  CHECK(report.out.find("  small: $0.00256 -> $0.00256 (0.0%); same rates\n") != std::string::npos);
  CHECK(g.Read("run-1/report.json") == recorded);  // the run's own report is left alone

  SUBCASE("and on the batch tier") {
    CliOutcome batch = g.Cli({"report", "run-1", "--prices", "half.yaml", "--batch"});
    CHECK(batch.out.find("  big: $0.012 -> $0.003 (-75.0%)") != std::string::npos);
  }
  SUBCASE("a catalog without a run's model is refused") {
    g.dir.Write("bad.yaml",
                "currency: USD\nmodels:\n  m-bigg: {input: 1, output: 1, as_of: "
                "2026-12-01, source: \"https://example.invalid/x\"}\n");
    CliOutcome bad = g.Cli({"report", "run-1", "--prices", "bad.yaml"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("no price for \"m-big\" (candidate big) in bad.yaml, did you mean "
                       "\"m-bigg\"?") != std::string::npos);
  }
}

TEST_CASE("e2e gate: prices import-litellm writes an exact catalog and says what changed") {
  GateDir g;
  g.dir.Write("litellm.json", R"({
  "sample_spec": {"input_cost_per_token": 0.0},
  "m-big": {"input_cost_per_token": 5.5e-06, "output_cost_per_token": 1.5e-05, "litellm_provider": "openai"},
  "m-small": {"input_cost_per_token": 8e-07, "output_cost_per_token": 4e-06}
})");
  CliOutcome import = g.Cli({"prices", "import-litellm", "litellm.json", "--prices", "prices.yaml",
                             "-o", "new.yaml", "--as-of", "2026-12-01"});
  INFO(import.err);
  CHECK(import.exit_code == 0);
  CHECK(import.out.find("  changed  m-big: input $5.00 -> $5.50 (USD per 1M tokens)\n  1 "
                        "unchanged\n") != std::string::npos);
  const std::string written = g.Read("new.yaml");
  CHECK(written.find("  m-big:\n    input: 5.50\n    output: 15.00\n    as_of: 2026-12-01\n") !=
        std::string::npos);
  // The written catalog prices the run: big 300 x $5.50 + $0.0015 = $0.00315 a task.
  g.Run("run-1");
  CliOutcome report = g.Cli({"report", "run-1", "--prices", "new.yaml"});
  CHECK(report.out.find("  big: $0.012 -> $0.0126 (+5.0%)") != std::string::npos);
}

TEST_CASE("e2e gate: baseline save without -o writes results/baselines/<suite>.json") {
  GateDir g;
  g.Run("run-1");
  CliOutcome saved = g.Cli({"baseline", "save", "run-1"});
  REQUIRE_MESSAGE(saved.exit_code == 0, saved.err);
  CHECK(saved.out.find("written to results/baselines/tiny-gate.json\n") != std::string::npos);
  // big: 4 tasks x $0.003 (the first test case's working) = $0.012.
  const nlohmann::json j = nlohmann::json::parse(g.Read("results/baselines/tiny-gate.json"));
  CHECK(j.at("candidates").at(0).at("total_cost_usd") == "0.012");
}

}  // namespace taskcost::gate_e2e_test
