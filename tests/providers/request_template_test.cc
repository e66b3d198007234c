#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::request_template_test {
namespace {

using testing::Body;

const char* const kSchema =
    R"({"type":"object","properties":{"category":{"type":"string","enum":["billing","account"]}},)"
    R"("required":["category"],"additionalProperties":false})";

ProviderConfig Provider(ProviderKind kind) {
  ProviderConfig p;
  p.name = "p";
  p.kind = kind;
  p.base_url = kind == ProviderKind::kAnthropic ? "https://api.anthropic.com" : "https://x.test/v1";
  p.headers = {{"X-Team", "evals"}};
  return p;
}

// Any call of the candidate: the template never looks at its prompts.
ChatCall Shape(OutputMode mode, std::string params_json) {
  ChatCall call;
  call.model = "model-1";
  call.schema_json = kSchema;
  call.schema_name = "triage";
  call.mode = mode;
  call.max_tokens = 300;
  call.params_json = std::move(params_json);
  call.system = "not the prompt that is sent";
  call.user = "neither is this";
  return call;
}

// Prompts that exercise the string escaping: quotes, control characters, UTF-8, an empty system.
std::vector<std::pair<std::string, std::string>> Prompts() {
  return {
      {"You triage support tickets.", "Ticket T-1:\nI was charged twice."},
      {"", "no system prompt"},
      {"quote \" backslash \\ tab \t", std::string("nul \x00 and \x1f", 11)},
      {"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "emoji \xF0\x9F\x99\x82 and bad \xFF byte"},
  };
}

void CheckSameRequest(const HttpRequest& spliced, const HttpRequest& whole) {
  CHECK(spliced.body == whole.body);  // byte for byte: the response cache key is the body
  CHECK(Body(spliced) == Body(whole));
  CHECK(spliced.method == whole.method);
  CHECK(spliced.url == whole.url);
  CHECK(spliced.timeout == whole.timeout);
  REQUIRE(spliced.headers.size() == whole.headers.size());
  for (size_t i = 0; i < whole.headers.size(); ++i) {
    CHECK(spliced.headers[i].name == whole.headers[i].name);
    CHECK(spliced.headers[i].value == whole.headers[i].value);
  }
  REQUIRE(spliced.auth.has_value() == whole.auth.has_value());
  if (whole.auth) {
    CHECK(spliced.auth->name == whole.auth->name);
    CHECK(spliced.auth->prefix == whole.auth->prefix);
  }
}

}  // namespace

TEST_CASE("request template: every request is byte for byte the one BuildRequest builds") {
  const Secret key("sk-template-test");
  for (ProviderKind kind : {ProviderKind::kOpenAi, ProviderKind::kAzureOpenAi,
                            ProviderKind::kOpenAiCompatible, ProviderKind::kAnthropic}) {
    for (OutputMode mode : {OutputMode::kNative, OutputMode::kPrompt}) {
      for (const char* params : {"{}", R"({"temperature":0,"top_p":0.5})", R"({"model":"m2"})",
                                 R"({"system":"from params"})",
                                 R"({"messages":[],"system":"from params"})"}) {
        const ProviderConfig provider = Provider(kind);
        const RequestTemplate request_template(provider, Shape(mode, params), key);
        const std::string keys = params;
        const bool names_prompts = keys.find("messages") != std::string::npos ||
                                   (kind == ProviderKind::kAnthropic &&
                                    keys.find("system") != std::string::npos);
        CHECK(request_template.spliced() == !names_prompts);
        for (const auto& [system, user] : Prompts()) {
          ChatCall call = Shape(mode, params);
          call.system = system;
          call.user = user;
          CAPTURE(ProviderKindName(kind));
          CAPTURE(static_cast<int>(mode));
          CAPTURE(params);
          CAPTURE(system);
          CheckSameRequest(request_template.Build(call), BuildRequest(provider, call, key));
        }
      }
    }
  }
}

TEST_CASE("request template: params naming only \"system\" split an OpenAI body, not an Anthropic one") {
  const ChatCall call = Shape(OutputMode::kNative, R"({"system":"from params"})");
  CHECK(RequestTemplate(Provider(ProviderKind::kOpenAi), call, Secret()).spliced());
  CHECK_FALSE(RequestTemplate(Provider(ProviderKind::kAnthropic), call, Secret()).spliced());
}

TEST_CASE("request template: a free-form call (no schema) splices the same way") {
  const Secret key;
  for (ProviderKind kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    ChatCall call = Shape(OutputMode::kNative, "{}");
    call.schema_json.clear();
    const ProviderConfig provider = Provider(kind);
    const RequestTemplate request_template(provider, call, key);
    CHECK(request_template.spliced());
    call.system = "Be brief.";
    call.user = "Hello";
    CheckSameRequest(request_template.Build(call), BuildRequest(provider, call, key));
  }
}

}  // namespace taskcost::request_template_test
