#include "harness/runner/scheduler.h"

#include <doctest/doctest.h>

namespace taskcost {
namespace {
using std::chrono::milliseconds;

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

RetryPolicy Policy(int max_attempts = 3) {
  RetryPolicy p;
  p.max_attempts = max_attempts;
  p.backoff_initial = milliseconds(100);
  p.backoff_max = milliseconds(1000);
  return p;
}

SteadyTime T(int64_t ms) { return SteadyTime{} + milliseconds(ms); }
}  // namespace

TEST_CASE("scheduler: never exceeds the global and per-provider concurrency") {
  Scheduler s(SchedulerLimits{3, {2, 0}}, Policy(), std::nullopt, 1);
  for (int i = 0; i < 5; ++i) s.AddTask(TaskSpec{0, 0});
  for (int i = 0; i < 5; ++i) s.AddTask(TaskSpec{1, 1});
  std::vector<SendOrder> first = s.TakeSends(T(0));
  CHECK(first.size() == 3);
  int group0 = 0;
  for (const SendOrder& o : first) group0 += o.task < 5 ? 1 : 0;
  CHECK(group0 <= 2);
  CHECK(s.TakeSends(T(0)).empty());
  s.OnFinished(first[0].task, ErrorClass::kNone, std::nullopt, Money{}, T(10));
  CHECK(s.TakeSends(T(10)).size() == 1);
}

TEST_CASE("scheduler: retries wait for the backoff and at least Retry-After") {
  Scheduler s(SchedulerLimits{4, {}}, Policy(), std::nullopt, 7);
  size_t task = s.AddTask(TaskSpec{});
  REQUIRE(s.TakeSends(T(0)).size() == 1);
  s.OnFinished(task, ErrorClass::kRateLimit, milliseconds(5000), Money{}, T(0));
  CHECK(s.NextWake() == T(5000));
  CHECK(s.TakeSends(T(4999)).empty());
  std::vector<SendOrder> retry = s.TakeSends(T(5000));
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].attempt == 2);

  SUBCASE("without Retry-After the delay is the capped exponential with jitter") {
    s.OnFinished(task, ErrorClass::kServer, std::nullopt, Money{}, T(6000));
    // attempt 2 failed: base 100 ms * 2 = 200 ms; equal jitter puts it in [100, 200].
    REQUIRE(s.NextWake().has_value());
    CHECK(*s.NextWake() >= T(6100));
    CHECK(*s.NextWake() <= T(6200));
  }
}

TEST_CASE("scheduler: a task stops after max_attempts and on classes the policy does not retry") {
  SUBCASE("max attempts") {
    Scheduler s(SchedulerLimits{4, {}}, Policy(2), std::nullopt, 1);
    size_t task = s.AddTask(TaskSpec{});
    s.TakeSends(T(0));
    s.OnFinished(task, ErrorClass::kInvalidOutput, std::nullopt, Money{}, T(0));
    std::vector<SendOrder> again = s.TakeSends(T(10'000));
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempt == 2);
    s.OnFinished(task, ErrorClass::kInvalidOutput, std::nullopt, Money{}, T(10'000));
    CHECK(s.Done());
    CHECK(s.TakeSends(T(100'000)).empty());
  }
  SUBCASE("truncated is not in the default retry_on") {
    Scheduler s(SchedulerLimits{4, {}}, Policy(), std::nullopt, 1);
    size_t task = s.AddTask(TaskSpec{});
    s.TakeSends(T(0));
    s.OnFinished(task, ErrorClass::kTruncated, std::nullopt, Money{}, T(0));
    CHECK(s.Done());
  }
  SUBCASE("a valid but incorrect answer ends the task") {
    Scheduler s(SchedulerLimits{4, {}}, Policy(), std::nullopt, 1);
    size_t task = s.AddTask(TaskSpec{});
    s.TakeSends(T(0));
    s.OnFinished(task, ErrorClass::kIncorrect, std::nullopt, Money{}, T(0));
    CHECK(s.Done());
    CHECK(s.finished_tasks() == 1);
  }
}

TEST_CASE("scheduler: a fatal error stops its candidate and no other") {
  Scheduler s(SchedulerLimits{2, {}}, Policy(), std::nullopt, 1);
  for (int i = 0; i < 3; ++i) s.AddTask(TaskSpec{0, 0});
  for (int i = 0; i < 3; ++i) s.AddTask(TaskSpec{1, 0});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 2);  // tasks 0 and 1, both candidate 0
  s.OnFinished(sends[0].task, ErrorClass::kAuth, std::nullopt, Money{}, T(1));
  CHECK(s.candidate_stopped(0));
  // The other in-flight attempt of candidate 0 still finishes and is accounted.
  s.OnFinished(sends[1].task, ErrorClass::kServer, std::nullopt, Money{}, T(2));
  int sent_for_1 = 0;
  while (!s.Done()) {
    for (const SendOrder& o : s.TakeSends(T(100'000))) {
      CHECK(o.task >= 3);
      ++sent_for_1;
      s.OnFinished(o.task, ErrorClass::kNone, std::nullopt, Money{}, T(100'000));
    }
  }
  CHECK(sent_for_1 == 3);
  CHECK(s.Abandoned() == std::vector<size_t>{1, 2});
}

TEST_CASE("scheduler: the budget is reserved before sending, so spend never passes the cap") {
  // Each attempt may cost at most $0.30; the cap is $1.00. Three reservations fit ($0.90), a
  // fourth would not ($1.20) until actual costs come back lower.
  Scheduler s(SchedulerLimits{10, {}}, Policy(), Usd("1.00"), 1);
  for (int i = 0; i < 10; ++i) s.AddTask(TaskSpec{0, 0, 0, Usd("0.30")});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  CHECK(sends.size() == 3);
  CHECK(s.stop_cause() == StopCause::kBudget);
  for (const SendOrder& o : sends) s.OnFinished(o.task, ErrorClass::kNone, std::nullopt, Usd("0.10"), T(1));
  CHECK(s.spent() == Usd("0.30"));
  CHECK(s.reserved() == Money{});
  CHECK(s.TakeSends(T(2)).empty());
  CHECK(s.Done());
  CHECK(s.Abandoned().size() == 7);
}

TEST_CASE("scheduler: resumed tasks keep their attempt count") {
  Scheduler s(SchedulerLimits{4, {}}, Policy(3), std::nullopt, 1);
  size_t done = s.AddTask(TaskSpec{0, 0, 3});  // already used every attempt
  size_t partial = s.AddTask(TaskSpec{0, 0, 1});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 1);
  CHECK(sends[0].task == partial);
  CHECK(sends[0].attempt == 2);
  CHECK(done == 0);
}

}  // namespace taskcost
