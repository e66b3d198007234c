// Prompt caching on the wire (docs/prompt-caching.md), byte for byte. References:
//   Anthropic prompt caching, https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
//     (`cache_control: {"type": "ephemeral"}` on the last block of the prefix, a system text
//     block or a message's content block; the default TTL is 5 minutes; `"ttl": "1h"` asks one
//     hour; a system prompt given as a string carries no cache_control, so it is sent as an
//     array of text blocks).
//   OpenAI prompt caching, https://platform.openai.com/docs/guides/prompt-caching (caching is
//     automatic for prompts of 1,024 tokens or more; `prompt_cache_key` in the request body
//     routes requests sharing a prefix to the same cache), and the Chat Completions reference
//     https://platform.openai.com/docs/api-reference/chat/create ("prompt_cache_key": string).
#include <doctest/doctest.h>

#include <string>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::cache_codec_test {
namespace {

using testing::WireProvider;

ChatCall SystemUserCall(int ttl) {
  ChatCall call;
  call.model = "m";
  call.max_tokens = 50;
  call.system = "Sort tickets.";
  call.user = "Ticket: no login";
  call.cache_ttl_seconds = ttl;
  call.prompt_cache_key = ttl > 0 ? "taskcost-0123" : "";
  return call;
}

// A system message and one few-shot pair, the prefix ending at the assistant's example.
ChatCall MessagesCall(int ttl) {
  ChatCall call;
  call.model = "m";
  call.max_tokens = 50;
  call.messages = {{"system", "Sort tickets."},
                   {"user", "Ticket: printer jam"},
                   {"assistant", "hardware"},
                   {"user", "Ticket: no login"}};
  call.cache_prefix_messages = 3;
  call.cache_ttl_seconds = ttl;
  call.prompt_cache_key = ttl > 0 ? "taskcost-0123" : "";
  return call;
}

// BuildRequest's body, checked against the spliced template's (the response cache's key).
std::string Body(ProviderKind kind, const ChatCall& call) {
  const std::string body = BuildRequest(WireProvider(kind), call, {}).body;
  const RequestTemplate spliced(WireProvider(kind), call, {});
  CHECK(spliced.spliced());
  CHECK(spliced.Build(call).body == body);
  return body;
}

}  // namespace

TEST_CASE("cache_codec: Anthropic system prompt becomes a cached text block, 5m and 1h") {
  CHECK(Body(ProviderKind::kAnthropic, SystemUserCall(300)) ==
        R"({"model":"m","max_tokens":50,)"
        R"("system":[{"type":"text","text":"Sort tickets.","cache_control":{"type":"ephemeral"}}],)"
        R"("messages":[{"role":"user","content":"Ticket: no login"}]})");
  CHECK(Body(ProviderKind::kAnthropic, SystemUserCall(3600)) ==
        R"({"model":"m","max_tokens":50,)"
        R"("system":[{"type":"text","text":"Sort tickets.",)"
        R"("cache_control":{"type":"ephemeral","ttl":"1h"}}],)"
        R"("messages":[{"role":"user","content":"Ticket: no login"}]})");
  // No caching asked: the system prompt stays a string, as before.
  CHECK(Body(ProviderKind::kAnthropic, SystemUserCall(0)) ==
        R"({"model":"m","max_tokens":50,"system":"Sort tickets.",)"
        R"("messages":[{"role":"user","content":"Ticket: no login"}]})");
}

TEST_CASE("cache_codec: Anthropic marks the last block of the marked message") {
  CHECK(Body(ProviderKind::kAnthropic, MessagesCall(300)) ==
        R"({"model":"m","max_tokens":50,"system":[{"type":"text","text":"Sort tickets."}],)"
        R"("messages":[{"role":"user","content":"Ticket: printer jam"},)"
        R"({"role":"assistant","content":[{"type":"text","text":"hardware",)"
        R"("cache_control":{"type":"ephemeral"}}]},)"
        R"({"role":"user","content":"Ticket: no login"}]})");
  ChatCall system_only = MessagesCall(3600);
  system_only.cache_prefix_messages = 1;  // the prefix is the system message alone
  CHECK(Body(ProviderKind::kAnthropic, system_only) ==
        R"({"model":"m","max_tokens":50,"system":[{"type":"text","text":"Sort tickets.",)"
        R"("cache_control":{"type":"ephemeral","ttl":"1h"}}],)"
        R"("messages":[{"role":"user","content":"Ticket: printer jam"},)"
        R"({"role":"assistant","content":"hardware"},)"
        R"({"role":"user","content":"Ticket: no login"}]})");
}

TEST_CASE("cache_codec: Anthropic in prompt mode marks the same message after the inserted one") {
  ChatCall call = MessagesCall(300);
  call.messages.erase(call.messages.begin());  // no system message: prompt mode puts one first
  call.cache_prefix_messages = 2;              // the few-shot pair
  call.mode = OutputMode::kPrompt;
  call.schema_json = R"({"type":"object"})";
  const std::string body = Body(ProviderKind::kAnthropic, call);
  CHECK(body.find(R"({"role":"assistant","content":[{"type":"text","text":"hardware",)"
                  R"("cache_control":{"type":"ephemeral"}}]})") != std::string::npos);
  CHECK(body.find("cache_control") == body.rfind("cache_control"));  // once only
}

TEST_CASE("cache_codec: OpenAI sends prompt_cache_key after the output cap, prompts unchanged") {
  CHECK(Body(ProviderKind::kOpenAi, SystemUserCall(300)) ==
        R"({"model":"m","messages":[{"role":"system","content":"Sort tickets."},)"
        R"({"role":"user","content":"Ticket: no login"}],"max_completion_tokens":50,)"
        R"("prompt_cache_key":"taskcost-0123"})");
  // The TTL changes nothing on OpenAI's wire (its cache's lifetime is its own).
  CHECK(Body(ProviderKind::kOpenAi, MessagesCall(3600)) ==
        R"({"model":"m","messages":[{"role":"system","content":"Sort tickets."},)"
        R"({"role":"user","content":"Ticket: printer jam"},)"
        R"({"role":"assistant","content":"hardware"},)"
        R"({"role":"user","content":"Ticket: no login"}],"max_completion_tokens":50,)"
        R"("prompt_cache_key":"taskcost-0123"})");
  CHECK(Body(ProviderKind::kOpenAi, SystemUserCall(0)) ==
        R"({"model":"m","messages":[{"role":"system","content":"Sort tickets."},)"
        R"({"role":"user","content":"Ticket: no login"}],"max_completion_tokens":50})");
  // Compatible servers are not sent OpenAI's key.
  CHECK(Body(ProviderKind::kOpenAiCompatible, SystemUserCall(300)).find("prompt_cache_key") ==
        std::string::npos);
}

}  // namespace taskcost::cache_codec_test
