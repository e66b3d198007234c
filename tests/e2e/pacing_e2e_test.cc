// End to end: how a run paces itself against its budget and the waits providers ask for, through
// the real binary, the curl transport and the simulator on 127.0.0.1 (issue 11 items 4 and 5,
// issue 12 item 6).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::pacing_e2e_test {
namespace {
using nlohmann::json;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Ten 16-byte tickets; with the system prompt (20 bytes), "Ticket: " (8) and the schema (116),
// every call sends 160 bytes, which the plan counts as 160 / 3 + 32 = 85 input tokens at worst.
std::string TenSamples() {
  std::string out;
  for (int i = 0; i < 10; ++i) {
    const std::string text = "ticket number " + std::to_string(10 + i);  // 16 bytes
    out +=
        json{{"id", "S" + std::to_string(i + 1)}, {"text", text}, {"expected", "billing"}}.dump() +
        "\n";
  }
  return out;
}

const char* kSchema =
    R"({"properties":{"category":{"enum":["billing","technical"],"type":"string"}},)"
    R"("required":["category"],"type":"object"})";

std::vector<json> JournalLines(const std::string& path) {
  std::istringstream in(ReadFileText(path));
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line);
    if (j.value("type", "") == "attempt") lines.push_back(std::move(j));
  }
  return lines;
}

}  // namespace

TEST_CASE("e2e pacing: a partial run spends the budget until no candidate's next call fits") {
  // Reservations (worst case, docs/plan.md): (floor(B / 3) + 32) input tokens + max_tokens,
  // B = the request body less its envelope. Every text is 16 bytes, so for S1:
  //   big (OpenAI): the 375-byte body less its 87-byte envelope
  //     {"model":"m-big","messages":[{"role":"user","content":""}],"max_completion_tokens":200}
  //     is B = 288 (the system message 51, "Ticket: ticket number 10" 24, the response_format
  //     213): 96 + 32 = 128 tokens; 128 x $5/1M + 200 x $15/1M = $0.00364.
  //   small (Anthropic): the 479-byte body less its 78-byte envelope
  //     {"model":"m-small","max_tokens":100,"messages":[{"role":"user","content":""}]}
  //     is B = 401 (,"system":... 32, the user text 24, the tool and tool_choice 345):
  //     133 + 32 = 165 tokens; 165 x $0.80/1M + 100 x $4/1M = $0.000532.
  // Actual calls (the profile's fixed usage): big 80 x $5 + 200 x $15 = $0.0034,
  //                                           small 80 x $0.80 + 100 x $4 = $0.000464.
  // Cap $0.02, one call at a time, the two candidates alternating:
  //   5 pairs: 5 x $0.003864 = $0.01932 (big5 went at $0.015456 + $0.00364 = $0.019096)
  //   big6: $0.01932 + $0.00364 = $0.02296 > $0.02: big stops, $0.00068 left
  //   small6: $0.01932 + $0.000532 = $0.019852, fits -> spent $0.019784
  //   small7: $0.019784 + $0.000532 = $0.020316 > $0.02: small stops, $0.000216 left
  // Spent $0.019784, 98.9% of the cap; big ran 5 of 10 tasks, small 6 of 10.
  TempDir dir;
  const std::string suite = TicketSuite("paced", R"(
policy: {max_attempts: 3, timeout_s: 10, backoff_initial_ms: 0, backoff_max_ms: 0}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true, params: {max_tokens: 200}}
  - {id: small, provider: sim-anthropic, model: m-small, params: {max_tokens: 100}}
)");
  WriteSimSuite(dir, {TenSamples().c_str(), kSchema, suite.c_str(), R"(seed: 3
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 80, output_tokens: 200, latency_ms: 5}
  m-small: {accuracy: 1, input_tokens: 80, output_tokens: 100, latency_ms: 5}
)"});
  CliOutcome run =
      RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run", "--quiet",
              "--no-cache", "--concurrency", "1", "--budget", "0.02", "--allow-partial"},
             dir.path());
  INFO(run.err);
  CHECK(run.exit_code == 3);
  CHECK(Contains(run.err,
                 "taskcost: warning: budget: big stopped; its next call could cost up to "
                 "$0.00364, more than the $0.00068 left\n"
                 "taskcost: warning: budget: small stopped; its next call could cost up to "
                 "$0.000532, more than the $0.000216 left\n"
                 "taskcost: warning: budget reached: spent $0.019784 of $0.02 (98.9%); 9 tasks "
                 "have no outcome (listed as unfinished or not run in the report; taskcost run "
                 "--resume run continues them)\n"));
  const json report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  CHECK(report.at("spent_picousd") == 19'784'000'000);
  CHECK(ReportCandidate(report, "big").at("tasks_run") == 5);
  CHECK(ReportCandidate(report, "small").at("tasks_run") == 6);
  CHECK(ReportCandidate(report, "big").at("tasks_not_run") == 5);
  CHECK(ReportCandidate(report, "small").at("tasks_not_run") == 4);
}

TEST_CASE("e2e pacing: Retry-After: 999999 is refused at max_wait_s, named, and not retried") {
  // Every first attempt is a 429 with Retry-After: 999999 (11.6 days); max_wait_s is 2.
  TempDir dir;
  const std::string suite = TicketSuite("refused", R"(
policy: {max_attempts: 3, timeout_s: 10, max_wait_s: 2}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
)");
  WriteSimSuite(dir, {kTicketSamples, kTicketSchema, suite.c_str(), R"(seed: 3
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big:
    accuracy: 1
    latency_ms: 5
    faults: {rate_limit: 1, retry_after_s: 999999}
)"});
  CliOutcome run =
      RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run", "--no-cache"},
             dir.path());
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const std::vector<json> journal = JournalLines(dir.path() + "/run/attempts.jsonl");
  CHECK(journal.size() == 4);  // one attempt per task: none retried
  for (const json& a : journal) {
    CAPTURE(a.dump());
    CHECK(a.at("error") == "rate_limit");
    CHECK(a.at("attempt") == 1);
    CHECK(a.at("retry_after_ms") == 999'999'000);
    CHECK(Contains(a.at("error_message").get<std::string>(),
                   "; Retry-After: 999999 asks for a wait of 277.8 h, longer than the policy's "
                   "max_wait_s of 2.0 s; not retried"));
  }
  // The first reply paused the lane for the 2 s the policy allows, and the wait was named.
  CHECK(Contains(run.err, "taskcost: waiting 2.0 s: sim rate limit (Retry-After)\n"));
}

TEST_CASE(
    "e2e pacing: a cached re-run of the demo waits no longer than the journal's Retry-After") {
  // The demo twice with one response cache: the second run is answered from it but for the
  // simulator's injected faults (never cached), whose 429s ask to wait 1 s. Every wait over a
  // second is named on stderr ("waiting 1.4 s: ..."); none may be longer than the longest
  // Retry-After the journal records. Before the fix, 3 of 6 such re-runs waited 35-107 s.
  TempDir out;
  const std::string root = TASKCOST_SOURCE_DIR;
  const std::vector<std::string> common = {"run", "suites/support-triage/suite.yaml", "--simulate",
                                           "--cache-dir", out.path() + "/cache"};
  std::vector<std::string> first = common;
  first.insert(first.end(), {"--quiet", "--out", out.path() + "/first"});
  CliOutcome paid = RunCli(first, root);
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);

  std::vector<std::string> second = common;
  second.insert(second.end(), {"--out", out.path() + "/second"});
  CliOutcome replay = RunCli(second, root);
  INFO(replay.err);
  REQUIRE(replay.exit_code == 0);
  const std::vector<json> journal = JournalLines(out.path() + "/second/attempts.jsonl");
  int64_t cached = 0;
  int64_t longest_retry_after_ms = 0;
  for (const json& a : journal) {
    cached += a.value("cached", false) ? 1 : 0;
    if (a.at("retry_after_ms").is_number()) {
      longest_retry_after_ms =
          std::max(longest_retry_after_ms, a.at("retry_after_ms").get<int64_t>());
    }
  }
  CHECK(cached * 100 >= static_cast<int64_t>(journal.size()) * 90);  // 424 of 436 today
  CHECK(longest_retry_after_ms == 1000);
  const std::regex named(R"(taskcost: waiting ([0-9]+\.[0-9]) s: )");
  for (std::sregex_iterator it(replay.err.begin(), replay.err.end(), named), end; it != end; ++it) {
    CAPTURE((*it)[0].str());
    CHECK(std::stod((*it)[1].str()) * 1000 <= static_cast<double>(longest_retry_after_ms));
  }
}

}  // namespace taskcost::pacing_e2e_test
