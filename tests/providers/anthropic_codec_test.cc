#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::anthropic_codec_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::Body;
using testing::Header;
using testing::Response;

const char* const kSchema =
    R"({"type":"object","properties":{"category":{"type":"string"},"priority":{"type":"integer"}},)"
    R"("required":["category","priority"]})";
const char* const kKey = "sk-ant-api03-SECRET-abcdef";

ProviderConfig Anthropic() {
  ProviderConfig p;
  p.name = "anthropic";
  p.kind = ProviderKind::kAnthropic;
  p.base_url = "https://api.anthropic.com";
  return p;
}

ChatCall TriageCall(OutputMode mode = OutputMode::kNative) {
  ChatCall call;
  call.model = "claude-3-5-haiku-20241022";
  call.system = "You triage support tickets.";
  call.user = "Ticket: I was charged twice.";
  call.schema_json = kSchema;
  call.schema_name = "triage answer";
  call.mode = mode;
  call.max_tokens = 300;
  call.params_json = R"({"temperature":0})";
  return call;
}

// A Messages reply in the shape the API reference documents.
std::string Message(const std::string& content_json, const std::string& stop_reason,
                    const std::string& usage_json =
                        R"({"input_tokens":2095,"cache_creation_input_tokens":0,)"
                        R"("cache_read_input_tokens":0,"output_tokens":503,)"
                        R"("service_tier":"standard"})") {
  return R"({"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant",)"
         R"("model":"claude-3-5-haiku-20241022","content":)" +
         content_json + R"(,"stop_reason":")" + stop_reason + R"(","stop_sequence":null,"usage":)" +
         usage_json + "}";
}

const char* const kToolUse =
    R"([{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"triage_answer",)"
    R"("input":{"category":"billing","priority":2}}])";

ProviderReply Parse(const HttpResponse& response, OutputMode mode = OutputMode::kNative) {
  return ParseReply(Anthropic(), response, TriageCall(mode));
}

TEST_CASE("anthropic codec: a native request forces the answer tool") {
  ProviderConfig provider = Anthropic();
  provider.headers = {{"anthropic-beta", "prompt-caching-2024-07-31"}};
  HttpRequest request = BuildRequest(provider, TriageCall(), Secret(kKey));

  CHECK(request.url == "https://api.anthropic.com/v1/messages");
  CHECK(Header(request, "content-type") == "application/json");
  CHECK(Header(request, "anthropic-version") == "2023-06-01");
  CHECK(Header(request, "anthropic-beta") == "prompt-caching-2024-07-31");
  REQUIRE(request.auth.has_value());
  CHECK(request.auth->name == "x-api-key");
  CHECK(request.auth->prefix == "");
  CHECK(request.auth->secret.RevealForTransport() == kKey);

  json body = Body(request);
  CHECK(body.at("model") == "claude-3-5-haiku-20241022");
  CHECK(body.at("max_tokens") == 300);
  CHECK(body.at("system") == "You triage support tickets.");
  CHECK(body.at("messages") ==
        json::array({{{"role", "user"}, {"content", "Ticket: I was charged twice."}}}));
  REQUIRE(body.at("tools").size() == 1);
  const json& tool = body.at("tools")[0];
  CHECK(tool.at("name") == "triage_answer");
  CHECK(tool.at("description").get<std::string>().size() > 0);
  CHECK(tool.at("input_schema") == json::parse(kSchema));
  CHECK(body.at("tool_choice") == json{{"type", "tool"}, {"name", "triage_answer"}});
  CHECK(body.at("temperature") == 0);
  CHECK(body.size() == 7);

  for (const HttpHeader& h : request.headers) CHECK(h.value.find("SECRET") == std::string::npos);
  CHECK(request.body.find("SECRET") == std::string::npos);
  CHECK(request.url.find("SECRET") == std::string::npos);
}

TEST_CASE("anthropic codec: request variants") {
  SUBCASE("prompt mode: schema in the system prompt, no tools") {
    json body = Body(BuildRequest(Anthropic(), TriageCall(OutputMode::kPrompt), Secret(kKey)));
    CHECK_FALSE(body.contains("tools"));
    CHECK_FALSE(body.contains("tool_choice"));
    std::string system = body.at("system").get<std::string>();
    CHECK(system.rfind("You triage support tickets.\n\nAnswer with only a JSON object", 0) == 0);
    CHECK(system.find(std::string("JSON Schema:\n") + kSchema) != std::string::npos);
  }
  SUBCASE("an empty system prompt is omitted") {
    ChatCall call = TriageCall();
    call.system = "";
    CHECK_FALSE(Body(BuildRequest(Anthropic(), call, Secret(kKey))).contains("system"));
  }
  SUBCASE("api_version, a base URL ending in /v1, params overriding, no key") {
    ProviderConfig provider = Anthropic();
    provider.api_version = "2024-01-01";
    provider.base_url = "http://127.0.0.1:4010/v1/";
    ChatCall call = TriageCall();
    call.params_json = R"({"max_tokens":64,"top_k":5})";
    HttpRequest request = BuildRequest(provider, call, Secret());
    CHECK(request.url == "http://127.0.0.1:4010/v1/messages");
    CHECK(Header(request, "anthropic-version") == "2024-01-01");
    CHECK_FALSE(request.auth.has_value());
    json body = Body(request);
    CHECK(body.at("max_tokens") == 64);
    CHECK(body.at("top_k") == 5);
  }
  SUBCASE("the tool name is sanitised and capped at 64 characters") {
    ChatCall call = TriageCall();
    call.schema_name = std::string(70, 'n') + "!";
    json body = Body(BuildRequest(Anthropic(), call, Secret(kKey)));
    CHECK(body.at("tools")[0].at("name") == std::string(64, 'n'));
    CHECK(body.at("tool_choice").at("name") == std::string(64, 'n'));
  }
}

TEST_CASE("anthropic codec: the forced tool's input is the answer") {
  ProviderReply reply = Parse(Response(200, Message(kToolUse, "tool_use"),
                                       {{"request-id", "req_018EeWyXxfu5pfWkrYcMdjWG"}}));
  CHECK(reply.error == ErrorClass::kNone);
  CHECK(reply.output == R"({"category":"billing","priority":2})");
  CHECK(reply.finish_reason == "tool_use");
  CHECK(reply.request_id == "req_018EeWyXxfu5pfWkrYcMdjWG");
  CHECK(reply.usage == Usage{2095, 0, 0, 503, 0});
  CHECK(reply.usage_raw ==
        R"({"input_tokens":2095,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
        R"("output_tokens":503,"service_tier":"standard"})");

  SUBCASE("text blocks before the tool call are ignored in native mode") {
    std::string content =
        R"([{"type":"text","text":"Let me record that."},)" + std::string(kToolUse).substr(1);
    CHECK(Parse(Response(200, Message(content, "tool_use"))).output ==
          R"({"category":"billing","priority":2})");
  }
}

TEST_CASE("anthropic codec: the tool input is written back as nlohmann wrote it") {
  // A repeated key once, at its first place, with its last value; numbers and escapes as
  // nlohmann writes them; only the first tool_use block counts.
  const std::string content =
      R"([{"type":"tool_use","input":{"b":1,"a":[1.0,-0,2.5e3,"\u00e9\n"],"b":{"c":null}}},)"
      R"({"type":"tool_use","input":{"second":true}}])";
  ProviderReply reply = Parse(Response(200, Message(content, "tool_use")));
  CHECK(reply.error == ErrorClass::kNone);
  CHECK(reply.output == "{\"b\":{\"c\":null},\"a\":[1.0,0,2500.0,\"\xC3\xA9\\n\"]}");

  SUBCASE("a tool_use block without input gives null") {
    CHECK(Parse(Response(200, Message(R"([{"type":"tool_use"}])", "tool_use"))).output == "null");
  }
  SUBCASE("a repeated usage key counts its last value") {
    ProviderReply repeated =
        Parse(Response(200, Message(kToolUse, "tool_use",
                                    R"({"input_tokens":5,"output_tokens":3,"input_tokens":9})")));
    CHECK(repeated.usage == Usage{9, 0, 0, 3, 0});
    CHECK(repeated.usage_raw == R"({"input_tokens":9,"output_tokens":3})");
  }
}

TEST_CASE("anthropic codec: prompt mode reads the text blocks") {
  std::string content =
      R"([{"type":"text","text":"{\"category\":"},{"type":"text","text":"\"billing\"}"}])";
  ProviderReply reply = Parse(Response(200, Message(content, "end_turn")), OutputMode::kPrompt);
  CHECK(reply.error == ErrorClass::kNone);
  CHECK(reply.output == R"({"category":"billing"})");
  CHECK(reply.finish_reason == "end_turn");

  SUBCASE("text that is not JSON stays the output; validation judges it") {
    ProviderReply prose =
        Parse(Response(200, Message(R"([{"type":"text","text":"It is billing."}])", "end_turn")),
              OutputMode::kPrompt);
    CHECK(prose.error == ErrorClass::kNone);
    CHECK(prose.output == "It is billing.");
  }
}

TEST_CASE("anthropic codec: a native reply without tool_use is invalid output") {
  std::string text_only = R"([{"type":"text","text":"The category is billing."}])";
  ProviderReply reply = Parse(Response(200, Message(text_only, "end_turn")));
  CHECK(reply.error == ErrorClass::kInvalidOutput);
  CHECK(reply.error_message ==
        "the reply has no tool_use block for the forced answer tool (stop_reason \"end_turn\")");
  CHECK(reply.output == "The category is billing.");

  SUBCASE("when the call is unknown, the text is the answer and validation judges it") {
    ProviderReply lenient = ParseReply(Anthropic(), Response(200, Message(text_only, "end_turn")));
    CHECK(lenient.error == ErrorClass::kNone);
    CHECK(lenient.output == "The category is billing.");
    ProviderReply tool = ParseReply(Anthropic(), Response(200, Message(kToolUse, "tool_use")));
    CHECK(tool.output == R"({"category":"billing","priority":2})");
  }
}

TEST_CASE("anthropic codec: cache reads and writes are billed apart from input") {
  // input_tokens already excludes both cache figures.
  ProviderReply reply =
      Parse(Response(200, Message(kToolUse, "tool_use",
                                  R"({"input_tokens":50,"cache_creation_input_tokens":1000,)"
                                  R"("cache_read_input_tokens":3000,"output_tokens":120})")));
  CHECK(reply.usage.input_tokens == 50);
  CHECK(reply.usage.cache_write_tokens == 1000);
  CHECK(reply.usage.cached_input_tokens == 3000);
  CHECK(reply.usage.output_tokens == 120);
  CHECK(reply.usage.reasoning_tokens == 0);
  CHECK(reply.usage.TotalInput() == 4050);

  SUBCASE("null cache fields count as zero") {
    ProviderReply nulls =
        Parse(Response(200, Message(kToolUse, "tool_use",
                                    R"({"input_tokens":10,"cache_creation_input_tokens":null,)"
                                    R"("cache_read_input_tokens":null,"output_tokens":4})")));
    CHECK(nulls.usage == Usage{10, 0, 0, 4, 0});
  }
}

TEST_CASE("anthropic codec: refusal and truncation") {
  SUBCASE("stop_reason refusal") {
    ProviderReply reply = Parse(Response(200, Message("[]", "refusal")));
    CHECK(reply.error == ErrorClass::kRefusal);
    CHECK(reply.error_message == "the model declined to answer (stop_reason \"refusal\")");
  }
  SUBCASE("stop_reason max_tokens wins over the missing tool answer") {
    std::string partial =
        R"([{"type":"tool_use","id":"toolu_1","name":"triage_answer","input":{}}])";
    ProviderReply reply = Parse(Response(200, Message(partial, "max_tokens")));
    CHECK(reply.error == ErrorClass::kTruncated);
    CHECK(reply.finish_reason == "max_tokens");
    CHECK(reply.output == "{}");
    CHECK(reply.error_message ==
          "the answer was cut off at the token limit (stop_reason \"max_tokens\")");
    CHECK(Parse(Response(200, Message("[]", "max_tokens"))).error == ErrorClass::kTruncated);
  }
}

std::string ErrorBody(const std::string& type, const std::string& message) {
  return R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message +
         R"("},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})";
}

TEST_CASE("anthropic codec: errors map to error classes") {
  SUBCASE("429 with retry-after") {
    ProviderReply reply = Parse(Response(
        429,
        ErrorBody("rate_limit_error",
                  "This request would exceed the rate limit for your organization of 50 input "
                  "tokens per minute."),
        {{"retry-after", "27"}, {"anthropic-ratelimit-requests-reset", "2025-01-01T00:00:27Z"}}));
    CHECK(reply.error == ErrorClass::kRateLimit);
    CHECK(reply.retry_after == milliseconds(27'000));
    CHECK(reply.error_message.rfind("This request would exceed the rate limit", 0) == 0);
    CHECK(reply.request_id == "req_011CSHoEeqs5C35K2UUqR7Fy");  // from the body, no header
  }
  SUBCASE("529 overloaded is a rate limit") {
    ProviderReply reply = Parse(
        Response(529, ErrorBody("overloaded_error", "Overloaded"), {{"request-id", "req_hdr"}}));
    CHECK(reply.error == ErrorClass::kRateLimit);
    CHECK(reply.error_message == "Overloaded");
    CHECK(reply.request_id == "req_hdr");
  }
  SUBCASE("out of credit is quota, whatever the status") {
    ProviderReply credit = Parse(Response(
        400, ErrorBody("invalid_request_error",
                       "Your credit balance is too low to access the Anthropic API. Please go to "
                       "Plans & Billing to upgrade or purchase credits.")));
    CHECK(credit.error == ErrorClass::kQuota);
    ProviderReply limit = Parse(Response(
        400, ErrorBody("invalid_request_error",
                       "You have reached your specified API usage limits. You will regain access "
                       "on 2026-04-01 at 00:00 UTC.")));
    CHECK(limit.error == ErrorClass::kQuota);
    ProviderReply spend = Parse(
        Response(429, ErrorBody("rate_limit_error", "Your workspace has reached its spend limit."),
                 {{"retry-after", "60"}}));
    CHECK(spend.error == ErrorClass::kQuota);
    CHECK_FALSE(spend.retry_after.has_value());
  }
  SUBCASE("401, 403, 400, 404, 413, 500") {
    CHECK(Parse(Response(401, ErrorBody("authentication_error", "invalid x-api-key"))).error ==
          ErrorClass::kAuth);
    CHECK(Parse(Response(403, ErrorBody("permission_error", "no access"))).error ==
          ErrorClass::kAuth);
    ProviderReply bad =
        Parse(Response(400, ErrorBody("invalid_request_error", "max_tokens: Field required")));
    CHECK(bad.error == ErrorClass::kBadRequest);
    CHECK(bad.error_message == "max_tokens: Field required");
    CHECK(Parse(Response(404, ErrorBody("not_found_error", "model: claude-9"))).error ==
          ErrorClass::kBadRequest);
    CHECK(Parse(Response(413, ErrorBody("request_too_large", "Request exceeds"))).error ==
          ErrorClass::kBadRequest);
    CHECK(Parse(Response(500, ErrorBody("api_error", "Internal server error"))).error ==
          ErrorClass::kServer);
  }
  SUBCASE("an HTML error page") {
    ProviderReply reply = Parse(Response(
        503, "<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>"));
    CHECK(reply.error == ErrorClass::kServer);
    CHECK(reply.error_message ==
          "HTTP 503: <!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>");
  }
}

TEST_CASE("anthropic codec: unreadable 2xx bodies are invalid output") {
  ProviderReply empty = Parse(Response(200, ""));
  CHECK(empty.error == ErrorClass::kInvalidOutput);
  CHECK(empty.error_message == "provider response is not JSON: empty body");

  ProviderReply shapeless = Parse(Response(200, R"({"type":"message","content":"hello"})"));
  CHECK(shapeless.error == ErrorClass::kInvalidOutput);
  CHECK(shapeless.error_message ==
        R"(provider response lacks a content array: {"type":"message","content":"hello"})");

  HttpResponse timeout;
  timeout.failure = TransportFailure::kTimeout;
  CHECK(Parse(timeout).error == ErrorClass::kTimeout);
  CHECK(Parse(timeout).error_message == "timeout");
}

}  // namespace
}  // namespace taskcost::anthropic_codec_test
