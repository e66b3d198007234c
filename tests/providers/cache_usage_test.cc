// Anthropic's cache-write split by TTL. Reference: https://docs.anthropic.com/en/api/messages
// ("usage": cache_creation_input_tokens, and cache_creation {ephemeral_5m_input_tokens,
// ephemeral_1h_input_tokens}, the tokens written for each TTL).
#include <doctest/doctest.h>

#include <string>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::cache_usage_test {
namespace {

ProviderReply ReplyWithUsage(const std::string& usage) {
  const std::string body =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"m",)"
      R"("content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":)" +
      usage + "}";
  return ParseReply(testing::WireProvider(ProviderKind::kAnthropic), testing::Response(200, body));
}

}  // namespace

TEST_CASE("cache_usage: the one-hour part of Anthropic's cache write is read apart") {
  const ProviderReply reply = ReplyWithUsage(
      R"({"input_tokens":7,"cache_creation_input_tokens":1100,"cache_read_input_tokens":0,)"
      R"("cache_creation":{"ephemeral_5m_input_tokens":500,"ephemeral_1h_input_tokens":600},)"
      R"("output_tokens":10})");
  CHECK(reply.usage_flag.empty());
  CHECK(reply.usage.cache_write_tokens == 1100);
  CHECK(reply.usage.cache_write_1h_tokens == 600);
  CHECK(reply.usage.TotalInput() == 7 + 1100);  // the split is a part of the writes, not more
}

TEST_CASE("cache_usage: without the split every write is a 5-minute one") {
  const ProviderReply reply =
      ReplyWithUsage(R"({"input_tokens":7,"cache_creation_input_tokens":1100,"output_tokens":10})");
  CHECK(reply.usage.cache_write_tokens == 1100);
  CHECK(reply.usage.cache_write_1h_tokens == 0);
}

TEST_CASE("cache_usage: a one-hour count above the writes is implausible") {
  const ProviderReply reply =
      ReplyWithUsage(R"({"input_tokens":7,"cache_creation_input_tokens":100,)"
                     R"("cache_creation":{"ephemeral_1h_input_tokens":600},"output_tokens":10})");
  CHECK(reply.usage_flag ==
        "cache_creation.ephemeral_1h_input_tokens 600 is more than cache_creation_input_tokens "
        "100");
  CHECK(reply.usage.cache_write_1h_tokens == 0);
}

}  // namespace taskcost::cache_usage_test
