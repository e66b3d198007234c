// `plan` and the response cache with a `messages:` prompt: the estimate's input tokens and the
// worst-case reservation count every message (few-shot examples and an inserted thread), and
// the cache key follows the messages.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/runner/judge.h"
#include "harness/runner/run_plan.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::messages_plan_test {
namespace {

using testing::PlanFixture;

// PlanFixture (big and small on an OpenAI-style provider, schema {"type":"object"}) with the
// prompt as messages: system "Sort it.", a few-shot pair "Ex" -> "{}" (the cacheable prefix
// ends there), the sample's thread, then "T: {{text}}". S1 (text of 20 bytes) has a thread of
// two messages, "hi" and "ok"; S2 (32 bytes) an empty one.
PlanFixture MessagesFixture() {
  PlanFixture f;
  PromptTemplate& prompt = f.suite.prompt;
  prompt.system.clear();
  prompt.user.clear();
  prompt.messages = {{"system", "Sort it.", "", {}},
                     {"user", "Ex", "", {}},
                     {"assistant", "{}", "", {}},
                     {"", "", "thread", {}},
                     {"user", "T: {{text}}", "", {}}};
  prompt.cache_prefix_messages = 3;
  f.suite.samples[0].fields["thread"] =
      R"([{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}])";
  f.suite.samples[1].fields["thread"] = "[]";
  return f;
}

}  // namespace

TEST_CASE("messages_plan: the estimate counts every message, worked by hand") {
  const PlanFixture f = MessagesFixture();
  const RunPlan plan = f.Plan();
  const RunEstimate e = EstimateRun(plan);
  REQUIRE(e.candidates.size() == 2);

  // B = the request body less its envelope (docs/plan.md). The envelope's messages array is
  // [{"role":"user","content":""}]; the body's holds, each with its comma:
  //   {"role":"system","content":"Sort it."},      39
  //   {"role":"user","content":"Ex"},              31
  //   {"role":"assistant","content":"{}"},         36
  //   S1's thread: {"role":"user","content":"hi"}, 31 and {"role":"assistant","content":"ok"}, 36
  //   and the last user message, which is the envelope's with "T: " and the text in it:
  //   S1 3 + 20 = 23, S2 3 + 32 = 35;
  // and RESPONSE_FORMAT (,"response_format":{...}) 114 as in run_plan_test.cc.
  //   S1: 39 + 31 + 36 + 31 + 36 + 23 + 114 = 310 bytes; S2: 39 + 31 + 36 + 35 + 114 = 255.
  // Expected input = ceil(B / 4): S1 ceil(77.5) = 78, S2 ceil(63.75) = 64; output 1 token each.
  // big: expected = (78 + 64) x $5/1M + 2 x $15/1M = $0.00071 + $0.00003 = $0.00074.
  //   worst case a call = (floor(B / 3) + 32) x $5/1M + 200 x $15/1M:
  //     S1 (103 + 32 = 135) -> $0.000675 + $0.003 = $0.003675;
  //     S2 (85 + 32 = 117)  -> $0.000585 + $0.003 = $0.003585;
  //   x 3 attempts: ($0.003675 + $0.003585) x 3 = $0.02178.
  const CandidateEstimate& big = e.candidates[0];
  CHECK(big.candidate_id == "big");
  CHECK(big.input_tokens == 142);
  CHECK(big.output_tokens == 2);
  CHECK(big.expected == Money::ParseUsd("0.00074").value());
  CHECK(big.worst_case == Money::ParseUsd("0.02178").value());

  // The scheduler reserves the same worst case, and for the rate limits the expected input and
  // all of max_tokens.
  const RequestTemplates requests(plan);
  const Reservation reserve = ReserveFor(plan, PlannedTask{0, 0, 0}, requests);
  CHECK(reserve.worst_case == Money::ParseUsd("0.003675").value());
  CHECK(reserve.tokens == 78 + 200);
}

TEST_CASE("messages_plan: the call carries the rendered messages and the prefix length") {
  const PlanFixture f = MessagesFixture();
  const RunPlan plan = f.Plan();
  Result<ChatCall> call = MakeCall(plan, PlannedTask{0, 0, 0});
  REQUIRE(call.ok());
  CHECK(call->messages == std::vector<ChatMessage>{{"system", "Sort it."},
                                                   {"user", "Ex"},
                                                   {"assistant", "{}"},
                                                   {"user", "hi"},
                                                   {"assistant", "ok"},
                                                   {"user", "T: " + std::string(20, 'a')}});
  CHECK(call->cache_prefix_messages == 3);
  CHECK(call->system.empty());
  CHECK(call->user.empty());
}

TEST_CASE("messages_plan: an LLM judge is shown the conversation as the task") {
  PlanFixture f = MessagesFixture();
  SuccessCriterion judge;
  judge.kind = "judge";
  judge.judge = 0;
  judge.judge_name = "tone";
  judge.rubric = "Polite";
  f.suite.quality.push_back(judge);
  f.suite.judges.push_back(Candidate{"judge(tone)", "fake", "m-big", "m-big", false});
  const RunPlan plan = f.Plan();
  Attempt judged;
  judged.output = R"({"category":"x"})";
  judged.checks.resize(1);
  const Result<ChatCall> call = MakeJudgeCall(plan, f.suite.samples[0], judged, 0);
  REQUIRE(call.ok());
  const std::string task =
      "user: Ex\n\nassistant: {}\n\nuser: hi\n\nassistant: ok\n\nuser: T: " + std::string(20, 'a');
  CHECK(call->user.find(task) != std::string::npos);
  CHECK(call->messages.empty());  // the judge's own call keeps the system/user form
}

TEST_CASE("messages_plan: the response cache key changes with any message") {
  const PlanFixture base = MessagesFixture();
  const std::string key = CacheKeyFor(base.Plan(), PlannedTask{0, 0, 0}, 1);
  REQUIRE_FALSE(key.empty());
  CHECK(CacheKeyFor(base.Plan(), PlannedTask{0, 0, 0}, 1) == key);  // stable

  PlanFixture thread = MessagesFixture();
  thread.suite.samples[0].fields["thread"] =
      R"([{"role":"user","content":"hi!"},{"role":"assistant","content":"ok"}])";
  CHECK(CacheKeyFor(thread.Plan(), PlannedTask{0, 0, 0}, 1) != key);

  PlanFixture example = MessagesFixture();
  example.suite.prompt.messages[2].content = "{ }";
  CHECK(CacheKeyFor(example.Plan(), PlannedTask{0, 0, 0}, 1) != key);

  PlanFixture role = MessagesFixture();
  role.suite.samples[0].fields["thread"] =
      R"([{"role":"assistant","content":"hi"},{"role":"assistant","content":"ok"}])";
  CHECK(CacheKeyFor(role.Plan(), PlannedTask{0, 0, 0}, 1) != key);
}

}  // namespace taskcost::messages_plan_test
