// A `messages:` prompt (few-shot examples and an inserted ticket thread) on the wire of each
// provider, byte for byte. References:
//   OpenAI Chat Completions, https://platform.openai.com/docs/api-reference/chat/create
//     ("messages": system, user and assistant messages, each {role, content}, in order).
//   Anthropic Messages, https://docs.anthropic.com/en/api/messages ("system": a string or an
//     array of text blocks; "messages": user and assistant turns only; "Consecutive user or
//     assistant turns in your request will be combined into a single turn"; a message's
//     content is a string or an array of content blocks such as {"type": "text", "text": ...}).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::messages_codec_test {
namespace {

ProviderConfig MessagesProvider(ProviderKind kind) { return testing::WireProvider(kind); }

// Few-shot (one user/assistant pair after the system message, the prefix marked there), then a
// ticket thread of three messages inserted from the sample, then the templated user message.
ChatCall ThreadCall() {
  ChatCall call;
  call.model = "model-1";
  call.max_tokens = 300;
  call.messages = {{"system", "Sort tickets."},
                   {"user", "Ticket: printer jam"},
                   {"assistant", R"({"category":"hardware"})"},
                   {"user", "Hi"},
                   {"assistant", "Hello"},
                   {"user", "Still broken"},
                   {"user", "Ticket: no login"}};
  call.cache_prefix_messages = 3;
  return call;
}

}  // namespace

TEST_CASE("messages_codec: OpenAI sends every message in order, system first as role system") {
  const ChatCall call = ThreadCall();
  const HttpRequest request = BuildRequest(MessagesProvider(ProviderKind::kOpenAi), call, {});
  CHECK(request.body == R"({"model":"model-1","messages":[)"
                        R"({"role":"system","content":"Sort tickets."},)"
                        R"({"role":"user","content":"Ticket: printer jam"},)"
                        R"({"role":"assistant","content":"{\"category\":\"hardware\"}"},)"
                        R"({"role":"user","content":"Hi"},)"
                        R"({"role":"assistant","content":"Hello"},)"
                        R"({"role":"user","content":"Still broken"},)"
                        R"({"role":"user","content":"Ticket: no login"}],)"
                        R"("max_completion_tokens":300})");
  // The spliced template builds the same bytes (the response cache key is the body).
  const RequestTemplate spliced(MessagesProvider(ProviderKind::kOpenAi), call, {});
  REQUIRE(spliced.spliced());
  CHECK(spliced.Build(call).body == request.body);
}

TEST_CASE("messages_codec: Anthropic puts system text blocks on top and merges same-role turns") {
  const ChatCall call = ThreadCall();
  const HttpRequest request = BuildRequest(MessagesProvider(ProviderKind::kAnthropic), call, {});
  // "Still broken" and "Ticket: no login" are consecutive user messages: one turn of two blocks.
  CHECK(request.body == R"({"model":"model-1","max_tokens":300,)"
                        R"("system":[{"type":"text","text":"Sort tickets."}],)"
                        R"("messages":[)"
                        R"({"role":"user","content":"Ticket: printer jam"},)"
                        R"({"role":"assistant","content":"{\"category\":\"hardware\"}"},)"
                        R"({"role":"user","content":"Hi"},)"
                        R"({"role":"assistant","content":"Hello"},)"
                        R"({"role":"user","content":[{"type":"text","text":"Still broken"},)"
                        R"({"type":"text","text":"Ticket: no login"}]}]})");
  const RequestTemplate spliced(MessagesProvider(ProviderKind::kAnthropic), call, {});
  REQUIRE(spliced.spliced());
  CHECK(spliced.Build(call).body == request.body);

  SUBCASE("without a system message there is no system key; three in a row make one turn") {
    ChatCall plain = call;
    plain.messages = {{"user", "a"}, {"user", "b"}, {"user", "c"}};
    const std::string body =
        BuildRequest(MessagesProvider(ProviderKind::kAnthropic), plain, {}).body;
    CHECK(
        body ==
        R"({"model":"model-1","max_tokens":300,"messages":[{"role":"user","content":[)"
        R"({"type":"text","text":"a"},{"type":"text","text":"b"},{"type":"text","text":"c"}]}]})");
    CHECK(spliced.Build(plain).body == body);
  }
}

TEST_CASE("messages_codec: in prompt mode the schema instruction joins the first system message") {
  ChatCall call = ThreadCall();
  call.mode = OutputMode::kPrompt;
  call.schema_json = R"({"type":"object"})";
  const std::string instruction =
      "Answer with only a JSON object that validates against the following JSON Schema. Do not "
      "add any other text, explanation or Markdown code fences.\nJSON "
      "Schema:\n{\"type\":\"object\"}";
  const nlohmann::json openai =
      testing::Body(BuildRequest(MessagesProvider(ProviderKind::kOpenAi), call, {}));
  CHECK(openai["messages"].size() == 7);
  CHECK(openai["messages"][0]["content"] == "Sort tickets.\n\n" + instruction);
  const nlohmann::json anthropic =
      testing::Body(BuildRequest(MessagesProvider(ProviderKind::kAnthropic), call, {}));
  CHECK(anthropic["system"] ==
        nlohmann::json::array({{{"type", "text"}, {"text", "Sort tickets.\n\n" + instruction}}}));

  SUBCASE("with no system message, one holding the instruction goes first") {
    call.messages.erase(call.messages.begin());
    const nlohmann::json body =
        testing::Body(BuildRequest(MessagesProvider(ProviderKind::kOpenAi), call, {}));
    CHECK(body["messages"][0] == nlohmann::json{{"role", "system"}, {"content", instruction}});
    CHECK(body["messages"].size() == 7);
  }
}

TEST_CASE("messages_codec: native structured output and params sit around the messages as before") {
  ChatCall call = ThreadCall();
  call.schema_json = R"({"type":"object"})";
  call.params_json = R"({"temperature":0})";
  for (ProviderKind kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    const RequestTemplate spliced(MessagesProvider(kind), call, {});
    CHECK(spliced.Build(call).body == BuildRequest(MessagesProvider(kind), call, {}).body);
  }
  const nlohmann::json anthropic =
      testing::Body(BuildRequest(MessagesProvider(ProviderKind::kAnthropic), call, {}));
  CHECK(anthropic["tool_choice"] == nlohmann::json{{"type", "tool"}, {"name", "answer"}});
  CHECK(anthropic["temperature"] == 0);
}

TEST_CASE("messages_codec: OpenAI sends a system and a user message exactly as system:/user: do") {
  // So a suite moved to the messages form with the same two texts keeps its cache keys there.
  ChatCall old_form;
  old_form.model = "model-1";
  old_form.system = "Sort tickets.";
  old_form.user = "Ticket: no login";
  ChatCall new_form = old_form;
  new_form.system.clear();
  new_form.user.clear();
  new_form.messages = {{"system", "Sort tickets."}, {"user", "Ticket: no login"}};
  const ProviderConfig openai = MessagesProvider(ProviderKind::kOpenAi);
  CHECK(BuildRequest(openai, new_form, {}).body == BuildRequest(openai, old_form, {}).body);
  // Anthropic's system becomes a text block array: a different body, so a different key.
  const ProviderConfig anthropic = MessagesProvider(ProviderKind::kAnthropic);
  CHECK(BuildRequest(anthropic, new_form, {}).body != BuildRequest(anthropic, old_form, {}).body);
}

}  // namespace taskcost::messages_codec_test
