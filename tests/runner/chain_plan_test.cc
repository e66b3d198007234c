// Chains whose steps answer in their own shape: a free-text step (`output: text`) sends a plain
// request and goes on with any answer that is not empty or cut off; a step with its own schema
// is asked for, and validated against, that schema. Only the last step uses the suite's.
// Prices and byte counts: tests/runner/plan_fixture.h.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/runner/run_plan.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::chain_plan_test {
namespace {

using nlohmann::json;
using testing::PlanFixture;

// An OpenAI reply of `content`, 1,000 prompt and 200 completion tokens.
HttpResponse Reply(const std::string& content, const std::string& finish_reason = "stop") {
  json body = {{"id", "chatcmpl-1"},
               {"choices", json::array({{{"index", 0},
                                         {"message", {{"role", "assistant"},
                                                      {"content", content},
                                                      {"refusal", nullptr}}},
                                         {"finish_reason", finish_reason}}})},
               {"usage", {{"prompt_tokens", 1000}, {"completion_tokens", 200}}}};
  HttpResponse r;
  r.status = 200;
  r.body = body.dump();
  return r;
}

// small drafts (`draft_schema`: unset = the suite's, "" = free text), big refines reading it.
PlanFixture ChainFixture(std::optional<std::string> draft_schema) {
  PlanFixture f;
  f.AddChain("draft-refine",
             {ChainStep{"draft", "small", {}, std::move(draft_schema), {}},
              ChainStep{"refine", "big", {"", "T: {{text}} D: {{steps.draft.output}}"}, {}, {}}});
  return f;
}

PlannedTask Step(int step, std::vector<std::string> outputs = {}) {
  return PlannedTask{0, 2, 0, step, std::move(outputs)};
}

json BodyOf(const RunPlan& plan, const PlannedTask& task) {
  const ChatCall call = MakeCall(plan, task).value();
  const PlannedCandidate& target = CallTarget(plan, task);
  const HttpRequest request = BuildRequest(target.provider, call, target.key);
  // The per-target template builds the same bytes, so cache keys follow the request sent.
  CHECK(RequestTemplates(plan).For(task).Build(call).body == request.body);
  return json::parse(request.body);
}

}  // namespace

TEST_CASE("chain_plan: a free-text step sends a plain request, the last step the suite's schema") {
  SUBCASE("openai: no response_format on the text step") {
    PlanFixture f = ChainFixture("");
    const RunPlan plan = f.Plan();
    const json draft = BodyOf(plan, Step(0));
    CHECK_FALSE(draft.contains("response_format"));
    CHECK(draft.at("model") == "m-small");
    const json refine = BodyOf(plan, Step(1, {"the total looks off"}));
    CHECK(refine.at("response_format").at("json_schema").at("schema") == json{{"type", "object"}});
    CHECK(refine.at("messages").back().at("content") ==
          "T: " + std::string(20, 'a') + " D: the total looks off");
  }
  SUBCASE("anthropic: no forced tool on the text step") {
    PlanFixture f = ChainFixture("");
    f.providers.providers[0].kind = ProviderKind::kAnthropic;
    const RunPlan plan = f.Plan();
    const json draft = BodyOf(plan, Step(0));
    CHECK_FALSE(draft.contains("tools"));
    CHECK_FALSE(draft.contains("tool_choice"));
    const json refine = BodyOf(plan, Step(1, {"notes"}));
    CHECK(refine.at("tool_choice").at("type") == "tool");
    CHECK(refine.at("tools").at(0).at("input_schema") == json{{"type", "object"}});
  }
  SUBCASE("a step without schema: or output: keeps the suite's schema") {
    PlanFixture f = ChainFixture(std::nullopt);
    const json draft = BodyOf(f.Plan(), Step(0));
    CHECK(draft.at("response_format").at("json_schema").at("schema") == json{{"type", "object"}});
  }
}

TEST_CASE("chain_plan: a free-text step goes on with any answer neither empty nor cut off") {
  PlanFixture f = ChainFixture("");
  const RunPlan plan = f.Plan();
  // small: 1,000 x $0.80/1M + 200 x $4.00/1M = 800,000,000 + 800,000,000 pUSD.
  const Money small_call = Money::FromPicos(1'600'000'000);

  const Attempt notes = MakeAttempt(plan, Step(0), 1, 0, Reply("The total looks off by 0.02."));
  CHECK(notes.error == ErrorClass::kNone);
  CHECK(notes.success);
  CHECK(notes.partial);  // not the task's verdict
  CHECK(notes.step == "draft");
  CHECK(notes.output == "The total looks off by 0.02.");
  CHECK(notes.validation_errors.empty());
  CHECK(notes.checks.empty());
  CHECK(notes.cost == small_call);

  const Attempt blank = MakeAttempt(plan, Step(0), 1, 0, Reply(" \n"));
  CHECK(blank.error == ErrorClass::kInvalidOutput);
  CHECK_FALSE(blank.success);
  CHECK(blank.error_message == "the answer is empty (the step asks for free text)");
  CHECK(blank.cost == small_call);  // failed calls cost too

  const Attempt cut = MakeAttempt(plan, Step(0), 1, 0, Reply("The total", "length"));
  CHECK(cut.error == ErrorClass::kTruncated);
  CHECK_FALSE(cut.success);

  // The same prose on the last step fails the suite's schema: it is not JSON.
  const Attempt last = MakeAttempt(plan, Step(1, {"notes"}), 1, 0, Reply("Looks fine."));
  CHECK(last.error == ErrorClass::kInvalidOutput);
  CHECK_FALSE(last.partial);
}

TEST_CASE("chain_plan: a step with its own schema is asked for it and validated against it") {
  PlanFixture f = ChainFixture(R"({"type":"array","items":{"type":"string"}})");
  const RunPlan plan = f.Plan();
  const json draft = BodyOf(plan, Step(0));
  CHECK(draft.at("response_format").at("json_schema").at("schema") ==
        json::parse(R"({"type":"array","items":{"type":"string"}})"));

  const Attempt list = MakeAttempt(plan, Step(0), 1, 0, Reply(R"(["vendor","total"])"));
  CHECK(list.error == ErrorClass::kNone);
  CHECK(list.partial);
  // An object is valid for the suite's schema ({"type":"object"}) but not for the step's.
  const Attempt object = MakeAttempt(plan, Step(0), 1, 0, Reply(R"({"vendor":"ACME"})"));
  CHECK(object.error == ErrorClass::kInvalidOutput);
  REQUIRE_FALSE(object.validation_errors.empty());
  // And the last step is held to the suite's schema, not the step's.
  const Attempt last = MakeAttempt(plan, Step(1, {"[]"}), 1, 0, Reply(R"({"vendor":"ACME"})"));
  CHECK(last.error == ErrorClass::kNone);
  CHECK(last.success);
  CHECK_FALSE(last.partial);
}

}  // namespace taskcost::chain_plan_test

namespace taskcost::chain_plan_test {

TEST_CASE("chain_plan: a chain's expected cost is the sum of its steps, worked by hand") {
  // draft = small with the suite's prompt: B = 176 bytes (S1), 188 (S2) (run_plan_test.cc).
  // refine = big, no system prompt, user "T: {{text}} D: {{steps.draft.output}}" with the draft's
  // answer not known yet (""), and the suite's response format (114 bytes): B = S1 3 + 20 + 4 +
  // 114 = 141, S2 3 + 32 + 4 + 114 = 153; its prompt also reads the draft's answer.
  // Both steps answer {"type":"object"}: a typical answer {} is 1 token.
  PlanFixture f = ChainFixture(std::nullopt);
  const RunEstimate e = EstimateRun(f.Plan());
  REQUIRE(e.candidates.size() == 3);
  const CandidateEstimate& chain = e.candidates[2];
  CHECK(chain.candidate_id == "draft-refine");
  CHECK_FALSE(chain.cascade);
  // Expected, per task (small 800,000 / 4,000,000, big 5,000,000 / 15,000,000 pUSD a token):
  //   draft  in ceil(176/4) = 44 (S1), ceil(188/4) = 47 (S2); out 1
  //     S1 44 x 800,000 + 4,000,000 = 39,200,000; S2 37,600,000 + 4,000,000 = 41,600,000
  //   refine in ceil(141/4) + 1 = 37 (S1), ceil(153/4) + 1 = 40 (S2); out 1
  //     S1 37 x 5,000,000 + 15,000,000 = 200,000,000; S2 200,000,000 + 15,000,000 = 215,000,000
  //   total 39,200,000 + 41,600,000 + 200,000,000 + 215,000,000 = 495,800,000 pUSD
  CHECK(chain.expected == Money::FromPicos(495'800'000));
  CHECK(chain.expected_calls == 4);
  CHECK(chain.input_tokens == 44 + 47 + 37 + 40);
  CHECK(chain.output_tokens == 4);
  // Worst case, per attempt (floor(B / 3) + 32 in, max_tokens out; refine also the draft's
  // whole max_tokens, 100, in): draft S1 90 x 800,000 + 100 x 4,000,000 = 472,000,000, S2 94 ->
  // 475,200,000; refine S1 (47 + 32 + 100) x 5,000,000 + 200 x 15,000,000 = 3,895,000,000, S2
  // (51 + 32 + 100) -> 3,915,000,000; x 3 attempts:
  // (472,000,000 + 475,200,000 + 3,895,000,000 + 3,915,000,000) x 3 = 26,271,600,000
  CHECK(chain.worst_case == Money::FromPicos(26'271'600'000));
  // The run's expected: big 485,000,000 + small 80,800,000 (run_plan_test) + the chain.
  CHECK(e.expected == Money::FromPicos(485'000'000LL + 80'800'000 + 495'800'000));
}

TEST_CASE("chain_plan: a cascade's expected cost is its first step's, worst case every step's") {
  PlanFixture f;
  Candidate cascade;
  cascade.id = "small-then-big";
  cascade.cascade = {"small", "big"};
  f.suite.candidates.push_back(cascade);
  const RunEstimate e = EstimateRun(f.Plan());
  const CandidateEstimate& c = e.candidates[2];
  CHECK(c.cascade);
  // Best case, small alone: 39,200,000 + 41,600,000 pUSD (as the small candidate).
  CHECK(c.expected == Money::FromPicos(80'800'000));
  CHECK(c.expected == e.candidates[1].expected);
  // Every task escalating: small's and big's (485,000,000) expected calls.
  CHECK(c.expected_escalated == Money::FromPicos(80'800'000 + 485'000'000));
  // Worst: small's (472,000,000 + 475,200,000) + big's (3,450,000,000 + 3,470,000,000), x 3.
  CHECK(c.worst_case == Money::FromPicos(23'601'600'000));
}

TEST_CASE("chain_plan: a time-priced model has no expected cost, never a silent zero") {
  PlanFixture f;
  f.prices.models.push_back(ModelPrice{"m-local"});
  f.prices.models.back().gpu_hour = Money::ParseUsd("2.40").value();
  f.prices.models.back().concurrency = 8;
  Candidate local{"local", "fake", "m-local", "m-local", false};
  f.suite.candidates.push_back(local);
  f.AddChain("local-then-big",
             {ChainStep{"draft", "local", {}, {}, {}}, ChainStep{"refine", "big", {}, {}, {}}});
  const RunEstimate e = EstimateRun(f.Plan());
  REQUIRE(e.candidates.size() == 4);

  const CandidateEstimate& alone = e.candidates[2];
  CHECK(alone.time_priced);
  CHECK(alone.expected_calls == 2);
  CHECK(alone.time_priced_calls == 2);  // both calls: no estimate
  CHECK(alone.expected == Money());
  // Worst: the policy's 60 s timeout x $2.40 / 3600 s / 8 = $0.005 an attempt, x 3 x 2 tasks.
  CHECK(alone.worst_case == Money::ParseUsd("0.03").value());

  const CandidateEstimate& chain = e.candidates[3];
  CHECK(chain.time_priced);
  CHECK(chain.expected_calls == 4);
  CHECK(chain.time_priced_calls == 2);  // the draft steps; the refine steps are estimated
  // refine = big with the suite's prompt, reading no earlier answer but counting the draft's
  // expected output (a typical {}: 1 token): S1 44 + 1 = 45, S2 47 + 1 = 48 input tokens, 1
  // output: (45 + 48) x 5,000,000 + 2 x 15,000,000 = 495,000,000.
  CHECK(chain.expected == Money::FromPicos(93LL * 5'000'000 + 30'000'000));
  CHECK(e.time_priced_calls == 4);
}

}  // namespace taskcost::chain_plan_test
