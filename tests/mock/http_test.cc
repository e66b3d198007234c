#include <doctest/doctest.h>

#include <thread>

#include "harness/mock/http_parse.h"
#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::http_test {
namespace {

using namespace taskcost::testing;
using mock::HeadProblem;
using mock::ParseRequestHead;
using mock::RequestHead;

const std::string kUser = "Ticket: My package has not arrived after two weeks.";

TEST_CASE("http: request heads are framed by Content-Length only") {
  auto problem = [](const std::string& head) {
    auto parsed = ParseRequestHead(head);
    const HeadProblem* p = std::get_if<HeadProblem>(&parsed);
    return p ? std::to_string(p->status) + " " + p->message : std::string("ok");
  };
  CHECK(problem("POST /v1/messages HTTP/1.1\r\ncontent-length: 2\r\n\r\n") == "ok");
  CHECK(problem("POST /v1/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "411 Transfer-Encoding is not supported; send a Content-Length");
  CHECK(problem("POST /v1/messages HTTP/1.1\r\nhost: x\r\n\r\n") ==
        "411 a request body needs a Content-Length");
  CHECK(problem("POST /v1/messages HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") ==
        "400 invalid Content-Length");
  CHECK(problem("POST /v1/messages HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n") ==
        "400 invalid Content-Length");
  CHECK(problem("POST /v1/messages\r\n\r\n") == "400 malformed request line");
  CHECK(problem("GET / HTTP/2.0\r\n\r\n") == "400 unsupported HTTP version");
  CHECK(problem("GET / HTTP/1.1\r\nno colon\r\n\r\n") == "400 malformed header line");
  CHECK(problem("POST / HTTP/1.1\r\ncontent-length: 0\r\nexpect: 200-ok\r\n\r\n") ==
        "417 unsupported Expect");
}

TEST_CASE("http: keep-alive follows the version and the Connection header") {
  auto head = [](const std::string& text) { return std::get<RequestHead>(ParseRequestHead(text)); };
  CHECK(head("GET / HTTP/1.1\r\n\r\n").keep_alive);
  CHECK_FALSE(head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
  CHECK_FALSE(head("GET / HTTP/1.0\r\n\r\n").keep_alive);
  CHECK(head("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n").keep_alive);
  const std::string text =
      "POST /v1/x?q=1 HTTP/1.1\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n";
  RequestHead h = head(text + "body follows");
  CHECK(h.request.method == "POST");
  CHECK(h.request.target == "/v1/x?q=1");
  CHECK(h.content_length == 12);
  CHECK(h.expect_continue);
  CHECK(h.head_bytes == text.size());
}

TEST_CASE("http: one connection serves several requests (keep-alive and pipelining)") {
  auto sim = StartSimulator(FixtureProfile("  m: {}\n"));
  MockClient client(sim->port());
  for (int i = 0; i < 5; ++i) {
    CHECK(client
              .Request("POST", "/v1/chat/completions", kOpenAiHeaders,
                       OpenAiBody("m", kUser, TriageSchema()))
              .status == 200);
  }
  // Two requests in one write: answered in order on the same connection.
  const std::string body = OpenAiBody("m", kUser, std::nullopt);
  std::string one =
      "POST /v1/chat/completions HTTP/1.1\r\ncontent-length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  client.Send(one + one);
  CHECK(client.Read()->status == 200);
  CHECK(client.Read()->status == 200);
  CHECK(sim->Stats().connections_accepted == 1);
  CHECK(sim->Stats().requests == 7);
}

TEST_CASE("http: Expect: 100-continue gets an interim response before the body is sent") {
  auto sim = StartSimulator(FixtureProfile("  m: {}\n"));
  MockClient client(sim->port());
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  client.Send("POST /v1/chat/completions HTTP/1.1\r\nexpect: 100-continue\r\ncontent-length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  REQUIRE(client.ReadContinue());
  client.Send(body);
  std::optional<RawResponse> r = client.Read();
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("http: a body without Content-Length gets 411 and the connection closes") {
  auto sim = StartSimulator(FixtureProfile("  m: {}\n"));
  MockClient client(sim->port());
  client.Send("POST /v1/chat/completions HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n");
  std::optional<RawResponse> r = client.Read();
  REQUIRE(r);
  CHECK(r->status == 411);
  CHECK(r->Header("connection") == "close");
  CHECK(client.EndsWithoutBytes());
}

TEST_CASE("http: Connection: close is honoured after the reply") {
  auto sim = StartSimulator(FixtureProfile("  m: {}\n"));
  MockClient client(sim->port());
  RawResponse r = client.Request("POST", "/v1/chat/completions", {{"connection", "close"}},
                                 OpenAiBody("m", kUser, std::nullopt));
  CHECK(r.status == 200);
  CHECK(r.Header("connection") == "close");
  CHECK(client.EndsWithoutBytes());
}

TEST_CASE("http: hundreds of connections in flight are all answered after their latency") {
  // 300 clients each send one request; every reply waits 200 ms on the timer heap, so they
  // are in flight together on the one loop thread.
  auto sim = StartSimulator(FixtureProfile("  m: {latency_ms: 200}\n"));
  constexpr int kClients = 300;
  std::vector<std::unique_ptr<MockClient>> clients;
  const std::string body = OpenAiBody("m", kUser, TriageSchema());
  const std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\ncontent-length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<MockClient>(sim->port()));
    clients.back()->Send(request);
  }
  int ok = 0;
  for (auto& c : clients) {
    std::optional<RawResponse> r = c->Read();
    ok += r && r->status == 200;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(ok == kClients);
  CHECK(elapsed >= std::chrono::milliseconds(200));
  SimulatorStats stats = sim->Stats();
  CHECK(stats.requests == kClients);
  CHECK(stats.peak_connections_open == kClients);
  CHECK(stats.peak_in_flight > 1);
  CHECK(stats.in_flight == 0);
}

}  // namespace
}  // namespace taskcost::http_test
