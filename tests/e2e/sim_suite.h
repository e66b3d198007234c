// Pieces shared by the end-to-end suites that run with --simulate: provider and price catalogs
// (both wire formats, two priced models), writing a suite directory with them, and finding a
// candidate in report.json. Header-only test helpers; not synchronised.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

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

/// The entry of candidate `id` in a report.json; fails the test when there is none.
inline const nlohmann::json& ReportCandidate(const nlohmann::json& report, const std::string& id) {
  for (const nlohmann::json& c : report.at("candidates")) {
    if (c.at("id") == id) return c;
  }
  FAIL("no candidate " << id);
  static const nlohmann::json none;
  return none;
}

}  // namespace taskcost
