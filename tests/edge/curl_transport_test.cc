#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

#include "harness/edge/transport.h"
#include "tests/edge/scripted_server.h"

namespace taskcost::curl_transport_test {
namespace {

using namespace std::chrono_literals;
using testing::RefusingPort;
using testing::ReceivedRequest;
using testing::Reply;
using testing::ScriptedServer;
using Clock = std::chrono::steady_clock;

constexpr char kKey[] = "sk-test-7d1e5c0ffee5ec12e7";
constexpr std::chrono::milliseconds kLongerThanCtest = 2h;

HttpRequest Post(const std::string& url, std::string body = "{}") {
  HttpRequest r;
  r.url = url;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  r.timeout = 5'000ms;
  return r;
}

// Polls until `count` requests have completed and returns them by id. No deadline of its own
// (one would fail on a loaded machine): ctest's timeout ends a wait that never succeeds.
std::map<uint64_t, HttpResponse> WaitFor(Transport& transport, size_t count) {
  std::map<uint64_t, HttpResponse> done;
  while (done.size() < count) {
    for (Completion& c : transport.Poll(100ms)) {
      CHECK_MESSAGE(done.count(c.id) == 0, "id " << c.id << " completed twice");
      done.emplace(c.id, std::move(c.response));
    }
  }
  return done;
}

HttpResponse RunOne(Transport& transport, HttpRequest request) {
  transport.Start(1, std::move(request));
  return WaitFor(transport, 1).at(1);
}

Reply EchoTarget(const ReceivedRequest& r) { return Reply::Respond(200, r.target); }

}  // namespace

TEST_CASE("curl_transport: a response comes back with its status, headers and body") {
  ScriptedServer server([](const ReceivedRequest&) {
    return Reply::Respond(201, R"({"ok":true})",
                          {{"X-Request-Id", "req-42"}, {"Retry-After", "3"}});
  });
  auto transport = MakeCurlTransport();
  transport->Start(7, Post(server.Url("/v1/chat/completions"), R"({"model":"m"})"));
  CHECK(transport->InFlight() == 1);
  std::map<uint64_t, HttpResponse> done = WaitFor(*transport, 1);
  CHECK(transport->InFlight() == 0);

  const HttpResponse& r = done.at(7);
  CHECK(r.failure == TransportFailure::kNone);
  CHECK(r.failure_message.empty());
  CHECK(r.status == 201);
  CHECK(r.body == R"({"ok":true})");
  CHECK(FindHeader(r.headers, "x-request-id") == "req-42");
  CHECK(FindHeader(r.headers, "retry-after") == "3");
  CHECK(FindHeader(r.headers, "content-length") == "11");
  CHECK(r.elapsed > 0us);

  const std::vector<ReceivedRequest> received = server.requests();
  REQUIRE(received.size() == 1);
  CHECK(received[0].method == "POST");
  CHECK(received[0].target == "/v1/chat/completions");
  CHECK(received[0].body == R"({"model":"m"})");
  CHECK(FindHeader(received[0].headers, "content-type") == "application/json");
  CHECK_FALSE(FindHeader(received[0].headers, "expect").has_value());
}

TEST_CASE("curl_transport: 200 requests in flight all complete with their own ids") {
  ScriptedServer server(EchoTarget);
  auto transport = MakeCurlTransport();
  constexpr uint64_t kCount = 200;
  for (uint64_t id = 1; id <= kCount; ++id) {
    transport->Start(id, Post(server.Url("/r/" + std::to_string(id))));
  }
  CHECK(transport->InFlight() == kCount);
  std::map<uint64_t, HttpResponse> done = WaitFor(*transport, kCount);
  for (const auto& [id, response] : done) {
    CHECK(response.status == 200);
    CHECK(response.body == "/r/" + std::to_string(id));
  }
  CHECK(transport->InFlight() == 0);
  CHECK(server.requests().size() == kCount);
}

TEST_CASE("curl_transport: connections are kept alive and reused") {
  ScriptedServer server(EchoTarget);

  SUBCASE("one after another on a single connection") {
    auto transport = MakeCurlTransport();
    for (uint64_t id = 1; id <= 10; ++id) {
      transport->Start(id, Post(server.Url("/seq")));
      CHECK(WaitFor(*transport, 1).at(id).status == 200);
    }
    CHECK(server.connections_accepted() == 1);
  }
  SUBCASE("many at once over a capped number of connections") {
    auto transport = MakeCurlTransport({.max_connections_per_host = 2});
    for (uint64_t id = 1; id <= 30; ++id) transport->Start(id, Post(server.Url("/capped")));
    std::map<uint64_t, HttpResponse> done = WaitFor(*transport, 30);
    for (const auto& [id, response] : done) CHECK(response.status == 200);
    CHECK(server.connections_accepted() <= 2);
  }
}

TEST_CASE("curl_transport: failures below HTTP are classified") {
  ScriptedServer server([](const ReceivedRequest& r) {
    if (r.target == "/stall") return Reply::Do(Reply::Action::kStall);
    if (r.target == "/reset") return Reply::Do(Reply::Action::kReset);
    if (r.target == "/partial") return Reply::Do(Reply::Action::kPartialBody);
    return Reply::Do(Reply::Action::kGarbage);
  });
  auto transport = MakeCurlTransport();

  SUBCASE("no answer within the request's timeout is kTimeout, after the timeout") {
    // The server never answers: the transfer ends only because the deadline cut it, which the
    // class and curl's message say. (How soon after the deadline is a machine-load question.)
    HttpRequest request = Post(server.Url("/stall"));
    request.timeout = 200ms;
    const auto start = Clock::now();
    HttpResponse r = RunOne(*transport, request);
    const auto took = Clock::now() - start;
    CHECK(r.failure == TransportFailure::kTimeout);
    CHECK(r.status == 0);
    CHECK(r.failure_message.find("timed out after") != std::string::npos);
    CHECK(took >= 190ms);  // it waited for the deadline, not less
  }
  SUBCASE("a reset before any answer is kNetwork") {
    HttpResponse r = RunOne(*transport, Post(server.Url("/reset")));
    CHECK(r.failure == TransportFailure::kNetwork);
    CHECK(r.status == 0);
    CHECK_FALSE(r.failure_message.empty());
  }
  SUBCASE("a body cut off half way is kNetwork, keeping the status that arrived") {
    HttpResponse r = RunOne(*transport, Post(server.Url("/partial")));
    CHECK(r.failure == TransportFailure::kNetwork);
    CHECK(r.status == 200);
    CHECK(r.failure_message.find("transfer closed with") != std::string::npos);
  }
  SUBCASE("bytes that are not HTTP are kNetwork") {
    HttpResponse r = RunOne(*transport, Post(server.Url("/garbage")));
    CHECK(r.failure == TransportFailure::kNetwork);
    CHECK(r.status == 0);
    CHECK_FALSE(r.failure_message.empty());
  }
  SUBCASE("a refused port is kConnect") {
    RefusingPort refusing;
    HttpResponse r = RunOne(
        *transport, Post("http://127.0.0.1:" + std::to_string(refusing.port()) + "/v1"));
    CHECK(r.failure == TransportFailure::kConnect);
    CHECK(r.status == 0);
    CHECK(r.failure_message.find("Failed to connect") != std::string::npos);
  }
}

TEST_CASE("curl_transport: a reset on a reused connection is reported, never re-sent") {
  // libcurl by itself sends a request again on a fresh connection when a reused one closes
  // before any reply: a second call the provider may bill and the journal would never see.
  ScriptedServer server([](const ReceivedRequest& r) {
    return r.target == "/ok" ? Reply::Respond(200, "{}") : Reply::Do(Reply::Action::kReset);
  });
  auto transport = MakeCurlTransport();
  REQUIRE(RunOne(*transport, Post(server.Url("/ok"))).status == 200);
  transport->Start(2, Post(server.Url("/reset")));
  const HttpResponse r = WaitFor(*transport, 1).at(2);
  CHECK(r.failure == TransportFailure::kNetwork);
  CHECK(r.status == 0);
  CHECK(r.failure_message == "the connection closed before any reply; the request was not sent "
                             "again behind the retry policy's back");
  CHECK(server.requests().size() == 2);  // curl connected again, but sent nothing on it
  // The handle is clean for the next request, which goes out once on a new connection.
  transport->Start(3, Post(server.Url("/ok")));
  CHECK(WaitFor(*transport, 1).at(3).status == 200);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("curl_transport: a cancelled request never completes") {
  ScriptedServer server([](const ReceivedRequest& r) {
    return r.target == "/stall" ? Reply::Do(Reply::Action::kStall) : Reply::Respond(200, "ok");
  });
  auto transport = MakeCurlTransport();
  transport->Start(1, Post(server.Url("/stall")));
  transport->Start(2, Post(server.Url("/fast")));
  transport->Cancel(1);
  transport->Cancel(99);  // unknown ids are ignored
  CHECK(transport->InFlight() == 1);
  std::map<uint64_t, HttpResponse> done = WaitFor(*transport, 1);
  CHECK(done.count(2) == 1);
  CHECK(transport->InFlight() == 0);
  CHECK(transport->Poll(0ms).empty());

  SUBCASE("and its id may be used again") {
    transport->Start(1, Post(server.Url("/fast")));
    CHECK(WaitFor(*transport, 1).at(1).body == "ok");
  }
}

TEST_CASE("curl_transport: Wake ends a Poll early") {
  ScriptedServer server([](const ReceivedRequest&) { return Reply::Do(Reply::Action::kStall); });
  auto transport = MakeCurlTransport();

  SUBCASE("without a Wake, a Poll with nothing to do waits its whole time") {
    const auto start = Clock::now();
    CHECK(transport->Poll(200ms).empty());
    CHECK(Clock::now() - start >= 190ms);
  }
  // The Polls below wait up to kLongerThanCtest, longer than ctest lets a test run (1500 s):
  // that they return at all proves the Wake ended them; a lost Wake fails by ctest's timeout.
  // No wall-clock bound, so no failure on a loaded machine.
  SUBCASE("woken before the Poll: the next Poll returns") {
    transport->Wake();
    CHECK(transport->Poll(kLongerThanCtest).empty());
  }
  SUBCASE("woken from another thread while a request is stalled") {
    HttpRequest request = Post(server.Url("/stall"));
    request.timeout = kLongerThanCtest;
    transport->Start(1, std::move(request));
    // The thread may wake before or during the Poll; either way the Poll must end early.
    std::thread waker([&] { transport->Wake(); });
    std::vector<Completion> done = transport->Poll(kLongerThanCtest);
    waker.join();
    CHECK(done.empty());
    CHECK(transport->InFlight() == 1);
  }
}

TEST_CASE("curl_transport: the API key reaches the server and nothing else") {
  ScriptedServer server([](const ReceivedRequest& r) {
    if (r.target == "/reset") return Reply::Do(Reply::Action::kReset);
    return Reply::Respond(200, R"({"id":"x"})", {{"X-Request-Id", "r1"}});
  });
  auto transport = MakeCurlTransport();
  auto with_key = [&](const std::string& target) {
    HttpRequest request = Post(server.Url(target));
    request.auth = AuthHeader{"Authorization", "Bearer ", Secret(kKey)};
    return request;
  };
  auto check_no_key = [](const HttpResponse& r) {
    CHECK(r.body.find(kKey) == std::string::npos);
    CHECK(r.failure_message.find(kKey) == std::string::npos);
    for (const HttpHeader& h : r.headers) {
      CHECK(h.name.find(kKey) == std::string::npos);
      CHECK(h.value.find(kKey) == std::string::npos);
    }
  };

  HttpResponse ok = RunOne(*transport, with_key("/ok"));
  CHECK(ok.status == 200);
  check_no_key(ok);
  HttpResponse failed = RunOne(*transport, with_key("/reset"));
  CHECK(failed.failure == TransportFailure::kNetwork);
  check_no_key(failed);

  // curl sends a request again, once, when a reused connection closes without an answer, so
  // the reset request may arrive twice; every arrival must carry the key.
  const std::vector<ReceivedRequest> received = server.requests();
  REQUIRE(received.size() >= 2);
  for (const ReceivedRequest& r : received) {
    CHECK(FindHeader(r.headers, "authorization") == std::string("Bearer ") + kKey);
  }
}

TEST_CASE("curl_transport: a key the server echoes is redacted before anyone reads the reply") {
  // The server repeats the key it was sent in a header, "Bearer <key>" in another, and in the
  // body: as is, with JSON's \u escapes, and cut off by the body limit.
  ScriptedServer server([](const ReceivedRequest& r) {
    const std::string key(*FindHeader(r.headers, "authorization"));  // "Bearer sk-..."
    if (r.target == "/cut") return Reply::Chunked(200, std::string(1000, ' ') + key.substr(0, 20));
    return Reply::Respond(401, R"({"error":"bad key )" + key.substr(7) + R"(","again":"\u0073k)" +
                                   key.substr(9) + R"("})",
                          {{"X-Request-Id", key.substr(7)}, {"X-Echo", key}});
  });
  auto transport = MakeCurlTransport();
  HttpRequest request = Post(server.Url("/echo"));
  request.auth = AuthHeader{"Authorization", "Bearer ", Secret(kKey)};
  HttpResponse echoed = RunOne(*transport, request);
  CHECK(echoed.status == 401);
  CHECK(echoed.body == R"({"error":"bad key [redacted]","again":"[redacted]"})");
  CHECK(FindHeader(echoed.headers, "x-request-id") == "[redacted]");
  CHECK(FindHeader(echoed.headers, "x-echo") == "Bearer [redacted]");

  // 1,000 spaces, "Bearer " and the key's first 13 bytes: a limit of 1,012 bytes cuts the reply
  // after the key's first 5 ("sk-te"), which are redacted as a key cut off; a limit of 1,010
  // after 3 ("sk-"), fewer than the 4 that count. Whole (1,020 bytes), the reply holds 13 of the
  // key's 26 bytes, which is not the key.
  request.url = server.Url("/cut");
  request.max_reply_bytes = 1'012;
  HttpResponse cut = RunOne(*transport, request);
  CHECK(cut.failure == TransportFailure::kTooLarge);
  CHECK(cut.body == std::string(1000, ' ') + "Bearer [redacted]");
  request.max_reply_bytes = 1'010;
  CHECK(RunOne(*transport, request).body == std::string(1000, ' ') + "Bearer sk-");
  request.max_reply_bytes = 1'020;
  HttpResponse whole = RunOne(*transport, request);
  CHECK(whole.failure == TransportFailure::kNone);
  CHECK(whole.body == std::string(1000, ' ') + "Bearer sk-test-7d1e5");
}

TEST_CASE("curl_transport: a reply larger than its limit ends the request, as too large") {
  ScriptedServer server([](const ReceivedRequest& r) {
    if (r.target == "/endless") {
      Reply endless;
      endless.action = Reply::Action::kEndless;
      endless.body = "0123456789";
      return endless;
    }
    if (r.target == "/announced") {  // a Content-Length over the limit: refused before the body
      return Reply::Respond(200, "{}", {{"Content-Length", "50000000"}});
    }
    if (r.target == "/many-headers") {
      std::vector<HttpHeader> headers;
      for (int i = 0; i < 300; ++i) headers.push_back({"X-Flood-" + std::to_string(i), "1"});
      return Reply::Respond(200, "{}", headers);
    }
    if (r.target == "/big-header") {
      return Reply::Respond(200, "{}", {{"X-Big", std::string(90'000, 'h')},
                                        {"X-Big-2", std::string(90'000, 'h')},
                                        {"X-Big-3", std::string(90'000, 'h')}});
    }
    if (r.target == "/sized") return Reply::Respond(200, std::string(5'000, 'b'));
    return Reply::Chunked(200, std::string(5'000, 'b'));
  });
  auto transport = MakeCurlTransport();
  auto limited = [&](const std::string& target) {
    HttpRequest request = Post(server.Url(target));
    request.max_reply_bytes = 4'096;
    return RunOne(*transport, request);
  };
  HttpResponse body = limited("/body");
  CHECK(body.failure == TransportFailure::kTooLarge);
  CHECK(body.status == 200);
  CHECK(body.failure_message == "the reply body is larger than max_reply_bytes (4096 bytes); "
                                "it began: " + std::string(200, 'b'));
  CHECK(body.body == std::string(1024, 'b'));

  HttpResponse endless = limited("/endless");
  CHECK(endless.failure == TransportFailure::kTooLarge);
  CHECK(endless.failure_message.rfind(
            "the reply body is larger than max_reply_bytes (4096 bytes); it began: 0123456789", 0) ==
        0);

  HttpResponse announced = limited("/announced");
  CHECK(announced.failure == TransportFailure::kTooLarge);
  CHECK(announced.failure_message ==
        "the reply body of 50000000 bytes (Content-Length) is larger than max_reply_bytes (4096 "
        "bytes); it began: ");
  CHECK(limited("/sized").failure_message ==
        "the reply body of 5000 bytes (Content-Length) is larger than max_reply_bytes (4096 "
        "bytes); it began: ");

  // 300 header lines, or 270,000 bytes of them: over the bounds of 200 lines and 256 KiB.
  for (const char* target : {"/many-headers", "/big-header"}) {
    CAPTURE(target);
    HttpResponse flood = limited(target);
    CHECK(flood.failure == TransportFailure::kTooLarge);
    CHECK(flood.failure_message ==
          "the reply has more than 200 header lines or 262144 bytes of them; it began: ");
  }

  // Within the limit, a reply is whole.
  HttpRequest roomy = Post(server.Url("/body"));
  roomy.max_reply_bytes = 5'000;
  HttpResponse fits = RunOne(*transport, roomy);
  CHECK(fits.failure == TransportFailure::kNone);
  CHECK(fits.body.size() == 5'000);
}

}  // namespace taskcost::curl_transport_test
