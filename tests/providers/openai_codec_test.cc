#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/providers/codec.h"
#include "tests/providers/wire_test_util.h"

namespace taskcost::openai_codec_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::Body;
using testing::Header;
using testing::Response;

const char* const kSchema =
    R"({"type":"object","properties":{"category":{"type":"string","enum":["billing","account"]}},)"
    R"("required":["category"],"additionalProperties":false})";
const char* const kKey = "sk-test-SECRET-0123456789";

ProviderConfig OpenAi(ProviderKind kind = ProviderKind::kOpenAi) {
  ProviderConfig p;
  p.name = "openai";
  p.kind = kind;
  p.base_url = "https://api.openai.com/v1";
  return p;
}

ChatCall TriageCall() {
  ChatCall call;
  call.model = "gpt-4o-mini";
  call.system = "You triage support tickets.";
  call.user = "Ticket: I was charged twice.";
  call.schema_json = kSchema;
  call.schema_name = "triage";
  call.max_tokens = 200;
  call.params_json = R"({"temperature":0})";
  call.timeout = milliseconds(30'000);
  return call;
}

// A Chat Completions reply in the shape the API reference documents.
std::string Completion(const std::string& content_json, const std::string& finish_reason,
                       const std::string& refusal_json = "null") {
  return R"({"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion",)"
         R"("created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,)"
         R"("message":{"role":"assistant","content":)" +
         content_json + R"(,"refusal":)" + refusal_json +
         R"(,"annotations":[]},"logprobs":null,"finish_reason":")" + finish_reason +
         R"("}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,)"
         R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
         R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
         R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},)"
         R"("service_tier":"default","system_fingerprint":"fp_44709d6fcb"})";
}

ProviderReply Parse(const HttpResponse& response, ProviderKind kind = ProviderKind::kOpenAi) {
  return ParseReply(OpenAi(kind), response, TriageCall());
}

TEST_CASE("openai codec: a native request carries the schema as response_format") {
  ProviderConfig provider = OpenAi();
  provider.headers = {{"OpenAI-Organization", "org-123"}};
  HttpRequest request = BuildRequest(provider, TriageCall(), Secret(kKey));

  CHECK(request.method == "POST");
  CHECK(request.url == "https://api.openai.com/v1/chat/completions");
  CHECK(request.timeout == milliseconds(30'000));
  CHECK(Header(request, "content-type") == "application/json");
  CHECK(Header(request, "OpenAI-Organization") == "org-123");

  json body = Body(request);
  CHECK(body.at("model") == "gpt-4o-mini");
  REQUIRE(body.at("messages").size() == 2);
  CHECK(body.at("messages")[0] ==
        json{{"role", "system"}, {"content", "You triage support tickets."}});
  CHECK(body.at("messages")[1] ==
        json{{"role", "user"}, {"content", "Ticket: I was charged twice."}});
  CHECK(body.at("max_completion_tokens") == 200);
  CHECK_FALSE(body.contains("max_tokens"));
  CHECK(body.at("temperature") == 0);
  const json& format = body.at("response_format");
  CHECK(format.at("type") == "json_schema");
  CHECK(format.at("json_schema").at("name") == "triage");
  CHECK(format.at("json_schema").at("strict") == true);
  // The user's schema goes out as written: nothing added, nothing removed.
  CHECK(format.at("json_schema").at("schema") == json::parse(kSchema));
  CHECK(body.size() == 5);
}

TEST_CASE("openai codec: request variants") {
  ChatCall call = TriageCall();
  SUBCASE("an empty system prompt sends no system message") {
    call.system = "";
    json body = Body(BuildRequest(OpenAi(), call, Secret(kKey)));
    REQUIRE(body.at("messages").size() == 1);
    CHECK(body.at("messages")[0].at("role") == "user");
  }
  SUBCASE("prompt mode states the schema in the system message, with no response_format") {
    call.mode = OutputMode::kPrompt;
    json body = Body(BuildRequest(OpenAi(), call, Secret(kKey)));
    CHECK_FALSE(body.contains("response_format"));
    std::string system = body.at("messages")[0].at("content").get<std::string>();
    CHECK(system.rfind("You triage support tickets.\n\nAnswer with only a JSON object", 0) == 0);
    CHECK(system.find(std::string("JSON Schema:\n") + kSchema) != std::string::npos);
  }
  SUBCASE("prompt mode without a system prompt makes the instruction the system message") {
    call.mode = OutputMode::kPrompt;
    call.system = "";
    json body = Body(BuildRequest(OpenAi(), call, Secret(kKey)));
    REQUIRE(body.at("messages").size() == 2);
    CHECK(body.at("messages")[0].at("content").get<std::string>().rfind("Answer with only", 0) ==
          0);
  }
  SUBCASE("a free-form answer (no schema) sends no response_format") {
    call.schema_json = "";
    CHECK_FALSE(Body(BuildRequest(OpenAi(), call, Secret(kKey))).contains("response_format"));
  }
  SUBCASE("params are merged last and override what the codec set") {
    call.params_json = R"({"max_completion_tokens":50,"top_p":0.5,"seed":7})";
    json body = Body(BuildRequest(OpenAi(), call, Secret(kKey)));
    CHECK(body.at("max_completion_tokens") == 50);
    CHECK(body.at("top_p") == 0.5);
    CHECK(body.at("seed") == 7);
  }
  SUBCASE("openai-compatible servers get max_tokens") {
    ProviderConfig vllm = OpenAi(ProviderKind::kOpenAiCompatible);
    vllm.base_url = "http://127.0.0.1:8000/v1/";
    HttpRequest request = BuildRequest(vllm, call, Secret());
    CHECK(request.url == "http://127.0.0.1:8000/v1/chat/completions");
    json body = Body(request);
    CHECK(body.at("max_tokens") == 200);
    CHECK_FALSE(body.contains("max_completion_tokens"));
    CHECK(body.at("response_format").at("type") == "json_schema");
  }
  SUBCASE("a params object that is not JSON is a broken invariant") {
    call.params_json = "{temperature: 0";
    CHECK_THROWS_AS(BuildRequest(OpenAi(), call, Secret(kKey)), std::invalid_argument);
  }
}

TEST_CASE("openai codec: the schema name is sanitised to 64 characters of [a-zA-Z0-9_-]") {
  ChatCall call = TriageCall();
  auto name_for = [&](const std::string& name) {
    call.schema_name = name;
    return Body(BuildRequest(OpenAi(), call, Secret(kKey)))
        .at("response_format")
        .at("json_schema")
        .at("name")
        .get<std::string>();
  };
  CHECK(name_for("ticket triage v2.1") == "ticket_triage_v2_1");
  CHECK(name_for("") == "answer");
  CHECK(name_for(std::string(80, 'x')) == std::string(64, 'x'));
  CHECK(name_for("Ok-name_9") == "Ok-name_9");
}

TEST_CASE("openai codec: Azure uses the deployment URL and the api-key header") {
  ProviderConfig azure = OpenAi(ProviderKind::kAzureOpenAi);
  azure.base_url = "https://contoso.openai.azure.com";
  azure.api_version = "2024-10-21";
  ChatCall call = TriageCall();
  call.model = "gpt-4o mini";  // deployment names are URL-encoded
  HttpRequest request = BuildRequest(azure, call, Secret(kKey));
  CHECK(request.url ==
        "https://contoso.openai.azure.com/openai/deployments/gpt-4o%20mini/chat/completions"
        "?api-version=2024-10-21");
  REQUIRE(request.auth.has_value());
  CHECK(request.auth->name == "api-key");
  CHECK(request.auth->prefix == "");
  CHECK(Body(request).at("max_completion_tokens") == 200);

  azure.api_version = "";
  CHECK(BuildRequest(azure, call, Secret(kKey)).url.find("?api-version=2024-10-21") !=
        std::string::npos);
}

TEST_CASE("openai codec: the key travels only in the auth slot") {
  for (ProviderKind kind :
       {ProviderKind::kOpenAi, ProviderKind::kOpenAiCompatible, ProviderKind::kAzureOpenAi}) {
    HttpRequest request = BuildRequest(OpenAi(kind), TriageCall(), Secret(kKey));
    CHECK(request.url.find("SECRET") == std::string::npos);
    CHECK(request.body.find("SECRET") == std::string::npos);
    for (const HttpHeader& h : request.headers) CHECK(h.value.find("SECRET") == std::string::npos);
    REQUIRE(request.auth.has_value());
    CHECK(request.auth->secret.RevealForTransport() == kKey);
  }
  HttpRequest openai = BuildRequest(OpenAi(), TriageCall(), Secret(kKey));
  CHECK(openai.auth->name == "Authorization");
  CHECK(openai.auth->prefix == "Bearer ");
  CHECK_FALSE(BuildRequest(OpenAi(), TriageCall(), Secret()).auth.has_value());
}

TEST_CASE("openai codec: a normal reply gives the content, usage and request id") {
  HttpResponse response = Response(200, Completion(R"("{\"category\":\"billing\"}")", "stop"),
                                   {{"X-Request-Id", "req_abc123"}});
  ProviderReply reply = Parse(response);
  CHECK(reply.error == ErrorClass::kNone);
  CHECK(reply.output == R"({"category":"billing"})");
  CHECK(reply.finish_reason == "stop");
  CHECK(reply.request_id == "req_abc123");
  CHECK(reply.usage == Usage{19, 0, 0, 10, 0});
  CHECK(reply.usage_raw == R"({"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,)"
                           R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
                           R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
                           R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})");
  CHECK_FALSE(reply.retry_after.has_value());
}

TEST_CASE("openai codec: cached and reasoning tokens are split out of the totals") {
  // prompt_tokens 1200 includes 1000 cached: 200 uncached. completion_tokens 500 includes
  // 300 reasoning: all 500 are billed as output.
  std::string body =
      R"({"id":"chatcmpl-1","object":"chat.completion","model":"o3-mini","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"{}","refusal":null},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":1200,"completion_tokens":500,"total_tokens":1700,)"
      R"("prompt_tokens_details":{"cached_tokens":1000,"audio_tokens":0},)"
      R"("completion_tokens_details":{"reasoning_tokens":300,"audio_tokens":0}}})";
  ProviderReply reply = Parse(Response(200, body));
  CHECK(reply.usage.input_tokens == 200);
  CHECK(reply.usage.cached_input_tokens == 1000);
  CHECK(reply.usage.cache_write_tokens == 0);
  CHECK(reply.usage.output_tokens == 500);
  CHECK(reply.usage.reasoning_tokens == 300);

  SUBCASE("missing details count as zero") {
    ProviderReply bare = Parse(
        Response(200, R"({"choices":[{"message":{"content":"{}"},"finish_reason":"stop"}],)"
                      R"("usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})"));
    CHECK(bare.error == ErrorClass::kNone);
    CHECK(bare.usage == Usage{12, 0, 0, 3, 0});
  }
  SUBCASE("no usage object at all is zero usage and no usage_raw") {
    ProviderReply none = Parse(
        Response(200, R"({"choices":[{"message":{"content":"{}"},"finish_reason":"stop"}]})"));
    CHECK(none.usage == Usage{});
    CHECK(none.usage_raw == "");
  }
}

TEST_CASE("openai codec: refusals, filters and truncation are classified") {
  SUBCASE("message.refusal") {
    ProviderReply reply = Parse(Response(
        200, Completion("null", "stop", R"("I'm sorry, I cannot assist with that request.")")));
    CHECK(reply.error == ErrorClass::kRefusal);
    CHECK(reply.error_message == "I'm sorry, I cannot assist with that request.");
    CHECK(reply.output == "");
    CHECK(reply.usage.output_tokens == 10);  // a refusal is still billed
  }
  SUBCASE("finish_reason content_filter") {
    ProviderReply reply = Parse(Response(200, Completion("null", "content_filter")));
    CHECK(reply.error == ErrorClass::kRefusal);
    CHECK(reply.error_message ==
          "the answer was withheld by the content filter (finish_reason \"content_filter\")");
  }
  SUBCASE("finish_reason length keeps the partial output as evidence") {
    ProviderReply reply = Parse(Response(200, Completion(R"("{\"categ")", "length")));
    CHECK(reply.error == ErrorClass::kTruncated);
    CHECK(reply.finish_reason == "length");
    CHECK(reply.output == R"({"categ)");
    CHECK(reply.error_message ==
          "the answer was cut off at the output token limit (finish_reason \"length\")");
  }
  SUBCASE("content that is not JSON in native mode stays the output; validation judges it") {
    ProviderReply reply =
        Parse(Response(200, Completion(R"("Sure! The category is billing.")", "stop")));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.output == "Sure! The category is billing.");
  }
}

TEST_CASE("openai codec: rate limits carry the delay the provider asks for") {
  const std::string rate_limited =
      R"({"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-123 on )"
      R"(requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests",)"
      R"("param":null,"code":"rate_limit_exceeded"}})";
  SUBCASE("Retry-After in seconds") {
    ProviderReply reply = Parse(Response(429, rate_limited, {{"Retry-After", "20"}}));
    CHECK(reply.error == ErrorClass::kRateLimit);
    CHECK(reply.retry_after == milliseconds(20'000));
    CHECK(reply.error_message.rfind("Rate limit reached for gpt-4o-mini", 0) == 0);
  }
  SUBCASE("retry-after-ms wins over Retry-After") {
    ProviderReply reply =
        Parse(Response(429, rate_limited, {{"retry-after-ms", "1500.5"}, {"retry-after", "2"}}));
    CHECK(reply.retry_after == milliseconds(1501));
  }
  SUBCASE("without Retry-After, the longer of the reset durations") {
    ProviderReply reply = Parse(Response(
        429, rate_limited,
        {{"x-ratelimit-reset-requests", "1m30.5s"}, {"x-ratelimit-reset-tokens", "6m0s"}}));
    CHECK(reply.retry_after == milliseconds(360'000));
  }
  SUBCASE("an HTTP-date Retry-After is not read without a clock") {
    ProviderReply reply =
        Parse(Response(429, rate_limited, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
    CHECK(reply.error == ErrorClass::kRateLimit);
    CHECK_FALSE(reply.retry_after.has_value());
  }
  SUBCASE("insufficient_quota is out of credit, not a rate limit") {
    ProviderReply reply = Parse(Response(
        429,
        R"({"error":{"message":"You exceeded your current quota, please check your plan and )"
        R"(billing details.","type":"insufficient_quota","param":null,)"
        R"("code":"insufficient_quota"}})",
        {{"x-ratelimit-reset-tokens", "6m0s"}}));
    CHECK(reply.error == ErrorClass::kQuota);
    CHECK(reply.error_message ==
          "You exceeded your current quota, please check your plan and billing details.");
    CHECK_FALSE(reply.retry_after.has_value());
  }
}

TEST_CASE("openai codec: HTTP errors map to error classes") {
  struct Case {
    int status;
    ErrorClass expected;
  };
  const Case cases[] = {
      {400, ErrorClass::kBadRequest}, {401, ErrorClass::kAuth},    {403, ErrorClass::kAuth},
      {404, ErrorClass::kBadRequest}, {408, ErrorClass::kTimeout}, {413, ErrorClass::kBadRequest},
      {422, ErrorClass::kBadRequest}, {500, ErrorClass::kServer},  {502, ErrorClass::kServer},
      {503, ErrorClass::kServer},     {529, ErrorClass::kServer},  {402, ErrorClass::kQuota},
  };
  for (const Case& c : cases) {
    CAPTURE(c.status);
    ProviderReply reply = Parse(
        Response(c.status, R"({"error":{"message":"boom","type":"x","param":null,"code":null}})"));
    CHECK(reply.error == c.expected);
    CHECK(reply.error_message == "boom");
  }
  SUBCASE("401 with the provider's words") {
    ProviderReply reply = Parse(Response(
        401, R"({"error":{"message":"Incorrect API key provided: sk-abc***xyz. You can find your )"
             R"(API key at https://platform.openai.com/account/api-keys.","type":)"
             R"("invalid_request_error","param":null,"code":"invalid_api_key"}})"));
    CHECK(reply.error == ErrorClass::kAuth);
    CHECK(reply.error_message.rfind("Incorrect API key provided", 0) == 0);
  }
  SUBCASE("503 with Retry-After keeps the delay") {
    ProviderReply reply = Parse(Response(503, "", {{"Retry-After", "3"}}));
    CHECK(reply.error == ErrorClass::kServer);
    CHECK(reply.retry_after == milliseconds(3000));
    CHECK(reply.error_message == "HTTP 503: empty body");
  }
  SUBCASE("an HTML error page from a proxy") {
    ProviderReply reply =
        Parse(Response(502,
                       "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                       "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"));
    CHECK(reply.error == ErrorClass::kServer);
    CHECK(reply.error_message ==
          "HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <body> "
          "<center><h1>502 Bad Gateway</h1></center> </body> </html>");
  }
  SUBCASE("a long provider message is cut to 500 bytes") {
    std::string long_message(800, 'm');
    ProviderReply reply =
        Parse(Response(400, R"({"error":{"message":")" + long_message + R"("}})"));
    CHECK(reply.error_message == std::string(500, 'm') + "...");
  }
}

TEST_CASE("openai codec: unreadable 2xx bodies are invalid output, never a crash") {
  SUBCASE("empty body") {
    ProviderReply reply = Parse(Response(200, ""));
    CHECK(reply.error == ErrorClass::kInvalidOutput);
    CHECK(reply.error_message == "provider response is not JSON: empty body");
  }
  SUBCASE("HTML with status 200") {
    ProviderReply reply = Parse(Response(200, "<html><body>Welcome to nginx!</body></html>"));
    CHECK(reply.error == ErrorClass::kInvalidOutput);
    CHECK(reply.error_message ==
          "provider response is not JSON: <html><body>Welcome to nginx!</body></html>");
  }
  SUBCASE("JSON without choices") {
    ProviderReply reply = Parse(Response(200, R"({"object":"list","data":[]})"));
    CHECK(reply.error == ErrorClass::kInvalidOutput);
    CHECK(reply.error_message ==
          R"(provider response lacks choices[0].message: {"object":"list","data":[]})");
  }
  SUBCASE("fields of the wrong type") {
    ProviderReply reply = Parse(
        Response(200, R"({"choices":[{"message":{"content":42,"refusal":null},"finish_reason":7}],)"
                      R"("usage":{"prompt_tokens":"many","completion_tokens":-5}})"));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.output == "");
    CHECK(reply.finish_reason == "");
    CHECK(reply.usage == Usage{});
    CHECK(reply.usage_flag == R"(prompt_tokens "many" is not a number)");
  }
}

TEST_CASE("openai codec: odd but valid JSON replies read as nlohmann read them") {
  SUBCASE("a repeated key counts once, with its last value, at its first place") {
    ProviderReply reply = Parse(Response(
        200,
        R"({"choices":[{"message":{"content":"first"}}],"usage":{"prompt_tokens":1,)"
        R"("completion_tokens":2,"prompt_tokens":7},)"
        R"("choices":[{"message":{"content":"{}","content":"last"},"finish_reason":"stop"}]})"));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.output == "last");
    CHECK(reply.finish_reason == "stop");
    CHECK(reply.usage == Usage{7, 0, 0, 2, 0});
    CHECK(reply.usage_raw == R"({"prompt_tokens":7,"completion_tokens":2})");
  }
  SUBCASE("numbers: odd counts are implausible, usage_raw as nlohmann writes numbers") {
    ProviderReply reply = Parse(Response(
        200, R"({"choices":[{"message":{"content":"{}"},"finish_reason":"stop"}],)"
             R"("usage":{"prompt_tokens":12.9,"completion_tokens":18446744073709551615,)"
             R"("total_tokens":1E2,"x":-0,"y":-0.0,"z":1e-400,)"
             R"("completion_tokens_details":{"reasoning_tokens":99999999999999999999}}})"));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.usage == Usage{});  // each count unreadable: 0, priced by the flag's rule
    CHECK(reply.usage_flag == "prompt_tokens 12.9 is not a whole number");
    CHECK(reply.usage_raw ==
          R"({"prompt_tokens":12.9,"completion_tokens":18446744073709551615,"total_tokens":100.0,)"
          R"("x":0,"y":-0.0,"z":0.0,"completion_tokens_details":{"reasoning_tokens":1e+20}})");
  }
  SUBCASE("a byte order mark before the body is skipped") {
    ProviderReply reply = Parse(
        Response(200, "\xEF\xBB\xBF" + Completion(R"("{\"category\":\"billing\"}")", "stop")));
    CHECK(reply.error == ErrorClass::kNone);
    CHECK(reply.output == R"({"category":"billing"})");
    CHECK(reply.usage == Usage{19, 0, 0, 10, 0});
  }
  SUBCASE("escapes in the content are decoded, in usage_raw written as nlohmann writes them") {
    ProviderReply reply = Parse(
        Response(200, R"({"choices":[{"message":{"content":"\u00e9\/\ud83d\ude00\t"},)"
                      R"("finish_reason":"stop"}],"usage":{"note":"a\u0001\"b\u00e9","n":1}})"));
    CHECK(reply.output == "\xC3\xA9/\xF0\x9F\x98\x80\t");
    CHECK(reply.usage_raw == "{\"note\":\"a\\u0001\\\"b\xC3\xA9\",\"n\":1}");
  }
  SUBCASE("a lone surrogate or invalid UTF-8 makes the body not JSON") {
    for (std::string body : {std::string(R"({"choices":[],"x":"\udc00"})"),
                             std::string("{\"choices\":[],\"x\":\"\xC0\x80\"}")}) {
      ProviderReply reply = Parse(Response(200, body));
      CHECK(reply.error == ErrorClass::kInvalidOutput);
      CHECK(reply.error_message.rfind("provider response is not JSON: ", 0) == 0);
    }
  }
  SUBCASE("an empty choices array, or a choice that is not an object, lacks the message") {
    for (const char* body : {R"({"choices":[]})", R"({"choices":["text"]})"}) {
      ProviderReply reply = Parse(Response(200, body));
      CHECK(reply.error == ErrorClass::kInvalidOutput);
      CHECK(reply.error_message ==
            std::string("provider response lacks choices[0].message: ") + body);
    }
  }
  SUBCASE("a refusal that is not a string is kept as its JSON text; an empty one is none") {
    ProviderReply reply = Parse(Response(200, Completion("null", "stop", R"({"reason":1.5})")));
    CHECK(reply.error == ErrorClass::kRefusal);
    CHECK(reply.error_message == R"({"reason":1.5})");
    ProviderReply empty = Parse(Response(200, Completion(R"("{}")", "stop", R"("")")));
    CHECK(empty.error == ErrorClass::kNone);
  }
}

TEST_CASE("openai codec: transport failures") {
  HttpResponse timeout;
  timeout.failure = TransportFailure::kTimeout;
  timeout.failure_message = "Operation timed out after 30000 milliseconds with 0 bytes received";
  ProviderReply reply = Parse(timeout);
  CHECK(reply.error == ErrorClass::kTimeout);
  CHECK(reply.error_message == timeout.failure_message);

  HttpResponse refused;
  refused.failure = TransportFailure::kConnect;
  refused.failure_message = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  CHECK(Parse(refused).error == ErrorClass::kNetwork);

  HttpResponse reset;
  reset.failure = TransportFailure::kNetwork;
  CHECK(Parse(reset).error == ErrorClass::kNetwork);
  CHECK(Parse(reset).error_message == "network");

  CHECK(Parse(HttpResponse{}).error == ErrorClass::kNetwork);
  CHECK(Parse(HttpResponse{}).error_message == "no HTTP status was received");

  // A reply over its provider's max_reply_bytes: the answer is unusable, the model's doing.
  HttpResponse too_large;
  too_large.status = 200;
  too_large.failure = TransportFailure::kTooLarge;
  too_large.failure_message =
      "the reply body is larger than max_reply_bytes (4000000 bytes); it began: {\"id\":";
  CHECK(Parse(too_large).error == ErrorClass::kInvalidOutput);
  CHECK(Parse(too_large).error_message == too_large.failure_message);
}

TEST_CASE("openai codec: a request carries its provider's reply size limit") {
  ProviderConfig provider = OpenAi();
  CHECK(BuildRequest(provider, TriageCall(), Secret(kKey)).max_reply_bytes == 4'000'000);
  provider.max_reply_bytes = 16'000'000;
  CHECK(BuildRequest(provider, TriageCall(), Secret(kKey)).max_reply_bytes == 16'000'000);
}

}  // namespace
}  // namespace taskcost::openai_codec_test
