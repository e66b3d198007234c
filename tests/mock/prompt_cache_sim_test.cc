// The simulator plays the providers' prompt caches (docs/simulator.md, "Prompt caching"), with
// each provider's rules, on the simulator's clock (each request's arrival time, set by hand
// here: no sleeps). References:
//   Anthropic, https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching: the prefix
//     ends at the block with cache_control; the first request writes it
//     (usage.cache_creation_input_tokens, split by TTL in usage.cache_creation
//     .ephemeral_5m_input_tokens / ephemeral_1h_input_tokens), later ones within the TTL read it
//     (usage.cache_read_input_tokens) and refresh the TTL; input_tokens is what is neither;
//     below the model's minimum cacheable length nothing is cached and no error is raised.
//   OpenAI, https://platform.openai.com/docs/guides/prompt-caching: automatic for prompts of
//     1,024 tokens or more; hits in 128-token increments; usage.prompt_tokens_details
//     .cached_tokens counts the read, inside prompt_tokens; writes cost nothing extra.
#include <doctest/doctest.h>

#include <string>

#include "harness/mock/responder.h"
#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::prompt_cache_sim_test {
namespace {

using namespace taskcost::testing;

constexpr int64_t kCacheUnixMs = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
constexpr int64_t kMinute = 60'000;

const char* const kCachingModels =
    "  m: {api: openai, input_tokens: chars_div_4, cache_min_tokens: 1024}\n"
    "  c: {api: anthropic, input_tokens: chars_div_4, cache_min_tokens: 1024}\n";

// 26 characters for every n of one digit.
std::string CacheTicket(int n) { return "Ticket " + std::to_string(n) + ": the app crashes."; }

mock::MockRequest At(int64_t ms, const std::string& target, const std::vector<HttpHeader>& headers,
                     const Json& body) {
  return mock::MockRequest{"POST",
                           target,
                           headers,
                           body.dump(),
                           std::chrono::steady_clock::time_point{} + std::chrono::milliseconds(ms),
                           kCacheUnixMs + ms};
}

// Anthropic: a system prompt of `system_chars` characters marked with cache_control, then the
// ticket.
mock::MockRequest ClaudeAt(int64_t ms, int system_chars, int ticket, const std::string& ttl = "") {
  Json control = {{"type", "ephemeral"}};
  if (!ttl.empty()) control["ttl"] = ttl;
  const Json body = {
      {"model", "c"},
      {"max_tokens", 50},
      {"system", Json::array({{{"type", "text"},
                               {"text", std::string(static_cast<size_t>(system_chars), 'a')},
                               {"cache_control", control}}})},
      {"messages", Json::array({{{"role", "user"}, {"content", CacheTicket(ticket)}}})}};
  return At(ms, "/v1/messages", kAnthropicHeaders, body);
}

// OpenAI: a system message of `system_chars` characters, then the ticket.
mock::MockRequest GptAt(int64_t ms, int system_chars, int ticket) {
  const Json body = {
      {"model", "m"},
      {"max_completion_tokens", 50},
      {"messages", Json::array({{{"role", "system"},
                                 {"content", std::string(static_cast<size_t>(system_chars), 'a')}},
                                {{"role", "user"}, {"content", CacheTicket(ticket)}}})}};
  return At(ms, "/v1/chat/completions", kOpenAiHeaders, body);
}

Json UsageOf(const mock::MockReply& reply) {
  REQUIRE(reply.status == 200);
  return Json::parse(reply.body).at("usage");
}

// "input/write/read" of an Anthropic reply, and the TTL split "5m/1h".
std::string Claude(const mock::MockReply& reply) {
  const Json u = UsageOf(reply);
  std::string out = std::to_string(u.at("input_tokens").get<int64_t>()) + "/" +
                    std::to_string(u.at("cache_creation_input_tokens").get<int64_t>()) + "/" +
                    std::to_string(u.at("cache_read_input_tokens").get<int64_t>());
  if (u.contains("cache_creation")) {
    out += " " +
           std::to_string(u.at("cache_creation").at("ephemeral_5m_input_tokens").get<int64_t>()) +
           "/" +
           std::to_string(u.at("cache_creation").at("ephemeral_1h_input_tokens").get<int64_t>());
  }
  return out;
}

// "prompt/cached" of an OpenAI reply.
std::string Gpt(const mock::MockReply& reply) {
  const Json u = UsageOf(reply);
  return std::to_string(u.at("prompt_tokens").get<int64_t>()) + "/" +
         std::to_string(u.at("prompt_tokens_details").at("cached_tokens").get<int64_t>());
}

}  // namespace

TEST_CASE("prompt_cache_sim: Anthropic writes, reads within 5 minutes, refreshes, expires") {
  mock::Responder r(FixtureProfile(kCachingModels));
  // 4,400 + 26 = 4,426 characters: ceil(4,426 / 4) = 1,107 input tokens, of which the prefix is
  // 4,400 / 4 = 1,100 (at least the minimum 1,024): 7 neither read nor written.
  CHECK(Claude(r.Handle(ClaudeAt(0, 4400, 1))) == "7/1100/0 1100/0");  // written, expires 5:00
  CHECK(Claude(r.Handle(ClaudeAt(1 * kMinute, 4400, 2))) == "7/0/1100 0/0");  // read: now 6:00
  // At 5:59.999, before 6:00: still live (read); the TTL now ends at 5:59.999 + 5:00 =
  // 10:59.999.
  CHECK(Claude(r.Handle(ClaudeAt(6 * kMinute - 1, 4400, 3))) == "7/0/1100 0/0");
  // At 10:59.999 exactly it has expired: written again.
  CHECK(Claude(r.Handle(ClaudeAt(11 * kMinute - 1, 4400, 4))) == "7/1100/0 1100/0");
}

TEST_CASE("prompt_cache_sim: Anthropic one-hour writes are split out and last the hour") {
  mock::Responder r(FixtureProfile(kCachingModels));
  CHECK(Claude(r.Handle(ClaudeAt(0, 4400, 1, "1h"))) == "7/1100/0 0/1100");
  CHECK(Claude(r.Handle(ClaudeAt(59 * kMinute, 4400, 2, "1h"))) == "7/0/1100 0/0");
  // A 5-minute breakpoint on the same text is another prefix (its bytes differ): written.
  CHECK(Claude(r.Handle(ClaudeAt(59 * kMinute, 4400, 3))) == "7/1100/0 1100/0");
}

TEST_CASE("prompt_cache_sim: a prefix can be read once its writer's response begins") {
  // Replies begin after the base latency, 500 ms: a request arriving before then misses.
  mock::Responder r(
      FixtureProfile("  c: {api: anthropic, input_tokens: chars_div_4, cache_min_tokens: 1024, "
                     "latency_ms: {base: 500}}\n"));
  CHECK(Claude(r.Handle(ClaudeAt(0, 4400, 1))) == "7/1100/0 1100/0");    // written
  CHECK(Claude(r.Handle(ClaudeAt(499, 4400, 2))) == "7/1100/0 1100/0");  // too soon: written
  CHECK(Claude(r.Handle(ClaudeAt(500, 4400, 3))) == "7/0/1100 0/0");     // the first's is ready
}

TEST_CASE("prompt_cache_sim: Anthropic below the minimum caches nothing, without an error") {
  mock::Responder r(FixtureProfile(kCachingModels));
  // 4,000 / 4 = 1,000 prefix tokens < 1,024; (4,026 + 3) / 4 = 1,007 input tokens, all plain.
  CHECK(Claude(r.Handle(ClaudeAt(0, 4000, 1))) == "1007/0/0 0/0");
  CHECK(Claude(r.Handle(ClaudeAt(kMinute, 4000, 2))) == "1007/0/0 0/0");
}

TEST_CASE("prompt_cache_sim: without cache_min_tokens the model has no prompt cache") {
  mock::Responder r(FixtureProfile("  c: {api: anthropic, input_tokens: chars_div_4}\n"));
  CHECK(Claude(r.Handle(ClaudeAt(0, 4400, 1))) == "1107/0/0");
  CHECK(Claude(r.Handle(ClaudeAt(kMinute, 4400, 2))) == "1107/0/0");
}

TEST_CASE("prompt_cache_sim: OpenAI caches on its own, in 128-token increments, for 5 minutes") {
  mock::Responder r(FixtureProfile(kCachingModels));
  // 5,000 + 26 = 5,026 characters: ceil(5,026 / 4) = 1,257 prompt tokens. The system message
  // alone is 5,000 / 4 = 1,250 tokens; read in 128-token steps: 9 x 128 = 1,152.
  CHECK(Gpt(r.Handle(GptAt(0, 5000, 1))) == "1257/0");  // first sight: nothing read, none billed
  CHECK(Gpt(r.Handle(GptAt(kMinute, 5000, 2))) == "1257/1152");
  // The same body again: the whole prompt (1,257) is live, read as 9 x 128 = 1,152 too.
  CHECK(Gpt(r.Handle(GptAt(kMinute, 5000, 2))) == "1257/1152");
  // Five minutes after the last use (1:00 + 5:00): expired.
  CHECK(Gpt(r.Handle(GptAt(6 * kMinute, 5000, 3))) == "1257/0");
  // Below 1,024: 4,000 / 4 = 1,000 prefix tokens, ceil(4,026 / 4) = 1,007 prompt tokens.
  CHECK(Gpt(r.Handle(GptAt(7 * kMinute, 4000, 4))) == "1007/0");
  CHECK(Gpt(r.Handle(GptAt(7 * kMinute, 4000, 5))) == "1007/0");
}

TEST_CASE("prompt_cache_sim: a profile gives cache_min_tokens or the fixed fractions, not both") {
  CHECK_THROWS_WITH(
      FixtureProfile("  c: {cache_min_tokens: 1024, cached_input_fraction: 0.5}\n"),
      doctest::Contains("cache_min_tokens plays the provider's prompt cache; "
                        "cached_input_fraction and cache_write_fraction fix the shares "
                        "instead: give one or the other"));
}

}  // namespace taskcost::prompt_cache_sim_test
