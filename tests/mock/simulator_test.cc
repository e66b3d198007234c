#include "harness/mock/simulator.h"

#include <doctest/doctest.h>
#include <sys/resource.h>

#include "harness/core/model/judge_prompt.h"
#include "tests/mock/mock_client.h"

namespace taskcost::simulator_test {
namespace {

using namespace taskcost::testing;

constexpr const char* kTicket = "I was charged twice for my March invoice.";  // sample t01
const std::string kUser = std::string("Ticket: ") + kTicket;

const char* kPerfectModels =
    "  gpt-4.1: {api: openai, accuracy: 1, input_tokens: chars_div_4}\n"
    "  claude-haiku-4-5: {api: anthropic, accuracy: 1}\n";

TEST_CASE("simulator: an OpenAI chat completion has the real response shape") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  RawResponse r = PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, TriageSchema()));
  REQUIRE(r.status == 200);
  CHECK(r.Header("content-type") == "application/json");
  CHECK(r.Header("x-request-id").rfind("req_", 0) == 0);
  Json body = r.JsonBody();
  CHECK(body.at("id").get<std::string>().rfind("chatcmpl-", 0) == 0);
  CHECK(body.at("object") == "chat.completion");
  CHECK(body.at("created").is_number_integer());
  CHECK(body.at("model") == "gpt-4.1");
  const Json& choice = body.at("choices").at(0);
  CHECK(choice.at("index") == 0);
  CHECK(choice.at("finish_reason") == "stop");
  CHECK(choice.at("message").at("role") == "assistant");
  CHECK(choice.at("message").at("refusal").is_null());
  Json answer = Json::parse(choice.at("message").at("content").get<std::string>());
  CHECK(answer.at("category") == "billing");
  CHECK(answer.at("priority") == "high");
  CHECK(answer.at("reason").is_string());
  const Json& usage = body.at("usage");
  CHECK(usage.at("total_tokens") ==
        usage.at("prompt_tokens").get<int>() + usage.at("completion_tokens").get<int>());
  CHECK(usage.at("prompt_tokens_details").at("cached_tokens") == 0);
  CHECK(usage.at("completion_tokens_details").at("reasoning_tokens") == 0);
}

TEST_CASE("simulator: an Anthropic forced tool is answered with a tool_use block") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  RawResponse r =
      PostAnthropic(sim->port(), AnthropicBody("claude-haiku-4-5", kUser, TriageSchema()));
  REQUIRE(r.status == 200);
  CHECK(r.Header("request-id").rfind("req_", 0) == 0);
  Json body = r.JsonBody();
  CHECK(body.at("id").get<std::string>().rfind("msg_", 0) == 0);
  CHECK(body.at("type") == "message");
  CHECK(body.at("role") == "assistant");
  CHECK(body.at("model") == "claude-haiku-4-5");
  CHECK(body.at("stop_reason") == "tool_use");
  CHECK(body.at("stop_sequence").is_null());
  const Json& block = body.at("content").at(0);
  CHECK(block.at("type") == "tool_use");
  CHECK(block.at("id").get<std::string>().rfind("toolu_", 0) == 0);
  CHECK(block.at("name") == "answer");
  CHECK(block.at("input").at("category") == "billing");
  CHECK(block.at("input").at("priority") == "high");
  for (const char* key : {"input_tokens", "output_tokens", "cache_creation_input_tokens",
                          "cache_read_input_tokens"}) {
    CHECK(body.at("usage").at(key).is_number_integer());
  }
}

TEST_CASE("simulator: prompt mode finds the schema the codec appends to the system text") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  const std::string system =
      "You triage support tickets. Reply with JSON matching this schema: " + TriageSchema().dump() +
      " and nothing else.";
  SUBCASE("Anthropic answers as text") {
    RawResponse r =
        PostAnthropic(sim->port(), AnthropicBody("claude-haiku-4-5", kUser, std::nullopt, system));
    Json body = r.JsonBody();
    CHECK(body.at("stop_reason") == "end_turn");
    REQUIRE(body.at("content").at(0).at("type") == "text");
    Json answer = Json::parse(body.at("content").at(0).at("text").get<std::string>());
    CHECK(answer.at("category") == "billing");
    CHECK(answer.at("reason").is_string());
  }
  SUBCASE("OpenAI answers as content") {
    RawResponse r = PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, std::nullopt, system));
    Json content = Json::parse(
        r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>());
    CHECK(content.at("priority") == "high");
  }
  SUBCASE("without any schema the answer is a generic object") {
    RawResponse r = PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, std::nullopt));
    Json content = Json::parse(
        r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>());
    CHECK(content.at("category") == "billing");
    CHECK(content.at("answer").is_string());
  }
}

TEST_CASE("simulator: answers are deterministic and a retry gets fresh draws") {
  const std::string models = "  m: {accuracy: 0.5, output_tokens: {words: [3, 30]}}\n";
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  auto content = [](const RawResponse& r) {
    return r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>();
  };
  auto first = StartSimulator(FixtureProfile(models));
  auto second = StartSimulator(FixtureProfile(models));
  const std::string a1 = content(PostOpenAi(first->port(), body));
  const std::string a2 = content(PostOpenAi(first->port(), body));
  CHECK(a1 == content(PostOpenAi(second->port(), body)));  // attempt 1 on a fresh simulator
  CHECK(a2 == content(PostOpenAi(second->port(), body)));  // attempt 2 likewise
  CHECK(a1 != a2);  // the reason's words (at least) are drawn again
}

TEST_CASE("simulator: accuracy decides whether mapped fields are right") {
  const Json schema = TriageSchema();
  auto answer_of = [&](const std::string& models, const std::string& ticket) {
    auto sim = StartSimulator(FixtureProfile(models));
    RawResponse r = PostOpenAi(sim->port(), OpenAiBody("m", "Ticket: " + ticket, schema));
    return Json::parse(
        r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>());
  };
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> tickets = {
      {"I was charged twice for my March invoice.", {"billing", "high"}},
      {"Please change the email address on my account.", {"account", "low"}},
      {"Our whole team is locked out and payroll runs today!", {"account", "urgent"}}};
  for (const auto& [ticket, expected] : tickets) {
    CAPTURE(ticket);
    Json right = answer_of("  m: {accuracy: 1}\n", ticket);
    CHECK(right.at("category") == expected.first);
    CHECK(right.at("priority") == expected.second);
    Json wrong = answer_of("  m: {accuracy: 0}\n", ticket);
    CHECK(wrong.at("category") != expected.first);
    CHECK(wrong.at("priority") != expected.second);
    const Json& categories = schema.at("properties").at("category").at("enum");
    CHECK(std::find(categories.begin(), categories.end(), wrong.at("category")) !=
          categories.end());
  }
}

TEST_CASE("simulator: fixed token counts appear in usage") {
  auto sim = StartSimulator(FixtureProfile(
      "  m: {input_tokens: 1000, output_tokens: 200, cached_input_fraction: 0.25,"
      " reasoning_tokens: 30}\n"
      "  c: {api: anthropic, input_tokens: 1000, output_tokens: 200, cached_input_fraction: 0.25,"
      " cache_write_fraction: 0.1}\n"));
  SUBCASE("OpenAI: prompt_tokens includes cached; completion_tokens includes reasoning") {
    Json usage =
        PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema())).JsonBody().at("usage");
    CHECK(usage.at("prompt_tokens") == 1000);
    CHECK(usage.at("prompt_tokens_details").at("cached_tokens") == 250);
    CHECK(usage.at("completion_tokens") == 230);
    CHECK(usage.at("completion_tokens_details").at("reasoning_tokens") == 30);
    CHECK(usage.at("total_tokens") == 1230);
  }
  SUBCASE("Anthropic: input_tokens excludes cache reads and writes") {
    Json usage = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema()))
                     .JsonBody()
                     .at("usage");
    CHECK(usage.at("input_tokens") == 650);  // 1000 - 250 read - 100 written
    CHECK(usage.at("cache_read_input_tokens") == 250);
    CHECK(usage.at("cache_creation_input_tokens") == 100);
    CHECK(usage.at("output_tokens") == 200);
  }
}

TEST_CASE("simulator: chars_div_4 counts every message and the schema") {
  auto sim = StartSimulator(FixtureProfile("  m: {input_tokens: chars_div_4}\n"));
  const Json schema = {{"type", "object"}, {"properties", {{"a", {{"type", "boolean"}}}}}};
  // system "abcdé" = 5 characters, user "0123456789" = 10, schema (compact JSON) = 55:
  // 70 characters / 4 = 17.5 -> 18 tokens.
  CHECK(schema.dump().size() == 55);
  Json usage = PostOpenAi(sim->port(), OpenAiBody("m", "0123456789", schema, "abcd\xc3\xa9"))
                   .JsonBody()
                   .at("usage");
  CHECK(usage.at("prompt_tokens") == 18);
}

TEST_CASE("simulator: unknown models get the provider's 404") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  SUBCASE("OpenAI model_not_found") {
    RawResponse r = PostOpenAi(sim->port(), OpenAiBody("gpt-9", kUser, std::nullopt));
    CHECK(r.status == 404);
    CHECK(r.body ==
          R"({"error":{"message":"The model `gpt-9` does not exist or you do not have access )"
          R"(to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})");
  }
  SUBCASE("Anthropic not_found_error") {
    RawResponse r = PostAnthropic(sim->port(), AnthropicBody("claude-9", kUser, std::nullopt));
    CHECK(r.status == 404);
    Json body = r.JsonBody();
    CHECK(body.at("type") == "error");
    CHECK(body.at("error") == Json{{"type", "not_found_error"}, {"message", "model: claude-9"}});
    CHECK(body.at("request_id") == r.Header("request-id"));
  }
  SUBCASE("a model limited to one format is unknown to the other") {
    CHECK(PostOpenAi(sim->port(), OpenAiBody("claude-haiku-4-5", kUser, std::nullopt)).status ==
          404);
  }
}

TEST_CASE("simulator: require_key refuses requests without the key") {
  auto sim =
      StartSimulator(FixtureProfile(kPerfectModels, "require_key: true\napi_key: sk-right\n"));
  const int port = sim->port();
  SUBCASE("OpenAI") {
    MockClient client(port);
    RawResponse wrong =
        client.Request("POST", "/v1/chat/completions", {{"authorization", "Bearer sk-wrong"}},
                       OpenAiBody("gpt-4.1", kUser, std::nullopt));
    CHECK(wrong.status == 401);
    CHECK(wrong.body ==
          R"({"error":{"message":"Incorrect API key provided. You can find your API key at )"
          R"(https://platform.openai.com/account/api-keys.","type":"invalid_request_error",)"
          R"("param":null,"code":"invalid_api_key"}})");
    RawResponse right =
        client.Request("POST", "/v1/chat/completions", {{"authorization", "Bearer sk-right"}},
                       OpenAiBody("gpt-4.1", kUser, std::nullopt));
    CHECK(right.status == 200);
  }
  SUBCASE("Anthropic") {
    MockClient client(port);
    RawResponse r = client.Request("POST", "/v1/messages",
                                   {{"x-api-key", "nope"}, {"anthropic-version", "2023-06-01"}},
                                   AnthropicBody("claude-haiku-4-5", kUser, std::nullopt));
    CHECK(r.status == 401);
    CHECK(r.JsonBody().at("error") ==
          Json{{"type", "authentication_error"}, {"message", "invalid x-api-key"}});
  }
}

TEST_CASE("simulator: quota_exhausted refuses every request the provider's way") {
  auto sim = StartSimulator(FixtureProfile(
      "  m: {quota_exhausted: true}\n  c: {api: anthropic, quota_exhausted: true}\n"));
  RawResponse openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, std::nullopt));
  CHECK(openai.status == 429);
  CHECK(openai.JsonBody().at("error").at("code") == "insufficient_quota");
  CHECK(openai.JsonBody().at("error").at("type") == "insufficient_quota");
  RawResponse anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, std::nullopt));
  CHECK(anthropic.status == 400);
  CHECK(anthropic.JsonBody().at("error").at("type") == "invalid_request_error");
  CHECK(anthropic.JsonBody().at("error").at("message").get<std::string>().rfind(
            "Your credit balance is too low to access the Anthropic API.", 0) == 0);
}

TEST_CASE("simulator: requests the real APIs would refuse") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  MockClient client(sim->port());
  SUBCASE("unknown route, in the format the headers suggest") {
    RawResponse r = client.Request("POST", "/v1/completions", kOpenAiHeaders, "{}");
    CHECK(r.status == 404);
    CHECK(r.JsonBody().at("error").at("message") == "Invalid URL (POST /v1/completions)");
    RawResponse a = client.Request("GET", "/v1/nothing", kAnthropicHeaders, "");
    CHECK(a.status == 404);
    CHECK(a.JsonBody().at("error").at("type") == "not_found_error");
  }
  SUBCASE("body that is not JSON") {
    RawResponse r = client.Request("POST", "/v1/chat/completions", kOpenAiHeaders, "{oops");
    CHECK(r.status == 400);
    CHECK(r.JsonBody().at("error").at("type") == "invalid_request_error");
  }
  SUBCASE("Anthropic without anthropic-version or max_tokens") {
    RawResponse r = client.Request("POST", "/v1/messages", {{"x-api-key", "k"}},
                                   AnthropicBody("claude-haiku-4-5", kUser, std::nullopt));
    CHECK(r.status == 400);
    CHECK(r.JsonBody().at("error").at("message") == "anthropic-version: header is required");
    Json body = Json::parse(AnthropicBody("claude-haiku-4-5", kUser, std::nullopt));
    body.erase("max_tokens");
    RawResponse m = client.Request("POST", "/v1/messages", kAnthropicHeaders, body.dump());
    CHECK(m.JsonBody().at("error").at("message") == "max_tokens: Field required");
  }
  SUBCASE("OpenAI without messages") {
    RawResponse r =
        client.Request("POST", "/v1/chat/completions", kOpenAiHeaders, R"({"model":"gpt-4.1"})");
    CHECK(r.status == 400);
    CHECK(r.JsonBody().at("error").at("message") == "Missing required parameter: 'messages'.");
  }
}

TEST_CASE("simulator: GET /v1/models lists the models a format may ask for") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  MockClient client(sim->port());
  Json openai = client.Request("GET", "/v1/models", kOpenAiHeaders, "").JsonBody();
  CHECK(openai.at("object") == "list");
  REQUIRE(openai.at("data").size() == 1);
  CHECK(openai.at("data").at(0).at("id") == "gpt-4.1");
  Json anthropic = client.Request("GET", "/v1/models", kAnthropicHeaders, "").JsonBody();
  REQUIRE(anthropic.at("data").size() == 1);
  CHECK(anthropic.at("data").at(0).at("id") == "claude-haiku-4-5");
  CHECK(anthropic.at("has_more") == false);
}

TEST_CASE("simulator: stats count requests and statuses") {
  auto sim = StartSimulator(FixtureProfile(kPerfectModels));
  PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, TriageSchema()));
  PostOpenAi(sim->port(), OpenAiBody("gpt-9", kUser, TriageSchema()));
  SimulatorStats stats = sim->Stats();
  CHECK(stats.requests == 2);
  CHECK(stats.by_status.at(200) == 1);
  CHECK(stats.by_status.at(404) == 1);
  CHECK(stats.connections_accepted == 2);
  // The event loop thread's CPU time: one thread of this process, so never more than the whole
  // process has used (read after it); a wall-clock or uninitialised figure would exceed that.
  rusage process{};
  REQUIRE(getrusage(RUSAGE_SELF, &process) == 0);
  const double process_seconds =
      static_cast<double>(process.ru_utime.tv_sec + process.ru_stime.tv_sec) +
      static_cast<double>(process.ru_utime.tv_usec + process.ru_stime.tv_usec) / 1e6;
  CHECK(stats.cpu_seconds >= 0);
  CHECK(stats.cpu_seconds <= process_seconds);
  // It only grows: two more requests later, it is at least what it was.
  PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, TriageSchema()));
  PostOpenAi(sim->port(), OpenAiBody("gpt-4.1", kUser, TriageSchema()));
  CHECK(sim->Stats().cpu_seconds >= stats.cpu_seconds);
  CHECK(sim->BaseUrl() == "http://127.0.0.1:" + std::to_string(sim->port()));
}

TEST_CASE("simulator: Start reports a port that is taken") {
  auto first = StartSimulator(FixtureProfile(kPerfectModels));
  SimulatorOptions options;
  options.port = first->port();
  auto second = Simulator::Start(FixtureProfile(kPerfectModels), options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message ==
        "cannot listen on 127.0.0.1:" + std::to_string(first->port()) + ": Address already in use");
}

}  // namespace
}  // namespace taskcost::simulator_test

namespace taskcost::simulator_test {

TEST_CASE("simulator: a judge model grades an answer by the sample's right fields") {
  auto sim = StartSimulator(FixtureProfile(
      "  judge-ok: {api: openai, accuracy: 1}\n  judge-bad: {api: openai, accuracy: 0}\n"));
  const Json verdict_schema = Json::parse(
      R"({"type":"object","properties":{"pass":{"type":"boolean"},)"
      R"("score":{"type":"number","minimum":0,"maximum":1},"reason":{"type":"string"}},)"
      R"("required":["pass","score","reason"],"additionalProperties":false})");
  auto judge = [&](const std::string& model, const std::string& graded) {
    const std::string user = std::string(kJudgeRubricHeading) + "Right category and priority" +
                             std::string(kJudgeTaskHeading) + kUser +
                             std::string(kJudgeAnswerHeading) + graded;
    RawResponse r = PostOpenAi(sim->port(), OpenAiBody(model, user, verdict_schema,
                                                        std::string(kJudgeInstructions)));
    REQUIRE(r.status == 200);
    return Json::parse(
        r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>());
  };
  // t01 is billing / high.
  Json right = judge("judge-ok", R"({"category":"billing","priority":"high","reason":"x"})");
  CHECK(right.at("pass") == true);
  CHECK(right.at("score") == 1.0);
  CHECK(right.at("reason") == "2 of 2 fields as expected");
  Json half = judge("judge-ok", R"({"category":"billing","priority":"low","reason":"x"})");
  CHECK(half.at("pass") == false);
  CHECK(half.at("score") == 0.5);
  Json prose = judge("judge-ok", "I think billing");
  CHECK(prose.at("pass") == false);
  CHECK(prose.at("score") == 0.0);
  // A judge that always errs says the opposite.
  Json wrong = judge("judge-bad", R"({"category":"billing","priority":"high","reason":"x"})");
  CHECK(wrong.at("pass") == false);
  CHECK(wrong.at("score") == 0.0);
  CHECK(wrong.at("reason") == "2 of 2 fields as expected (the simulated judge errs here)");
}

}  // namespace taskcost::simulator_test
