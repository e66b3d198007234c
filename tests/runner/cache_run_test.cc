// The runner with a response cache: hits complete without the transport, are journaled as
// cached, keep the original cost in the task figures and spend nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "harness/runner/runner.h"
#include "tests/edge/temp_dir.h"
#include "tests/runner/fake_transport.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::cache_run_test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// An OpenAI answer with 1,000 input and 200 output tokens:
//   big   $5 / $15 per 1M:    $0.005 + $0.003 = $0.008 a call
//   small $0.80 / $4 per 1M:  $0.0008 + $0.0008 = $0.0016 a call
HttpResponse Answer(const std::string& content, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.elapsed = std::chrono::microseconds(420'000);
  r.body = json({{"object", "chat.completion"},
                 {"choices", {{{"message", {{"role", "assistant"}, {"content", content}}},
                               {"finish_reason", "stop"}}}},
                 {"usage", {{"prompt_tokens", 1000}, {"completion_tokens", 200}}}})
               .dump();
  return r;
}

HttpResponse ServerError() {
  HttpResponse r;
  r.status = 500;
  r.body = R"({"error":{"message":"boom","type":"server_error"}})";
  return r;
}

// The request's identity within the run: its body (model and prompt), which retries repeat.
std::string BodyOf(const HttpRequest& request) { return request.body; }

struct CacheRun {
  testing::PlanFixture fixture;
  testing::TempDir dir;
  ResponseCache cache{dir.File("cache")};
  int journals = 0;

  // Runs the whole plan with `transport`; returns the result and the journal it wrote.
  std::pair<RunResult, std::vector<Attempt>> Run(FakeTransport& transport,
                                                 const std::vector<Attempt>& previous = {},
                                                 RunOptions options = {}) {
    const RunPlan plan = fixture.Plan();
    const std::string path = dir.File("attempts-" + std::to_string(++journals) + ".jsonl");
    std::vector<std::string> warnings;
    auto journal = JournalWriter::Open(path, "run-1", &warnings).value();
    FakeClock clock;
    options.cache = &cache;
    RunResult result = ExecuteRun(plan, previous, options, transport, clock, *journal).value();
    journal.reset();
    return {result, ReadJournal(path)->attempts};
  }
};

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

}  // namespace

TEST_CASE("runner cache: a second run is answered from the cache, at no spend") {
  CacheRun run;
  FakeTransport first([](const HttpRequest&) { return Answer(R"({"category":"a"})"); });
  auto [paid, paid_journal] = run.Run(first);
  CHECK(first.requests.size() == 4);  // 2 samples x 2 candidates
  CHECK(paid.cached_attempts == 0);
  CHECK(paid.spent == Usd("0.0192"));  // 2 x $0.008 + 2 x $0.0016

  FakeTransport second([](const HttpRequest&) -> HttpResponse {
    FAIL("the provider was called although the cache holds the answer");
    return {};
  });
  auto [replay, journal] = run.Run(second);
  CHECK(second.requests.empty());
  CHECK(replay.attempts == 4);
  CHECK(replay.cached_attempts == 4);
  CHECK(replay.http_answers == 4);
  CHECK(replay.spent == Money());
  REQUIRE(journal.size() == 4);
  for (size_t i = 0; i < journal.size(); ++i) {
    INFO(journal[i].sample_id, " ", journal[i].candidate_id);
    CHECK(journal[i].cached);
    CHECK_FALSE(paid_journal[i].cached);
    CHECK(journal[i].success);
    CHECK(journal[i].cost == paid_journal[i].cost);  // the task still costs the original usage
    CHECK(journal[i].usage == paid_journal[i].usage);
    CHECK(journal[i].latency_us == 420'000);  // the original call's elapsed time
  }

  SUBCASE("without a cache the provider is called again") {
    FakeTransport third([](const HttpRequest&) { return Answer(R"({"category":"a"})"); });
    const RunPlan plan = run.fixture.Plan();
    std::vector<std::string> warnings;
    auto journal_writer = JournalWriter::Open(run.dir.File("nocache.jsonl"), "r", &warnings);
    FakeClock clock;
    RunResult result = ExecuteRun(plan, {}, RunOptions{}, third, clock, **journal_writer).value();
    CHECK(third.requests.size() == 4);
    CHECK(result.cached_attempts == 0);
    CHECK(result.spent == Usd("0.0192"));
  }
}

TEST_CASE("runner cache: retries replay in order, so the task figures stay the same") {
  CacheRun run;
  std::map<std::string, int> seen;
  FakeTransport first([&](const HttpRequest& r) {
    // Every task's first answer is malformed JSON, the retry (same body) is right.
    return Answer(++seen[BodyOf(r)] == 1 ? R"({"category": )" : R"({"category":"a"})");
  });
  auto [paid, paid_journal] = run.Run(first);
  CHECK(paid.attempts == 8);
  CHECK(paid.spent == Usd("0.0384"));  // every attempt billed: 2 x ($0.0192)

  FakeTransport second([](const HttpRequest&) -> HttpResponse {
    FAIL("the provider was called");
    return {};
  });
  auto [replay, journal] = run.Run(second);
  CHECK(replay.cached_attempts == 8);
  CHECK(replay.spent == Money());
  REQUIRE(journal.size() == 8);
  Money task_cost;
  for (size_t i = 0; i < journal.size(); ++i) {
    CHECK(journal[i].attempt == paid_journal[i].attempt);
    CHECK(journal[i].error == paid_journal[i].error);  // attempt 1 invalid_output, 2 success
    task_cost += journal[i].cost;
  }
  CHECK(task_cost == Usd("0.0384"));
}

TEST_CASE("runner cache: faults are not cached and are asked again") {
  CacheRun run;
  std::map<std::string, int> seen;
  FakeTransport first([&](const HttpRequest& r) {
    return ++seen[BodyOf(r)] == 1 ? ServerError() : Answer(R"({"category":"a"})");
  });
  auto [paid, paid_journal] = run.Run(first);
  CHECK(paid.attempts == 8);
  CHECK(fs::exists(run.dir.File("cache")));

  // Attempt 1 of every task (the 500) is not in the cache: asked again, and answered right this
  // time, the task ends after one (uncached, paid) attempt.
  FakeTransport second([](const HttpRequest&) { return Answer(R"({"category":"a"})"); });
  auto [replay, journal] = run.Run(second);
  CHECK(second.requests.size() == 4);
  CHECK(replay.cached_attempts == 0);
  CHECK(replay.spent == Usd("0.0192"));
}

TEST_CASE("runner cache: cached attempts of a resumed run do not count against the budget") {
  CacheRun run;
  // S1 of both candidates ran before, answered by the cache: $0.0096 of task cost, $0 spent.
  std::vector<Attempt> previous;
  for (const char* candidate : {"big", "small"}) {
    Attempt a;
    a.sample_id = "S1";
    a.candidate_id = candidate;
    a.success = true;
    a.cached = true;
    a.cost = Usd(std::string(candidate) == "big" ? "0.008" : "0.0016");
    previous.push_back(a);
  }
  // The budget covers S2's two worst-case reservations ($0.00326 + $0.0004416) but not the
  // $0.0096 the cached attempts would add if they counted as spent.
  RunOptions options;
  options.budget = Usd("0.005");
  FakeTransport transport([](const HttpRequest&) { return Answer(R"({"category":"a"})"); });
  auto [result, journal] = run.Run(transport, previous, options);
  CHECK(result.stop == StopCause::kNone);
  CHECK(transport.requests.size() == 2);  // S2 of both candidates
  CHECK(result.spent == Usd("0.0096"));
}

}  // namespace taskcost::cache_run_test
