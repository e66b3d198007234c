// Chains whose steps answer in their own shape: a free-text step (`output: text`) sends a plain
// request and goes on with any answer that is not empty or cut off; a step with its own schema
// is asked for, and validated against, that schema. Only the last step uses the suite's.
// Prices and byte counts: tests/runner/plan_fixture.h.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/runner/run_plan.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost {
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

}  // namespace taskcost

namespace taskcost {

TEST_CASE("chain_plan: a chain's expected cost is the sum of its steps, worked by hand") {
  // draft = small with the suite's prompt: S1 48 bytes, S2 60 bytes (plan_fixture.h).
  // refine = big, prompt "T: {{text}} D: {{steps.draft.output}}" + schema (17): S1 3 + 20 + 4 +
  // 17 = 44 bytes, S2 3 + 32 + 4 + 17 = 56 bytes, plus the draft's answer, not known yet.
  PlanFixture f = ChainFixture(std::nullopt);
  const RunEstimate e = EstimateRun(f.Plan());
  REQUIRE(e.candidates.size() == 3);
  const CandidateEstimate& chain = e.candidates[2];
  CHECK(chain.candidate_id == "draft-refine");
  CHECK_FALSE(chain.cascade);
  // Expected, per task:
  //   draft  in ceil(48/4) = 12 (S1), ceil(60/4) = 15 (S2); out ceil(100/4) = 25
  //     S1 12 x 800,000 + 25 x 4,000,000 = 109,600,000; S2 12,000,000 + 100,000,000 = 112,000,000
  //   refine in ceil(44/4) + 25 = 36 (S1), ceil(56/4) + 25 = 39 (S2); out ceil(200/4) = 50
  //     S1 36 x 5,000,000 + 50 x 15,000,000 = 930,000,000; S2 195,000,000 + 750,000,000 =
  //     945,000,000
  //   total 109,600,000 + 112,000,000 + 930,000,000 + 945,000,000 = 2,096,600,000 pUSD
  CHECK(chain.expected == Money::FromPicos(2'096'600'000));
  CHECK(chain.expected_calls == 4);
  CHECK(chain.input_tokens == 12 + 15 + 36 + 39);
  CHECK(chain.output_tokens == 25 + 25 + 50 + 50);
  // Worst case (unchanged rule): per attempt draft S1 (16 + 32) x 800,000 + 100 x 4,000,000 =
  // 438,400,000, S2 (20 + 32) -> 441,600,000; refine S1 (14 + 32 + 100) x 5,000,000 + 200 x
  // 15,000,000 = 3,730,000,000, S2 (18 + 32 + 100) -> 3,750,000,000; x 3 attempts:
  // (438,400,000 + 441,600,000 + 3,730,000,000 + 3,750,000,000) x 3 = 25,080,000,000
  CHECK(chain.worst_case == Money::FromPicos(25'080'000'000));
  // The run's expected: big 1,635,000,000 + small 221,600,000 (run_plan_test) + the chain.
  CHECK(e.expected == Money::FromPicos(1'635'000'000LL + 221'600'000 + 2'096'600'000));
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
  // Best case, small alone: 109,600,000 + 112,000,000 pUSD (as the small candidate).
  CHECK(c.expected == Money::FromPicos(221'600'000));
  CHECK(c.expected == e.candidates[1].expected);
  // Worst: small's (438,400,000 + 441,600,000) + big's (3,240,000,000 + 3,260,000,000), x 3.
  CHECK(c.worst_case == Money::FromPicos(22'140'000'000));
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
  // expected output (ceil(1024 / 4) = 256, local's default max_tokens): S1 12 + 256 = 268,
  // S2 15 + 256 = 271 input tokens, 50 output: (268 + 271) x 5,000,000 + 2 x 750,000,000.
  CHECK(chain.expected == Money::FromPicos(539LL * 5'000'000 + 1'500'000'000));
  CHECK(e.time_priced_calls == 4);
}

}  // namespace taskcost
