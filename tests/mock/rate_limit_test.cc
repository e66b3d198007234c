// The simulator's rate_limit windows: enforced for real, with 429 + Retry-After and the
// providers' rate-limit headers on every reply. The responder is driven with arrival times by
// hand (no sleeps); one case goes through the running server.
#include <doctest/doctest.h>

#include "harness/mock/responder.h"
#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::rate_limit_test {
namespace {

using namespace taskcost::testing;
using std::chrono::milliseconds;

constexpr int64_t kUnixMs = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

std::chrono::steady_clock::time_point T(int64_t ms) {
  return std::chrono::steady_clock::time_point{} + milliseconds(ms);
}

std::string Ticket(int n) { return "Ticket " + std::to_string(n) + ": the app crashes."; }

mock::MockRequest OpenAiAt(int64_t ms, const std::string& model, const std::string& user) {
  return mock::MockRequest{"POST", "/v1/chat/completions", kOpenAiHeaders,
                           OpenAiBody(model, user, TriageSchema()), T(ms), kUnixMs + ms};
}

mock::MockRequest AnthropicAt(int64_t ms, const std::string& model, const std::string& user) {
  return mock::MockRequest{"POST", "/v1/messages", kAnthropicHeaders,
                           AnthropicBody(model, user, TriageSchema()), T(ms), kUnixMs + ms};
}

std::string HeaderOf(const mock::MockReply& r, std::string_view name) {
  auto v = FindHeader(r.headers, name);
  return v ? std::string(*v) : "<absent>";
}

std::string ErrorMessage(const mock::MockReply& r) {
  return Json::parse(r.body).at("error").at("message").get<std::string>();
}

}  // namespace

TEST_CASE("rate_limit: the profile reads shared and per-model windows") {
  SimulatorProfile p = FixtureProfile(
      "  m: {rate_limit: {requests_per_minute: 600, tokens_per_minute: 90000, window_s: 0.5}}\n"
      "  c: {}\n",
      "rate_limit: {requests_per_minute: 1200}\n");
  CHECK(p.rate_limit.requests_per_minute == 1200);
  CHECK(p.rate_limit.tokens_per_minute == 0);
  CHECK(p.rate_limit.window_s == 1);
  const ModelProfile* m = p.FindModel("m");
  CHECK(m->rate_limit.requests_per_minute == 600);
  CHECK(m->rate_limit.tokens_per_minute == 90'000);
  CHECK(m->rate_limit.window_s == 0.5);
  CHECK_FALSE(p.FindModel("c")->rate_limit.enabled());

  SUBCASE("bad values are located errors") {
    auto bad = ParseSimulatorProfile(
        "models:\n"
        "  m:\n"
        "    rate_limit: {requests_per_minut: 5, tokens_per_minute: -1, window_s: 0}\n",
        "p.yaml");
    REQUIRE_FALSE(bad.ok());
    CHECK(FormatErrors(bad.errors()) ==
          "p.yaml:3:18: models.m.rate_limit.requests_per_minut: unknown key "
          "\"requests_per_minut\", did you mean \"requests_per_minute\"?\n"
          "p.yaml:3:60: models.m.rate_limit.tokens_per_minute: expected a whole number >= 0\n"
          "p.yaml:3:74: models.m.rate_limit.window_s: expected a number of seconds in (0, 60]");
  }
}

TEST_CASE("rate_limit: a full requests window answers 429, and the window refills continuously") {
  // 600 a minute over 1 s windows: 10 at once, then one every 100 ms.
  mock::Responder r(FixtureProfile("  m: {rate_limit: {requests_per_minute: 600}}\n"));
  for (int i = 0; i < 10; ++i) {
    mock::MockReply ok = r.Handle(OpenAiAt(0, "m", Ticket(i)));
    CAPTURE(i);
    REQUIRE(ok.status == 200);
    CHECK(HeaderOf(ok, "x-ratelimit-limit-requests") == "600");
    CHECK(HeaderOf(ok, "x-ratelimit-remaining-requests") == std::to_string(9 - i));
    // Full again after (i + 1) requests at 10 a second.
    CHECK(HeaderOf(ok, "x-ratelimit-reset-requests") ==
          (i == 9 ? "1s" : std::to_string((i + 1) * 100) + "ms"));
    CHECK(HeaderOf(ok, "x-ratelimit-limit-tokens") == "<absent>");
  }
  mock::MockReply refused = r.Handle(OpenAiAt(40, "m", Ticket(10)));
  CHECK(refused.status == 429);
  CHECK(HeaderOf(refused, "retry-after") == "1");
  CHECK(HeaderOf(refused, "retry-after-ms") == "60");  // 0.4 refilled, 0.6 to go at 10/s
  CHECK(HeaderOf(refused, "x-ratelimit-remaining-requests") == "0");
  CHECK(HeaderOf(refused, "x-ratelimit-reset-requests") == "960ms");
  CHECK(ErrorMessage(refused) ==
        "Rate limit reached for m in organization org-simulator on requests per min (RPM): "
        "Limit 600, Used 600, Requested 1. Please try again in 60ms. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.");
  CHECK(Json::parse(refused.body).at("error").at("type") == "requests");
  CHECK(r.RateLimited() == 1);
  CHECK(r.FaultCounts().empty());  // a real limit, not an injected fault

  CHECK(r.Handle(OpenAiAt(100, "m", Ticket(10))).status == 200);
  CHECK(r.Handle(OpenAiAt(100, "m", Ticket(11))).status == 429);
  CHECK(r.Handle(OpenAiAt(200, "m", Ticket(11))).status == 200);

  SUBCASE("a refused request never reached the model: its retry is still attempt 1") {
    // Faults hit attempt 2 only: if the refusal had counted, the retry would fail.
    mock::Responder once(FixtureProfile(
        "  m: {rate_limit: {requests_per_minute: 60}, faults: {server_error: 1},"
        " fault_attempts: [2]}\n"));
    CHECK(once.Handle(OpenAiAt(0, "m", Ticket(1))).status == 200);
    CHECK(once.Handle(OpenAiAt(0, "m", Ticket(2))).status == 429);
    CHECK(once.Handle(OpenAiAt(1000, "m", Ticket(2))).status == 200);
    CHECK(once.Handle(OpenAiAt(2000, "m", Ticket(2))).status == 500);  // the real attempt 2
  }
}

TEST_CASE("rate_limit: tokens per minute count each reply's usage") {
  // 100 in + 50 out = 150 tokens a request; 9,000 a minute holds 150 a second.
  mock::Responder r(FixtureProfile(
      "  m: {input_tokens: 100, output_tokens: 50,"
      " rate_limit: {tokens_per_minute: 9000, requests_per_minute: 6000}}\n"));
  mock::MockReply ok = r.Handle(OpenAiAt(0, "m", Ticket(1)));
  REQUIRE(ok.status == 200);
  CHECK(HeaderOf(ok, "x-ratelimit-limit-tokens") == "9000");
  CHECK(HeaderOf(ok, "x-ratelimit-remaining-tokens") == "0");
  CHECK(HeaderOf(ok, "x-ratelimit-reset-tokens") == "1s");
  CHECK(HeaderOf(ok, "x-ratelimit-remaining-requests") == "99");
  mock::MockReply refused = r.Handle(OpenAiAt(500, "m", Ticket(2)));
  CHECK(refused.status == 429);
  CHECK(HeaderOf(refused, "retry-after-ms") == "500");
  CHECK(Json::parse(refused.body).at("error").at("type") == "tokens");
  CHECK(ErrorMessage(refused) ==
        "Rate limit reached for m in organization org-simulator on tokens per min (TPM): "
        "Limit 9000, Used 8925, Requested 150. Please try again in 500ms. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.");
  CHECK(r.Handle(OpenAiAt(1000, "m", Ticket(2))).status == 200);
}

TEST_CASE("rate_limit: Anthropic replies carry anthropic-ratelimit-* with RFC 3339 resets") {
  // 60 a minute holds 1: each request empties it for a second.
  mock::Responder r(
      FixtureProfile("  c: {api: anthropic, rate_limit: {requests_per_minute: 60}}\n"));
  mock::MockReply ok = r.Handle(AnthropicAt(250, "c", Ticket(1)));
  REQUIRE(ok.status == 200);
  CHECK(HeaderOf(ok, "anthropic-ratelimit-requests-limit") == "60");
  CHECK(HeaderOf(ok, "anthropic-ratelimit-requests-remaining") == "0");
  CHECK(HeaderOf(ok, "anthropic-ratelimit-requests-reset") == "2027-01-15T08:00:01.250Z");
  mock::MockReply refused = r.Handle(AnthropicAt(450, "c", Ticket(2)));
  CHECK(refused.status == 429);
  CHECK(HeaderOf(refused, "retry-after") == "1");
  CHECK(HeaderOf(refused, "retry-after-ms") == "<absent>");
  CHECK(Json::parse(refused.body).at("error").at("type") == "rate_limit_error");
  CHECK(Json::parse(refused.body).at("error").at("message").get<std::string>().find(
            "rate limit for your organization of 60 requests per minute") != std::string::npos);
}

TEST_CASE("rate_limit: the profile's window is shared by every model") {
  mock::Responder r(FixtureProfile("  m: {}\n  c: {api: anthropic}\n",
                                   "rate_limit: {requests_per_minute: 120}\n"));
  CHECK(r.Handle(OpenAiAt(0, "m", Ticket(1))).status == 200);
  CHECK(r.Handle(AnthropicAt(0, "c", Ticket(2))).status == 200);
  mock::MockReply refused = r.Handle(OpenAiAt(0, "m", Ticket(3)));
  CHECK(refused.status == 429);
  CHECK(HeaderOf(refused, "retry-after-ms") == "500");
}

TEST_CASE("rate_limit: the running simulator enforces the window and counts refusals") {
  // 6 a minute: the one request held takes 10 s to come back.
  auto sim = StartSimulator(FixtureProfile("  m: {rate_limit: {requests_per_minute: 6}}\n"));
  RawResponse first = PostOpenAi(sim->port(), OpenAiBody("m", Ticket(1), TriageSchema()));
  CHECK(first.status == 200);
  CHECK(first.Header("x-ratelimit-remaining-requests") == "0");
  RawResponse second = PostOpenAi(sim->port(), OpenAiBody("m", Ticket(2), TriageSchema()));
  CHECK(second.status == 429);
  SimulatorStats stats = sim->Stats();
  CHECK(stats.rate_limited == 1);
  CHECK(stats.by_status[429] == 1);
}

}  // namespace taskcost::rate_limit_test
