// The example command scorers of scorers/examples/ (POSIX sh and awk) in a real simulated run,
// as a suite uses them: field_matches.sh decides success, length_score.sh and
// ordinal_distance.sh give quality scores. Asserts the checks the journal keeps for every
// ticket and the report's averages, worked by hand below.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::example_scorers_e2e_test {
namespace {
using nlohmann::json;

// The simulator answers `category` with the sample's `expected` and `priority` with its
// `sim_priority` (accuracy 1: always), and writes exactly 5 words into `reason`. The scorers
// compare `category` with `label` (case and outer spaces ignored) and `priority` with
// `expected_priority`. S5's category carries a quote, a backslash and a non-ASCII letter
// through the scorer's JSON in and out; S6's label (an x and 200 two-byte letters) is too long
// for a reason (ExampleSamples).
const char* kExampleSamples =
    R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing", "label": "Billing", "sim_priority": "high", "expected_priority": "urgent"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical", "label": " technical ", "sim_priority": "normal", "expected_priority": "normal"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing", "label": "technical", "sim_priority": "low", "expected_priority": "urgent"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical", "label": "TECHNICAL", "sim_priority": "urgent", "expected_priority": "normal"}
{"id": "S5", "text": "where is the office", "expected": "Z\u00fcrich \"desk\" \\ 50%", "label": "z\u00fcrich \"DESK\" \\ 50%", "sim_priority": "low", "expected_priority": "low"}
)";

// S6's label: "x" then 200 times "\u00e9" (e acute, 2 bytes in UTF-8).
std::string ExampleSamples() {
  std::string label = "x";
  for (int i = 0; i < 200; ++i) label += "\\u00e9";
  return std::string(kExampleSamples) +
         R"({"id": "S6", "text": "a very long label", "expected": "billing", "label": ")" + label +
         R"(", "sim_priority": "low", "expected_priority": "low"})" + "\n";
}

const char* kExampleSchema = R"({"type": "object", "properties": {
  "category": {"type": "string"},
  "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
  "reason": {"type": "string"}},
  "required": ["category", "priority", "reason"], "additionalProperties": false})";

const char* kExampleProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected, priority: sim_priority}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: {base: 20, per_field_word: 1, words: 5}}
)";

// EXAMPLES stands for the source tree's scorers/examples (ExampleSuite).
const char* kExampleSuite = R"(suite: examples
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  user: "Ticket: {{text}}"
output: {schema: schema.json}
success:
  - command: ["sh", "EXAMPLES/field_matches.sh", "category", "label"]
quality:
  - command: ["sh", "EXAMPLES/length_score.sh", "4", "reason"]
  - command: ["sh", "EXAMPLES/ordinal_distance.sh", "priority", "expected_priority",
              "low", "normal", "high", "urgent"]
policy: {max_attempts: 1, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big}
)";

std::string ExampleSuite() {
  std::string suite = kExampleSuite;
  const std::string dir = std::string(TASKCOST_SOURCE_DIR) + "/scorers/examples";
  for (size_t at; (at = suite.find("EXAMPLES")) != std::string::npos;) {
    suite.replace(at, std::string("EXAMPLES").size(), dir);
  }
  return suite;
}

struct ExampleChecks {
  const char* sample;
  bool success;
  const char* match_reason;
  double ordinal_score;
  const char* ordinal_reason;
};

}  // namespace

TEST_CASE("e2e: the example command scorers judge a simulated run") {
  TempDir dir;
  const std::string suite = ExampleSuite();
  const std::string samples = ExampleSamples();
  WriteSimSuite(dir, {samples.c_str(), kExampleSchema, suite.c_str(), kExampleProfile});
  const json report = RunSimulated(dir);

  // length_score.sh 4: 5 words is 1 over 4, score 1 - 1/4 = 0.75, not passed, on every ticket.
  // ordinal_distance.sh over 4 levels: score 1 - distance / 3.
  const ExampleChecks expected[] = {
      {"S1", true, "category: got billing, expected Billing", 0.667,  // high vs urgent: 1 - 1/3
       "priority: got high, expected urgent, 1 level(s) apart"},
      {"S2", true, "category: got technical, expected  technical ", 1.0,
       "priority: got normal, expected normal, 0 level(s) apart"},
      {"S3", false, "category: got billing, expected technical", 0.0,  // low vs urgent: 1 - 3/3
       "priority: got low, expected urgent, 3 level(s) apart"},
      {"S4", true, "category: got technical, expected TECHNICAL", 0.333,  // 1 - 2/3
       "priority: got urgent, expected normal, 2 level(s) apart"},
      {"S5", true,
       "category: got Z\u00fcrich \"desk\" \\ 50%, expected z\u00fcrich \"DESK\" \\ 50%", 1.0,
       "priority: got low, expected low, 0 level(s) apart"},
      // The reason is cut at 300 bytes: "category: got billing, expected x" is 33, leaving 267,
      // room for 133 letters (266 bytes) and half of one, which is left out: 299 bytes + "...".
      {"S6", false, nullptr, 1.0, "priority: got low, expected low, 0 level(s) apart"},
  };
  std::string s6_reason = "category: got billing, expected x";
  for (int i = 0; i < 133; ++i) s6_reason += "\u00e9";
  s6_reason += "...";
  const auto tasks = TasksOf(JournalAttempts(dir.path() + "/run/attempts.jsonl"), "big");
  REQUIRE(tasks.size() == 6);
  for (const ExampleChecks& want : expected) {
    CAPTURE(want.sample);
    REQUIRE(tasks.at(want.sample).size() == 1);
    const json& attempt = tasks.at(want.sample).front();
    CHECK(attempt.at("success") == want.success);
    CHECK(attempt.at("error") == (want.success ? json(nullptr) : json("incorrect")));
    const json& checks = attempt.at("checks");
    REQUIRE(checks.size() == 3);
    CHECK(checks[0].at("name") == "command(field_matches.sh)");
    CHECK(checks[0].at("pass") == want.success);
    CHECK(checks[0].at("score") == (want.success ? 1.0 : 0.0));
    CHECK(checks[0].at("reason") == (want.match_reason ? want.match_reason : s6_reason));
    CHECK(checks[1].at("name") == "command(length_score.sh)");
    CHECK(checks[1].at("pass") == false);
    CHECK(checks[1].at("score") == 0.75);
    CHECK(checks[1].at("reason") == "reason: 5 words, at most 4");
    CHECK(checks[2].at("name") == "command(ordinal_distance.sh)");
    CHECK(checks[2].at("pass") == (want.ordinal_score == 1.0));
    CHECK(checks[2].at("score") == want.ordinal_score);
    CHECK(checks[2].at("reason") == want.ordinal_reason);
  }

  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("successes") == 4);
  CHECK(big.at("failures_by_task").at("incorrect") == 2);
  CHECK(big.at("unjudged_tasks") == 0);
  // Each task's mean quality score, (0.75 + ordinal) / 2: S1 0.7085, S2 0.875, S3 0.375,
  // S4 0.5415, S5 0.875, S6 0.875; their mean 4.25 / 6 = 0.708333.
  CHECK(big.at("quality_score").get<double>() == doctest::Approx(4.25 / 6));
}

}  // namespace taskcost::example_scorers_e2e_test
