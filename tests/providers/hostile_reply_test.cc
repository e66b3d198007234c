// Hostile replies through both codecs (issue 12, items 1, 3 and 4): nesting past the depth
// limit, numbers no double holds, and usage that cannot be believed. Each must come back as a
// classified reply, never a crash, with the usage read where it can be and flagged where not.
//
// Reply shapes follow the providers' references:
//   OpenAI Chat Completions, the chat completion object and its usage (prompt_tokens,
//   completion_tokens, prompt_tokens_details.cached_tokens,
//   completion_tokens_details.reasoning_tokens):
//   https://platform.openai.com/docs/api-reference/chat/object
//   Anthropic Messages, the response's usage (input_tokens, output_tokens,
//   cache_read_input_tokens, cache_creation_input_tokens) and tool_use content blocks:
//   https://docs.anthropic.com/en/api/messages
#include <doctest/doctest.h>

#include <string>

#include "harness/core/model/attempt.h"
#include "harness/core/formats/json_check.h"
#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::hostile_reply_test {
namespace {

using testing::Response;

const char* const kSchema = R"({"type":"object"})";

ProviderConfig Provider(ProviderKind kind) {
  ProviderConfig p;
  p.name = kind == ProviderKind::kAnthropic ? "anthropic" : "openai";
  p.kind = kind;
  p.base_url = "https://x.test";
  return p;
}

ProviderReply Parse(ProviderKind kind, const std::string& body) {
  ChatCall call;
  call.model = "m";
  call.schema_json = kSchema;
  return ParseReply(Provider(kind), Response(200, body), call);
}

std::string Nested(int depth, std::string_view inner = "") {
  return std::string(static_cast<size_t>(depth), '[') + std::string(inner) +
         std::string(static_cast<size_t>(depth), ']');
}

// A Chat Completions reply with `content` (JSON text) and `usage` (JSON text).
std::string Completion(const std::string& content, const std::string& usage) {
  return R"({"id":"chatcmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,)"
         R"("message":{"role":"assistant","content":)" +
         content + R"(,"refusal":null},"finish_reason":"stop"}],"usage":)" + usage + "}";
}

// A Messages reply whose forced tool's input is `input` (JSON text), with `usage`.
std::string ToolMessage(const std::string& input, const std::string& usage) {
  return R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[)"
         R"({"type":"tool_use","id":"toolu_1","name":"answer","input":)" +
         input + R"(}],"stop_reason":"tool_use","stop_sequence":null,"usage":)" + usage + "}";
}

const char* const kOpenAiUsage = R"({"prompt_tokens":19,"completion_tokens":10})";
const char* const kAnthropicUsage = R"({"input_tokens":19,"output_tokens":10})";

TEST_CASE("hostile reply: a body of 100k nested arrays is invalid output, never a crash") {
  for (ProviderKind kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    const ProviderReply reply = Parse(kind, Nested(100'000));
    CHECK(reply.error == ErrorClass::kInvalidOutput);
    CHECK(reply.error_message ==
          "provider response cannot be read: nested deeper than 256 levels at line 1, column 257");
    CHECK(reply.usage == Usage{});
    // A 2xx reply none of whose usage could be read: flagged, so that the run prices it at the
    // call's reservation instead of a silent $0 (docs/providers.md, Implausible usage).
    CHECK(reply.usage_flag == "usage unknown: the response could not be read");
  }
}

TEST_CASE("hostile reply: an Anthropic tool input nested 50k deep is invalid output, usage kept") {
  const ProviderReply reply =
      Parse(ProviderKind::kAnthropic, ToolMessage(Nested(50'000), kAnthropicUsage));
  CHECK(reply.error == ErrorClass::kInvalidOutput);
  // The root object is level 1, content 2, the block 3, input's first '[' 4 at column 132 (the
  // prefix before it is 131 bytes); level 257 is input's 254th '[': column 132 + 253 = 385.
  CHECK(reply.error_message ==
        "provider response cannot be read: nested deeper than 256 levels at line 1, column 385");
  CHECK(reply.output.empty());
  CHECK(reply.usage == Usage{19, 0, 0, 10, 0});  // read: the usage object is shallow
  CHECK(reply.usage_flag.empty());
  CHECK(reply.usage_raw == kAnthropicUsage);
}

TEST_CASE("hostile reply: usage nested 40k deep is read where it can be and flagged") {
  const std::string usage = R"({"input_tokens":19,"output_tokens":10,"x":)" + Nested(40'000) + "}";
  const ProviderReply anthropic = Parse(ProviderKind::kAnthropic, ToolMessage("{}", usage));
  CHECK(anthropic.error == ErrorClass::kInvalidOutput);
  CHECK(anthropic.usage == Usage{19, 0, 0, 10, 0});
  CHECK(anthropic.usage_flag == "usage nested deeper than 256 levels");
  // Levels 3 to 256 of "x" kept: 254 arrays; the journal holds them, no deeper.
  CHECK(anthropic.usage_raw == R"({"input_tokens":19,"output_tokens":10,"x":)" + Nested(254) + "}");

  const std::string openai_usage =
      R"({"prompt_tokens":19,"completion_tokens":10,"prompt_tokens_details":)" + Nested(40'000) +
      "}";
  const ProviderReply openai = Parse(ProviderKind::kOpenAi, Completion("\"{}\"", openai_usage));
  CHECK(openai.error == ErrorClass::kInvalidOutput);
  CHECK(openai.usage == Usage{19, 0, 0, 10, 0});
  CHECK(openai.usage_flag == "usage nested deeper than 256 levels");
}

TEST_CASE("hostile reply: a reply nested just within the limit is read whole") {
  // A tool input at level 4 holding 253 more levels: 256 in all.
  const ProviderReply reply =
      Parse(ProviderKind::kAnthropic, ToolMessage(Nested(253), kAnthropicUsage));
  CHECK(reply.error == ErrorClass::kNone);
  CHECK(reply.output == Nested(253));
}

TEST_CASE("hostile reply: a number no double holds makes the body unreadable, located") {
  const ProviderReply openai =
      Parse(ProviderKind::kOpenAi,
            Completion("\"{}\"", R"({"prompt_tokens":19,"completion_tokens":10,"x":1e999})"));
  CHECK(openai.error == ErrorClass::kInvalidOutput);
  // The body is 228 bytes ending in `1e999}}`: the number starts at column 228 - 7 + 1 = 222.
  CHECK(openai.error_message ==
        "provider response cannot be read: the number 1e999 is out of range at line 1, "
        "column 222");
  const ProviderReply anthropic =
      Parse(ProviderKind::kAnthropic, ToolMessage(R"({"n":-1e999})", kAnthropicUsage));
  CHECK(anthropic.error == ErrorClass::kInvalidOutput);
  // The tool input {"n":-1e999} opens at column 132 (as above): the number at 132 + 5 = 137.
  CHECK(anthropic.error_message ==
        "provider response cannot be read: the number -1e999 is out of range at line 1, "
        "column 137");
}

struct UsageCase {
  const char* usage;
  Usage read;
  const char* flag;
};

TEST_CASE("hostile reply: OpenAI usage that cannot be believed is flagged, the first reason kept") {
  for (const UsageCase& c : {
           UsageCase{R"({"prompt_tokens":1000000000000,"completion_tokens":10})",
                     Usage{0, 0, 0, 10, 0},
                     "prompt_tokens 1000000000000 is above the per-call bound of 100000000"},
           UsageCase{R"({"prompt_tokens":1e30,"completion_tokens":10})", Usage{0, 0, 0, 10, 0},
                     "prompt_tokens 1e+30 is above the per-call bound of 100000000"},
           UsageCase{R"({"prompt_tokens":"19","completion_tokens":10})", Usage{0, 0, 0, 10, 0},
                     R"(prompt_tokens "19" is not a number)"},
           UsageCase{R"({"prompt_tokens":19,"completion_tokens":-10})", Usage{19, 0, 0, 0, 0},
                     "completion_tokens -10 is negative"},
           UsageCase{R"({"prompt_tokens":19.5,"completion_tokens":10})", Usage{0, 0, 0, 10, 0},
                     "prompt_tokens 19.5 is not a whole number"},
           // 900 cached of a 100-token prompt: input max(0, 100 - 900) = 0, cached 900.
           UsageCase{R"({"prompt_tokens":100,"completion_tokens":10,)"
                     R"("prompt_tokens_details":{"cached_tokens":900}})",
                     Usage{0, 900, 0, 10, 0},
                     "prompt_tokens_details.cached_tokens 900 is more than prompt_tokens 100"},
           UsageCase{R"({"prompt_tokens":100,"completion_tokens":10,)"
                     R"("completion_tokens_details":{"reasoning_tokens":50}})",
                     Usage{100, 0, 0, 10, 50},
                     "completion_tokens_details.reasoning_tokens 50 is more than "
                     "completion_tokens 10"},
           UsageCase{R"("lots")", Usage{}, R"(usage "lots" is not an object)"},
           // Plausible: the whole prompt cached, every output token reasoning, 12.0 whole.
           UsageCase{R"({"prompt_tokens":100,"completion_tokens":10.0,)"
                     R"("prompt_tokens_details":{"cached_tokens":100},)"
                     R"("completion_tokens_details":{"reasoning_tokens":10}})",
                     Usage{0, 100, 0, 10, 10}, ""},
       }) {
    CAPTURE(c.usage);
    const ProviderReply reply = Parse(ProviderKind::kOpenAi, Completion("\"{}\"", c.usage));
    CHECK(reply.error == ErrorClass::kNone);  // the answer is fine; the usage is doubted
    CHECK(reply.usage == c.read);
    CHECK(reply.usage_flag == c.flag);
  }
}

TEST_CASE("hostile reply: Anthropic usage that cannot be believed is flagged") {
  for (const UsageCase& c : {
           UsageCase{R"({"input_tokens":50,"cache_read_input_tokens":4000000000000,)"
                     R"("output_tokens":10})",
                     Usage{50, 0, 0, 10, 0},
                     "cache_read_input_tokens 4000000000000 is above the per-call bound of "
                     "100000000"},
           UsageCase{R"({"input_tokens":50,"cache_creation_input_tokens":-1,"output_tokens":10})",
                     Usage{50, 0, 0, 10, 0}, "cache_creation_input_tokens -1 is negative"},
           UsageCase{R"({"input_tokens":50,"output_tokens":true})", Usage{50, 0, 0, 0, 0},
                     "output_tokens true is not a number"},
           // At the bound exactly: believed.
           UsageCase{R"({"input_tokens":100000000,"output_tokens":10})",
                     Usage{100'000'000, 0, 0, 10, 0}, ""},
       }) {
    CAPTURE(c.usage);
    const ProviderReply reply = Parse(ProviderKind::kAnthropic, ToolMessage("{}", c.usage));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.usage == c.read);
    CHECK(reply.usage_flag == c.flag);
  }
}

}  // namespace
}  // namespace taskcost::hostile_reply_test
