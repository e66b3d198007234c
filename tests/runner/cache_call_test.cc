// The call of a suite asking for prompt caching (docs/prompt-caching.md): each call carries the
// TTL and the candidate's OpenAI prompt_cache_key, the same for every sample; a suite without
// `cache:` carries neither, so its requests are as before.
#include <doctest/doctest.h>

#include "harness/providers/codec.h"
#include "harness/runner/run_plan.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::cache_call_test {
namespace {

using testing::PlanFixture;

// PlanFixture (suite "plan", candidates big and small) with `cache: {ttl: 1h}` and a prefix
// hash given by hand.
PlanFixture CachedFixture() {
  PlanFixture f;
  f.suite.prompt.cache_ttl_seconds = 3600;
  f.suite.prompt.cache_prefix_hash = "sha256:abc";
  return f;
}

}  // namespace

TEST_CASE("cache_call: every call carries the TTL and the candidate's prompt_cache_key") {
  const PlanFixture f = CachedFixture();
  const RunPlan plan = f.Plan();
  Result<ChatCall> s1 = MakeCall(plan, PlannedTask{0, 0, 0});
  Result<ChatCall> s2 = MakeCall(plan, PlannedTask{1, 0, 0});
  Result<ChatCall> small = MakeCall(plan, PlannedTask{0, 1, 0});
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  REQUIRE(small.ok());
  CHECK(s1->cache_ttl_seconds == 3600);
  // `printf 'plan\nbig\nsha256:abc' | sha256sum`, its first 40 hex digits.
  CHECK(s1->prompt_cache_key == "taskcost-204d8efcd7dcdfb5702233a92c91f9d1b1df7c37");
  CHECK(s2->prompt_cache_key == s1->prompt_cache_key);  // the same for every sample
  // `printf 'plan\nsmall\nsha256:abc' | sha256sum`: each candidate its own.
  CHECK(small->prompt_cache_key == "taskcost-379ca3cfb8364a7402a78a7bb0e11c5adf0be4cd");

  // On OpenAI's own API, big's request template (PlannedTask: sample 1, candidate 0) splices
  // the prompts around the key: the same bytes as a request built whole, the key in them.
  RunPlan openai = f.Plan();
  openai.candidates.at(0).provider.kind = ProviderKind::kOpenAi;
  const RequestTemplates requests(openai);
  const PlannedCandidate& big = openai.candidates.at(0);
  const std::string body = requests.For(PlannedTask{1, 0, 0}).Build(*s2).body;
  CHECK(body == BuildRequest(big.provider, *s2, big.key).body);
  CHECK(body.find(R"("prompt_cache_key":"taskcost-204d8efcd7dcdfb5702233a92c91f9d1b1df7c37")") !=
        std::string::npos);
}

TEST_CASE("cache_call: without cache: the calls ask nothing") {
  const PlanFixture f;
  Result<ChatCall> call = MakeCall(f.Plan(), PlannedTask{0, 0, 0});
  REQUIRE(call.ok());
  CHECK(call->cache_ttl_seconds == 0);
  CHECK(call->prompt_cache_key.empty());
}

}  // namespace taskcost::cache_call_test
