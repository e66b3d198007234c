#include "bench/fixture.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace taskcost::bench {
namespace {
namespace fs = std::filesystem;

Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(path.string() + ": cannot write");
  return OkStatus();
}

std::string SamplesPath(const std::string& source_dir) {
  return (fs::path(source_dir) / "suites/support-triage/samples.jsonl").string();
}

// A realistic classification prompt: a system text of about 1 KB, the ticket as the user
// message, the answer constrained by the support-triage JSON Schema (native structured output).
constexpr const char* kPrompt = R"(prompt:
  system: |
    You triage customer support tickets for Tillbright, a point-of-sale and inventory app for
    small shops, cafes and restaurants that also sells card readers, printers and supplies.
    Read the ticket and choose exactly one category and one priority.
    Categories: billing (charges, invoices, plans, refunds of charges, fees, payouts), technical
    (the app, integrations, hardware troubleshooting, wrong calculations), account (sign-in,
    users, permissions, verification, settings), shipping (where an order is, delays, lost
    parcels, addresses, customs), returns (sending back, exchanging or replacing a product,
    damaged or wrong items), other (praise, feature requests, partnerships, spam).
    Priorities: urgent (cannot trade or take payments now, compromise in progress), high
    (important function broken, money or data at risk, hard deadline), normal (a real problem
    with a workaround), low (questions, feedback, cosmetic issues).
    Judge by what the ticket says, not by its tone. Give a one-sentence reason.
  user: "Ticket {{id}}:\n{{text}}"
)";

}  // namespace

Result<std::string> WriteProfile(const std::string& source_dir, const std::string& dir,
                                 const ProfileSpec& spec) {
  std::string text =
      "seed: 7\n"
      "answers:\n"
      "  samples: " + SamplesPath(source_dir) + "\n"
      "  key_field: text\n"
      "  fields: {category: expected_category, priority: expected_priority}\n"
      "models:\n"
      "  " + std::string(kModel) + ":\n"
      "    api: openai\n"
      "    latency_ms: {base: " + std::to_string(spec.latency_ms) + ", jitter: 0}\n"
      "    accuracy: 1\n"
      "    output_tokens: {base: 18, per_field_word: 1.3, words: [6, 14]}\n";
  if (spec.requests_per_minute > 0) {
    text += "    rate_limit: {requests_per_minute: " + std::to_string(spec.requests_per_minute) +
            "}\n";
  }
  const fs::path path = fs::path(dir) / "profile.yaml";
  Status wrote = WriteText(path, text);
  if (!wrote.ok()) return wrote.errors();
  return path.string();
}

Result<std::string> WriteSuite(const std::string& source_dir, const std::string& dir,
                               const SuiteSpec& spec) {
  std::string providers =
      "providers:\n"
      "  sim:\n"
      "    kind: openai\n"
      "    base_url: " + spec.base_url + "/v1\n"
      "    api_key_env: " + std::string(kKeyVariable) + "\n"
      "    timeout_s: 60\n"
      "    max_concurrency: " + std::to_string(spec.max_concurrency) + "\n";
  if (spec.requests_per_minute > 0) {
    providers += "    requests_per_minute: " + std::to_string(spec.requests_per_minute) + "\n";
  }
  const fs::path source(source_dir);
  std::string suite =
      "suite: bench\n"
      "unit: ticket classified\n"
      "samples: " + SamplesPath(source_dir) + "\n"
      "providers: providers.yaml\n"
      "prices: " + (source / "configs/prices.yaml").string() + "\n" + kPrompt +
      "output: {schema: " + (source / "suites/support-triage/schema.json").string() +
      ", name: ticket_triage, mode: native}\n"
      "success:\n"
      "  - field_equals: {field: category, expected: \"{{expected_category}}\"}\n"
      "  - field_equals: {field: priority, expected: \"{{expected_priority}}\"}\n"
      "policy: {max_attempts: 3, retry_on: [rate_limit, server, timeout, network, "
      "invalid_output], timeout_s: 60}\n"
      "candidates:\n"
      "  - {id: sim-mini, provider: sim, model: " + std::string(kModel) +
      ", baseline: true, params: {temperature: 0, max_tokens: 300}}\n";
  Status wrote = WriteText(fs::path(dir) / "providers.yaml", providers);
  if (!wrote.ok()) return wrote.errors();
  const fs::path path = fs::path(dir) / "suite.yaml";
  wrote = WriteText(path, suite);
  if (!wrote.ok()) return wrote.errors();
  return path.string();
}

Result<JournalCounts> CountJournal(const std::string& run_dir) {
  const fs::path path = fs::path(run_dir) / "attempts.jsonl";
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(path.string() + ": cannot read");
  JournalCounts counts;
  std::vector<int64_t> latencies;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"type\":\"attempt\"") == std::string::npos) continue;
    ++counts.attempts;
    if (line.find("\"success\":true") != std::string::npos) ++counts.successes;
    if (line.find("\"http_status\":429,") != std::string::npos) ++counts.status_429;
    if (line.find("\"http_status\":0,") != std::string::npos) ++counts.no_status;
    constexpr std::string_view kLatency = "\"latency_us\":";
    if (size_t at = line.find(kLatency); at != std::string::npos) {
      latencies.push_back(std::strtoll(line.c_str() + at + kLatency.size(), nullptr, 10));
    }
  }
  if (!latencies.empty()) {
    std::nth_element(latencies.begin(), latencies.begin() + latencies.size() / 2,
                     latencies.end());
    counts.median_latency_us = latencies[latencies.size() / 2];
  }
  return counts;
}

}  // namespace taskcost::bench
