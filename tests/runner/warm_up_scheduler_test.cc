// Warming the prompt cache (docs/prompt-caching.md, "Warm-up"): with TaskSpec::warm_up the
// first request of a lane (a model at a provider) goes alone and the others wait for its reply,
// however long it takes and whatever the rate caps, so they read the prefix it writes.
#include <doctest/doctest.h>

#include "harness/runner/scheduler.h"

namespace taskcost::warm_up_test {
namespace {
using std::chrono::milliseconds;

SteadyTime At(int64_t ms) { return SteadyTime{} + milliseconds(ms); }

RetryPolicy ThreeAttempts() {
  RetryPolicy p;
  p.max_attempts = 3;
  p.backoff_initial = milliseconds(100);
  p.backoff_max = milliseconds(1000);
  return p;
}

TaskSpec Cached(int model = 0) {
  TaskSpec spec;
  spec.model = model;
  spec.warm_up = true;
  return spec;
}

AttemptOutcome Reply(ErrorClass error = ErrorClass::kNone) {
  AttemptOutcome o;
  o.http_answer = true;
  o.error = error;
  return o;
}

}  // namespace

TEST_CASE("warm_up: the first request goes alone until its reply, however long it takes") {
  // 16 may be in flight at the provider; no rate caps; the probe is on, as in a run.
  SchedulerLimits limits{100, {16}, {GroupRateLimit{}}};
  limits.probe_first = true;
  Scheduler s(limits, ThreeAttempts(), std::nullopt, 1);
  for (int i = 0; i < 10; ++i) s.AddTask(Cached());
  const std::vector<SendOrder> first = s.TakeSends(At(0));
  REQUIRE(first.size() == 1);
  // Past the probe's 1 s: still alone, and nothing but its reply can end the wait.
  CHECK(s.TakeSends(At(5000)).empty());
  CHECK_FALSE(s.NextWake().has_value());
  CHECK_FALSE(s.Waiting(At(5000)).has_value());
  s.OnFinished(first[0].task, Reply(), At(6000));
  CHECK(s.TakeSends(At(6000)).size() == 9);
}

TEST_CASE("warm_up: each lane warms its own model, a lane without it is not held") {
  SchedulerLimits limits{100, {16}, {GroupRateLimit{}}};
  Scheduler s(limits, ThreeAttempts(), std::nullopt, 1);
  for (int i = 0; i < 3; ++i) s.AddTask(Cached(0));
  for (int i = 0; i < 3; ++i) s.AddTask(Cached(1));
  TaskSpec plain;
  plain.model = 2;
  for (int i = 0; i < 3; ++i) s.AddTask(plain);
  // One of model 0, one of model 1, all three of model 2.
  CHECK(s.TakeSends(At(0)).size() == 1 + 1 + 3);
}

TEST_CASE("warm_up: a first request that fails ends the warm-up too") {
  SchedulerLimits limits{100, {16}, {GroupRateLimit{}}};  // no caps, no probe: only the warm-up
  Scheduler s(limits, ThreeAttempts(), std::nullopt, 1);
  for (int i = 0; i < 3; ++i) s.AddTask(Cached());
  const std::vector<SendOrder> first = s.TakeSends(At(0));
  REQUIRE(first.size() == 1);
  CHECK(s.TakeSends(At(60'000)).empty());
  s.OnFinished(first[0].task, Reply(ErrorClass::kServer), At(60'000));
  // The other two go at once; the failed one waits for its retry backoff.
  CHECK(s.TakeSends(At(60'000)).size() == 2);
}

}  // namespace taskcost::warm_up_test
