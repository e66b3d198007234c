#include <doctest/doctest.h>

#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::faults_test {
namespace {

using namespace taskcost::testing;

const std::string kUser = "Ticket: The app crashes every time I open the settings page.";

/// A simulator whose models `m` (OpenAI) and `c` (Anthropic) suffer `fault` on every attempt.
std::unique_ptr<Simulator> WithFault(const std::string& fault, const std::string& extra = "") {
  const std::string faults = "faults: {" + fault + ": 1" + extra + "}";
  return StartSimulator(
      FixtureProfile("  m: {" + faults + "}\n  c: {api: anthropic, " + faults + "}\n"));
}

std::string OpenAiContent(const RawResponse& r) {
  return r.JsonBody().at("choices").at(0).at("message").at("content").get<std::string>();
}

bool ParsesAsJson(const std::string& text) {
  return !Json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
}

TEST_CASE("faults: malformed_json sends text no JSON parser accepts") {
  auto sim = WithFault("malformed_json");
  RawResponse openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema()));
  CHECK(openai.status == 200);
  CHECK_FALSE(ParsesAsJson(OpenAiContent(openai)));
  // Anthropic's forced tool becomes a text block holding the broken JSON.
  Json anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema())).JsonBody();
  CHECK(anthropic.at("stop_reason") == "end_turn");
  CHECK(anthropic.at("content").at(0).at("type") == "text");
  CHECK_FALSE(ParsesAsJson(anthropic.at("content").at(0).at("text").get<std::string>()));
  CHECK(sim->Stats().faults.at("malformed_json") == 2);
}

TEST_CASE("faults: schema_violation sends valid JSON outside the enum") {
  auto sim = WithFault("schema_violation");
  Json answer =
      Json::parse(OpenAiContent(PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema()))));
  CHECK(answer.at("category") == "unlisted_value");
  Json tool = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema())).JsonBody();
  CHECK(tool.at("content").at(0).at("input").at("category") == "unlisted_value");
}

TEST_CASE("faults: rate_limit answers 429 with Retry-After and the provider's body") {
  auto sim = WithFault("rate_limit", ", retry_after_s: 7");
  RawResponse openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema()));
  CHECK(openai.status == 429);
  CHECK(openai.Header("retry-after") == "7");
  CHECK(openai.Header("x-ratelimit-remaining-requests") == "0");
  CHECK(openai.JsonBody().at("error").at("code") == "rate_limit_exceeded");
  CHECK(openai.JsonBody().at("error").at("type") == "requests");
  RawResponse anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema()));
  CHECK(anthropic.status == 429);
  CHECK(anthropic.Header("retry-after") == "7");
  CHECK(anthropic.JsonBody().at("error").at("type") == "rate_limit_error");
}

TEST_CASE("faults: server errors and overload") {
  SUBCASE("server_error is 500 in both formats") {
    auto sim = WithFault("server_error");
    RawResponse openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, std::nullopt));
    CHECK(openai.status == 500);
    CHECK(openai.JsonBody().at("error").at("type") == "server_error");
    RawResponse anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, std::nullopt));
    CHECK(anthropic.status == 500);
    CHECK(anthropic.JsonBody().at("error").at("type") == "api_error");
  }
  SUBCASE("overloaded is Anthropic's 529 overloaded_error (OpenAI: 503)") {
    auto sim = WithFault("overloaded");
    RawResponse anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, std::nullopt));
    CHECK(anthropic.status == 529);
    CHECK(anthropic.JsonBody().at("error") ==
          Json{{"type", "overloaded_error"}, {"message", "Overloaded"}});
    CHECK(PostOpenAi(sim->port(), OpenAiBody("m", kUser, std::nullopt)).status == 503);
  }
}

TEST_CASE("faults: truncated output stops at the length limit mid-JSON") {
  auto sim = WithFault("truncated");
  Json openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema())).JsonBody();
  CHECK(openai.at("choices").at(0).at("finish_reason") == "length");
  CHECK_FALSE(
      ParsesAsJson(openai.at("choices").at(0).at("message").at("content").get<std::string>()));
  CHECK(openai.at("usage").at("completion_tokens") == 400);  // the request's max_completion_tokens
  Json anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema())).JsonBody();
  CHECK(anthropic.at("stop_reason") == "max_tokens");
  CHECK(anthropic.at("usage").at("output_tokens") == 400);
}

TEST_CASE("faults: an answer longer than max_tokens is truncated without any fault") {
  auto sim = StartSimulator(FixtureProfile("  m: {output_tokens: 500}\n"));
  Json body = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema())).JsonBody();
  CHECK(body.at("choices").at(0).at("finish_reason") == "length");
  CHECK(body.at("usage").at("completion_tokens") == 400);
}

TEST_CASE("faults: refusal") {
  auto sim = WithFault("refusal");
  Json openai = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema())).JsonBody();
  const Json& message = openai.at("choices").at(0).at("message");
  CHECK(message.at("content").is_null());
  CHECK(message.at("refusal").is_string());
  Json anthropic = PostAnthropic(sim->port(), AnthropicBody("c", kUser, TriageSchema())).JsonBody();
  CHECK(anthropic.at("stop_reason") == "refusal");
}

TEST_CASE("faults: reset closes the connection without a byte") {
  auto sim = WithFault("reset");
  MockClient client(sim->port());
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  client.Send("POST /v1/chat/completions HTTP/1.1\r\ncontent-length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(client.EndsWithoutBytes());
  CHECK(sim->Stats().resets == 1);
}

TEST_CASE("faults: stall accepts the request and never answers") {
  auto sim = WithFault("stall");
  MockClient stalled(sim->port());
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  stalled.Send("POST /v1/chat/completions HTTP/1.1\r\ncontent-length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
  // A later request on another connection is answered (404: unknown model), so the loop has
  // handled the stalled one, which is still silent.
  CHECK(PostOpenAi(sim->port(), OpenAiBody("nobody", kUser, std::nullopt)).status == 404);
  CHECK(stalled.NothingReceived());
  CHECK(sim->Stats().stalls == 1);
  CHECK(sim->Stats().in_flight == 1);
}

TEST_CASE("faults: slow_body_ms sends the body in chunks over that time") {
  auto sim = StartSimulator(FixtureProfile("  m: {faults: {slow_body_ms: 100}}\n"));
  const auto start = std::chrono::steady_clock::now();
  RawResponse r = PostOpenAi(sim->port(), OpenAiBody("m", kUser, TriageSchema()));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(100));
  CHECK(r.status == 200);
  CHECK(ParsesAsJson(OpenAiContent(r)));
}

TEST_CASE("faults: fault_attempts limits faults to the listed attempts") {
  auto sim =
      StartSimulator(FixtureProfile("  m: {faults: {server_error: 1}, fault_attempts: [1, 3]}\n"));
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  CHECK(PostOpenAi(sim->port(), body).status == 500);  // attempt 1
  CHECK(PostOpenAi(sim->port(), body).status == 200);  // attempt 2
  CHECK(PostOpenAi(sim->port(), body).status == 500);  // attempt 3
  CHECK(PostOpenAi(sim->port(), body).status == 200);  // attempt 4
  // A different body (another sample) starts again at attempt 1.
  CHECK(PostOpenAi(sim->port(), OpenAiBody("m", "Ticket: other", TriageSchema())).status == 500);
}

TEST_CASE("faults: a client that names its attempt gets that attempt's draws") {
  // taskcost sends x-taskcost-attempt under --simulate: attempts the response cache answered,
  // or a resumed run's earlier ones, never reached this simulator, and must not shift its count.
  auto sim =
      StartSimulator(FixtureProfile("  m: {faults: {server_error: 1}, fault_attempts: [1, 3]}\n"));
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  auto post = [&](const std::string& attempt, const std::string& repeat) {
    std::vector<HttpHeader> headers = kOpenAiHeaders;
    headers.push_back({"x-taskcost-attempt", attempt});
    if (!repeat.empty()) headers.push_back({"x-taskcost-repeat", repeat});
    MockClient client(sim->port());
    return client.Request("POST", "/v1/chat/completions", headers, body);
  };
  CHECK(post("3", "").status == 500);  // first sight of the body, but attempt 3: a fault
  CHECK(post("2", "").status == 200);
  CHECK(post("2", "").status == 200);  // the same attempt again: the same draws
  CHECK(post("1", "1").status == 500);  // repeat 1's attempt 1
  const RawResponse a = post("2", "0");
  const RawResponse b = post("2", "0");
  CHECK(a.body == b.body);  // ids included: the same draws
  CHECK(post("2", "1").body != a.body);  // another repeat draws afresh
  // A header that is not a positive number is ignored: the body's own count applies (7 seen).
  CHECK(post("x", "").status == 200);   // attempt 8 by count
  CHECK(post("0", "").status == 200);   // attempt 9 by count
}

TEST_CASE("faults: rates are probabilities over many tasks") {
  // 400 distinct tasks at rate_limit 0.25: the count is deterministic and near 100.
  auto sim = StartSimulator(FixtureProfile("  m: {faults: {rate_limit: 0.25}}\n"));
  MockClient client(sim->port());
  int limited = 0;
  for (int i = 0; i < 400; ++i) {
    RawResponse r =
        client.Request("POST", "/v1/chat/completions", kOpenAiHeaders,
                       OpenAiBody("m", "Ticket number " + std::to_string(i), std::nullopt));
    limited += r.status == 429;
  }
  CHECK(limited > 70);
  CHECK(limited < 130);
  CHECK(sim->Stats().faults.at("rate_limit") == limited);
}

}  // namespace
}  // namespace taskcost::faults_test
