#include "harness/runner/rate_limiter.h"

#include <doctest/doctest.h>

namespace taskcost::rate_limiter_test {
namespace {
using std::chrono::milliseconds;

SteadyTime T(int64_t ms) { return SteadyTime{} + milliseconds(ms); }

QuotaReading Reading(int64_t limit, int64_t remaining, int64_t reset_ms) {
  return QuotaReading{limit, remaining, milliseconds(reset_ms)};
}
}  // namespace

TEST_CASE("rate_limiter: a token bucket refills continuously up to its capacity") {
  TokenBucket b(10, 10, T(0));  // 10 a second, holds 10
  CHECK(b.Level(T(0)) == doctest::Approx(10));
  b.Take(10, T(0));
  CHECK(b.Level(T(50)) == doctest::Approx(0.5));
  CHECK(b.ReadyAt(1) == T(100));
  CHECK_FALSE(b.Ready(1, T(99)));
  CHECK(b.Ready(1, T(100)));
  CHECK(b.Level(T(60'000)) == doctest::Approx(10));  // never above the capacity

  SUBCASE("taking more than is there leaves a debt the refill repays") {
    TokenBucket debt(10, 10, T(0));
    debt.Take(15, T(0));
    CHECK(debt.Level(T(0)) == doctest::Approx(-5));
    CHECK(debt.ReadyAt(1) == T(600));
  }
  SUBCASE("an amount larger than the bucket goes when it is full") {
    TokenBucket tokens(500, 500, T(0));  // 30,000 tokens a minute, one second's worth held
    CHECK(tokens.Ready(1500, T(0)));
    tokens.Take(1500, T(0));
    // -1,000 refills to the full 500 in 3 s.
    CHECK(tokens.ReadyAt(1500) == T(3000));
  }
  SUBCASE("with a lag, leaving full starts the refill later") {
    TokenBucket lagged(10, 10, T(0), milliseconds(100));
    lagged.Take(10, T(0));
    CHECK(lagged.Level(T(100)) == doctest::Approx(0));
    CHECK(lagged.ReadyAt(1) == T(200));
    lagged.Take(1, T(200));  // not from full: no new lag
    CHECK(lagged.ReadyAt(1) == T(300));
    lagged.Give(5, T(250));  // given back during the refill: ready at once
    CHECK(lagged.ReadyAt(1) == SteadyTime::min());
  }
  SUBCASE("giving back is capped at the capacity; a bucket without refill never readies") {
    b.Give(100, T(100));
    CHECK(b.Level(T(100)) == doctest::Approx(10));
    TokenBucket frozen(5, 0, T(0));
    frozen.Take(5, T(0));
    CHECK(frozen.ReadyAt(1) == SteadyTime::max());
  }
}

TEST_CASE("rate_limiter: the provider's quota follows its rate-limit headers") {
  ServerQuota q;
  CHECK_FALSE(q.Known(T(0)));
  CHECK(q.ReadyAt(1) == SteadyTime::min());

  // A 600/min quota enforced over 1 s: after our request it has 9 left and is full again in
  // 100 ms, so it holds 9 + 10/s x 0.1 s = 10. Sent at 0, the reply read at 5 ms: the provider
  // may have counted it just before answering, so 9 are left now, no more.
  q.Observe(Reading(600, 9, 100), T(0), 0, T(5));
  REQUIRE(q.Known(T(5)));
  CHECK(*q.Level(T(5)) == doctest::Approx(9));
  for (int i = 0; i < 9; ++i) q.OnSend(1, T(5));
  CHECK(*q.Level(T(5)) == doctest::Approx(0));
  // The 10th request waits for the refill: 1 at 10/s = 100 ms.
  CHECK(q.ReadyAt(1) == T(105));
  CHECK(*q.Level(T(60'000)) == doctest::Approx(10));  // never more than it holds

  SUBCASE("no more than what remains is sent before it refills") {
    ServerQuota empty;
    // Three of ours went with or after the request the reply answers; the provider may not
    // have counted them: 0 - 3 = -3, so one more fits after 400 ms.
    empty.Observe(Reading(600, 0, 1000), T(0), 3, T(50));
    CHECK(*empty.Level(T(50)) == doctest::Approx(-3));
    CHECK(empty.ReadyAt(1) == T(450));
  }
  SUBCASE("a slow reply: the provider counted the request long before it answered") {
    ServerQuota slow;
    // Sent at 0, answered at 500 ms; counted by kArrivalLag (100 ms): 0 + 10/s x 0.4 s = 4.
    slow.Observe(Reading(600, 0, 1000), T(0), 0, T(500));
    CHECK(*slow.Level(T(500)) == doctest::Approx(4));
  }
  SUBCASE("a reading below our estimate pulls it down (someone else spends the quota)") {
    ServerQuota shared;
    shared.Observe(Reading(600, 9, 100), T(0), 0, T(0));
    // We think 9 are left; the provider says 2 (rounded down): at most 3 are.
    shared.Observe(Reading(600, 2, 800), T(0), 0, T(0));
    CHECK(*shared.Level(T(0)) == doctest::Approx(3));
  }
  SUBCASE("a reading above our estimate raises it to what the provider says must be left") {
    q.Observe(Reading(600, 6, 400), T(10), 0, T(10));
    CHECK(*q.Level(T(10)) == doctest::Approx(6));
  }
  SUBCASE("a reading between the bounds keeps our own count") {
    // At 45 ms we count 0.4; a reply to a request sent at 5 ms says 0 left: between 0 and
    // 0 + 1 + 10/s x 40 ms = 1.4.
    q.Observe(Reading(600, 0, 1000), T(5), 0, T(45));
    CHECK(*q.Level(T(45)) == doctest::Approx(0.4));
  }
  SUBCASE("a reply without usable headers forgets the quota") {
    q.Observe(QuotaReading{std::nullopt, 0, std::nullopt}, T(10), 0, T(10));
    CHECK_FALSE(q.Known(T(10)));
    CHECK(q.ReadyAt(1) == SteadyTime::min());
  }
  SUBCASE("without a limit, what remains lasts until the reset, then nothing is known") {
    ServerQuota until_reset;
    until_reset.Observe(QuotaReading{std::nullopt, 2, milliseconds(5000)}, T(0), 0, T(0));
    until_reset.OnSend(2, T(0));
    CHECK(until_reset.ReadyAt(1) == T(5000));
    CHECK_FALSE(until_reset.Known(T(5000)));
  }
}

TEST_CASE("rate_limiter: an idle quota is full again at the reading's reset, at most max_wait") {
  // 600/min over 1 s (holds 10): 0 left, full in 1 s, 30 of ours may come after the reading:
  // -30, and one request back only after (1 + 30) / 10 = 3.1 s.
  ServerQuota q;
  q.Observe(Reading(600, 0, 1000), T(0), 30, T(50));
  CHECK(q.ReadyAt(1) == T(3150));
  // With nothing of ours in flight the provider has counted all of it, and it said it would be
  // full again at 1,050 ms: no later than that.
  CHECK(q.ReadyAt(1, /*idle=*/true) == T(1050));
  // Sending then starts from the full 10.
  q.OnSend(1, T(1050), /*idle=*/true);
  CHECK(*q.Level(T(1050)) == doctest::Approx(9));

  SUBCASE("a reset days away counts as max_wait") {
    ServerQuota far;
    far.Observe(Reading(600, 0, 999'999'000), T(0), 30, T(0), milliseconds(120'000));
    CHECK(far.ReadyAt(1, true) == T(3100));  // the refill comes first
    ServerQuota never;
    // A limit of 0 never refills: without the cap the lane would wait forever.
    never.Observe(QuotaReading{0, 0, std::nullopt}, T(0), 3, T(0), milliseconds(120'000));
    CHECK(never.ReadyAt(1) == T(120'000));
    ServerQuota no_limit;
    no_limit.Observe(QuotaReading{std::nullopt, 0, milliseconds(999'999'000)}, T(0), 0, T(0),
                     milliseconds(120'000));
    CHECK(no_limit.ReadyAt(1) == T(120'000));
  }
}

TEST_CASE("rate_limiter: AIMD halves the limit on repeated 429s and adds one back per 8 answers") {
  AimdLimit aimd(16);
  CHECK(aimd.limit() == 16);
  aimd.OnRateLimited(T(0), 12, T(10));
  CHECK(aimd.limit() == 16);  // one 429 alone is not repeated
  aimd.OnRateLimited(T(0), 10, T(20));
  CHECK(aimd.limit() == 5);  // halved from the 10 in flight, below the limit of 16

  SUBCASE("replies to attempts sent before the decrease do not count") {
    aimd.OnRateLimited(T(15), 5, T(30));
    aimd.OnRateLimited(T(19), 5, T(30));
    CHECK(aimd.limit() == 5);
  }
  SUBCASE("8 answers to later attempts add 1, up to the maximum") {
    for (int i = 0; i < 7; ++i) aimd.OnAnswered(T(25));
    CHECK(aimd.limit() == 5);
    aimd.OnAnswered(T(25));
    CHECK(aimd.limit() == 6);
    for (int i = 0; i < 8 * 20; ++i) aimd.OnAnswered(T(25));
    CHECK(aimd.limit() == 16);
  }
  SUBCASE("never below 1") {
    for (int round = 1; round <= 6; ++round) {
      aimd.OnRateLimited(T(100 * round), 16, T(100 * round));
      aimd.OnRateLimited(T(100 * round), 16, T(100 * round));
    }
    CHECK(aimd.limit() == 1);
  }
  SUBCASE("429s scattered among answers (2 in the last 10) still count as repeated") {
    AimdLimit scattered(8);
    scattered.OnRateLimited(T(0), 8, T(0));
    for (int i = 0; i < 7; ++i) scattered.OnAnswered(T(0));
    CHECK(scattered.limit() == 8);
    scattered.OnRateLimited(T(0), 8, T(1));
    CHECK(scattered.limit() == 4);
  }
}

TEST_CASE("rate_limiter: Anthropic's reset times become delays from now") {
  RateLimitState state;
  state.requests = RateLimitWindow{50, 49, std::nullopt, 1'800'000'001'500};
  state.tokens = RateLimitWindow{40'000, 39'000, milliseconds(250), std::nullopt};
  RateLimitReading r = ReadingOf(state, 1'800'000'000'000);
  CHECK(r.requests.limit == 50);
  CHECK(r.requests.remaining == 49);
  CHECK(r.requests.reset_after == milliseconds(1500));
  CHECK(r.tokens.reset_after == milliseconds(250));
  CHECK(ReadingOf(state, 1'800'000'009'000).requests.reset_after == milliseconds(0));
}

}  // namespace taskcost::rate_limiter_test
