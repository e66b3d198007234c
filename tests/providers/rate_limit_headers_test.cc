// ParseReply reads the providers' rate-limit headers into ProviderReply::rate_limit on every
// reply, successes and errors alike.
#include <doctest/doctest.h>

#include <string>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::rate_limit_headers_test {
namespace {

using std::chrono::milliseconds;
using testing::Response;

ProviderConfig Provider(ProviderKind kind) {
  ProviderConfig p;
  p.name = "p";
  p.kind = kind;
  p.base_url = "https://example.invalid/v1";
  return p;
}

const char* const kOpenAiOk =
    R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":)"
    R"({"role":"assistant","content":"hi"},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}})";
const char* const kOpenAi429 =
    R"({"error":{"message":"Rate limit reached","type":"requests","param":null,)"
    R"("code":"rate_limit_exceeded"}})";
const char* const kAnthropicOk =
    R"({"id":"msg_1","type":"message","role":"assistant","model":"c","content":)"
    R"([{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,)"
    R"("usage":{"input_tokens":10,"output_tokens":2}})";

}  // namespace

TEST_CASE("rate-limit headers: an OpenAI success carries the quota left") {
  ProviderReply reply =
      ParseReply(Provider(ProviderKind::kOpenAi),
                 Response(200, kOpenAiOk,
                          {{"x-ratelimit-limit-requests", "600"},
                           {"x-ratelimit-remaining-requests", "7"},
                           {"x-ratelimit-reset-requests", "300ms"}}));
  CHECK(reply.error == ErrorClass::kNone);
  REQUIRE(reply.rate_limit.has_value());
  CHECK(reply.rate_limit->requests.limit == 600);
  CHECK(reply.rate_limit->requests.remaining == 7);
  CHECK(reply.rate_limit->requests.reset_after == milliseconds(300));
  CHECK(reply.rate_limit->tokens.empty());
}

TEST_CASE("rate-limit headers: a 429 keeps Retry-After and the quota") {
  ProviderReply reply = ParseReply(
      Provider(ProviderKind::kOpenAiCompatible),
      Response(429, kOpenAi429,
               {{"retry-after", "1"}, {"retry-after-ms", "40"},
                {"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "2s"}}));
  CHECK(reply.error == ErrorClass::kRateLimit);
  CHECK(reply.retry_after == milliseconds(40));
  REQUIRE(reply.rate_limit.has_value());
  CHECK(reply.rate_limit->tokens.remaining == 0);
  CHECK(reply.rate_limit->tokens.reset_after == milliseconds(2000));
}

TEST_CASE("rate-limit headers: Anthropic's reset is a time, and no headers is no state") {
  ProviderReply reply =
      ParseReply(Provider(ProviderKind::kAnthropic),
                 Response(200, kAnthropicOk,
                          {{"anthropic-ratelimit-requests-limit", "50"},
                           {"anthropic-ratelimit-requests-remaining", "49"},
                           {"anthropic-ratelimit-requests-reset", "2026-01-02T03:04:05Z"}}));
  CHECK(reply.error == ErrorClass::kNone);
  REQUIRE(reply.rate_limit.has_value());
  CHECK(reply.rate_limit->requests.remaining == 49);
  CHECK(reply.rate_limit->requests.reset_unix_ms == 1'767'323'045'000);

  ProviderReply bare = ParseReply(Provider(ProviderKind::kAnthropic), Response(200, kAnthropicOk));
  CHECK_FALSE(bare.rate_limit.has_value());
}

}  // namespace taskcost::rate_limit_headers_test
