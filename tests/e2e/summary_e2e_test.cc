// The cost-per-task dashboard end to end: two tagged suites run into one results directory;
// `summary` groups them by feature, prints the chosen candidate's AI cost per task as
// report.json has it, and flags the feature whose human alternative is cheaper.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/core/model/money.h"
#include "harness/core/render/report_format.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost {
namespace {

const char* kSamples = R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing"}
)";

const char* kSchema = R"({"type": "object",
  "properties": {"category": {"type": "string", "enum": ["billing", "technical"]}},
  "required": ["category"], "additionalProperties": false})";

const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200}
  m-small: {accuracy: 1, input_tokens: 1000, output_tokens: 100}
)";

std::string SuiteYaml(const std::string& name, const std::string& tags, const std::string& human) {
  return "suite: " + name +
         "\nunit: ticket\nsamples: samples.jsonl\nproviders: providers.yaml\n"
         "prices: prices.yaml\nprompt: {user: \"Ticket: {{text}}\"}\noutput: {schema: "
         "schema.json}\n"
         "success:\n  - field_equals: {field: category, expected: \"{{expected}}\"}\n"
         "human: " +
         human + "\nvolume_per_month: 1000\ntags: " + tags +
         "\ncandidates:\n"
         "  - {id: big, provider: sim, model: m-big, baseline: true}\n"
         "  - {id: small, provider: sim, model: m-small}\n";
}

}  // namespace

TEST_CASE("e2e: summary groups suites by feature and flags negative ROI") {
  using nlohmann::json;
  TempDir results;
  TempDir a, b;
  const std::string suite_a = SuiteYaml("tiny-a", "{team: support, feature: triage}",
                                        "{minutes_per_task: 2, hourly_rate: 50}");
  const std::string suite_b = SuiteYaml("tiny-b", "{team: billing, feature: refunds}",
                                        "{minutes_per_task: 0.001, hourly_rate: 1}");
  WriteSimSuite(a, {kSamples, kSchema, suite_a.c_str(), kProfile});
  WriteSimSuite(b, {kSamples, kSchema, suite_b.c_str(), kProfile});
  for (const TempDir* dir : {&a, &b}) {
    CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--quiet",
                             "--no-cache", "--results", results.path()},
                            dir->path());
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  CliOutcome summary = RunCli({"summary", results.path()}, results.path());
  INFO(summary.err);
  REQUIRE(summary.exit_code == 0);

  for (const char* suite : {"tiny-a", "tiny-b"}) {
    // The run's own report.json: the verdict's candidate, its cost per success and the human.
    std::string run_dir;
    for (const auto& e : std::filesystem::directory_iterator(results.path() + "/" + suite)) {
      run_dir = e.path().string();
    }
    const json report = json::parse(ReadFileText(run_dir + "/report.json"));
    const std::string chosen = report.at("verdict").at("candidate").get<std::string>();
    const json& c = ReportCandidate(report, chosen);
    const int64_t ai = c.at("roi").at("effective_cost_per_task_picousd").get<int64_t>();
    const int64_t human = report.at("human").at("cost_per_task_picousd").get<int64_t>();
    const std::string row_start =
        std::string(suite) == "tiny-a" ? "triage   tiny-a" : "refunds  tiny-b";
    const size_t row = summary.out.find(row_start);
    REQUIRE_MESSAGE(row != std::string::npos, summary.out);
    const std::string line = summary.out.substr(row, summary.out.find('\n', row) - row);
    INFO(line);
    CHECK(line.find(" " + FormatUsd(Money::FromPicos(ai)) + " ") != std::string::npos);
    CHECK(line.find(" " + FormatUsd(Money::FromPicos(human)) + " ") != std::string::npos);
    CHECK(line.find(" 1000 ") != std::string::npos);
    CHECK((line.find("NEGATIVE ROI") != std::string::npos) == (ai > human));
  }
  CHECK(summary.out.find("NEGATIVE ROI: refunds") != std::string::npos);
  CHECK(summary.out.find("NEGATIVE ROI: triage") == std::string::npos);

  CliOutcome html = RunCli({"summary", results.path(), "--format", "html"}, results.path());
  CHECK(html.exit_code == 0);
  CHECK(html.out.find("data-chart=\"summary-cost\"") != std::string::npos);
}

}  // namespace taskcost
