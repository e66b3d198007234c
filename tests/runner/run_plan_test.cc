#include "harness/runner/run_plan.h"

#include <doctest/doctest.h>

#include <chrono>

#include "tests/runner/plan_fixture.h"

namespace taskcost::run_plan_test {
namespace {

using testing::PlanFixture;

std::vector<std::string> SampleIds(const RunPlan& plan) {
  std::vector<std::string> ids;
  for (int s : plan.samples) ids.push_back(plan.suite->samples[static_cast<size_t>(s)].id);
  return ids;
}

std::vector<std::string> CandidateIds(const RunPlan& plan) {
  std::vector<std::string> ids;
  for (const PlannedCandidate& pc : plan.candidates) ids.push_back(pc.candidate->id);
  return ids;
}

std::string ErrorText(const Status& status) {
  REQUIRE_FALSE(status.ok());
  return FormatErrors(status.errors());
}

}  // namespace

TEST_CASE("run_plan: the estimate follows the documented rules, worked by hand") {
  PlanFixture f;
  const RunPlan plan = f.Plan();
  const RunEstimate e = EstimateRun(plan);
  REQUIRE(e.candidates.size() == 2);
  CHECK(e.max_attempts == 3);

  // B = the request body less its envelope (docs/plan.md). The OpenAI-style body is
  //   {"model":"m-big","messages":[SYSTEM{"role":"user","content":"USER"}],"max_tokens":200
  //    RESPONSE_FORMAT}
  // and its envelope the same without SYSTEM, USER and RESPONSE_FORMAT, so B is their bytes:
  //   SYSTEM = {"role":"system","content":"Sort it."},                                 39
  //   USER = "T: " and the text: S1 3 + 20 = 23, S2 3 + 32 = 35
  //   RESPONSE_FORMAT = ,"response_format":{"type":"json_schema","json_schema":
  //                     {"name":"answer","strict":true,"schema":{"type":"object"}}}        114
  //   S1: 39 + 23 + 114 = 176 bytes, S2: 39 + 35 + 114 = 188 (the model and max_tokens are in
  //   the envelope: small's calls have the same B).
  // Expected input = ceil(B / 4): S1 44, S2 47. Expected output: a typical answer to
  // {"type":"object"} is {} (2 bytes): ceil(2 / 4) = 1 token.
  // big: expected S1 = 44 x $5/1M + 1 x $15/1M = $0.000235; S2 = 47 x $5/1M + $0.000015 =
  //   $0.00025; together $0.000485.
  //   worst case a call = (floor(B / 3) + 32) x $5/1M + 200 x $15/1M:
  //     S1 (58 + 32 = 90) -> $0.00045 + $0.003 = $0.00345; S2 (62 + 32 = 94) -> $0.00347
  //   x 3 attempts: ($0.00345 + $0.00347) x 3 = $0.02076
  const CandidateEstimate& big = e.candidates[0];
  CHECK(big.candidate_id == "big");
  CHECK(big.tasks == 2);
  CHECK(big.input_tokens == 91);
  CHECK(big.output_tokens == 2);
  CHECK(big.expected == Money::ParseUsd("0.000485").value());
  CHECK(big.worst_case == Money::ParseUsd("0.02076").value());

  // small: expected = (44 + 47) x $0.80/1M + 2 x 1 x $4/1M = $0.0000728 + $0.000008 = $0.0000808
  //   worst = ((90 + 94) x $0.80/1M + 2 x 100 x $4/1M) x 3 = ($0.0001472 + $0.0008) x 3
  //         = $0.0028416
  const CandidateEstimate& small = e.candidates[1];
  CHECK(small.output_tokens == 2);
  CHECK(small.expected == Money::ParseUsd("0.0000808").value());
  CHECK(small.worst_case == Money::ParseUsd("0.0028416").value());

  CHECK(e.expected == Money::ParseUsd("0.0005658").value());
  CHECK(e.worst_case == Money::ParseUsd("0.0236016").value());
  CHECK(big.cached_attempts == 0);

  SUBCASE("the worst case per call is exactly the scheduler's reservation") {
    CHECK(WorstCaseCost(plan, PlannedTask{0, 0, 0}) == Money::ParseUsd("0.00345").value());
    const RequestTemplates requests(plan);
    const Reservation reserve = ReserveFor(plan, PlannedTask{0, 0, 0}, requests);
    CHECK(reserve.worst_case == Money::ParseUsd("0.00345").value());
    CHECK(reserve.tokens == 44 + 200);  // rate limits: the expected input and all of max_tokens
  }
  SUBCASE("a time-priced model reserves the policy's timeout as its worst-case latency") {
    f.suite.policy.timeout = std::chrono::seconds(30);
    RunPlan timed = f.Plan();
    timed.candidates[0].price.gpu_hour = Money::ParseUsd("2.40").value();
    timed.candidates[0].price.concurrency = 8;
    // 30 s x $2.40 / 3600 s / 8 = $0.0025 a call, whatever the tokens.
    CHECK(WorstCaseCost(timed, PlannedTask{0, 0, 0}) == Money::ParseUsd("0.0025").value());
  }
  SUBCASE("repeats multiply every figure") {
    const RunEstimate twice = EstimateRun(f.Plan(2));
    CHECK(twice.candidates[0].tasks == 4);
    CHECK(twice.expected == Money::ParseUsd("0.0011316").value());
    CHECK(twice.worst_case == Money::ParseUsd("0.0472032").value());
  }
  SUBCASE("max_attempts scales only the worst case") {
    f.suite.policy.max_attempts = 1;
    const RunEstimate once = EstimateRun(f.Plan());
    CHECK(once.expected == Money::ParseUsd("0.0005658").value());
    CHECK(once.worst_case == Money::ParseUsd("0.0078672").value());  // $0.0236016 / 3
  }
}

TEST_CASE("run_plan: attempts the cache will answer cost nothing in the estimate") {
  PlanFixture f;
  const RunPlan plan = f.Plan();
  // The cache holds the first attempt of every big task and attempt 2 of big's S1.
  const RunEstimate e = EstimateRun(plan, [](const PlannedTask& task, int attempt) {
    return task.candidate == 0 && (attempt == 1 || (attempt == 2 && task.sample == 0));
  });
  const CandidateEstimate& big = e.candidates[0];
  CHECK(big.cached_attempts == 3);
  CHECK(big.expected == Money());
  // Left: S1 attempt 3 ($0.00345) and S2 attempts 2 and 3 (2 x $0.00347) = $0.01039.
  CHECK(big.worst_case == Money::ParseUsd("0.01039").value());
  CHECK(big.input_tokens == 91);  // token estimates describe the tasks, cached or not
  CHECK(e.candidates[1].worst_case == Money::ParseUsd("0.0028416").value());
}

TEST_CASE("run_plan: --samples, --limit and --candidates narrow the plan in suite order") {
  PlanFixture f;
  f.AddSample("S3", "c");
  f.AddSample("S4", "d");

  SUBCASE("--samples keeps suite order, whatever order the ids are given in") {
    RunPlan plan = f.Plan();
    REQUIRE(SelectSubset(plan, Selection{{"S4", "S2", "S4"}}).ok());
    CHECK(SampleIds(plan) == std::vector<std::string>{"S2", "S4"});
    CHECK(plan.Tasks().size() == 4);  // 2 samples x 2 candidates
  }
  SUBCASE("--limit takes the first N, after --samples") {
    RunPlan plan = f.Plan();
    REQUIRE(SelectSubset(plan, Selection{{}, 3}).ok());
    CHECK(SampleIds(plan) == std::vector<std::string>{"S1", "S2", "S3"});
    RunPlan both = f.Plan();
    REQUIRE(SelectSubset(both, Selection{{"S2", "S3", "S4"}, 2}).ok());
    CHECK(SampleIds(both) == std::vector<std::string>{"S2", "S3"});
    RunPlan more = f.Plan();
    REQUIRE(SelectSubset(more, Selection{{}, 10}).ok());
    CHECK(more.samples.size() == 4);
  }
  SUBCASE("--candidates keeps the named candidates") {
    f.suite.candidates.push_back(Candidate{"tiny", "fake", "m-small", "m-small", false});
    RunPlan plan = f.Plan();
    REQUIRE(SelectSubset(plan, Selection{{}, {}, {"tiny", "big"}}).ok());
    CHECK(CandidateIds(plan) == std::vector<std::string>{"big", "tiny"});
    CHECK(plan.Tasks()[1].candidate == 1);  // task indices follow the narrowed list
  }
  SUBCASE("unknown ids are errors with a suggestion") {
    RunPlan plan = f.Plan();
    CHECK(ErrorText(SelectSubset(plan, Selection{{"S1", "s2", "X9"}, {}, {"smal"}})) ==
          "--samples: unknown sample \"s2\", did you mean \"S2\"?\n"
          "--samples: unknown sample \"X9\"\n"
          "--candidates: unknown candidate \"smal\", did you mean \"small\"?");
  }
  SUBCASE("the baseline must be among the candidates") {
    RunPlan plan = f.Plan();
    CHECK(ErrorText(SelectSubset(plan, Selection{{}, {}, {"small"}})) ==
          "--candidates: the baseline \"big\" must be among them: every candidate is compared "
          "with it (when it ran before, the response cache answers it at no cost)");
  }
}

}  // namespace taskcost::run_plan_test
