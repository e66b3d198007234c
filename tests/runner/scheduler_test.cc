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

SchedulerLimits RateLimits(int group_concurrency, int rpm, int64_t tpm = 0) {
  return SchedulerLimits{100, {group_concurrency}, {GroupRateLimit{rpm, tpm}}};
}

SchedulerLimits Probing(SchedulerLimits limits) {
  limits.probe_first = true;
  return limits;
}

AttemptOutcome Answered(int64_t tokens_used = 0) {
  AttemptOutcome o;
  o.http_answer = true;
  o.tokens_used = tokens_used;
  return o;
}

AttemptOutcome RateLimited(std::optional<milliseconds> retry_after = std::nullopt) {
  AttemptOutcome o;
  o.error = ErrorClass::kRateLimit;
  o.http_answer = true;
  o.retry_after = retry_after;
  return o;
}

// Runs every task to completion, answering each attempt at once and moving time only to
// NextWake; returns the send times in order.
std::vector<SteadyTime> RunInstantly(Scheduler& s) {
  std::vector<SteadyTime> sent;
  SteadyTime now = T(0);
  while (!s.Done()) {
    for (const SendOrder& o : s.TakeSends(now)) {
      sent.push_back(now);
      s.OnFinished(o.task, Answered(), now);
    }
    if (s.Done()) break;
    REQUIRE(s.NextWake().has_value());
    REQUIRE(*s.NextWake() > now);
    now = *s.NextWake();
  }
  return sent;
}
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
  for (const SendOrder& o : sends) {
    s.OnFinished(o.task, ErrorClass::kNone, std::nullopt, Usd("0.10"), T(1));
  }
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

TEST_CASE("scheduler: requests_per_minute paces sends, holding one second's allowance") {
  // 600/min: 10 at once, then one every 100 ms, even with concurrency to spare. The refill
  // starts 100 ms after the first send (the provider's starts when our first request arrives).
  Scheduler s(RateLimits(50, 600), Policy(), std::nullopt, 1);
  for (int i = 0; i < 30; ++i) s.AddTask(TaskSpec{});
  CHECK(s.TakeSends(T(0)).size() == 10);
  CHECK(s.NextWake() == T(200));
  CHECK(s.TakeSends(T(199)).empty());
  CHECK(s.TakeSends(T(200)).size() == 1);
  CHECK(s.TakeSends(T(550)).size() == 3);  // 3.5 refilled: 3 go, half a request is kept

  SUBCASE("a whole run never goes faster than the limit, nor slower") {
    Scheduler run(RateLimits(50, 600), Policy(), std::nullopt, 1);
    for (int i = 0; i < 30; ++i) run.AddTask(TaskSpec{});
    std::vector<SteadyTime> sent = RunInstantly(run);
    REQUIRE(sent.size() == 30);
    for (size_t i = 0; i < sent.size(); ++i) {
      // The (i+1)th send needs i+1 requests: 10 held plus one per 100 ms after the lag.
      const int64_t earliest = i < 10 ? 0 : 100 + (int64_t(i) - 9) * 100;
      CHECK(sent[i] == T(earliest));
    }
  }
}

TEST_CASE("scheduler: tokens_per_minute charges the estimate and refunds what was not used") {
  // 60,000 tokens/min: 1,000 a second, 1,000 held. Each task is estimated at 600.
  Scheduler s(RateLimits(50, 0, 60'000), Policy(), std::nullopt, 1);
  TaskSpec spec;
  spec.estimated_tokens = 600;
  for (int i = 0; i < 3; ++i) s.AddTask(spec);
  std::vector<SendOrder> first = s.TakeSends(T(0));
  REQUIRE(first.size() == 1);  // 400 left, the next needs 600
  CHECK(s.NextWake() == T(300));  // 100 ms lag, then 200 at 1,000/s
  // The reply used 100 tokens: 500 come back, 900 are there, the next goes now.
  s.OnFinished(first[0].task, Answered(100), T(10));
  CHECK(s.TakeSends(T(10)).size() == 1);

  SUBCASE("a task bigger than a second's allowance waits for a full bucket, then borrows") {
    Scheduler big(RateLimits(50, 0, 60'000), Policy(), std::nullopt, 1);
    spec.estimated_tokens = 2'500;
    big.AddTask(spec);
    big.AddTask(spec);
    CHECK(big.TakeSends(T(0)).size() == 1);
    // -1,500 refills to the full 1,000 in 2.5 s, after the 100 ms lag.
    CHECK(big.NextWake() == T(2600));
    CHECK(big.TakeSends(T(2600)).size() == 1);
  }
}

TEST_CASE("scheduler: a 429 with Retry-After pauses every task of that model at the provider") {
  Scheduler s(Probing(RateLimits(10, 0)), Policy(), std::nullopt, 1);
  for (int i = 0; i < 4; ++i) s.AddTask(TaskSpec{0, 0, 0, Money{}, 0, /*model=*/0});
  for (int i = 0; i < 4; ++i) s.AddTask(TaskSpec{0, 0, 0, Money{}, 0, /*model=*/1});
  // Without a requests_per_minute, each model starts with one request.
  std::vector<SendOrder> probes = s.TakeSends(T(0));
  REQUIRE(probes.size() == 2);
  s.OnFinished(probes[0].task, RateLimited(milliseconds(2000)), T(10));
  s.OnFinished(probes[1].task, Answered(), T(10));
  std::vector<SendOrder> sends = s.TakeSends(T(10));
  CHECK(sends.size() == 3);
  for (const SendOrder& o : sends) CHECK(o.task >= 4);  // model 1 only
  CHECK(s.TakeSends(T(1999)).empty());
  CHECK(s.NextWake() == T(2010));
  // The pause ends together with the rate-limited task's own wait.
  std::vector<SendOrder> resumed = s.TakeSends(T(2010));
  CHECK(resumed.size() == 4);
  CHECK(resumed[0].task == probes[0].task);  // the retry goes first
  CHECK(resumed[0].attempt == 2);
}

TEST_CASE("scheduler: repeated 429s halve a provider's concurrency, answers restore it") {
  Scheduler s(RateLimits(8, 6000), Policy(5), std::nullopt, 1);
  for (int i = 0; i < 100; ++i) s.AddTask(TaskSpec{});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 8);
  s.OnFinished(sends[0].task, RateLimited(), T(10));
  CHECK(s.concurrency_limit(0) == 8);  // one 429 alone is not repeated
  s.OnFinished(sends[1].task, RateLimited(), T(10));
  CHECK(s.concurrency_limit(0) == 3);  // 7 were in flight with it: halved, rounded down
  // The six still in flight are above the new limit: nothing goes until they come back.
  CHECK(s.TakeSends(T(1000)).empty());
  for (size_t i = 2; i < 8; ++i) s.OnFinished(sends[i].task, Answered(), T(1000));
  CHECK(s.concurrency_limit(0) == 3);  // sent before the decrease: they do not count

  int answers_to_recover = 0;
  SteadyTime now = T(1000);
  while (s.concurrency_limit(0) == 3) {
    std::vector<SendOrder> batch = s.TakeSends(now);
    REQUIRE(!batch.empty());
    CHECK(batch.size() <= 3);
    now += milliseconds(100);
    for (const SendOrder& o : batch) {
      if (s.concurrency_limit(0) == 3) ++answers_to_recover;
      s.OnFinished(o.task, Answered(), now);
    }
  }
  CHECK(answers_to_recover == 8);
  CHECK(s.concurrency_limit(0) == 4);
  CHECK(s.TakeSends(now).size() == 4);
}

TEST_CASE("scheduler: rate-limit headers slow sends before the remaining quota runs out") {
  Scheduler s(Probing(RateLimits(16, 0)), Policy(), std::nullopt, 1);
  for (int i = 0; i < 40; ++i) s.AddTask(TaskSpec{});
  // Nothing known yet: one request finds out how much may follow.
  std::vector<SendOrder> probe = s.TakeSends(T(0));
  REQUIRE(probe.size() == 1);
  CHECK(s.TakeSends(T(5)).empty());
  CHECK(s.NextWake() == T(1000));  // its reply, or at most kProbeWait
  // Its reply: 600/min enforced over 1 s; 4 left, full again in 600 ms (so it holds 10).
  AttemptOutcome reply = Answered();
  reply.rate_limit = RateLimitReading{QuotaReading{600, 4, milliseconds(600)}, {}};
  s.OnFinished(probe[0].task, reply, T(50));
  // Four go, not the 16 concurrency allows; the next when one more has refilled.
  CHECK(s.TakeSends(T(50)).size() == 4);
  CHECK(s.NextWake() == T(150));
  CHECK(s.TakeSends(T(150)).size() == 1);

  SUBCASE("a reply without headers after them forgets the quota") {
    std::vector<SendOrder> more = s.TakeSends(T(10'000));
    REQUIRE(more.size() == 10);  // the quota is full again: it holds 10
    s.OnFinished(more[0].task, Answered(), T(10'010));
    // The quota is empty by our count, but no longer known: concurrency alone holds sends
    // back, 14 in flight of 16.
    CHECK(s.TakeSends(T(10'010)).size() == 2);
  }

  SUBCASE("a reply without rate-limit headers ends the probe with nothing to hold sends back") {
    Scheduler plain(Probing(RateLimits(16, 0)), Policy(), std::nullopt, 1);
    for (int i = 0; i < 40; ++i) plain.AddTask(TaskSpec{});
    std::vector<SendOrder> first = plain.TakeSends(T(0));
    REQUIRE(first.size() == 1);
    plain.OnFinished(first[0].task, Answered(), T(50));
    CHECK(plain.TakeSends(T(50)).size() == 16);
  }
  SUBCASE("a probe that takes too long lets the others go after kProbeWait") {
    Scheduler slow(Probing(RateLimits(16, 0)), Policy(), std::nullopt, 1);
    for (int i = 0; i < 40; ++i) slow.AddTask(TaskSpec{});
    REQUIRE(slow.TakeSends(T(0)).size() == 1);
    CHECK(slow.TakeSends(T(999)).empty());
    CHECK(slow.TakeSends(T(1000)).size() == 15);
  }
}

TEST_CASE("scheduler: an answer from the response cache gives its rate charges back") {
  Scheduler s(RateLimits(50, 600, 60'000), Policy(), std::nullopt, 1);
  TaskSpec spec;
  spec.estimated_tokens = 100;
  for (int i = 0; i < 30; ++i) s.AddTask(spec);
  std::vector<SendOrder> first = s.TakeSends(T(0));
  REQUIRE(first.size() == 10);  // one second's allowance of requests
  CHECK(s.TakeSends(T(0)).empty());
  AttemptOutcome hit = Answered(120);
  hit.not_sent = true;
  for (const SendOrder& o : first) s.OnFinished(o.task, hit, T(0));
  // Nothing reached the provider: the next 10 go at once.
  CHECK(s.TakeSends(T(0)).size() == 10);
}

}  // namespace taskcost
