// The cost-per-task dashboard end to end: two tagged suites run into one results directory;
// `summary` groups them by feature, prints the chosen candidate's AI cost per task, the human's,
// the ROI and the monthly saving as worked out by hand, and flags the feature whose human
// alternative is cheaper.
#include <doctest/doctest.h>

#include <filesystem>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::summary_e2e_test {
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

  // Both suites choose big (the baseline: 3 samples are too few to switch). Every call is
  // right: 1,000 x $5/1M + 200 x $15/1M = $0.008 a task, 3 of 3 succeed, no review: AI $0.008.
  // tiny-a: 2 minutes at $50/h = $1.666666666667 (1.6667); ROI 1.666666666667 / 0.008 = 208.3x;
  //   a month of 1,000 tasks saves 1,000 x (1.666666666667 - 0.008) = $1,658.67.
  // tiny-b: 0.001 minutes at $1/h = $0.000016666667 (0.000016667); ROI 0.00208 = 0.00x; the
  //   month costs 1,000 x (0.000016666667 - 0.008) = -$7.9833 more: NEGATIVE ROI.
  const std::vector<std::vector<std::string>> want = {
      {"feature", "suite", "team", "candidate", "tasks/month", "AI", "$/task", "human", "$/task",
       "ROI", "monthly", "saving", "$"},
      {"refunds", "tiny-b", "billing", "big", "1000", "0.008", "0.000016667", "0.00x", "-7.9833",
       "NEGATIVE", "ROI"},
      {"triage", "tiny-a", "support", "big", "1000", "0.008", "1.6667", "208.3x", "1658.67"},
  };
  std::vector<std::vector<std::string>> table;
  std::istringstream lines(summary.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("feature") && !line.starts_with("refunds ") &&
        !line.starts_with("triage ")) {
      continue;
    }
    std::istringstream words(line);
    table.emplace_back(std::istream_iterator<std::string>(words),
                       std::istream_iterator<std::string>());
  }
  CHECK(table == want);
  CHECK(summary.out.find("NEGATIVE ROI: refunds") != std::string::npos);
  CHECK(summary.out.find("NEGATIVE ROI: triage") == std::string::npos);

  CliOutcome html = RunCli({"summary", results.path(), "--format", "html"}, results.path());
  CHECK(html.exit_code == 0);
  CHECK(html.out.find("data-chart=\"summary-cost\"") != std::string::npos);
}

}  // namespace taskcost::summary_e2e_test
