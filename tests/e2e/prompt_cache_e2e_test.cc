// End to end: a messages suite asking for prompt caching (`prompt.cache:`,
// docs/prompt-caching.md) through the real binary, the curl transport and the simulator on
// 127.0.0.1 playing each provider's cache (docs/simulator.md, "Prompt caching"), on both wire
// formats: the journaled cache reads and writes and the cost to the picodollar, worked by hand.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::prompt_cache_e2e_test {
namespace {
using nlohmann::json;

// Every ticket is 16 bytes, so every request of a candidate has the same length.
const char* kCacheSamples =
    R"({"id": "S1", "text": "my invoice wrong", "expected": "billing"}
{"id": "S2", "text": "app crash at one", "expected": "technical"}
{"id": "S3", "text": "bill me yearly!!", "expected": "billing"}
{"id": "S4", "text": "error 503 today!", "expected": "technical"}
)";

// 116 bytes as compact JSON.
const char* kCacheSchema =
    R"({"properties":{"category":{"enum":["billing","technical"],"type":"string"}},)"
    R"("required":["category"],"type":"object"})";

// The system message, 4,400 fixed characters, ends the cacheable prefix.
std::string CacheSuite(const std::string& ttl = "5m") {
  return R"(suite: cached
unit: ticket
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  messages:
    - {role: system, content: ")" +
         std::string(4400, 'a') + R"(", cache_prefix_end: true}
    - {role: user, content: "Ticket: {{text}}"}
  cache: {ttl: )" +
         ttl + R"(}
output: {schema: schema.json}
success:
  - field_equals: {field: category, expected: "{{expected}}"}
policy: {max_attempts: 1, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true, params: {max_tokens: 200}}
  - {id: small, provider: sim-anthropic, model: m-small, params: {max_tokens: 100}}
)";
}

// Both models count characters / 4 and cache prefixes of 1,024 tokens or more. Their replies
// begin after 1.2 s, when what a request wrote can first be read: the runner's warm-up (the
// first request alone, the others after its reply) is what makes the other three read it. (The
// scheduler's probe of an uncapped provider holds the others back for at most 1 s, too short.)
const char* kCacheProfile = R"(seed: 5
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: chars_div_4, output_tokens: 10, cache_min_tokens: 1024, latency_ms: {base: 1200}}
  m-small: {accuracy: 1, input_tokens: chars_div_4, output_tokens: 10, cache_min_tokens: 1024, latency_ms: {base: 1200}}
)";

// Per million tokens: m-big $5 in, $0.50 cached, $15 out; m-small $0.80 in, $0.08 cached,
// $1.00 cache write ($1.60 kept one hour), $4 out.
const char* kCachePrices = R"(currency: USD
models:
  m-big: {input: 5.00, cached_input: 0.50, output: 15.00, as_of: 2026-11-23, source: "https://example.invalid/big"}
  m-small: {input: 0.80, cached_input: 0.08, cache_write: 1.00, cache_write_1h: 1.60, output: 4.00, as_of: 2026-11-23, source: "https://example.invalid/small"}
)";

struct Tokens {
  int64_t input = 0, cached = 0, written = 0, hour = 0;
  bool operator==(const Tokens&) const = default;
};

std::vector<Tokens> UsageOf(const TempDir& dir, const std::string& candidate) {
  std::vector<Tokens> out;
  for (const json& a : JournalLines(dir.path() + "/run/attempts.jsonl", "attempt")) {
    if (a.at("candidate") != candidate) continue;
    const json& u = a.at("usage");
    out.push_back({u.value("input_tokens", int64_t{0}), u.value("cached_input_tokens", int64_t{0}),
                   u.value("cache_write_tokens", int64_t{0}),
                   u.value("cache_write_1h_tokens", int64_t{0})});
  }
  return out;
}

}  // namespace

TEST_CASE("e2e: prompt caching is asked on both wires and the cache's reads and writes priced") {
  TempDir dir;
  const std::string suite = CacheSuite();
  WriteSimSuite(dir, {kCacheSamples, kCacheSchema, suite.c_str(), kCacheProfile});
  dir.Write("prices.yaml", kCachePrices);
  const json report = RunSimulated(dir);

  // big (OpenAI wire, automatic caching): the system message 4,400 + "Ticket: " and the ticket
  // 24 + the schema 116 = 4,540 characters -> 1,135 prompt tokens. The system message alone,
  // 4,400 / 4 = 1,100 tokens, is the prefix every later request shares, read in 128-token
  // steps: 8 x 128 = 1,024. The first request reads nothing; the other three 1,024 each, so
  // 1,135 - 1,024 = 111 uncached.
  const std::vector<Tokens> big = UsageOf(dir, "big");
  REQUIRE(big.size() == 4);
  int64_t big_cached = 0, big_input = 0;
  for (const Tokens& t : big) big_cached += t.cached, big_input += t.input;
  CHECK(big_cached == 3 * 1024);
  CHECK(big_input == 1135 + 3 * 111);
  // 1,468 x $5 + 3,072 x $0.50 + 40 out x $15 per million, in picodollars:
  // 7,340,000,000 + 1,536,000,000 + 600,000,000 = 9,476,000,000.
  const json& big_row = ReportCandidate(report, "big");
  CHECK(big_row.at("successes") == 4);
  CHECK(big_row.at("total_cost_picousd") == 9'476'000'000);

  // small (Anthropic wire, cache_control on the system block): the prefix is the forced answer
  // tool (name "answer" 6 + its description 122 + the schema 116 = 244) and the system text
  // 4,400 = 4,644 characters -> 1,161 tokens; with the ticket's 24 the request is 4,668 -> 1,167.
  // The first request writes the prefix, the other three read it; 6 tokens each are neither.
  const std::vector<Tokens> small = UsageOf(dir, "small");
  REQUIRE(small.size() == 4);
  int64_t writes = 0, reads = 0, plain = 0;
  for (const Tokens& t : small) writes += t.written, reads += t.cached, plain += t.input;
  CHECK(writes == 1161);
  CHECK(reads == 3 * 1161);
  CHECK(plain == 4 * 6);
  // 24 x $0.80 + 1,161 x $1.00 + 3,483 x $0.08 + 40 out x $4 per million, in picodollars:
  // 19,200,000 + 1,161,000,000 + 278,640,000 + 160,000,000 = 1,618,840,000.
  const json& small_row = ReportCandidate(report, "small");
  CHECK(small_row.at("successes") == 4);
  CHECK(small_row.at("total_cost_picousd") == 1'618'840'000);
}

TEST_CASE("e2e: with ttl 1h the Anthropic write is journaled as a one-hour one and priced so") {
  TempDir dir;
  const std::string suite = CacheSuite("1h");
  WriteSimSuite(dir, {kCacheSamples, kCacheSchema, suite.c_str(), kCacheProfile});
  dir.Write("prices.yaml", kCachePrices);
  const json report = RunSimulated(dir);
  // As above, but the simulator reports the 1,161 written tokens as ephemeral_1h_input_tokens.
  int64_t writes = 0, hour = 0;
  for (const Tokens& t : UsageOf(dir, "small")) writes += t.written, hour += t.hour;
  CHECK(writes == 1161);
  CHECK(hour == 1161);
  // 19,200,000 + 1,161 x 1,600,000 + 278,640,000 + 160,000,000
  // = 19,200,000 + 1,857,600,000 + 278,640,000 + 160,000,000 = 2,315,440,000.
  CHECK(ReportCandidate(report, "small").at("total_cost_picousd") == 2'315'440'000);
  // OpenAI's request is the same whatever the TTL: the same figures as with 5m.
  CHECK(ReportCandidate(report, "big").at("total_cost_picousd") == 9'476'000'000);
}

TEST_CASE("e2e: validate refuses cache: with messages but no end of the prefix") {
  TempDir dir;
  std::string suite = CacheSuite();
  suite.replace(suite.find(", cache_prefix_end: true"), 24, "");
  WriteSimSuite(dir, {kCacheSamples, kCacheSchema, suite.c_str(), kCacheProfile});
  CliOutcome v = RunCli({"validate", "suite.yaml"}, dir.path());
  CHECK(v.exit_code == 2);
  CHECK(v.err.find("suite.yaml:10:10: prompt.cache: caching needs the end of the stable prefix: "
                   "mark the last fixed message with cache_prefix_end: true") != std::string::npos);
}

}  // namespace taskcost::prompt_cache_e2e_test
