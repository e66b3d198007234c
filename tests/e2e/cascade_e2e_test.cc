// Cascades end to end: the real binary against the simulator, figures worked out by hand from
// the profile. The small model's answer is cut at its max_tokens when the right category is the
// long one, so exactly the "technical" tickets escalate to the big model.
// Catalogs: tests/e2e/sim_suite.h (m-big $5 / $15, m-small $0.80 / $4.00 per 1M tokens).
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::cascade_e2e_test {
namespace {
using nlohmann::json;

const char* kSamples =
    R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical-and-product-questions-about-the-app"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical-and-product-questions-about-the-app"}
)";

const char* kSchema = R"({"type": "object",
  "properties": {"category": {"type": "string",
                 "enum": ["billing", "technical-and-product-questions-about-the-app"]}},
  "required": ["category"], "additionalProperties": false})";

const char* kSuite = R"(suite: cascade
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  user: "Ticket: {{text}}"
output: {schema: schema.json}
success:
  - field_equals: {field: category, expected: "{{expected}}"}
policy: {max_attempts: 3, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim, model: m-small, params: {max_tokens: 10}}
  - {id: small-then-big, cascade: [small, big]}
)";

// Both always right, 1,000 input tokens a call. m-small's output is its answer's length / 4:
// {"category":"billing"} is 22 characters = 6 tokens; the long category makes 60 characters =
// 15 tokens, over max_tokens 10, so that answer is truncated (10 tokens billed; truncated is not
// retried by the default retry_on) and the task fails. m-big answers in 200 tokens.
const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200}
  m-small: {accuracy: 1, input_tokens: 1000, output_tokens: chars_div_4}
)";

// Per call, in picodollars (1e-12 USD):
//   small, short answer: 1,000 x 800,000 + 6 x 4,000,000  =    824,000,000
//   small, truncated:    1,000 x 800,000 + 10 x 4,000,000 =    840,000,000
//   big:                 1,000 x 5,000,000 + 200 x 15,000,000 = 8,000,000,000
constexpr int64_t kSmallShort = 824'000'000;
constexpr int64_t kSmallCut = 840'000'000;
constexpr int64_t kBig = 8'000'000'000;

struct CascadeSuite {
  TempDir dir;
  CascadeSuite() { WriteSimSuite(dir, {kSamples, kSchema, kSuite, kProfile}); }
  CliOutcome Run(std::vector<std::string> args) const {
    args.insert(args.end(), {"--simulate", "profile.yaml", "--quiet", "--no-cache"});
    return RunCli(args, dir.path());
  }
  json Report() const { return json::parse(ReadFileText(dir.path() + "/run/report.json")); }
  std::string Journal() const { return ReadFileText(dir.path() + "/run/attempts.jsonl"); }
};

std::vector<json> Lines(const std::string& journal) {
  std::vector<json> lines;
  std::istringstream in(journal);
  for (std::string line; std::getline(in, line);) {
    json record = json::parse(line);
    if (record.at("type") != "sent") lines.push_back(std::move(record));  // calls about to go out
  }
  return lines;
}

}  // namespace

TEST_CASE("e2e: a cascade escalates failed tasks and costs the sum of every call") {
  CascadeSuite suite;
  CliOutcome run = suite.Run({"run", "suite.yaml", "--out", "run"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = suite.Report();

  // Each model alone. small: S1, S3 succeed (824,000,000 each); S2, S4 truncated (840,000,000).
  const json& small = ReportCandidate(report, "small");
  CHECK(small.at("successes") == 2);
  CHECK(small.at("total_cost_picousd") == 2 * kSmallShort + 2 * kSmallCut);  // 3,328,000,000
  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("successes") == 4);
  CHECK(big.at("total_cost_picousd") == 4 * kBig);  // 32,000,000,000

  // The cascade: every task tries small; S2 and S4 escalate to big, which gets them right.
  // Escalation rate 2/4 = 50%; cost 3,328,000,000 + 2 x 8,000,000,000 = 19,328,000,000;
  // 4 successes: 4,832,000,000 per successful task (small alone: 1,664,000,000; big alone:
  // 8,000,000,000).
  const json& cascade = ReportCandidate(report, "small-then-big");
  CHECK(cascade.at("model") == "cascade: small > big");
  CHECK(cascade.at("successes") == 4);
  CHECK(cascade.at("escalated_tasks") == 2);
  CHECK(cascade.at("escalation_rate").get<double>() == doctest::Approx(0.5));
  CHECK(cascade.at("attempts") == 6);
  CHECK(cascade.at("total_cost_picousd") == 19'328'000'000);
  CHECK(cascade.at("cost_per_successful_task_picousd") == 4'832'000'000);
  CHECK(small.at("cost_per_successful_task_picousd") == 1'664'000'000);

  // Each step's share: small 3,328,000,000 over 4 tasks, big 16,000,000,000 over 2; they add up.
  const json& steps = cascade.at("steps");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].at("step") == "small");
  CHECK(steps[0].at("tasks") == 4);
  CHECK(steps[0].at("cost_picousd") == 3'328'000'000);
  CHECK(steps[1].at("step") == "big");
  CHECK(steps[1].at("tasks") == 2);
  CHECK(steps[1].at("attempts") == 2);
  CHECK(steps[1].at("cost_picousd") == 16'000'000'000);

  // The journal names each step; the cascade is compared with the baseline like any candidate.
  int step_lines = 0;
  for (const json& line : Lines(suite.Journal())) {
    if (line.value("candidate", "") != "small-then-big") continue;
    ++step_lines;
    CHECK((line.at("step") == "small" || line.at("step") == "big"));
  }
  CHECK(step_lines == 6);
  CHECK(run.out.find("small-then-big") != std::string::npos);
  CHECK(run.out.find("2 (50.0%)") != std::string::npos);
}

TEST_CASE("e2e: a resumed cascade pays nothing twice and finishes an escalation cut short") {
  CascadeSuite suite;
  REQUIRE(suite.Run({"run", "suite.yaml", "--out", "run"}).exit_code == 0);
  const std::string full = suite.Journal();
  const json full_report = suite.Report();

  SUBCASE("a finished run calls nothing again") {
    REQUIRE(suite.Run({"run", "--resume", "run"}).exit_code == 0);
    CHECK(suite.Journal() == full);
  }
  SUBCASE("killed after S2's small step failed: only S2's big step is called") {
    std::string cut;
    int dropped = 0;
    for (const json& line : Lines(full)) {
      if (line.value("candidate", "") == "small-then-big" && line.value("sample", "") == "S2" &&
          line.value("step", "") == "big") {
        ++dropped;
        continue;
      }
      cut += line.dump() + "\n";
    }
    REQUIRE(dropped == 1);
    suite.dir.Write("run/attempts.jsonl", cut);
    CliOutcome resumed = suite.Run({"run", "--resume", "run"});
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    const std::vector<json> lines = Lines(suite.Journal());
    REQUIRE(lines.size() == Lines(full).size());  // exactly one call made
    CHECK(lines.back().at("sample") == "S2");
    CHECK(lines.back().at("step") == "big");
    const json resumed_report = suite.Report();
    const json& cascade = ReportCandidate(resumed_report, "small-then-big");
    CHECK(cascade.at("total_cost_picousd") == 19'328'000'000);
    CHECK(cascade.at("escalated_tasks") == 2);
    CHECK(cascade.at("successes") == 4);
  }
}

}  // namespace taskcost::cascade_e2e_test

namespace taskcost::cascade_e2e_test {
namespace {

// The two models every chain below is made of.
const std::string kTwoModels = R"(policy: {max_attempts: 3, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim, model: m-small}
)";

// No system prompt: big alone and the refine step then differ by the draft only.
const std::string kChainSuite = TicketSuite("chain", kTwoModels + R"(  - id: draft-then-refine
    chain:
      - {id: draft, candidate: small}
      - id: refine
        candidate: big
        prompt: {user: "Ticket: {{text}}\nDraft: {{steps.draft.output}}"}
)",
                                              "");

// m-small: 1,000 input and 100 output tokens a call: 1,000 x 800,000 + 100 x 4,000,000 =
// 1,200,000,000 pUSD. m-big reads its prompt's length (chars / 4) so the refine step shows that
// the draft reached it; it writes 200 tokens.
// kChainRefineCosts, by hand. A refine call's input is ceil(C / 4) tokens, C the characters of
// its prompt ("Ticket: " 8 + the text + "\nDraft: " 8 + the draft) and of the schema, compact
// (181); the draft is {"category":"billing"} (22) or the long category's (60):
//   S1 19-character text: 8 + 19 + 8 + 22 = 57 + 181 = 238 -> 60 tokens
//   S2 24: 100 + 181 = 281 -> 71;  S3 21: 59 + 181 = 240 -> 60;  S4 20: 96 + 181 = 277 -> 70
// A refine call costs input x 5,000,000 + 200 x 15,000,000: 3,300,000,000, 3,355,000,000,
// 3,300,000,000 and 3,350,000,000 = 13,305,000,000; with four drafts at 1,200,000,000 the
// chain costs 18,105,000,000 pUSD.
const char* kChainProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: chars_div_4, output_tokens: 200}
  m-small: {accuracy: 1, input_tokens: 1000, output_tokens: 100}
)";

}  // namespace

TEST_CASE("e2e: a chain runs its steps in order, and per-step costs add up to the task's cost") {
  TempDir dir;
  WriteSimSuite(dir, {kSamples, kSchema, kChainSuite.c_str(), kChainProfile});
  CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run",
                           "--quiet", "--no-cache"},
                          dir.path());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  const json& chain = ReportCandidate(report, "draft-then-refine");
  CHECK(chain.at("model") == "chain: draft (small) > refine (big)");
  CHECK(chain.at("successes") == 4);
  CHECK(chain.at("attempts") == 8);

  // Per task: the draft's call plus the refine's call is the task's cost.
  std::map<std::string, int64_t> task_cost, draft_cost, refine_input, big_input;
  std::map<std::string, std::string> draft;
  for (const json& a : Lines(ReadFileText(dir.path() + "/run/attempts.jsonl"))) {
    if (a.value("type", "") != "attempt") continue;
    const std::string sample = a.at("sample").get<std::string>();
    if (a.at("candidate") == "big") big_input[sample] = a.at("usage").at("input_tokens").get<int64_t>();
    if (a.at("candidate") != "draft-then-refine") continue;
    task_cost[sample] += a.at("cost_picousd").get<int64_t>();
    if (a.at("step") == "draft") {
      CHECK(a.value("partial", false));  // valid, but only the last step's answer is scored
      CHECK(a.at("checks").empty());
      draft_cost[sample] += a.at("cost_picousd").get<int64_t>();
      draft[sample] = a.at("output").get<std::string>();
    } else {
      CHECK(a.at("step") == "refine");
      CHECK_FALSE(a.contains("partial"));
      CHECK(a.at("checks").size() == 1);
      refine_input[sample] = a.at("usage").at("input_tokens").get<int64_t>();
    }
  }
  int64_t total = 0;
  for (const auto& [sample, cost] : task_cost) {
    CAPTURE(sample);
    CHECK(draft_cost[sample] == 1'200'000'000);
    total += cost;
    // The refine prompt is big's prompt plus "\nDraft: " and the draft's answer: x = 8 + its
    // length more characters, so ceil((C + x) / 4) - ceil(C / 4) lies in [x / 4, ceil(x / 4)]
    // tokens ({"category":"billing"}: x = 30, 7 or 8 tokens).
    const int64_t x = 8 + static_cast<int64_t>(draft[sample].size());
    const int64_t more = refine_input[sample] - big_input[sample];
    CHECK(more >= x / 4);
    CHECK(more <= (x + 3) / 4);
  }
  CHECK(chain.at("total_cost_picousd") == total);
  CHECK(total == 18'105'000'000);  // kChainRefineCosts
  CHECK(refine_input ==
        std::map<std::string, int64_t>{{"S1", 60}, {"S2", 71}, {"S3", 60}, {"S4", 70}});
  const json& steps = chain.at("steps");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].at("step") == "draft");
  CHECK(steps[0].at("cost_picousd") == 4'800'000'000);  // 4 x 1,200,000,000
  CHECK(steps[1].at("step") == "refine");
  CHECK(steps[0].at("cost_picousd").get<int64_t>() + steps[1].at("cost_picousd").get<int64_t>() ==
        total);
  CHECK(run.out.find("cascades and chains") != std::string::npos);
}

}  // namespace taskcost::cascade_e2e_test

namespace taskcost::cascade_e2e_test {
namespace {

// A critic step between the draft and the refine writes free-text notes: no schema asked.
const std::string kCriticSuite = TicketSuite("critic", kTwoModels + R"(  - id: draft-critic-refine
    chain:
      - {id: draft, candidate: small}
      - id: critic
        candidate: small
        output: text
        prompt: {user: "Ticket: {{text}}\nDraft: {{steps.draft.output}}\nWrite notes."}
      - id: refine
        candidate: big
        prompt: {user: "Ticket: {{text}}\nNotes: {{steps.critic.output}}"}
)");

}  // namespace

TEST_CASE("e2e: a chain's free-text critic step goes on, and its notes reach the next step") {
  TempDir dir;
  WriteSimSuite(dir, {kSamples, kSchema, kCriticSuite.c_str(), kChainProfile});
  const json report = RunSimulated(dir);
  const json& chain = ReportCandidate(report, "draft-critic-refine");
  CHECK(chain.at("successes") == 4);
  CHECK(chain.at("attempts") == 12);  // three steps, one call each, on four tickets
  std::map<std::string, std::string> notes;
  for (const json& a : Lines(ReadFileText(dir.path() + "/run/attempts.jsonl"))) {
    if (a.value("type", "") != "attempt" || a.at("candidate") != "draft-critic-refine") continue;
    if (a.at("step") != "critic") continue;
    CHECK(a.at("partial") == true);
    CHECK(a.at("checks").empty());
    CHECK(a.at("validation_errors").empty());
    notes[a.at("sample").get<std::string>()] = a.at("output").get<std::string>();
  }
  CHECK(notes.size() == 4);
  for (const auto& [sample, text] : notes) CHECK_FALSE(text.empty());
  // m-small: 1,000 in + 100 out a call = 1,200,000,000 pUSD; four drafts and four critiques.
  const json& steps = chain.at("steps");
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].at("cost_picousd") == 4'800'000'000);
  CHECK(steps[1].at("step") == "critic");
  CHECK(steps[1].at("cost_picousd") == 4'800'000'000);
}

TEST_CASE("e2e: plan counts a chain's every step and says a cascade's expected is its best case") {
  TempDir dir;
  WriteSimSuite(dir, {kSamples, kSchema, kSuite, kProfile});
  CliOutcome plan = RunCli({"plan", "suite.yaml"}, dir.path());
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("small-then-big: a cascade; expected $ is its first step (small) alone, "
                      "the best case where no task escalates ($") != std::string::npos);
  CHECK(plan.out.find(" if every task went through every step); worst case $ counts every "
                      "attempt of every step") != std::string::npos);
}

TEST_CASE("e2e: plan shows a time-priced model without an expected cost, never $0") {
  TempDir dir;
  WriteSimSuite(dir, {kSamples, kSchema, kSuite, kProfile});
  dir.Write("prices.yaml",
            "currency: USD\nmodels:\n"
            "  m-big: {input: 5.00, output: 15.00, as_of: 2026-11-23,\n"
            "          source: \"https://x.invalid\"}\n"
            "  m-small: {gpu_hour_usd: \"2.40\", concurrency: 8, as_of: 2026-11-23,\n"
            "            source: \"https://x.invalid\"}\n");
  CliOutcome plan = RunCli({"plan", "suite.yaml", "--budget", "5"}, dir.path());
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  INFO(plan.out);
  // The small row's expected is "time-priced"; the total's is big's and the cascade's
  // estimate "+ time".
  std::map<std::string, std::string> rows;
  std::istringstream lines(plan.out);
  for (std::string line; std::getline(lines, line);) rows[line.substr(0, line.find(' '))] = line;
  CHECK(rows["small"].find("time-priced") != std::string::npos);
  CHECK(rows["total"].find(" + time") != std::string::npos);
  CHECK(rows["big"].find("time") == std::string::npos);
  CHECK(plan.out.find("small: time-priced ($2.40 per GPU-hour / 8 concurrent requests): a call "
                      "costs its measured latency") != std::string::npos);
  CHECK(plan.out.find("small-then-big: time-priced (step small at $2.40 per GPU-hour / 8 "
                      "concurrent requests)") != std::string::npos);
  CHECK(plan.out.find("it bounds time-priced calls only by the policy timeout (10 s an attempt)") !=
        std::string::npos);
}

TEST_CASE("e2e: run.json records each chain step's price and report --prices re-prices each call") {
  TempDir dir;
  WriteSimSuite(dir, {kSamples, kSchema, kChainSuite.c_str(), kChainProfile});
  const json report = RunSimulated(dir);
  const json manifest = json::parse(ReadFileText(dir.path() + "/run/run.json"));
  json chain_entry;
  for (const json& c : manifest.at("candidates")) {
    if (c.at("id") == "draft-then-refine") chain_entry = c;
  }
  const json& steps = chain_entry.at("steps");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].at("id") == "draft");
  CHECK(steps[0].at("candidate") == "small");
  CHECK(steps[0].at("price").at("model") == "m-small");
  CHECK(steps[1].at("candidate") == "big");
  CHECK(steps[1].at("price").at("input_per_1m") == "5");
  CHECK(chain_entry.at("price").at("model") == "m-small");  // the first step's, as before

  // m-small at half ($0.40 / $2.00): a draft call costs 1,000 x 400,000 + 100 x 2,000,000 =
  // 600,000,000 pUSD instead of 1,200,000,000: the chain's four drafts save 2,400,000,000.
  dir.Write("half.yaml", R"(currency: USD
models:
  m-big: {input: 5.00, output: 15.00, as_of: 2026-12-01, source: "https://example.invalid/big"}
  m-small: {input: 0.40, output: 2.00, as_of: 2026-12-01, source: "https://example.invalid/s"}
)");
  // The chain's total (kChainRefineCosts): 18,105,000,000 pUSD = $0.018105; at half: $0.015705,
  // -2.4 / 18.105 = -13.3%.
  CHECK(ReportCandidate(report, "draft-then-refine").at("total_cost_picousd") == 18'105'000'000);
  CliOutcome repriced = RunCli({"report", "run", "--prices", "half.yaml"}, dir.path());
  INFO(repriced.err);
  REQUIRE(repriced.exit_code == 0);
  CHECK(repriced.out.find("  small: $0.0048 -> $0.0024 (-50.0%)") != std::string::npos);
  CHECK(repriced.out.find("  draft-then-refine: $0.018105 -> $0.015705 (-13.3%)") !=
        std::string::npos);
}

}  // namespace taskcost::cascade_e2e_test
