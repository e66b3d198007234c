// The simulator reads the multi-message requests a `messages:` prompt sends (few-shot examples,
// an inserted thread) and counts every message's tokens, as the codecs send them
// (tests/providers/messages_codec_test.cc has the exact bodies).
#include <doctest/doctest.h>

#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::messages_sim_test {
namespace {

using namespace taskcost::testing;

const char* const kCountingModels =
    "  m: {api: openai, input_tokens: chars_div_4}\n"
    "  c: {api: anthropic, input_tokens: chars_div_4}\n";

}  // namespace

TEST_CASE("messages_sim: an OpenAI request of six messages counts each one") {
  auto sim = StartSimulator(FixtureProfile(kCountingModels));
  const Json body = {{"model", "m"},
                     {"messages",
                      {{{"role", "system"}, {"content", "Sort."}},
                       {{"role", "user"}, {"content", "Ex: a"}},
                       {{"role", "assistant"}, {"content", "{}"}},
                       {{"role", "user"}, {"content", "Hi"}},
                       {{"role", "assistant"}, {"content", "Hello"}},
                       {{"role", "user"}, {"content", "Ticket: x"}}}},
                     {"max_completion_tokens", 50}};
  const RawResponse r = PostOpenAi(sim->port(), body.dump());
  REQUIRE(r.status == 200);
  // 5 + 5 + 2 + 2 + 5 + 9 = 28 characters / 4 = 7 tokens.
  CHECK(r.JsonBody().at("usage").at("prompt_tokens") == 7);
}

TEST_CASE("messages_sim: an Anthropic request with system blocks and a merged turn is counted") {
  auto sim = StartSimulator(FixtureProfile(kCountingModels));
  const Json text_hi = {{"type", "text"}, {"text", "Hi"}};
  const Json text_ticket = {{"type", "text"}, {"text", "Ticket: x"}};
  const Json body = {{"model", "c"},
                     {"max_tokens", 50},
                     {"system", Json::array({{{"type", "text"}, {"text", "Sort."}}})},
                     {"messages",
                      {{{"role", "user"}, {"content", "Ex: a"}},
                       {{"role", "assistant"}, {"content", "{}"}},
                       {{"role", "user"}, {"content", Json::array({text_hi, text_ticket})}}}}};
  const RawResponse r = PostAnthropic(sim->port(), body.dump());
  REQUIRE(r.status == 200);
  // system "Sort." 5 + "Ex: a" 5 + "{}" 2 + the merged turn's blocks, which the simulator joins
  // with a newline: "Hi\nTicket: x" 12 = 24 characters / 4 = 6 tokens.
  CHECK(r.JsonBody().at("usage").at("input_tokens") == 6);
}

TEST_CASE("messages_sim: Anthropic refuses a system message inside messages, as the API does") {
  auto sim = StartSimulator(FixtureProfile(kCountingModels));
  const Json body = {
      {"model", "c"},
      {"max_tokens", 50},
      {"messages",
       {{{"role", "system"}, {"content", "Sort."}}, {{"role", "user"}, {"content", "Ticket: x"}}}}};
  const RawResponse r = PostAnthropic(sim->port(), body.dump());
  CHECK(r.status == 400);
  CHECK(r.JsonBody().at("error").at("message") ==
        "messages.0.role: Input should be 'user' or 'assistant'");
}

}  // namespace taskcost::messages_sim_test
