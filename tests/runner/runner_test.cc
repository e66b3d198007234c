#include "harness/runner/runner.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/edge/temp_dir.h"
#include "tests/runner/fake_models.h"
#include "tests/runner/fake_transport.h"

namespace taskcost {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Two candidates on the same fake OpenAI-style provider:
//   big:   $5.00 in / $15.00 out per 1M  -> 1,000 in + 200 out = $0.005 + $0.003 = $0.008 a call
//   small: $0.80 in / $4.00 out per 1M   -> 1,000 in + 200 out = $0.0008 + $0.0008 = $0.0016 a call
struct Fixture {
  Suite suite;
  ProviderCatalog providers;
  PriceCatalog prices;
  testing::TempDir temp;  // mkdtemp: parallel test processes never share one
  fs::path dir = temp.path();

  explicit Fixture(int samples) {
    suite.name = "fixture";
    suite.file = "fixture.yaml";
    suite.prompt.user = "Ticket: {{text}}";
    suite.output.schema_json =
        R"({"type":"object","properties":{"category":{"type":"string","enum":["a","b"]}},)"
        R"("required":["category"]})";
    suite.success.push_back(SuccessCriterion{"field_equals", "category", "{{expected}}"});
    suite.policy.backoff_initial = std::chrono::milliseconds(0);
    suite.policy.backoff_max = std::chrono::milliseconds(0);
    for (int i = 1; i <= samples; ++i) {
      Sample s;
      s.id = "S" + std::to_string(i);
      s.fields = {{"id", s.id}, {"text", "ticket number " + std::to_string(i)}, {"expected", "a"}};
      s.json = json{{"id", s.id}}.dump();
      suite.samples.push_back(s);
    }
    testing::AddFakeModels(suite, providers, prices);
  }

  RunPlan Plan() { return BuildRunPlan(suite, providers, prices, {}, false, 1).value(); }
  std::string JournalPath() const { return (dir / "attempts.jsonl").string(); }
};

HttpResponse Reply(int status, const std::string& content) {
  return testing::FakeReply(status, content);
}

HttpResponse Unauthorized() {
  HttpResponse r;
  r.status = 401;
  r.body = R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error",)"
           R"("code":"invalid_api_key"}})";
  return r;
}

std::string ModelOf(const HttpRequest& request) {
  return json::parse(request.body).at("model").get<std::string>();
}
std::string UserOf(const HttpRequest& request) {
  return json::parse(request.body).at("messages").back().at("content").get<std::string>();
}

RunResult Execute(Fixture& f, FakeTransport& transport, const std::vector<Attempt>& previous = {},
                  RunOptions options = {}) {
  RunPlan plan = f.Plan();
  FakeClock clock;
  std::vector<std::string> warnings;
  auto journal = JournalWriter::Open(f.JournalPath(), "run-1", &warnings).value();
  return ExecuteRun(plan, previous, options, transport, clock, *journal).value();
}

std::vector<Attempt> Journal(const Fixture& f) { return ReadJournal(f.JournalPath())->attempts; }

}  // namespace

TEST_CASE("runner: a malformed first answer is retried and every attempt's cost counts") {
  Fixture f(3);
  std::map<std::string, int> seen;
  FakeTransport transport([&](const HttpRequest& r) {
    const int n = ++seen[ModelOf(r) + UserOf(r)];
    return Reply(200, n == 1 ? "{\"category\": " : R"({"category":"a"})");
  });
  RunResult result = Execute(f, transport);
  CHECK(result.stop == StopCause::kNone);
  CHECK(result.attempts == 12);  // 3 samples x 2 candidates x 2 attempts
  std::vector<Attempt> journal = Journal(f);
  REQUIRE(journal.size() == 12);
  int successes = 0;
  for (const Attempt& a : journal) {
    if (a.attempt == 1) CHECK(a.error == ErrorClass::kInvalidOutput);
    if (a.attempt == 2) CHECK(a.success);
    successes += a.success ? 1 : 0;
  }
  CHECK(successes == 6);
  // big: 3 tasks x 2 calls x $0.008 = $0.048; small: 3 x 2 x $0.0016 = $0.0096.
  CHECK(result.spent.ToExactString() == "0.0576");
}

TEST_CASE("runner: a wrong answer ends the task as incorrect, without a retry") {
  Fixture f(2);
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"b"})"); });
  RunResult result = Execute(f, transport);
  CHECK(result.attempts == 4);
  for (const Attempt& a : Journal(f)) {
    CHECK(a.error == ErrorClass::kIncorrect);
    CHECK(a.error_message == "field_equals(category): expected \"a\", got \"b\"");
  }
}

TEST_CASE("runner: an auth failure stops that candidate and the other one finishes") {
  Fixture f(4);
  FakeTransport transport([](const HttpRequest& r) {
    return ModelOf(r) == "m-small" ? Unauthorized() : Reply(200, R"({"category":"a"})");
  });
  RunOptions options;
  options.concurrency = 1;  // one at a time, so the stop is seen before other small tasks start
  RunResult result = Execute(f, transport, {}, options);
  REQUIRE(result.stopped.size() == 1);
  CHECK(result.stopped[0].candidate_id == "small");
  CHECK(result.stopped[0].reason.find("auth") == 0);
  CHECK(result.stopped[0].reason.find("(HTTP 401)") != std::string::npos);
  int big = 0, small = 0;
  for (const Attempt& a : Journal(f)) (a.candidate_id == "big" ? big : small)++;
  CHECK(big == 4);
  CHECK(small == 1);
  CHECK(result.tasks_not_run == 3);
}

TEST_CASE("runner: the budget cap stops scheduling and spend stays under it") {
  Fixture f(5);
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  RunOptions options;
  options.budget = Money::ParseUsd("0.03").value();
  RunResult result = Execute(f, transport, {}, options);
  CHECK(result.stop == StopCause::kBudget);
  CHECK(result.spent <= *options.budget);
  CHECK(result.tasks_not_run > 0);
}

TEST_CASE("runner: resume does not call finished tasks again and continues unfinished ones") {
  Fixture f(2);
  std::vector<Attempt> previous;
  Attempt done;  // S1/big succeeded on attempt 1
  done.sample_id = "S1";
  done.candidate_id = "big";
  done.success = true;
  done.cost = Money::ParseUsd("0.008").value();
  previous.push_back(done);
  Attempt failed = done;  // S1/small failed once with a server error: one more try is due
  failed.candidate_id = "small";
  failed.success = false;
  failed.error = ErrorClass::kServer;
  previous.push_back(failed);

  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  RunResult result = Execute(f, transport, previous);
  CHECK(result.attempts == 3);  // S1/small attempt 2, S2/big, S2/small
  std::vector<Attempt> journal = Journal(f);
  REQUIRE(journal.size() == 3);
  for (const Attempt& a : journal) {
    CHECK_FALSE((a.sample_id == "S1" && a.candidate_id == "big"));
    if (a.sample_id == "S1") CHECK(a.attempt == 2);
  }
}

TEST_CASE("runner: an interrupt stops scheduling and reports it") {
  Fixture f(3);
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  std::atomic<bool> interrupt{true};
  RunOptions options;
  options.interrupt = &interrupt;
  RunResult result = Execute(f, transport, {}, options);
  CHECK(result.stop == StopCause::kInterrupted);
  CHECK(result.attempts == 0);
  CHECK(result.tasks_not_run == 6);
}

TEST_CASE("runner: keys never appear in the request body or headers") {
  Fixture f(1);
  f.providers.providers[0].api_key_env = "FAKE_KEY";
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  RunPlan plan = BuildRunPlan(f.suite, f.providers, f.prices, {{"FAKE_KEY", Secret("sk-secret-123")}},
                              true, 1).value();
  FakeClock clock;
  std::vector<std::string> warnings;
  auto journal = JournalWriter::Open(f.JournalPath(), "run-1", &warnings).value();
  REQUIRE(ExecuteRun(plan, {}, RunOptions{}, transport, clock, *journal).ok());
  journal.reset();
  REQUIRE(transport.requests.size() == 2);
  for (const HttpRequest& r : transport.requests) {
    CHECK(r.body.find("sk-secret-123") == std::string::npos);
    for (const HttpHeader& h : r.headers) CHECK(h.value.find("sk-secret-123") == std::string::npos);
    REQUIRE(r.auth.has_value());
    CHECK(r.auth->secret.RevealForTransport() == "sk-secret-123");
  }
  std::ifstream in(f.JournalPath());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"S1\"") != std::string::npos);
  CHECK(text.find("sk-secret-123") == std::string::npos);
}

TEST_CASE("runner: a missing key is an error before anything is sent") {
  Fixture f(1);
  f.providers.providers[0].api_key_env = "TASKCOST_TEST_UNSET_KEY";
  Result<RunPlan> plan = BuildRunPlan(f.suite, f.providers, f.prices, {}, true, 1);
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.errors().size() == 1);  // one message per variable, not per candidate
  CHECK(plan.error().ToString() ==
        "providers.fake.api_key_env: environment variable TASKCOST_TEST_UNSET_KEY is not set "
        "(candidate \"big\" needs it); export it, or run with --simulate");
}

}  // namespace taskcost
