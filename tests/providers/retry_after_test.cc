#include "harness/providers/retry_after.h"

#include <doctest/doctest.h>

#include <string>

namespace taskcost {
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
  CHECK_FALSE(ParseRetryAfterSeconds("99999999999").has_value());
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

}  // namespace
}  // namespace taskcost
