// End to end: every fault the simulator injects, survived by the real taskcost binary over the
// real curl transport. One run, one candidate (one simulated model) per fault, each fault on
// known attempts (`fault_attempts`). For each: the run completes, the fault is classified in
// the journal and in the report's failures by class, it is retried as the policy says, and the
// report's totals equal the figures worked out by hand below. The simulator runs in this test's
// process, so what it received can be held against what the journal recorded.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/core/model/attempt.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/live_simulator.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::faults_e2e_test {
namespace {
using nlohmann::json;

// Four tickets. The simulator answers `said`, the suite expects `expected`: S4 is answered
// wrong by every model (class `incorrect`, which ends a task without a retry), so a candidate
// whose faults are all survived has 3 successes out of 4 tasks.
const char* kSamples =
    R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing", "said": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical", "said": "technical"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing", "said": "billing"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical", "said": "billing"}
)";

// Every candidate is priced at the catalog key `flat`: $2.00 input, $8.00 output per 1M tokens,
// i.e. 2,000,000 and 8,000,000 picodollars a token.
const char* kPrices = R"(currency: USD
models:
  flat: {input: 2.00, output: 8.00, as_of: 2026-11-23, source: "https://example.invalid/flat"}
)";

// Up to 3 attempts; truncated answers are retried too. Timeouts are 1 s, and a retry waits the
// backoff (100 ms with equal jitter: 50 to 100 ms) or the Retry-After, whichever is longer.
const std::string kSuite = TicketSuite("faults", R"(
policy:
  max_attempts: 3
  retry_on: [rate_limit, server, timeout, network, invalid_output, truncated]
  timeout_s: 1
  backoff_initial_ms: 100
  backoff_max_ms: 100
candidates:
  - {id: clean, provider: sim, model: m-clean, price: flat, params: {max_tokens: 150},
     baseline: true}
  - {id: reset, provider: sim, model: m-reset, price: flat, params: {max_tokens: 150}}
  - {id: stall, provider: sim, model: m-stall, price: flat, params: {max_tokens: 150}}
  - {id: slow-body, provider: sim, model: m-slow, price: flat, params: {max_tokens: 150}}
  - {id: stalled-body, provider: sim, model: m-dribble, price: flat, params: {max_tokens: 150}}
  - {id: truncated, provider: sim, model: m-cut, price: flat, params: {max_tokens: 150}}
  - {id: 5xx-burst, provider: sim, model: m-5xx, price: flat, params: {max_tokens: 150}}
  - {id: overloaded, provider: sim-anthropic, model: m-busy, price: flat,
     params: {max_tokens: 150}}
  - {id: 429-storm, provider: sim-2, model: m-429, price: flat, params: {max_tokens: 150}}
  - {id: malformed, provider: sim, model: m-broken, price: flat, params: {max_tokens: 150}}
  - {id: hopeless, provider: sim, model: m-hopeless, price: flat, params: {max_tokens: 150}}
)");

// Every model reports 1,000 input and 100 output tokens and answers after 20 ms (errors after
// 2 ms). The 429 storm and the 529s (Anthropic format) each have a provider of their own
// (sim-2, sim-anthropic), so the concurrency they lose to AIMD does not slow the others.
const char* kProfile = R"(seed: 11
answers: {samples: samples.jsonl, key_field: text, fields: {category: said}}
models:
  m-clean: {input_tokens: 1000, output_tokens: 100, latency_ms: 20}
  m-reset: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
            faults: {reset: 1}, fault_attempts: [1]}
  m-stall: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
            faults: {stall: 1}, fault_attempts: [1]}
  m-slow: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
           faults: {slow_body_ms: 300}, fault_attempts: [1]}
  m-dribble: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
              faults: {slow_body_ms: 4000}, fault_attempts: [1]}
  m-cut: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
          faults: {truncated: 1}, fault_attempts: [1]}
  m-5xx: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
          faults: {server_error: 1}, fault_attempts: [1, 2]}
  m-busy: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
           faults: {overloaded: 1, retry_after_s: 1}, fault_attempts: [1]}
  m-429: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
          faults: {rate_limit: 1, retry_after_s: 1}, fault_attempts: [1, 2]}
  m-broken: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
             faults: {malformed_json: 1}, fault_attempts: [1]}
  m-hopeless: {input_tokens: 1000, output_tokens: 100, latency_ms: 20,
               faults: {malformed_json: 1}}
)";

// Money, worked by hand (picodollars):
//   an answered call   C = 1,000 x 2,000,000 + 100 x 8,000,000 = 2,000,000,000 + 800,000,000
//                        = 2,800,000,000 ($0.0028)
//   a truncated call   T = 1,000 x 2,000,000 + 150 (max_tokens) x 8,000,000
//                        = 2,000,000,000 + 1,200,000,000 = 3,200,000,000 ($0.0032)
//   a call with no usage (reset, timeout, 429, 5xx) costs 0.
constexpr int64_t kAnswered = 2'800'000'000;
constexpr int64_t kTruncated = 3'200'000'000;

struct Expected {
  const char* id;
  std::set<int> fault_attempts;  // attempts of every task that meet the fault
  const char* fault_class;       // how those attempts are classified
  int64_t attempts;
  int64_t successes;
  std::map<std::string, int64_t> failed_attempts;  // failures_by_attempt, classes not 0
  std::map<std::string, int64_t> failed_tasks;     // failures_by_task, classes not 0
  int64_t input_tokens;
  int64_t output_tokens;
  int64_t total_picousd;
  std::optional<int64_t> per_success_picousd;
};

// 4 tasks a candidate. Where a fault meets attempt 1 only, every task takes 2 attempts (8);
// attempts 1 and 2 (5xx burst, 429 storm), 3 attempts (12), the policy's maximum. Only answered
// attempts carry tokens and cost. Cost per successful task = total / 3 (S4 is incorrect),
// rounded half away from zero.
const Expected kExpected[] = {
    // No fault: 4 calls, 4C = 11,200,000,000; / 3 = 3,733,333,333.3 -> 3,733,333,333.
    {"clean", {}, "", 4, 3, {{"incorrect", 1}}, {{"incorrect", 1}}, 4'000, 400,
     11'200'000'000, 3'733'333'333},
    // Connection reset before any byte: network, free, retried once: 8 attempts, 4 answered.
    {"reset", {1}, "network", 8, 3, {{"network", 4}, {"incorrect", 1}}, {{"incorrect", 1}},
     4'000, 400, 11'200'000'000, 3'733'333'333},
    // Never answered: the 1 s timeout ends it; the same figures.
    {"stall", {1}, "timeout", 8, 3, {{"timeout", 4}, {"incorrect", 1}}, {{"incorrect", 1}},
     4'000, 400, 11'200'000'000, 3'733'333'333},
    // A body dribbled over 300 ms, within the timeout: no failure, no retry; as clean.
    {"slow-body", {}, "", 4, 3, {{"incorrect", 1}}, {{"incorrect", 1}}, 4'000, 400,
     11'200'000'000, 3'733'333'333},
    // Headers, then a body dribbled over 4 s: the 1 s timeout cuts it; as stall.
    {"stalled-body", {1}, "timeout", 8, 3, {{"timeout", 4}, {"incorrect", 1}},
     {{"incorrect", 1}}, 4'000, 400, 11'200'000'000, 3'733'333'333},
    // finish_reason length, billed: 4T + 4C = 12,800,000,000 + 11,200,000,000 = 24,000,000,000;
    // / 3 = 8,000,000,000. Tokens: 8 x 1,000 in; 4 x 150 + 4 x 100 = 1,000 out.
    {"truncated", {1}, "truncated", 8, 3, {{"truncated", 4}, {"incorrect", 1}},
     {{"incorrect", 1}}, 8'000, 1'000, 24'000'000'000, 8'000'000'000},
    // 500 on attempts 1 and 2: 12 attempts, 8 of them server errors, 4C.
    {"5xx-burst", {1, 2}, "server", 12, 3, {{"server", 8}, {"incorrect", 1}}, {{"incorrect", 1}},
     4'000, 400, 11'200'000'000, 3'733'333'333},
    // Anthropic 529 overloaded_error with Retry-After: class rate_limit (docs/providers.md); 4C.
    {"overloaded", {1}, "rate_limit", 8, 3, {{"rate_limit", 4}, {"incorrect", 1}},
     {{"incorrect", 1}}, 4'000, 400, 11'200'000'000, 3'733'333'333},
    // 429 with Retry-After on attempts 1 and 2: 12 attempts, 8 rate-limited, 4C.
    {"429-storm", {1, 2}, "rate_limit", 12, 3, {{"rate_limit", 8}, {"incorrect", 1}},
     {{"incorrect", 1}}, 4'000, 400, 11'200'000'000, 3'733'333'333},
    // Broken JSON is billed: 8C = 22,400,000,000; / 3 = 7,466,666,666.7 -> 7,466,666,667.
    {"malformed", {1}, "invalid_output", 8, 3, {{"invalid_output", 4}, {"incorrect", 1}},
     {{"incorrect", 1}}, 8'000, 800, 22'400'000'000, 7'466'666'667},
    // Broken on every attempt: 3 billed attempts a task and no success. 12C = 33,600,000,000,
    // no cost per successful task. S4 fails as invalid_output too: it never got an answer.
    {"hopeless", {1, 2, 3}, "invalid_output", 12, 0, {{"invalid_output", 12}},
     {{"invalid_output", 4}}, 12'000, 1'200, 33'600'000'000, std::nullopt},
};
// The whole run: 8 candidates at 4C (89,600,000,000) + 24,000,000,000 + 22,400,000,000 +
// 33,600,000,000 = 169,600,000,000 ($0.1696), in 4+8+8+4+8+8+12+8+12+8+12 = 92 attempts.
constexpr int64_t kRunTotal = 169'600'000'000;
constexpr int64_t kRunAttempts = 92;

// Every error class -> count, zeros included, as report.json lists them.
json ByClass(const std::map<std::string, int64_t>& counts) {
  json out = json::object();
  for (ErrorClass e : AllErrorClasses()) {
    const std::string name(ErrorClassName(e));
    out[name] = counts.contains(name) ? counts.at(name) : 0;
  }
  return out;
}

// The rows of the terminal report's failure table, each split into its words.
std::set<std::vector<std::string>> FailureRows(const std::string& terminal) {
  std::set<std::vector<std::string>> rows;
  std::istringstream in(terminal.substr(terminal.find("\nfailures (") + 1));
  std::string line;
  std::getline(in, line);  // the title
  std::getline(in, line);  // the header
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) row.push_back(word);
    rows.insert(row);
  }
  return rows;
}

int64_t EndedUnixMs(const json& line) {
  return line.at("started_unix_ms").get<int64_t>() + line.at("latency_us").get<int64_t>() / 1000;
}

struct FaultRun {
  TempDir dir;
  std::optional<LiveSimulator> sim;
  CliOutcome outcome;
  json report;
  std::vector<json> journal;

  FaultRun() {
    WriteSimSuite(dir, {kSamples, kTicketSchema, kSuite.c_str(), kProfile});
    dir.Write("prices.yaml", kPrices);
    sim.emplace(dir.path() + "/profile.yaml");
    dir.Write("providers.yaml", sim->Providers());
    outcome = RunCli({"run", "suite.yaml", "--out", "run", "--quiet", "--no-cache"}, dir.path(),
                     kLiveSimKeys);
    if (outcome.exit_code != 0) return;
    report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
    journal = JournalAttempts(dir.path() + "/run/attempts.jsonl");
  }
};

// Each failed attempt of `candidate` that was retried, with the attempt after it.
std::vector<std::pair<json, json>> Retried(const std::vector<json>& journal,
                                           const std::string& candidate) {
  std::vector<std::pair<json, json>> pairs;
  for (const auto& [sample, attempts] : TasksOf(journal, candidate)) {
    for (size_t i = 0; i + 1 < attempts.size(); ++i) {
      pairs.emplace_back(attempts[i], attempts[i + 1]);
    }
  }
  return pairs;
}

// A stalled request and a stalled body are both cut off by the 1 s timeout (the simulator
// never finishes them: the class `timeout` says the deadline ended them), not before it (as
// curl measures the transfer, which starts a hair after its timer), unpaid; the stalled
// request got nothing, the stalled body its status line. How soon after the deadline depends
// on the machine's load, so no upper bound.
void CheckTimeouts(const std::vector<json>& journal) {
  for (const char* candidate : {"stall", "stalled-body"}) {
    for (const auto& [failed, next] : Retried(journal, candidate)) {
      INFO(candidate, " ", failed.dump());
      CHECK(failed.at("error") == "timeout");
      CHECK(failed.at("latency_us").get<int64_t>() >= 990'000);  // curl's clock starts late
      CHECK(failed.at("cost_picousd") == 0);
      CHECK(failed.at("http_status") == (candidate == std::string("stall") ? 0 : 200));
    }
  }
  // A slow body within the timeout is read whole and succeeds at once.
  for (const auto& [sample, attempts] : TasksOf(journal, "slow-body")) {
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].at("latency_us").get<int64_t>() >= 300'000);
    CHECK(attempts[0].at("usage").at("output_tokens") == 100);
  }
}

// A retry waits the backoff (100 ms with equal jitter: at least 50 ms after the failed attempt
// ended), or the provider's Retry-After (1 s) when it gives one; 2 ms allow for the
// millisecond clock's rounding.
void CheckRetryDelays(const std::vector<json>& journal) {
  for (const char* candidate : {"reset", "5xx-burst", "truncated", "malformed"}) {
    for (const auto& [failed, next] : Retried(journal, candidate)) {
      INFO(candidate, " ", failed.dump());
      CHECK(next.at("started_unix_ms").get<int64_t>() >= EndedUnixMs(failed) + 50 - 2);
    }
  }
  for (const char* candidate : {"429-storm", "overloaded"}) {
    for (const auto& [failed, next] : Retried(journal, candidate)) {
      INFO(candidate, " ", failed.dump());
      CHECK(failed.at("http_status") == (candidate == std::string("overloaded") ? 529 : 429));
      CHECK(failed.at("retry_after_ms") == 1000);
      CHECK(next.at("started_unix_ms").get<int64_t>() >= EndedUnixMs(failed) + 1000 - 2);
    }
  }
}

// A truncated answer says why, and is billed at max_tokens: T, then C for the retry.
void CheckTruncated(const std::vector<json>& journal) {
  for (const auto& [failed, next] : Retried(journal, "truncated")) {
    CHECK(failed.at("finish_reason") == "length");
    CHECK(failed.at("usage").at("output_tokens") == 150);
    CHECK(failed.at("cost_picousd") == kTruncated);
    CHECK(next.at("cost_picousd") == kAnswered);
  }
}

}  // namespace

TEST_CASE("e2e faults: each fault is survived, classified, retried per policy, totals exact") {
  FaultRun run;
  INFO(run.outcome.err);
  REQUIRE(run.outcome.exit_code == 0);

  for (const Expected& want : kExpected) {
    INFO("candidate ", want.id);
    const json& c = ReportCandidate(run.report, want.id);
    CHECK(c.at("tasks_run") == 4);
    CHECK(c.at("tasks_not_run") == 0);
    CHECK(c.at("attempts") == want.attempts);
    CHECK(c.at("retries") == want.attempts - 4);
    CHECK(c.at("successes") == want.successes);
    CHECK(c.at("failures_by_attempt") == ByClass(want.failed_attempts));
    CHECK(c.at("failures_by_task") == ByClass(want.failed_tasks));
    CHECK(c.at("input_tokens") == want.input_tokens);
    CHECK(c.at("output_tokens") == want.output_tokens);
    CHECK(c.at("total_cost_picousd") == want.total_picousd);
    CHECK(c.at("spent_picousd") == want.total_picousd);
    if (want.per_success_picousd) {
      CHECK(c.at("cost_per_successful_task_picousd") == *want.per_success_picousd);
    } else {
      CHECK(c.at("cost_per_successful_task_picousd").is_null());
    }

    // The journal: each task's attempts are 1, 2, ... with no gap and no repeat; the faulty
    // ones carry the fault's class, the rest answered (S4 wrongly).
    const auto tasks = TasksOf(run.journal, want.id);
    REQUIRE(tasks.size() == 4);
    for (const auto& [sample, attempts] : tasks) {
      INFO("task ", sample);
      for (size_t i = 0; i < attempts.size(); ++i) {
        const json& a = attempts[i];
        CHECK(a.at("attempt") == i + 1);
        if (want.fault_attempts.contains(static_cast<int>(i + 1))) {
          CHECK(a.at("error") == want.fault_class);
        } else {
          CHECK(a.at("error") == (sample == "S4" ? json("incorrect") : json(nullptr)));
        }
      }
      // Retried until an attempt was not a fault or the policy's 3 attempts were spent.
      const size_t expected_attempts =
          want.fault_attempts.size() == 3 ? 3 : want.fault_attempts.size() + 1;
      CHECK(attempts.size() == expected_attempts);
    }
  }
  // Totals of the run, and every call the simulator received is one journal line: no call was
  // made twice behind the journal's back (by curl's own retries, say), none went unrecorded.
  CHECK(run.report.at("total_cost_picousd") == kRunTotal);
  CHECK(run.report.at("spent_picousd") == kRunTotal);
  CHECK(run.journal.size() == kRunAttempts);
  const SimulatorStats stats = run.sim->Stats();
  CHECK(stats.requests == kRunAttempts);
  // Each call was journaled as sent before it went out, and each sent line has its attempt,
  // sent when the attempt says it started: no call was in flight when the run ended.
  const std::vector<json> sent = JournalLines(run.dir.path() + "/run/attempts.jsonl", "sent");
  CHECK(sent.size() == kRunAttempts);
  auto call = [](const json& line) {
    return std::make_tuple(line.at("sample").get<std::string>(),
                           line.at("candidate").get<std::string>(), line.at("attempt").get<int>());
  };
  std::map<std::tuple<std::string, std::string, int>, json> started;
  for (const json& a : run.journal) started[call(a)] = a.at("started_unix_ms");
  for (const json& line : sent) {
    INFO(line.dump());
    auto it = started.find(call(line));
    REQUIRE(it != started.end());
    CHECK(line.at("started_unix_ms") == it->second);
  }
  CHECK(run.report.at("calls_in_flight") == 0);
  CHECK(run.report.at("in_flight_note").is_null());
  // Faults the simulator drew: as many as the journal classified (malformed: 4 + 12 hopeless).
  CHECK(stats.faults == std::map<std::string, int64_t>{{"malformed_json", 16},
                                                       {"overloaded", 4},
                                                       {"rate_limit", 8},
                                                       {"reset", 4},
                                                       {"server_error", 8},
                                                       {"stall", 4},
                                                       {"truncated", 4}});
  // Statuses sent: 429 x 8, 500 x 8, 529 x 4; 200 for the other 92 - 4 resets - 4 stalls - 20
  // = 64 (the 4 stalled bodies among them: their headers went out).
  CHECK(stats.by_status == std::map<int, int64_t>{{200, 64}, {429, 8}, {500, 8}, {529, 4}});

  // The terminal report's failure table: candidate, class, failed attempts, failed tasks.
  const std::set<std::vector<std::string>> rows = FailureRows(run.outcome.out);
  for (const Expected& want : kExpected) {
    for (const auto& [error_class, attempts] : want.failed_attempts) {
      const int64_t tasks = want.failed_tasks.contains(error_class)
                                ? want.failed_tasks.at(error_class) : 0;
      const std::vector<std::string> row = {want.id, error_class, std::to_string(attempts),
                                            std::to_string(tasks)};
      CHECK_MESSAGE(rows.contains(row), want.id, " ", error_class, "\n", run.outcome.out);
    }
  }
  CheckTimeouts(run.journal);
  CheckRetryDelays(run.journal);
  CheckTruncated(run.journal);
}

}  // namespace taskcost::faults_e2e_test
