// End to end: a suite whose prompt is `messages:` (a few-shot example, then each ticket's thread
// inserted from the sample, then the ticket) through the real binary, the curl transport and
// the simulator on 127.0.0.1, on both wire formats; the report's figures worked by hand.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::messages_e2e_test {
namespace {
using nlohmann::json;

// Every ticket is 16 bytes. S1's thread ends with a user message, so on the Anthropic wire it
// merges with the ticket's message into one turn.
const char* kThreadSamples =
    R"({"id": "S1", "text": "my invoice wrong", "expected": "billing", "thread": [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "how can I help?"}, {"role": "user", "content": "see below"}]}
{"id": "S2", "text": "app crash at one", "expected": "technical", "thread": []}
{"id": "S3", "text": "bill me yearly!!", "expected": "billing", "thread": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yes?"}]}
{"id": "S4", "text": "error 503 today!", "expected": "technical", "thread": []}
)";

// 116 bytes as compact JSON.
const char* kThreadSchema =
    R"({"properties":{"category":{"enum":["billing","technical"],"type":"string"}},)"
    R"("required":["category"],"type":"object"})";

const char* kMessagesSuite = R"(suite: threads
unit: ticket
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  messages:
    - {role: system, content: "Classify the ticket."}
    - {role: user, content: "Ticket: card declined"}
    - {role: assistant, content: '{"category":"billing"}', cache_prefix_end: true}
    - {insert: thread}
    - {role: user, content: "Ticket: {{text}}"}
output: {schema: schema.json}
success:
  - field_equals: {field: category, expected: "{{expected}}"}
policy: {max_attempts: 2, timeout_s: 10, backoff_initial_ms: 0, backoff_max_ms: 0}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true, params: {max_tokens: 200}}
  - {id: small, provider: sim-anthropic, model: m-small, params: {max_tokens: 100}}
)";

// big counts its prompt (characters / 4), so its usage shows every message arrived.
const char* kThreadProfile = R"(seed: 5
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: chars_div_4, output_tokens: 10}
  m-small: {accuracy: 1, input_tokens: 1000, output_tokens: 100}
)";

}  // namespace

TEST_CASE("e2e: a messages suite with few-shot examples and inserted threads runs on both wires") {
  TempDir dir;
  WriteSimSuite(dir, {kThreadSamples, kThreadSchema, kMessagesSuite, kThreadProfile});
  CliOutcome valid = RunCli({"validate", "suite.yaml"}, dir.path());
  INFO(valid.err);
  CHECK(valid.exit_code == 0);
  const json report = RunSimulated(dir);

  // big (OpenAI wire): the simulator counts every message's characters and the schema's:
  //   fixed: "Classify the ticket." 20 + "Ticket: card declined" 21 + {"category":"billing"} 22
  //          + "Ticket: " and the ticket 24 + the schema 116 = 203
  //   S1: + "hello" 5 + "how can I help?" 15 + "see below" 9 = 232 -> 58 tokens
  //   S2: 203 -> ceil(50.75) = 51;  S3: + "hi" 2 + "yes?" 4 = 209 -> 53;  S4: 51
  // (the old form, system and user only, would be 20 + 24 + 116 = 160 -> 40 tokens a call).
  std::map<std::string, int64_t> input;
  for (const json& a : JournalLines(dir.path() + "/run/attempts.jsonl", "attempt")) {
    if (a.at("candidate") == "big") {
      input[a.at("sample").get<std::string>()] = a.at("usage").at("input_tokens").get<int64_t>();
    }
  }
  CHECK(input == std::map<std::string, int64_t>{{"S1", 58}, {"S2", 51}, {"S3", 53}, {"S4", 51}});
  // Cost: (58 + 51 + 53 + 51) = 213 in x $5/1M + 4 x 10 out x $15/1M
  //     = 1,065,000,000 + 600,000,000 = 1,665,000,000 pUSD; 4 successes: 416,250,000 each.
  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("successes") == 4);
  CHECK(big.at("attempts") == 4);
  CHECK(big.at("total_cost_picousd") == 1'665'000'000);
  CHECK(big.at("cost_per_successful_task_picousd") == 416'250'000);

  // small (Anthropic wire: system text blocks, S1's two user messages merged into one turn):
  // every request accepted and answered, 1,000 in x $0.80/1M + 100 out x $4/1M = $0.0012 a call.
  const json& small = ReportCandidate(report, "small");
  CHECK(small.at("successes") == 4);
  CHECK(small.at("attempts") == 4);
  CHECK(small.at("total_cost_picousd") == 4'800'000'000);

  // The report shows big's $/successful task ($0.00041625) and its mean input tokens per attempt,
  // 213 / 4 = 53.25, printed 53.3.
  CliOutcome shown = RunCli({"report", "run"}, dir.path());
  INFO(shown.err);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("big (baseline)  4/4 100.0%      1.00         0.00041625") !=
        std::string::npos);
  CHECK(shown.out.find(
            "big              4/4        0  0.001665  0.00041625     0.00044        53.3") !=
        std::string::npos);
}

TEST_CASE("e2e: validate locates a messages suite's errors and exits 2") {
  TempDir dir;
  auto swap = [](std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  // The prefix marker moved after the insert; S1's thread given a system message.
  std::string suite = swap(kMessagesSuite, ", cache_prefix_end: true", "");
  suite = swap(suite, "\"Ticket: {{text}}\"}", "\"Ticket: {{text}}\", cache_prefix_end: true}");
  const std::string samples = swap(kThreadSamples, R"("role": "user", "content": "see below")",
                                   R"("role": "system", "content": "see below")");
  WriteSimSuite(dir, {samples.c_str(), kThreadSchema, suite.c_str(), kThreadProfile});
  CliOutcome v = RunCli({"validate", "suite.yaml"}, dir.path());
  CHECK(v.exit_code == 2);
  CHECK(v.err.find("suite.yaml:12:67: prompt.messages[4].cache_prefix_end: the cacheable prefix "
                   "must be the same for every sample, but prompt.messages[3] inserts the sample "
                   "field \"thread\"") != std::string::npos);
  CHECK(v.err.find("samples.jsonl:1: prompt.messages[3].insert: sample \"S1\" field \"thread\": "
                   "item 2 role \"system\" is not \"user\" or \"assistant\"") != std::string::npos);
}

}  // namespace taskcost::messages_e2e_test
