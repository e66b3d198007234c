#include "harness/runner/scheduler.h"

#include <doctest/doctest.h>

#include <functional>

namespace taskcost::scheduler_test {
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

// Sends and answers everything the scheduler allows, one round at a time: each round's attempts
// all finish, task i at cost(i), before the next round. Returns how many went in each round.
std::vector<size_t> RunRounds(Scheduler& s, const std::function<Money(size_t)>& cost) {
  std::vector<size_t> rounds;
  for (int round = 0; !s.Done() && round < 1000; ++round) {
    std::vector<SendOrder> sends = s.TakeSends(T(round));
    rounds.push_back(sends.size());
    for (const SendOrder& o : sends) {
      s.OnFinished(o.task, ErrorClass::kNone, std::nullopt, cost(o.task), T(round));
    }
  }
  return rounds;
}

TEST_CASE("scheduler: the budget is used: reservations shrink as the cap nears") {
  // Each attempt may cost at most $0.30 and costs $0.10; the cap is $1.00; 10 tasks.
  //   round 1: 3 reservations fit ($0.90), a 4th would not ($1.20)         spent $0.30
  //   round 2: $0.30 + 2 x $0.30 = $0.90, a 3rd would make $1.20           spent $0.50
  //   round 3: $0.50 + $0.30 = $0.80 (a 2nd: $1.10)                        spent $0.60
  //   round 4: $0.60 + $0.30 = $0.90                                       spent $0.70
  //   round 5: $0.70 + $0.30 = $1.00, exactly the cap                      spent $0.80
  //   then $0.80 + $0.30 = $1.10 can never fit: the candidate stops, $0.20 left.
  // 8 of 10 tasks ran and 80% of the cap was spent; the old rule stopped the run at the first
  // reservation that did not fit: 3 tasks, $0.30, 30% of the cap.
  Scheduler s(SchedulerLimits{10, {}}, Policy(), Usd("1.00"), 1);
  for (int i = 0; i < 10; ++i) s.AddTask(TaskSpec{0, 0, 0, Usd("0.30")});
  CHECK(RunRounds(s, [](size_t) { return Usd("0.10"); }) == std::vector<size_t>{3, 2, 1, 1, 1, 0});
  CHECK(s.spent() == Usd("0.80"));
  CHECK(s.reserved() == Money{});
  CHECK(s.Done());
  CHECK(s.stop_cause() == StopCause::kBudget);
  CHECK(s.Abandoned() == std::vector<size_t>{8, 9});
  REQUIRE(s.budget_stops().size() == 1);
  CHECK(s.budget_stops()[0].candidate == 0);
  CHECK(s.budget_stops()[0].next_call == Usd("0.30"));
  CHECK(s.budget_stops()[0].left == Usd("0.20"));
}

TEST_CASE("scheduler: when one candidate's next call no longer fits, cheaper ones go on") {
  // Concurrency 1, so the two candidates (two models) alternate, each call finishing before the
  // next is reserved. A: at most $0.30, costs $0.10; B: at most $0.05, costs $0.02; cap $1.00.
  //   A1 B1 ... A6 B6: 6 x $0.12 = $0.72 spent; A7 would need $0.72 + $0.30 = $1.02: A stops
  //   with $0.28 left. B goes on while spent + $0.05 <= $1.00, i.e. spent <= $0.95:
  //   B7..B18 (12 more, $0.72 + 12 x $0.02 = $0.96); B19 would need $1.01: B stops, $0.04 left.
  // Spent $0.96, 96% of the cap; A ran 6 of 10 tasks, B 18 of 20.
  Scheduler s(SchedulerLimits{1, {}}, Policy(), Usd("1.00"), 1);
  for (int i = 0; i < 10; ++i) s.AddTask(TaskSpec{0, 0, 0, Usd("0.30"), 0, /*model=*/0});
  for (int i = 0; i < 20; ++i) s.AddTask(TaskSpec{1, 0, 0, Usd("0.05"), 0, /*model=*/1});
  RunRounds(s, [](size_t task) { return Usd(task < 10 ? "0.10" : "0.02"); });
  CHECK(s.spent() == Usd("0.96"));
  CHECK(s.stop_cause() == StopCause::kBudget);
  CHECK(s.Abandoned() == std::vector<size_t>{6, 7, 8, 9, 28, 29});
  REQUIRE(s.budget_stops().size() == 2);
  CHECK(s.budget_stops()[0].candidate == 0);
  CHECK(s.budget_stops()[0].left == Usd("0.28"));
  CHECK(s.budget_stops()[1].candidate == 1);
  CHECK(s.budget_stops()[1].next_call == Usd("0.05"));
  CHECK(s.budget_stops()[1].left == Usd("0.04"));
  CHECK_FALSE(s.candidate_stopped(0));  // not a fatal error: the report must not say so
}

TEST_CASE("scheduler: a call waiting for reservations to come back is not overtaken") {
  // Cap $1.00; A reserves $0.30 (costs $0.10), B $0.05 (costs $0.02); concurrency 10. Lanes
  // alternate: A1 .30, B1 .35, A2 .65, B2 .70, A3 1.00, then B3 would make 1.05: it waits.
  Scheduler s(SchedulerLimits{10, {}}, Policy(), Usd("1.00"), 1);
  std::vector<size_t> a, b;
  for (int i = 0; i < 5; ++i) {
    a.push_back(s.AddTask(TaskSpec{0, 0, 0, Usd("0.30"), 0, 0}));
    b.push_back(s.AddTask(TaskSpec{1, 0, 0, Usd("0.05"), 0, 1}));
  }
  std::vector<SendOrder> first = s.TakeSends(T(0));
  REQUIRE(first.size() == 5);
  CHECK(s.reserved() == Usd("1.00"));
  CHECK_FALSE(s.NextWake().has_value());  // only a finishing call can let B3 go: no busy wake
  // B1 back ($0.02): $0.02 + $0.95 + $0.05 = $1.02, B3 still waits.
  s.OnFinished(b[0], ErrorClass::kNone, std::nullopt, Usd("0.02"), T(1));
  CHECK(s.TakeSends(T(1)).empty());
  // A1 back ($0.10): spent $0.12, reserved $0.65: B3 goes ($0.82); A4 would make $1.12 and
  // waits, and B4 ($0.87, it would fit) may not go before it.
  s.OnFinished(a[0], ErrorClass::kNone, std::nullopt, Usd("0.10"), T(2));
  std::vector<SendOrder> next = s.TakeSends(T(2));
  REQUIRE(next.size() == 1);
  CHECK(next[0].task == b[2]);
  s.OnFinished(b[2], ErrorClass::kNone, std::nullopt, Usd("0.02"), T(3));
  CHECK(s.TakeSends(T(3)).empty());  // $0.14 + $0.65 + $0.30 = $1.09: A4 still waits, so does B4
  // A2 back: spent $0.24, reserved $0.35: A4 goes first ($0.89), then B4 ($0.94).
  s.OnFinished(a[1], ErrorClass::kNone, std::nullopt, Usd("0.10"), T(4));
  std::vector<SendOrder> after = s.TakeSends(T(4));
  REQUIRE(after.size() == 2);
  CHECK(after[0].task == a[3]);
  CHECK(after[1].task == b[3]);
}

TEST_CASE("scheduler: a budget below every candidate's first call runs nothing, and says why") {
  Scheduler s(SchedulerLimits{4, {}}, Policy(), Usd("0.001"), 1);
  s.AddTask(TaskSpec{0, 0, 0, Usd("0.0081"), 0, 0});
  s.AddTask(TaskSpec{1, 0, 0, Usd("0.0011"), 0, 1});
  CHECK(s.TakeSends(T(0)).empty());
  CHECK(s.Done());
  CHECK(s.stop_cause() == StopCause::kBudget);
  REQUIRE(s.budget_stops().size() == 2);
  CHECK(s.budget_stops()[1].next_call == Usd("0.0011"));
  CHECK(s.budget_stops()[1].left == Usd("0.001"));
}

TEST_CASE("scheduler: a candidate whose next call can never fit stops without waiting") {
  // Cap $0.10, each call reserves $0.06. The first comes back a 429 that cost $0.05 and asks
  // for 60 s; the second task, and the first's retry, would need $0.05 + $0.06 = $0.11: the
  // candidate stops at once rather than after the 60 s pause.
  Scheduler s(SchedulerLimits{4, {}}, Policy(), Usd("0.10"), 1);
  size_t first = s.AddTask(TaskSpec{0, 0, 0, Usd("0.06")});
  s.AddTask(TaskSpec{0, 0, 0, Usd("0.06")});
  REQUIRE(s.TakeSends(T(0)).size() == 1);  // $0.12 for both: the second waits for the first
  AttemptOutcome limited = RateLimited(milliseconds(60'000));
  limited.cost = Usd("0.05");
  s.OnFinished(first, limited, T(10));
  CHECK(s.TakeSends(T(10)).empty());
  CHECK(s.Done());
  CHECK(s.Abandoned() == std::vector<size_t>{0, 1});
  REQUIRE(s.budget_stops().size() == 1);
  CHECK(s.budget_stops()[0].left == Usd("0.05"));
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

}  // namespace taskcost::scheduler_test

namespace taskcost::scheduler_test {
namespace {

AttemptOutcome CacheHit() {
  AttemptOutcome o = Answered(120);
  o.not_sent = true;
  return o;
}

// A 429 as the simulator's injected fault sends it (docs/simulator.md): Retry-After 1 s and a
// made-up, exhausted quota of 50 requests a minute, full again in 1 s.
AttemptOutcome InjectedRateLimit() {
  AttemptOutcome o = RateLimited(milliseconds(1000));
  o.rate_limit = RateLimitReading{QuotaReading{50, 0, milliseconds(1000)}, {}};
  return o;
}

}  // namespace

TEST_CASE("scheduler: a cached re-run waits only what the 429 asked (issue: 108 s stalls)") {
  // The demo's second run: 100 tasks of one model, every answer in the response cache but task
  // 10's, which meets a 429 (above) while the others are answered from the cache around it.
  SchedulerLimits limits = RateLimits(64, 0);
  limits.group_names = {"anthropic"};
  Scheduler s(limits, Policy(), std::nullopt, 1);
  for (int i = 0; i < 100; ++i) s.AddTask(TaskSpec{});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 64);
  for (const SendOrder& o : sends) {
    if (o.task != 10) s.OnFinished(o.task, CacheHit(), T(0));
  }
  std::vector<SendOrder> rest = s.TakeSends(T(0));
  REQUIRE(rest.size() == 36);
  for (const SendOrder& o : rest) s.OnFinished(o.task, CacheHit(), T(0));
  // The 429 comes back at 50 ms. Before the fix the 98 cached sends counted as sent after it
  // and the mirror of the quota kept that bound with nothing in flight: it fell to 0 - 98 and
  // refilled at 50/min, a wait of (98 + 1) / (50 / 60) = 118.8 s. Now: 0 left, nothing else
  // sent; at 50/60 a second one request is back after 1.2 s, but the provider said it is full
  // again in 1 s and nothing of ours is in flight: the retry goes after the 1 s asked.
  s.OnFinished(10, InjectedRateLimit(), T(50));
  CHECK(s.NextWake() == T(1050));
  std::optional<WaitReason> wait = s.Waiting(T(50));
  REQUIRE(wait.has_value());
  CHECK(wait->until == T(1050));
  CHECK(wait->reason == "anthropic rate limit (Retry-After)");
  std::vector<SendOrder> retry = s.TakeSends(T(1050));
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].task == 10);
  CHECK(retry[0].attempt == 2);
}

TEST_CASE("scheduler: a lane with requests in flight keeps the reading's bound until replies") {
  // 11 tasks, 10 sent at once: 5 answered from the cache, the 1st meets a 429 with 0 of 60 a
  // minute left (full in 1 s) while 4 real ones are still out. The provider may count those 4
  // after its reading: -4, and one request back only after (1 + 4) / (60 / 60) = 5 s.
  Scheduler s(RateLimits(10, 0), Policy(), std::nullopt, 1);
  for (int i = 0; i < 11; ++i) s.AddTask(TaskSpec{});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 10);
  for (size_t i = 1; i < 6; ++i) s.OnFinished(sends[i].task, CacheHit(), T(0));
  AttemptOutcome limited = RateLimited(milliseconds(1000));
  limited.rate_limit = RateLimitReading{QuotaReading{60, 0, milliseconds(1000)}, {}};
  s.OnFinished(sends[0].task, limited, T(50));
  CHECK(s.TakeSends(T(1050)).empty());
  CHECK(s.NextWake() == T(5050));
  // They come back without rate-limit headers: the provider no longer says, the mirror is
  // forgotten, the retry and the 11th task go.
  for (size_t i = 6; i < 10; ++i) s.OnFinished(sends[i].task, Answered(), T(1100));
  CHECK(s.TakeSends(T(1100)).size() == 2);
}

TEST_CASE("scheduler: a wait longer than max_wait is refused: the task ends, the lane waits less") {
  // Retry-After: 999999 (11.6 days) with the default max_wait of 120 s.
  SchedulerLimits limits = RateLimits(64, 0);
  limits.group_names = {"openai"};
  Scheduler s(limits, Policy(), std::nullopt, 1);
  size_t first = s.AddTask(TaskSpec{});
  size_t second = s.AddTask(TaskSpec{});
  REQUIRE(s.TakeSends(T(0)).size() == 2);
  s.OnFinished(first, RateLimited(milliseconds(999'999'000)), T(10));
  CHECK(s.task_finished(first));  // not retried
  // The other task's reply is a 200; the lane still honours 120 s of the pause, not 11.6 days.
  s.OnFinished(second, Answered(), T(20));
  CHECK(s.Done());

  Scheduler paused(limits, Policy(), std::nullopt, 1);
  paused.AddTask(TaskSpec{});
  paused.AddTask(TaskSpec{});
  std::vector<SendOrder> one = paused.TakeSends(T(0));
  REQUIRE(one.size() == 2);
  paused.OnFinished(one[0].task, RateLimited(milliseconds(999'999'000)), T(10));
  paused.OnFinished(one[1].task, RateLimited(milliseconds(500)), T(10));
  // The second task's retry (500 ms backoff at most) waits for the lane: 10 ms + 120 s.
  CHECK(paused.NextWake() == T(10 + 500));
  CHECK(paused.TakeSends(T(510)).empty());
  std::optional<WaitReason> wait = paused.Waiting(T(510));
  REQUIRE(wait.has_value());
  CHECK(wait->until == T(120'010));
  CHECK(wait->reason == "openai rate limit (Retry-After)");
  CHECK(paused.TakeSends(T(120'010)).size() == 1);
}

TEST_CASE("scheduler: max_wait is the policy's") {
  RetryPolicy policy = Policy();
  policy.max_wait = milliseconds(5'000);
  CHECK_FALSE(WaitRefused(policy, std::nullopt));
  CHECK_FALSE(WaitRefused(policy, 5'000));
  CHECK(WaitRefused(policy, 5'001));
  Scheduler s(SchedulerLimits{4, {}}, policy, std::nullopt, 1);
  size_t task = s.AddTask(TaskSpec{});
  REQUIRE(s.TakeSends(T(0)).size() == 1);
  s.OnFinished(task, RateLimited(milliseconds(5'000)), T(0));
  CHECK_FALSE(s.task_finished(task));  // exactly max_wait is still waited for
  CHECK(s.NextWake() == T(5'000));
}

TEST_CASE("scheduler: the message of a refused wait names the header") {
  RetryPolicy policy = Policy();  // max_attempts 3, max_wait 120 s by default
  // 999999 s = 277.78 h.
  CHECK(RefusedWaitText(policy, ErrorClass::kRateLimit, 1, 999'999'000,
                        {{"Retry-After", "999999"}}) ==
        "Retry-After: 999999 asks for a wait of 277.8 h, longer than the policy's max_wait_s "
        "of 2.0 min; not retried");
  CHECK(RefusedWaitText(policy, ErrorClass::kRateLimit, 1, 300'000,
                        {{"retry-after-ms", "300000"}, {"Retry-After", "300"}}) ==
        "retry-after-ms: 300000 asks for a wait of 5.0 min, longer than the policy's max_wait_s "
        "of 2.0 min; not retried");
  // Nothing to say: the wait is allowed, the attempt was the last anyway, or not retryable.
  CHECK(RefusedWaitText(policy, ErrorClass::kRateLimit, 1, 120'000, {}).empty());
  CHECK(RefusedWaitText(policy, ErrorClass::kRateLimit, 3, 999'999'000, {}).empty());
  CHECK(RefusedWaitText(policy, ErrorClass::kNone, 1, 999'999'000, {}).empty());
}

TEST_CASE("scheduler: a wait over a second is named") {
  SchedulerLimits limits = RateLimits(64, 60);  // providers.yaml: 60 requests a minute
  limits.group_names = {"openai"};
  Scheduler s(limits, Policy(), std::nullopt, 1);
  for (int i = 0; i < 3; ++i) s.AddTask(TaskSpec{});
  // A bucket of 1 (one second's allowance): one goes, the next after the 100 ms lag + 1 s.
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 1);
  std::optional<WaitReason> wait = s.Waiting(T(0));
  REQUIRE(wait.has_value());
  CHECK(wait->until == T(1100));
  CHECK(wait->reason == "openai requests_per_minute");
  CHECK_FALSE(s.Waiting(T(1100)).has_value());  // it may go now

  SUBCASE("a retry's own backoff") {
    Scheduler r(SchedulerLimits{4, {}}, Policy(), std::nullopt, 1);
    size_t task = r.AddTask(TaskSpec{});
    REQUIRE(r.TakeSends(T(0)).size() == 1);
    r.OnFinished(task, ErrorClass::kServer, std::nullopt, Money{}, T(0));
    wait = r.Waiting(T(0));
    REQUIRE(wait.has_value());
    CHECK(wait->reason == "provider 0 retry backoff");
  }
}

TEST_CASE("scheduler: a cache hit sent in a burst no longer counts as sent to the provider") {
  // Five requests in one burst: the 1st and 2nd real, 3rd to 5th answered by the cache. The
  // 1st's reply (600/min over 1 s: 0 left, full in 1 s) may not have counted the 2nd, but
  // never the three that did not go: 0 - 1 = -1, one request is back after (1 + 1) / 10 s.
  Scheduler s(RateLimits(64, 0), Policy(), std::nullopt, 1);
  for (int i = 0; i < 6; ++i) s.AddTask(TaskSpec{});
  std::vector<SendOrder> sends = s.TakeSends(T(0));
  REQUIRE(sends.size() == 6);
  for (size_t i = 2; i < 6; ++i) s.OnFinished(sends[i].task, CacheHit(), T(0));
  s.AddTask(TaskSpec{});
  AttemptOutcome reply = Answered();
  reply.rate_limit = RateLimitReading{QuotaReading{600, 0, milliseconds(1000)}, {}};
  s.OnFinished(sends[0].task, reply, T(0));
  CHECK(s.NextWake() == T(200));
}

}  // namespace taskcost::scheduler_test
