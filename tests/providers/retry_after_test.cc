#include "harness/providers/retry_after.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace taskcost::retry_after_test {
namespace {

using std::chrono::milliseconds;

TEST_CASE("retry_after: OpenAI reset durations") {
  struct Case {
    const char* text;
    int64_t millis;
  };
  const Case cases[] = {
      {"1s", 1000},
      {"6m0s", 360'000},
      {"12ms", 12},
      {"1m30.5s", 90'500},
      {"0s", 0},
      {"2h0m0s", 7'200'000},
      {"0.5s", 500},
      {"250us", 1},
      {"1500\xC2\xB5s", 2},
      {"900ns", 1},
      {"20", 20'000},
      {" 3s ", 3000},
      {"0.1s", 100},
      {"1h1m1s1ms", 3'661'001},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    REQUIRE(ParseRateLimitDuration(c.text).has_value());
    CHECK(ParseRateLimitDuration(c.text)->count() == c.millis);
  }
  for (const char* bad : {"", "s", "5x", "1m-2s", "-1s", "1.2.3s", "abc", "10m s", "1e3s"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRateLimitDuration(bad).has_value());
  }
}

TEST_CASE("retry_after: Retry-After seconds") {
  CHECK(ParseRetryAfterSeconds("20") == milliseconds(20'000));
  CHECK(ParseRetryAfterSeconds("1.5") == milliseconds(1500));
  CHECK(ParseRetryAfterSeconds("0") == milliseconds(0));
  CHECK_FALSE(ParseRetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  CHECK_FALSE(ParseRetryAfterSeconds("-3").has_value());
  CHECK_FALSE(ParseRetryAfterSeconds("").has_value());
  // A well-formed but absurd wait is a very long one (the run's max_wait refuses it), not an
  // unreadable header: held at kMaxWaitSeconds (1e7 s).
  CHECK(ParseRetryAfterSeconds("99999999999") == milliseconds(10'000'000'000));
  CHECK(ParseRetryAfterSeconds(std::string(400, '9')) == milliseconds(10'000'000'000));
  CHECK(ParseRetryAfterSeconds("0." + std::string(400, '0') + "1") == milliseconds(0));
  CHECK(ParseRetryAfterSeconds("999999") == milliseconds(999'999'000));
}

// RFC 9110 section 10.2.3 (Retry-After = HTTP-date / delay-seconds) and section 5.6.7 (the
// three HTTP-date forms, with the RFC's own example instant, 784111777 s after the epoch):
// https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7
TEST_CASE("retry_after: HTTP-dates in all three forms") {
  CHECK(ParseHttpDateMillis("Sun, 06 Nov 1994 08:49:37 GMT") == 784'111'777'000);
  CHECK(ParseHttpDateMillis("Sunday, 06-Nov-94 08:49:37 GMT") == 784'111'777'000);
  CHECK(ParseHttpDateMillis("Sun Nov  6 08:49:37 1994") == 784'111'777'000);
  CHECK(ParseHttpDateMillis("Thu, 31 Dec 2026 23:59:59 GMT") == 1'798'761'599'000);
  CHECK(ParseHttpDateMillis("Thursday, 31-Dec-26 23:59:59 GMT") == 1'798'761'599'000);
  CHECK(ParseHttpDateMillis("Thu Dec 31 23:59:59 2026") == 1'798'761'599'000);
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "06 Nov 1994 08:49:37 GMT",
                          "Sun, 32 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
                          "2026-01-02T03:04:05Z", "120"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseHttpDateMillis(bad).has_value());
  }
}

TEST_CASE("retry_after: an HTTP-date Retry-After counts from the response's Date") {
  // 2 min 30 s after the server's own Date, whatever the local clock says.
  CHECK(RetryAfterFromHeaders({{"Date", "Wed, 21 Oct 2015 07:28:00 GMT"},
                               {"Retry-After", "Wed, 21 Oct 2015 07:30:30 GMT"}}) ==
        milliseconds(150'000));
  // Already past: no wait.
  CHECK(RetryAfterFromHeaders({{"Date", "Wed, 21 Oct 2015 07:28:00 GMT"},
                               {"Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT"}}) ==
        milliseconds(0));
  // Years away: a very long wait, held at 1e7 s, for max_wait to refuse.
  CHECK(RetryAfterFromHeaders({{"Date", "Wed, 21 Oct 2015 07:28:00 GMT"},
                               {"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}) ==
        milliseconds(10'000'000'000));
  // Without a readable Date there is nothing to count from.
  CHECK_FALSE(RetryAfterFromHeaders({{"Retry-After", "Wed, 21 Oct 2015 07:30:30 GMT"}}));
  CHECK_FALSE(RetryAfterFromHeaders(
      {{"Date", "yesterday"}, {"Retry-After", "Wed, 21 Oct 2015 07:30:30 GMT"}}));
}

TEST_CASE("retry_after: the header a wait came from, for the message that refuses it") {
  CHECK(WaitSource({{"Retry-After", "999999"}}) == "Retry-After: 999999");
  CHECK(WaitSource({{"retry-after-ms", "5000"}, {"Retry-After", "5"}}) == "retry-after-ms: 5000");
  CHECK(WaitSource({{"retry-after-ms", "soon"}, {"retry-after", " 7 "}}) == "Retry-After: 7");
  CHECK(WaitSource({{"Date", "Wed, 21 Oct 2015 07:28:00 GMT"},
                    {"Retry-After", "Wed, 21 Oct 2015 07:30:30 GMT"}}) ==
        "Retry-After: Wed, 21 Oct 2015 07:30:30 GMT");
  // OpenAI's 429 without Retry-After: its longest reset.
  CHECK(WaitSource({{"x-ratelimit-reset-requests", "2s"}, {"x-ratelimit-reset-tokens", "6m0s"}}) ==
        "x-ratelimit-reset-tokens: 6m0s");
  CHECK(WaitSource({{"Retry-After", "soon"}}).empty());
  CHECK(WaitSource({}).empty());
}

TEST_CASE("retry_after: headers, retry-after-ms first") {
  CHECK(RetryAfterFromHeaders({{"Retry-After", "2"}}) == milliseconds(2000));
  CHECK(RetryAfterFromHeaders({{"retry-after-ms", "350"}, {"Retry-After", "2"}}) ==
        milliseconds(350));
  // An unreadable retry-after-ms falls back to Retry-After.
  CHECK(RetryAfterFromHeaders({{"retry-after-ms", "soon"}, {"Retry-After", "2"}}) ==
        milliseconds(2000));
  CHECK_FALSE(RetryAfterFromHeaders({{"x-ratelimit-reset-tokens", "6m0s"}}).has_value());
  CHECK_FALSE(RetryAfterFromHeaders({}).has_value());
}

TEST_CASE("retry_after: RFC 3339 times as Anthropic sends them") {
  CHECK(ParseRfc3339Millis("2026-01-02T03:04:05Z") == 1'767'323'045'000);
  CHECK(ParseRfc3339Millis("2026-01-02T03:04:05.25Z") == 1'767'323'045'250);
  CHECK(ParseRfc3339Millis("2026-01-02T03:04:05.0001Z") == 1'767'323'045'001);  // rounded up
  CHECK(ParseRfc3339Millis("2026-01-02T04:04:05+01:00") == 1'767'323'045'000);
  CHECK(ParseRfc3339Millis("2026-01-01T22:04:05-05:00") == 1'767'323'045'000);
  CHECK(ParseRfc3339Millis("1999-12-31t23:59:59z") == 946'684'799'000);
  for (const char* bad : {"", "2026-01-02", "2026-01-02T03:04Z", "2026-13-02T03:04:05Z",
                          "2026-01-02T03:04:05", "2026-01-02T03:04:05.Z", "26-01-02T03:04:05Z",
                          "2026-01-02T03:04:05Z junk", "2026-01-02T03:04:05+0100"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRfc3339Millis(bad).has_value());
  }
}

TEST_CASE("retry_after: OpenAI's x-ratelimit headers") {
  std::optional<RateLimitState> state = RateLimitFromHeaders({
      {"x-ratelimit-limit-requests", "500"},
      {"X-RateLimit-Remaining-Requests", "499"},
      {"x-ratelimit-reset-requests", "120ms"},
      {"x-ratelimit-limit-tokens", "200000"},
      {"x-ratelimit-remaining-tokens", "198500"},
      {"x-ratelimit-reset-tokens", "1m0.45s"},
  });
  REQUIRE(state.has_value());
  CHECK(state->requests.limit == 500);
  CHECK(state->requests.remaining == 499);
  CHECK(state->requests.reset_after == milliseconds(120));
  CHECK(state->tokens.limit == 200'000);
  CHECK(state->tokens.remaining == 198'500);
  CHECK(state->tokens.reset_after == milliseconds(60'450));
  CHECK_FALSE(state->requests.reset_unix_ms.has_value());

  SUBCASE("unreadable values are left out; no rate-limit header at all is no state") {
    std::optional<RateLimitState> partial = RateLimitFromHeaders(
        {{"x-ratelimit-limit-requests", "many"}, {"x-ratelimit-remaining-requests", "-1"},
         {"x-ratelimit-reset-requests", "soon"}, {"x-ratelimit-remaining-tokens", "10"}});
    REQUIRE(partial.has_value());
    CHECK(partial->requests.empty());
    CHECK(partial->tokens.remaining == 10);
    CHECK_FALSE(RateLimitFromHeaders({{"retry-after", "2"}}).has_value());
  }
}

TEST_CASE("retry_after: Anthropic's anthropic-ratelimit headers reset at a time") {
  std::optional<RateLimitState> state = RateLimitFromHeaders({
      {"anthropic-ratelimit-requests-limit", "50"},
      {"anthropic-ratelimit-requests-remaining", "0"},
      {"anthropic-ratelimit-requests-reset", "2026-01-02T03:04:05.250Z"},
      {"anthropic-ratelimit-input-tokens-limit", "40000"},
      {"anthropic-ratelimit-input-tokens-remaining", "39000"},
      {"anthropic-ratelimit-input-tokens-reset", "2026-01-02T03:04:06Z"},
  });
  REQUIRE(state.has_value());
  CHECK(state->requests.limit == 50);
  CHECK(state->requests.remaining == 0);
  CHECK(state->requests.reset_unix_ms == 1'767'323'045'250);
  // 1 s before the reset time, it is 1 s away; after it, none.
  CHECK(state->requests.ResetAfter(1'767'323'044'250) == milliseconds(1000));
  CHECK(state->requests.ResetAfter(1'767'323'046'000) == milliseconds(0));
  // Without anthropic-ratelimit-tokens-*, the input-token quota stands in.
  CHECK(state->tokens.limit == 40'000);
  CHECK(state->tokens.reset_unix_ms == 1'767'323'046'000);

  SUBCASE("the combined tokens quota wins when sent") {
    std::optional<RateLimitState> both = RateLimitFromHeaders(
        {{"anthropic-ratelimit-tokens-remaining", "5"},
         {"anthropic-ratelimit-input-tokens-remaining", "9"}});
    REQUIRE(both.has_value());
    CHECK(both->tokens.remaining == 5);
  }
}

}  // namespace
}  // namespace taskcost::retry_after_test
