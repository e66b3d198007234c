// PlanFixture: a small suite with byte counts chosen so that plan estimates and costs can be
// worked out by hand, for the run_plan and response-cache runner tests. Not synchronised.
//
//   system "Sort it." (8 bytes), user "T: {{text}}" (3 bytes + the text),
//   schema {"type":"object"} (17 bytes), a typical answer {} (2 bytes: 1 token expected)
//   S1: text of 20 bytes -> B = 176 bytes a call; S2: text of 32 bytes -> B = 188 bytes
//   (B: the request body less its envelope, worked out in run_plan_test.cc)
//   big   (baseline): $5.00 in / $15.00 out per 1M, max_tokens 200
//   small:            $0.80 in / $4.00 out per 1M,  max_tokens 100
//   max_attempts 3, no backoff (tests drive time with a FakeClock that never advances)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/runner/run_plan.h"
#include "tests/runner/fake_models.h"

namespace taskcost::testing {

struct PlanFixture {
  Suite suite;
  ProviderCatalog providers;
  PriceCatalog prices;

  PlanFixture() {
    suite.name = "plan";
    suite.file = "plan.yaml";
    suite.prompt.system = "Sort it.";
    suite.prompt.user = "T: {{text}}";
    suite.output.schema_json = R"({"type":"object"})";
    suite.policy.backoff_initial = std::chrono::milliseconds(0);
    suite.policy.backoff_max = std::chrono::milliseconds(0);
    AddSample("S1", std::string(20, 'a'));
    AddSample("S2", std::string(32, 'b'));
    AddFakeModels(suite, providers, prices);
    suite.candidates[0].max_tokens = 200;  // big
    suite.candidates[1].max_tokens = 100;  // small
  }

  void AddSample(const std::string& id, const std::string& text) {
    Sample s;
    s.id = id;
    s.fields = {{"id", id}, {"text", text}};
    s.json = nlohmann::json{{"id", id}, {"text", text}}.dump();
    suite.samples.push_back(s);
  }

  /// Adds a chain candidate `id` of `steps` (after the single models; call before Plan).
  void AddChain(const std::string& id, std::vector<ChainStep> steps) {
    Candidate chain;
    chain.id = id;
    chain.chain = std::move(steps);
    suite.candidates.push_back(chain);
  }

  RunPlan Plan(int repeats = 1) const {
    return BuildRunPlan(suite, providers, prices, {}, false, repeats).value();
  }
};

}  // namespace taskcost::testing
