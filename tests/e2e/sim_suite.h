// Pieces shared by the end-to-end suites that run with --simulate: provider and price catalogs
// (both wire formats, two priced models), writing a suite directory with them, finding a
// candidate in report.json and reading the journal. Header-only test helpers; not synchronised.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_process.h"

namespace taskcost {

// Placeholder base URLs: --simulate points both providers at the simulator.
inline constexpr const char* kSimProviders = R"(providers:
  sim: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: SIM_OPENAI_KEY}
  sim-anthropic: {kind: anthropic, base_url: "http://127.0.0.1:9", api_key_env: SIM_ANTHROPIC_KEY}
)";

// m-big: $5 / $15 and m-small: $0.80 / $4.00 per million tokens (input / output).
inline constexpr const char* kSimPrices = R"(currency: USD
models:
  m-big: {input: 5.00, output: 15.00, as_of: 2026-11-23, source: "https://example.invalid/big"}
  m-small: {input: 0.80, output: 4.00, as_of: 2026-11-23, source: "https://example.invalid/small"}
)";

// The real OpenAI endpoint and the gpt-4.1 price, for suites that are only validated (nothing is
// sent): tests of broken and hostile input files.
inline constexpr const char* kOpenAiProviders = R"(providers:
  openai: {kind: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_API_KEY}
)";
inline constexpr const char* kGpt41Prices = R"(currency: USD
models:
  gpt-4.1: {input: 2.00, output: 8.00, as_of: 2026-11-23, source: "https://example.invalid"}
)";

// Four tickets whose right category is in `expected`, and the answer schema for them.
inline constexpr const char* kTicketSamples =
    R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical"}
)";
inline constexpr const char* kTicketSchema = R"({"type": "object",
  "properties": {"category": {"type": "string", "enum": ["billing", "technical"]}},
  "required": ["category"], "additionalProperties": false})";

// kTicketSamples with the simulator's answer in `said` (kOneWrongProfile answers from it): S3's
// is wrong (class incorrect, which ends its task without a retry), the others right. With
// candidates big (m-big) and small (m-small) each task is one call, in picodollars:
//   big:   1,000 x 5,000,000 + 200 x 15,000,000 = 8,000,000,000   ($0.008)
//   small: 1,000 x   800,000 + 100 x  4,000,000 = 1,200,000,000   ($0.0012)
inline constexpr const char* kOneWrongSamples =
    R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing", "said": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical", "said": "technical"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing", "said": "technical"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical", "said": "technical"}
)";
inline constexpr const char* kOneWrongProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: said}}
models:
  m-big: {input_tokens: 1000, output_tokens: 200}
  m-small: {input_tokens: 1000, output_tokens: 100}
)";
/// The candidates of kOneWrongSamples' figures, after a policy of 3 attempts.
inline constexpr const char* kBigAndSmall = R"(policy: {max_attempts: 3}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim, model: m-small}
)";

/// A suite.yaml named `name` that classifies each sample's `text` into kTicketSchema
/// (schema.json) and succeeds when the category is the sample's `expected`, with samples.jsonl,
/// providers.yaml and prices.yaml beside it; `policy_and_candidates` is appended as written.
inline std::string TicketSuite(const std::string& name, const std::string& policy_and_candidates,
                               const std::string& system = "Classify the ticket.") {
  return "suite: " + name + R"(
unit: ticket
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  system: ")" + system + R"("
  user: "Ticket: {{text}}"
output: {schema: schema.json}
success:
  - field_equals: {field: category, expected: "{{expected}}"}
)" + policy_and_candidates;
}

/// The files of a suite that names providers.yaml and prices.yaml next to it.
struct SimSuiteFiles {
  const char* samples;  // samples.jsonl
  const char* schema;   // schema.json
  const char* suite;    // suite.yaml
  const char* profile;  // profile.yaml, the simulator profile
};

/// Writes `files` and the two catalogs into `dir`.
inline void WriteSimSuite(const TempDir& dir, const SimSuiteFiles& files) {
  dir.Write("samples.jsonl", files.samples);
  dir.Write("schema.json", files.schema);
  dir.Write("suite.yaml", files.suite);
  dir.Write("providers.yaml", kSimProviders);
  dir.Write("prices.yaml", kSimPrices);
  dir.Write("profile.yaml", files.profile);
}

/// Runs `taskcost run suite.yaml --simulate profile.yaml --out run --quiet --no-cache` in `dir`
/// (written by WriteSimSuite) and returns run/report.json; fails the test unless it exits 0.
inline nlohmann::json RunSimulated(const TempDir& dir) {
  CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run",
                           "--quiet", "--no-cache"},
                          dir.path());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return nlohmann::json::parse(ReadFileText(dir.path() + "/run/report.json"));
}

/// The entry of candidate `id` in a report.json; fails the test when there is none.
inline const nlohmann::json& ReportCandidate(const nlohmann::json& report, const std::string& id) {
  for (const nlohmann::json& c : report.at("candidates")) {
    if (c.at("id") == id) return c;
  }
  FAIL("no candidate " << id);
  static const nlohmann::json none;
  return none;
}

/// The lines of the journal at `path` whose type is `type` (header left out). A final line
/// without its newline (a write a kill cut short) is left out too.
inline std::vector<nlohmann::json> JournalLines(const std::string& path, const char* type) {
  std::istringstream in(ReadFileText(path));
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // no newline after it
    nlohmann::json record = nlohmann::json::parse(line);
    if (record.at("type") == type) lines.push_back(std::move(record));
  }
  return lines;
}

/// The attempt and judge lines of the journal at `path`, as JournalLines reads them: every line
/// but the header and the `sent` lines (a call about to go out).
inline std::vector<nlohmann::json> JournalAttempts(const std::string& path) {
  std::istringstream in(ReadFileText(path));
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // no newline after it
    nlohmann::json record = nlohmann::json::parse(line);
    if (record.at("type") != "header" && record.at("type") != "sent") {
      lines.push_back(std::move(record));
    }
  }
  return lines;
}

/// The attempt lines of each task of `candidate` (repeat 0), by sample, in attempt order.
inline std::map<std::string, std::vector<nlohmann::json>> TasksOf(
    const std::vector<nlohmann::json>& journal, const std::string& candidate) {
  std::map<std::string, std::vector<nlohmann::json>> tasks;
  for (const nlohmann::json& line : journal) {
    if (line.at("candidate") != candidate) continue;
    tasks[line.at("sample").get<std::string>()].push_back(line);
  }
  for (auto& [sample, attempts] : tasks) {
    std::sort(attempts.begin(), attempts.end(), [](const auto& a, const auto& b) {
      return a.at("attempt").template get<int>() < b.at("attempt").template get<int>();
    });
  }
  return tasks;
}

}  // namespace taskcost
