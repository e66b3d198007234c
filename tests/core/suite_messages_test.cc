// prompt.messages: (docs/suite-format.md, "messages"): few-shot message templates, a sample
// field's list of messages inserted with {insert: field}, and the cache_prefix_end marker.
#include <doctest/doctest.h>

#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_messages_test {
namespace {

using testing::TempDir;

// Lines 1-13; the messages are on lines 5-9.
constexpr const char* kMessagesSuite =
    "suite: s\n"
    "samples: samples.jsonl\n"
    "prompt:\n"
    "  messages:\n"
    "    - {role: system, content: Sort tickets.}\n"
    "    - {role: user, content: \"Ticket: printer jam\"}\n"
    "    - {role: assistant, content: '{\"category\":\"hardware\"}', cache_prefix_end: true}\n"
    "    - {insert: thread}\n"
    "    - {role: user, content: \"Ticket: {{text}}\"}\n"
    "output:\n"
    "  schema: {type: object}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1}\n";

constexpr const char* kThreadSamples =
    R"({"id":"t-1","text":"no login","thread":[{"role":"user","content":"Hi"},)"
    R"({"role":"assistant","content":"Hello"}]})"
    "\n"
    R"({"id":"t-2","text":"slow","thread":[]})"
    "\n";

std::string SwapIn(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// "ok", or every error with the directory's prefix removed.
std::string MessagesErrors(const std::string& yaml, const std::string& samples = kThreadSamples) {
  TempDir dir;
  dir.Write("samples.jsonl", samples);
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", yaml));
  return suite.ok() ? "ok" : dir.Relative(suite.errors());
}

}  // namespace

TEST_CASE("suite_messages: few-shot messages, an insert and the prefix marker load in order") {
  TempDir dir;
  dir.Write("samples.jsonl", kThreadSamples);
  Result<Suite> loaded = LoadSuite(dir.Write("suite.yaml", kMessagesSuite));
  REQUIRE_MESSAGE(loaded.ok(), dir.Relative(loaded.ok() ? taskcost::Errors{} : loaded.errors()));
  const PromptTemplate& prompt = loaded->prompt;
  CHECK(prompt.UsesMessages());
  CHECK(prompt.system.empty());
  CHECK(prompt.user.empty());
  REQUIRE(prompt.messages.size() == 5);
  CHECK(prompt.messages[0].role == "system");
  CHECK(prompt.messages[0].content == "Sort tickets.");
  CHECK(prompt.messages[2].role == "assistant");
  CHECK(prompt.messages[2].content == R"({"category":"hardware"})");
  CHECK(prompt.messages[3].insert == "thread");
  CHECK(prompt.messages[3].role.empty());
  CHECK(prompt.messages[3].where.line == 8);
  CHECK(prompt.messages[4].content == "Ticket: {{text}}");
  // The marker is on messages[2]: the prefix is messages 0, 1 and 2.
  CHECK(prompt.cache_prefix_messages == 3);

  // t-1: the five entries become six messages, the thread's two in the insert's place.
  Result<std::vector<ChatMessage>> t1 = RenderMessages(prompt, loaded->samples[0]);
  REQUIRE(t1.ok());
  CHECK(*t1 == std::vector<ChatMessage>{{"system", "Sort tickets."},
                                        {"user", "Ticket: printer jam"},
                                        {"assistant", R"({"category":"hardware"})"},
                                        {"user", "Hi"},
                                        {"assistant", "Hello"},
                                        {"user", "Ticket: no login"}});
  // t-2: an empty thread inserts nothing.
  Result<std::vector<ChatMessage>> t2 = RenderMessages(prompt, loaded->samples[1]);
  REQUIRE(t2.ok());
  CHECK(t2->size() == 4);
  CHECK(t2->back() == ChatMessage{"user", "Ticket: slow"});
}

TEST_CASE("suite_messages: a judge or reviewer reads the conversation without system text") {
  TempDir dir;
  dir.Write("samples.jsonl", kThreadSamples);
  Result<Suite> loaded = LoadSuite(dir.Write("suite.yaml", kMessagesSuite));
  REQUIRE(loaded.ok());
  Result<std::string> task = RenderTaskText(loaded->prompt, loaded->samples[0]);
  REQUIRE(task.ok());
  CHECK(*task ==
        "user: Ticket: printer jam\n\n"
        "assistant: {\"category\":\"hardware\"}\n\n"
        "user: Hi\n\n"
        "assistant: Hello\n\n"
        "user: Ticket: no login");
  // The system/user form: the user template, rendered.
  PromptTemplate plain;
  plain.system = "Sort.";
  plain.user = "Ticket: {{text}}";
  CHECK(RenderTaskText(plain, loaded->samples[1]).value() == "Ticket: slow");
}

TEST_CASE("suite_messages: without a marker there is no cacheable prefix") {
  TempDir dir;
  dir.Write("samples.jsonl", kThreadSamples);
  Result<Suite> loaded =
      LoadSuite(dir.Write("suite.yaml", SwapIn(kMessagesSuite, ", cache_prefix_end: true", "")));
  REQUIRE(loaded.ok());
  CHECK(loaded->prompt.cache_prefix_messages == 0);
}

TEST_CASE("suite_messages: a role other than system, user or assistant is located") {
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "{role: user, content: \"Ticket: printer jam\"}",
                              "{role: bot, content: \"Ticket: printer jam\"}")) ==
        "suite.yaml:6:14: prompt.messages[1].role: role \"bot\" is not one of \"system\", "
        "\"user\", \"assistant\"");
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "{role: system, content: Sort tickets.}",
                              "{role: sytem, content: Sort tickets.}")) ==
        "suite.yaml:5:14: prompt.messages[0].role: role \"sytem\" is not one of \"system\", "
        "\"user\", \"assistant\", did you mean \"system\"?");
}

TEST_CASE("suite_messages: the prefix marker after a templated or inserted message is refused") {
  // messages[1] reads {{text}}, so the prefix ending at messages[2] differs per sample.
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "Ticket: printer jam", "Ticket: {{text}}")) ==
        "suite.yaml:7:79: prompt.messages[2].cache_prefix_end: the cacheable prefix must be the "
        "same for every sample, but prompt.messages[1] is templated ({{text}}); end the prefix "
        "before it, or move the fixed messages first");
  // The marker moved to the last message: the insert before it differs per sample.
  std::string late = SwapIn(kMessagesSuite, ", cache_prefix_end: true", "");
  late = SwapIn(late, "content: \"Ticket: {{text}}\"}",
                "content: \"Ticket: {{text}}\", cache_prefix_end: true}");
  CHECK(MessagesErrors(late) ==
        "suite.yaml:9:67: prompt.messages[4].cache_prefix_end: the cacheable prefix must be the "
        "same for every sample, but prompt.messages[3] inserts the sample field \"thread\"; end "
        "the prefix before it, or move the fixed messages first");
  // On the insert itself.
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "{insert: thread}",
                              "{insert: thread, cache_prefix_end: true}")) ==
        "suite.yaml:8:42: prompt.messages[3].cache_prefix_end: an inserted list differs from "
        "sample to sample, so it cannot end the cacheable prefix; mark a fixed message before it");
  // Two markers.
  CHECK(MessagesErrors(
            SwapIn(kMessagesSuite, "{role: user, content: \"Ticket: printer jam\"}",
                   "{role: user, content: \"Ticket: printer jam\", cache_prefix_end: true}")) ==
        "suite.yaml:7:79: prompt.messages[2].cache_prefix_end: only one message may end the "
        "cacheable prefix; prompt.messages[1] already does");
}

TEST_CASE("suite_messages: an insert naming a field no sample has is located at each sample") {
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "{insert: thread}", "{insert: thred}")) ==
        "samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" has no field \"thred\", did "
        "you mean \"thread\"?\n"
        "samples.jsonl:2: prompt.messages[3].insert: sample \"t-2\" has no field \"thred\", did "
        "you mean \"thread\"?");
}

TEST_CASE("suite_messages: insert errors are listed beside the suite's other errors") {
  // Still listed when another part of suite.yaml is wrong too.
  const std::string broken =
      SwapIn(kMessagesSuite, "{insert: thread}", "{insert: thred}") + "policy: {max_attempts: 0}\n";
  const std::string both = MessagesErrors(broken);
  CHECK(both.find("policy.max_attempts") != std::string::npos);
  CHECK(both.find("samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" has no field "
                  "\"thred\"") != std::string::npos);
}

TEST_CASE("suite_messages: a field that is not a list of messages names the sample and field") {
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "{insert: thread}", "{insert: text}")) ==
        "samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" field \"text\": is not a list "
        "of messages (expected [{\"role\": \"user\", \"content\": \"...\"}, ...])\n"
        "samples.jsonl:2: prompt.messages[3].insert: sample \"t-2\" field \"text\": is not a list "
        "of messages (expected [{\"role\": \"user\", \"content\": \"...\"}, ...])");
  const std::string bad_items =
      R"({"id":"t-1","text":"a","thread":[{"role":"user","content":"Hi"},)"
      R"({"role":"system","content":"obey"}]})"
      "\n"
      R"({"id":"t-2","text":"b","thread":[{"role":"user","content":7}]})"
      "\n"
      R"({"id":"t-3","text":"c","thread":["Hi"]})"
      "\n"
      R"({"id":"t-4","text":"d","thread":[{"role":"user","content":"x","name":"bob"}]})"
      "\n";
  CHECK(MessagesErrors(kMessagesSuite, bad_items) ==
        "samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" field \"thread\": item 1 "
        "role \"system\" is not \"user\" or \"assistant\"\n"
        "samples.jsonl:2: prompt.messages[3].insert: sample \"t-2\" field \"thread\": item 0 has "
        "no \"content\" string\n"
        "samples.jsonl:3: prompt.messages[3].insert: sample \"t-3\" field \"thread\": item 0 is "
        "not an object {\"role\": ..., \"content\": ...}\n"
        "samples.jsonl:4: prompt.messages[3].insert: sample \"t-4\" field \"thread\": item 0 has "
        "key \"name\"; expected only \"role\" and \"content\"");
}

TEST_CASE("suite_messages: a CSV cell holding the list's JSON text is inserted") {
  TempDir dir;
  dir.Write("samples.csv",
            "id,text,thread\n"
            "t-1,no login,\"[{\"\"role\"\":\"\"user\"\",\"\"content\"\":\"\"Hi\"\"}]\"\n");
  Result<Suite> loaded =
      LoadSuite(dir.Write("suite.yaml", SwapIn(kMessagesSuite, "samples.jsonl", "samples.csv")));
  REQUIRE_MESSAGE(loaded.ok(), dir.Relative(loaded.ok() ? taskcost::Errors{} : loaded.errors()));
  Result<std::vector<ChatMessage>> messages = RenderMessages(loaded->prompt, loaded->samples[0]);
  REQUIRE(messages.ok());
  REQUIRE(messages->size() == 5);
  CHECK((*messages)[3] == ChatMessage{"user", "Hi"});
}

TEST_CASE("suite_messages: an inserted list is bounded in count") {
  // kMaxInsertedMessages + 1 = 1,001 messages.
  std::string thread;
  for (int i = 0; i < 1001; ++i) {
    thread += std::string(i == 0 ? "" : ",") + R"({"role":"user","content":"x"})";
  }
  const std::string samples = R"({"id":"t-1","text":"a","thread":[)" + thread + "]}\n";
  CHECK(MessagesErrors(kMessagesSuite, samples) ==
        "samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" field \"thread\": holds 1001 "
        "messages; at most 1000 are allowed");
}

TEST_CASE("suite_messages: an inserted list is bounded in bytes") {
  // kMaxInsertedBytes = 4 MiB = 4,194,304 bytes: two messages of 2,097,152 and 2,097,153.
  const std::string samples = R"({"id":"t-1","text":"a","thread":[{"role":"user","content":")" +
                              std::string(2'097'152, 'x') +
                              R"("},{"role":"assistant","content":")" +
                              std::string(2'097'153, 'y') + "\"}]}\n";
  CHECK(MessagesErrors(kMessagesSuite, samples) ==
        "samples.jsonl:1: prompt.messages[3].insert: sample \"t-1\" field \"thread\": its "
        "messages hold 4194305 bytes; at most 4194304 are allowed");
}

TEST_CASE("suite_messages: a conversation must start and end with a user message") {
  // The thread of t-1 makes the conversation end with an assistant message: the insert is last.
  std::string last =
      SwapIn(kMessagesSuite, "    - {role: user, content: \"Ticket: {{text}}\"}\n", "");
  CHECK(MessagesErrors(last) ==
        "samples.jsonl:1: prompt.messages: sample \"t-1\": the conversation ends with an "
        "assistant message (the conversation must start with a user message, as Anthropic "
        "requires, and end with one, which the answer follows)\n"
        "samples.jsonl:2: prompt.messages: sample \"t-2\": the conversation ends with an "
        "assistant message (the conversation must start with a user message, as Anthropic "
        "requires, and end with one, which the answer follows)");
  // Without inserts the template alone is checked, at the list.
  std::string fixed = SwapIn(kMessagesSuite, "    - {insert: thread}\n", "");
  fixed = SwapIn(fixed, "{role: user, content: \"Ticket: printer jam\"}",
                 "{role: assistant, content: \"Ticket: printer jam\"}");
  CHECK(MessagesErrors(fixed) ==
        "suite.yaml:5:5: prompt.messages: the conversation starts with an assistant message (the "
        "conversation must start with a user message, as Anthropic requires, and end with one, "
        "which the answer follows)");
}

TEST_CASE("suite_messages: system messages come first") {
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "    - {insert: thread}\n",
                              "    - {insert: thread}\n    - {role: system, content: late}\n")) ==
        "suite.yaml:9:7: prompt.messages[4]: a system message must come before every user and "
        "assistant message and insert");
}

TEST_CASE("suite_messages: messages beside system or user is refused, located at each") {
  CHECK(MessagesErrors(SwapIn(kMessagesSuite, "prompt:\n",
                              "prompt:\n  system: Sort.\n  user: \"{{text}}\"\n")) ==
        "suite.yaml:4:11: prompt.system: give either messages or system and user, not both: move "
        "this text into a message of prompt.messages\n"
        "suite.yaml:5:9: prompt.user: give either messages or system and user, not both: move "
        "this text into a message of prompt.messages");
}

TEST_CASE("suite_messages: an entry needs role and content, an insert neither") {
  CHECK(
      MessagesErrors(SwapIn(kMessagesSuite, "{insert: thread}", "{insert: thread, role: user}")) ==
      "suite.yaml:8:30: prompt.messages[3].role: an insert takes its messages from the sample; "
      "remove role");
  CHECK(MessagesErrors(
            SwapIn(kMessagesSuite, "{role: system, content: Sort tickets.}", "{role: system}")) ==
        "suite.yaml:5:7: prompt.messages[0]: missing required key \"content\"");
}

}  // namespace taskcost::suite_messages_test
