// End to end: the response cache across runs, `taskcost plan`, the budget refusal and the
// selection flags, through the real binary, the curl transport and the simulator on 127.0.0.1.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::cache_plan_e2e_test {
namespace {
using nlohmann::json;

// Catalogs: tests/e2e/sim_suite.h (big $5 / $15 per 1M tokens on the OpenAI wire, small $0.80 /
// $4 on the Anthropic wire). Every call carries the system prompt "Classify the ticket." (20
// bytes), "Ticket: " (8) and a 16-byte ticket, and the 116-byte schema below; the plan counts
// them as each wire format sends them (e2e plan test).
const char* kSamples =
    R"({"id": "S1", "text": "my invoice wrong", "expected": "billing"}
{"id": "S2", "text": "app crash at one", "expected": "technical"}
{"id": "S3", "text": "bill me yearly!!", "expected": "billing"}
{"id": "S4", "text": "error 503 today!", "expected": "technical"}
)";

const char* kSchema =
    R"({"properties":{"category":{"enum":["billing","technical"],"type":"string"}},)"
    R"("required":["category"],"type":"object"})";

const std::string kSuite = TicketSuite("sized", R"(
policy: {max_attempts: 3, timeout_s: 10, backoff_initial_ms: 0, backoff_max_ms: 0}
budget_usd: 1.00
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true, params: {max_tokens: 200}}
  - {id: small, provider: sim-anthropic, model: m-small, params: {max_tokens: 100}}
)");

// Fixed tokens; small's first attempt of every task is malformed, so its tasks take two calls.
// big: 1,000 x $5/1M + 200 x $15/1M = $0.008 a call; small: $0.0008 + $0.0004 = $0.0012 a call.
const char* kProfile = R"(seed: 3
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200, latency_ms: 5}
  m-small:
    accuracy: 1
    input_tokens: 1000
    output_tokens: 100
    latency_ms: 5
    faults: {malformed_json: 1}
    fault_attempts: [1]
)";

struct SizedSuite {
  TempDir dir;
  SizedSuite() { WriteSimSuite(dir, {kSamples, kSchema, kSuite.c_str(), kProfile}); }
  CliOutcome Cli(const std::string& verb, const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {verb, "suite.yaml", "--simulate", "profile.yaml"};
    if (verb == "run") args.push_back("--quiet");
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, dir.path());
  }
  CliOutcome Run(const std::string& out, std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), {"--out", out});
    return Cli("run", extra);
  }
  json Report(const std::string& out) const {
    return json::parse(ReadFileText(dir.path() + "/" + out + "/report.json"));
  }
  std::vector<json> Journal(const std::string& out) const {
    std::istringstream in(ReadFileText(dir.path() + "/" + out + "/attempts.jsonl"));
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) {
      json record = json::parse(line);
      if (record.at("type") != "sent") lines.push_back(std::move(record));  // calls going out
    }
    lines.erase(lines.begin());  // the header
    return lines;
  }
  bool Exists(const std::string& path) const {
    return std::filesystem::exists(dir.path() + "/" + path);
  }
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The figures that describe what the tasks cost, which a cached re-run must reproduce.
const char* kTaskFigures[] = {"tasks_run",
                              "successes",
                              "attempts",
                              "total_cost_picousd",
                              "cost_per_task_picousd",
                              "cost_per_successful_task_picousd",
                              "task_cost_p50_picousd",
                              "task_cost_p95_picousd",
                              "input_tokens",
                              "output_tokens",
                              "latency_p50_us",
                              "latency_p95_us"};

}  // namespace

TEST_CASE("e2e cache: a second run is answered from the cache with the same task figures") {
  SizedSuite suite;
  CliOutcome first = suite.Run("run1");
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const json paid = suite.Report("run1");
  // big 4 x $0.008 + small 8 x $0.0012 = $0.032 + $0.0096 = $0.0416, all of it spent.
  CHECK(paid.at("total_cost_picousd") == 41'600'000'000);
  CHECK(paid.at("spent_picousd") == 41'600'000'000);
  CHECK(paid.at("cached_attempts") == 0);
  CHECK(suite.Exists("results/.cache"));  // the default: <results>/.cache

  CliOutcome second = suite.Run("run2");
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  const json replay = suite.Report("run2");
  CHECK(replay.at("spent_picousd") == 0);
  CHECK(replay.at("cached_attempts") == 12);
  CHECK(replay.at("total_cost_picousd") == 41'600'000'000);
  for (const char* id : {"big", "small"}) {
    for (const char* figure : kTaskFigures) {
      INFO(id, " ", figure);
      CHECK(ReportCandidate(replay, id).at(figure) == ReportCandidate(paid, id).at(figure));
    }
    CHECK(ReportCandidate(replay, id).at("spent_picousd") == 0);
  }
  CHECK(replay.at("verdict") == paid.at("verdict"));
  const std::vector<json> journal = suite.Journal("run2");
  REQUIRE(journal.size() == 12);
  for (const json& line : journal) CHECK(line.at("cached") == true);
  for (const json& line : suite.Journal("run1")) CHECK_FALSE(line.contains("cached"));
  CHECK(Contains(second.out, "spent this run: $0.00; the tasks cost $0.0416 (12 of 12 attempts "
                             "answered by the response cache, priced at their original usage)"));

  SUBCASE("--no-cache calls every provider again") {
    CliOutcome third = suite.Run("run3", {"--no-cache"});
    INFO(third.err);
    REQUIRE(third.exit_code == 0);
    const json again = suite.Report("run3");
    CHECK(again.at("cached_attempts") == 0);
    CHECK(again.at("spent_picousd") == 41'600'000'000);
    CHECK(Contains(third.out, "spent this run: $0.0416 (every attempt called its provider)"));
  }
  SUBCASE("another --cache-dir starts empty and fills up") {
    CliOutcome third = suite.Run("run3", {"--cache-dir", "elsewhere"});
    REQUIRE(third.exit_code == 0);
    CHECK(suite.Report("run3").at("cached_attempts") == 0);
    CHECK(suite.Exists("elsewhere"));
  }
}

TEST_CASE("e2e cache: a retry the cache cannot answer gets the answer of its own attempt") {
  // Run 1 allows one attempt: small's malformed first answers are cached, its tasks fail.
  // Run 2 allows three: attempt 1 comes from the cache, attempt 2 goes to a fresh simulator,
  // which never saw attempt 1. It must answer as attempt 2 (fault_attempts: [1] spares it), as
  // an uncached run would, not replay attempt 1's malformed draw.
  SizedSuite suite;
  const std::string suite_text = kSuite;
  const std::string one_attempt = "max_attempts: 1,";
  std::string strict = suite_text;
  strict.replace(strict.find("max_attempts: 3,"), one_attempt.size(), one_attempt);
  suite.dir.Write("suite.yaml", strict);
  REQUIRE(suite.Run("run1").exit_code == 0);
  CHECK(ReportCandidate(suite.Report("run1"), "small").at("successes") == 0);

  suite.dir.Write("suite.yaml", suite_text);
  CliOutcome second = suite.Run("run2");
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  const json report = suite.Report("run2");
  const json& small = ReportCandidate(report, "small");
  CHECK(small.at("successes") == 4);
  CHECK(small.at("attempts") == 8);          // 4 cached malformed + 4 fresh correct
  CHECK(small.at("cached_attempts") == 4);
  // Spent: small's 4 second attempts at $0.0012 = $0.0048; big's 4 answers came from the cache.
  CHECK(report.at("spent_picousd") == 4'800'000'000);
  // What the tasks cost is what an uncached run costs: $0.0416 (see the first cache test).
  CHECK(report.at("total_cost_picousd") == 41'600'000'000);
}

TEST_CASE("e2e plan: expected and worst-case cost per candidate, worked by hand") {
  SizedSuite suite;
  // B, a call's request body less its envelope (docs/plan.md), per wire format:
  //   big (OpenAI): {"role":"system","content":"Classify the ticket."}, (51 bytes) + the user
  //     text (24) + ,"response_format":{"type":"json_schema","json_schema":{"name":"answer",
  //     "strict":true,"schema":SCHEMA}} (97 + 116 = 213): B = 288
  //   small (Anthropic): "system":"Classify the ticket.", (32) + the user text (24) +
  //     ,"tools":[{"name":"answer","description":"Record the answer. ... input schema.",
  //     "input_schema":SCHEMA}],"tool_choice":{"type":"tool","name":"answer"} (345, of which the
  //     description is 122 and the schema 116): B = 401
  // Expected input ceil(B / 4): big 72, small ceil(100.25) = 101. Worst-case input
  // floor(B / 3) + 32: big 96 + 32 = 128, small 133 + 32 = 165. 3 attempts a task at worst.
  // Expected output: a typical answer {"category":<the enum's mean, ceil(20 / 2) = 10 bytes>} is
  // 2 + 10 + 1 + 10 = 23 bytes: 6 tokens.
  // big (max_tokens 200):
  //   expected 4 x (72 x $5/1M + 6 x $15/1M) = 4 x ($0.00036 + $0.00009) = $0.0018
  //   worst    12 x (128 x $5/1M + 200 x $15/1M) = 12 x ($0.00064 + $0.003) = $0.04368
  // small (max_tokens 100):
  //   expected 4 x (101 x $0.80/1M + 6 x $4/1M) = 4 x ($0.0000808 + $0.000024) = $0.0004192
  //   worst    12 x (165 x $0.80/1M + 100 x $4/1M) = 12 x ($0.000132 + $0.0004) = $0.006384
  // total: expected $0.0022192, worst case $0.050064.
  CliOutcome plan = suite.Cli("plan", {});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out ==
        "taskcost plan: sized: 4 samples x 1 repeat x 2 candidates = 8 tasks, at most 3 "
        "attempts a task\n\n"
        "candidate       tasks  in tok/task  out tok/task  expected $  worst case $\n"
        "big (baseline)      4         72.0           6.0      0.0018       0.04368\n"
        "small               4        101.0           6.0   0.0004192      0.006384\n"
        "total               8                              0.0022192      0.050064\n\n"
        "budget: $1.00; the worst case is within it\n"
        "expected: one attempt a task, input = B / 4 tokens (B = the request's bytes less its "
        "envelope: prompts, instructions, schema and tools as sent), output = a typical answer "
        "to the schema / 4 tokens (at most max_tokens); worst case: every attempt, input = B / 3 "
        "+ 32 tokens, output = max_tokens (docs/plan.md)\n");
  CHECK_FALSE(suite.Exists("results"));  // nothing ran, nothing was written

  SUBCASE("selection and repeats change the plan as they would the run") {
    CliOutcome narrowed = suite.Cli("plan", {"--limit", "2", "--candidates", "big",
                                             "--repeat", "2"});
    REQUIRE(narrowed.exit_code == 0);
    // 2 samples x 2 repeats = 4 big tasks: the same figures as above.
    CHECK(Contains(narrowed.out, "2 samples x 2 repeats x 1 candidate = 4 tasks"));
    CHECK(Contains(narrowed.out, "total               4                                 0.0018"
                                 "       0.04368\n"));
  }
  SUBCASE("after a run, attempts the cache will answer cost nothing") {
    REQUIRE(suite.Run("run1").exit_code == 0);
    CliOutcome warm = suite.Cli("plan", {});
    // Cached: every task's attempt 1, and attempt 2 of small's tasks (12 of 24). Left: big's
    // attempts 2-3 (8 x $0.00364 = $0.02912) and small's attempt 3 (4 x $0.000532 = $0.002128).
    CHECK(Contains(warm.out, "big (baseline)      4         72.0           6.0        0.00"
                             "       0.02912\n"));
    CHECK(Contains(warm.out, "total               8                                   0.00"
                             "      0.031248\n"));
    CHECK(Contains(warm.out, "12 of 24 possible attempts are answered from it and cost nothing"));
  }
}

TEST_CASE("e2e plan: run refuses to start when the worst case exceeds the budget") {
  SizedSuite suite;
  CliOutcome refused = suite.Run("run1", {"--budget", "0.02"});
  CHECK(refused.exit_code == 2);
  CHECK(Contains(refused.err, "total               8                              0.0022192"
                              "      0.050064\n"));
  CHECK(Contains(refused.err,
                 "taskcost: error: the worst case, $0.050064, exceeds the budget of $0.02 "
                 "(expected $0.0022192); nothing was spent. Raise --budget, select fewer tasks "
                 "(--limit, --samples, --candidates), or pass --allow-partial to run and stop at "
                 "the cap\n"));
  CHECK_FALSE(suite.Exists("run1"));

  SUBCASE("--allow-partial starts and stops at the cap") {
    // Usage within the plan's worst case (input 80 <= floor(B / 3) + 32 = 128 and 165 tokens,
    // output <= max_tokens), so each reservation covers its call: big 80 x $5/1M + 200 x $15/1M = $0.0034
    // a call, small 80 x $0.80/1M + 100 x $4/1M = $0.000464 a call. The whole run would cost
    // 4 x $0.0034 + 8 x $0.000464 = $0.017312; $0.012 stops it part-way. Which tasks ran depends
    // on the order replies come back in; that spend stays under the cap does not.
    suite.dir.Write("profile.yaml", R"(seed: 3
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 80, output_tokens: 200, latency_ms: 5}
  m-small:
    accuracy: 1
    input_tokens: 80
    output_tokens: 100
    latency_ms: 5
    faults: {malformed_json: 1}
    fault_attempts: [1]
)");
    CliOutcome partial = suite.Run("run1", {"--budget", "0.012", "--allow-partial"});
    INFO(partial.err);
    CHECK(partial.exit_code == 3);
    CHECK(Contains(partial.err, "taskcost: warning: the worst case, $0.050064, exceeds the "
                                "budget of $0.012 (expected $0.0022192); --allow-partial: the run "
                                "stops when the budget is reached\n"));
    CHECK(Contains(partial.err, "taskcost: warning: budget reached: "));
    const json report = suite.Report("run1");
    const json& big = ReportCandidate(report, "big");
    const json& small = ReportCandidate(report, "small");
    const int64_t big_calls = big.at("attempts").get<int64_t>();
    const int64_t small_calls = small.at("attempts").get<int64_t>();
    CHECK(report.at("spent_picousd") == big_calls * 3'400'000'000 + small_calls * 464'000'000);
    CHECK(report.at("spent_picousd") <= 12'000'000'000);
    CHECK(big_calls + small_calls < 12);  // the full run's calls
    int64_t not_run = 0;
    for (const json* c : {&big, &small}) {
      CHECK(c->at("tasks_run").get<int64_t>() + c->at("tasks_not_run").get<int64_t>() ==
            c->at("tasks_planned").get<int64_t>());
      not_run += c->at("tasks_not_run").get<int64_t>();
    }
    CHECK(not_run >= 1);
    CHECK(big.at("successes") == big_calls);  // big never fails: every call is a success
  }
}

TEST_CASE("e2e selection: --limit, --samples and --candidates run a subset") {
  SizedSuite suite;
  SUBCASE("--limit 2 runs the first two samples") {
    REQUIRE(suite.Run("run", {"--limit", "2"}).exit_code == 0);
    const json report = suite.Report("run");
    CHECK(report.at("samples") == 2);
    CHECK(ReportCandidate(report, "big").at("tasks_planned") == 2);
    CHECK(ReportCandidate(report, "big").at("attempts") == 2);
  }
  SUBCASE("--samples keeps suite order; --candidates keeps the baseline and drops the rest") {
    CliOutcome run = suite.Run("run", {"--samples", "S4,S2", "--candidates", "big"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const json report = suite.Report("run");
    CHECK(report.at("samples") == 2);
    REQUIRE(report.at("candidates").size() == 1);
    const json manifest = json::parse(ReadFileText(suite.dir.path() + "/run/run.json"));
    CHECK(manifest.at("sample_ids") == json::array({"S2", "S4"}));
    for (const json& line : suite.Journal("run")) CHECK(line.at("candidate") == "big");
  }
  SUBCASE("unknown ids and a missing baseline are input errors, before anything runs") {
    CliOutcome typo = suite.Run("run", {"--samples", "S1,s9", "--candidates", "bgi"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err == "taskcost: error: --samples: unknown sample \"s9\"\n"
                      "taskcost: error: --candidates: unknown candidate \"bgi\", did you mean "
                      "\"big\"?\n");
    CliOutcome no_baseline = suite.Run("run", {"--candidates", "small"});
    CHECK(no_baseline.exit_code == 2);
    CHECK(Contains(no_baseline.err, "taskcost: error: --candidates: the baseline \"big\" must be "
                                    "among them"));
    CliOutcome zero = suite.Run("run", {"--limit", "0"});
    CHECK(zero.exit_code == 2);
    CHECK(zero.err == "taskcost: error: --limit must be at least 1, got 0\n");
    CHECK_FALSE(suite.Exists("run"));
  }
}

}  // namespace taskcost::cache_plan_e2e_test
