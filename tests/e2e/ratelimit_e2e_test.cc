// End to end against a rate limit the simulator enforces for real: the real binary and curl
// transport, the simulator running in this process (so its Stats() count every 429). Two
// candidates of 100 tasks each, each model limited to 600 requests a minute enforced over 1 s
// windows (10 held, one more every 100 ms): one provider has the same cap in providers.yaml,
// the other has none and learns the limit from the reply headers (Anthropic's RFC 3339 resets).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/mock/simulator.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::ratelimit_e2e_test {
namespace {
using nlohmann::json;

constexpr int kSamples = 100;
// 100 requests under a 600/min limit held 10 at a time: 10 at once, then one per 100 ms, so the
// 100th cannot start before 9 s after the first.
constexpr int64_t kMinimumSpanMs = 9'000;

const std::string kSuite = TicketSuite("rate-limited", R"(
human: {minutes_per_task: 2, hourly_rate: 50}
volume_per_month: 1000
policy: {max_attempts: 3, timeout_s: 10}
candidates:
  - {id: paced, provider: capped, model: m-openai, baseline: true}
  - {id: learned, provider: uncapped, model: m-anthropic}
)");

const char* kPrices = R"(currency: USD
models:
  m-openai: {input: 1.00, output: 2.00, as_of: 2026-11-23, source: "https://example.invalid/a"}
  m-anthropic: {input: 1.00, output: 2.00, as_of: 2026-11-23, source: "https://example.invalid/b"}
)";

std::string Samples() {
  std::ostringstream out;
  for (int i = 1; i <= kSamples; ++i) {
    out << json{{"id", "S" + std::to_string(i)},
                {"text", "ticket number " + std::to_string(1000 + i)},
                {"expected", i % 2 == 0 ? "billing" : "technical"}}
               .dump()
        << "\n";
  }
  return out.str();
}

std::string Providers(int port) {
  const std::string host = "http://127.0.0.1:" + std::to_string(port);
  return "providers:\n"
         "  capped: {kind: openai, base_url: \"" + host + "/v1\", api_key_env: RL_KEY,\n"
         "           max_concurrency: 16, requests_per_minute: 600}\n"
         "  uncapped: {kind: anthropic, base_url: \"" + host + "\", api_key_env: RL_KEY,\n"
         "             max_concurrency: 16}\n";
}

const char* kProfile = R"(seed: 11
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-openai:
    api: openai
    latency_ms: {base: 40, jitter: 0.2}
    input_tokens: 300
    output_tokens: 20
    rate_limit: {requests_per_minute: 600}
  m-anthropic:
    api: anthropic
    latency_ms: {base: 40, jitter: 0.2}
    input_tokens: 300
    output_tokens: 20
    rate_limit: {requests_per_minute: 600}
)";

struct Journal {
  std::map<std::string, std::vector<int64_t>> starts;  // candidate -> started_unix_ms, sorted
  std::map<std::string, int> rate_limited;             // candidate -> 429 answers
};

Journal ReadJournal(const std::string& path) {
  Journal j;
  std::istringstream lines(ReadFileText(path));
  std::string line;
  while (std::getline(lines, line)) {
    json a = json::parse(line);
    if (a.at("type") != "attempt") continue;
    const std::string candidate = a.at("candidate").get<std::string>();
    j.starts[candidate].push_back(a.at("started_unix_ms").get<int64_t>());
    if (a.at("http_status") == 429) ++j.rate_limited[candidate];
  }
  for (auto& [candidate, starts] : j.starts) std::sort(starts.begin(), starts.end());
  return j;
}

}  // namespace

TEST_CASE("e2e: a rate-limited run keeps to the limit, with almost no 429s") {
  TempDir dir;
  dir.Write("samples.jsonl", Samples());
  auto profile = LoadSimulatorProfile(dir.Write("profile.yaml", kProfile));
  REQUIRE_MESSAGE(profile.ok(), FormatErrors(profile.errors()));
  auto sim = Simulator::Start(std::move(profile).value());
  REQUIRE(sim.ok());
  dir.Write("schema.json", kTicketSchema);
  dir.Write("suite.yaml", kSuite);
  dir.Write("prices.yaml", kPrices);
  dir.Write("providers.yaml", Providers((*sim)->port()));

  CliOutcome run = RunCli({"run", "suite.yaml", "--out", "run", "--quiet"}, dir.path(),
                          {{"RL_KEY", "sk-test"}});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  SimulatorStats stats = (*sim)->Stats();
  const json report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  for (const json& c : report.at("candidates")) CHECK(c.at("successes") == kSamples);

  // At most 2% of the requests were answered 429 (the aim is none).
  INFO("requests " << stats.requests << ", refused " << stats.rate_limited);
  CHECK(stats.rate_limited == stats.by_status[429]);
  CHECK(stats.rate_limited * 50 <= stats.requests);

  const Journal journal = ReadJournal(dir.path() + "/run/attempts.jsonl");
  for (const std::string candidate : {"paced", "learned"}) {
    CAPTURE(candidate);
    const std::vector<int64_t>& starts = journal.starts.at(candidate);
    REQUIRE(starts.size() >= kSamples);
    const int64_t span = starts.back() - starts.front();
    MESSAGE(candidate << ": " << starts.size() << " attempts over " << span << " ms");
    // Not faster than the limit allows (the simulator would have refused the difference).
    // How close to the minimum it comes depends on the machine's load: the rate benchmark
    // (bench/benchmarks.cc RateBenchmark, "wall / minimum <= 1.15x") measures that figure.
    CHECK(span >= kMinimumSpanMs - 100);
  }
}

}  // namespace taskcost::ratelimit_e2e_test
