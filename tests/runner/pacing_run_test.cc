// The run loop's pacing, end to end through ExecuteRun with a fake clock that only moves while
// the loop waits: how much of a budget a partial run uses, and how long a re-run answered from
// the response cache waits (issue 11 items 4 and 5).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/runner/runner.h"
#include "tests/edge/temp_dir.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::pacing_run_test {
namespace {
using nlohmann::json;
using std::chrono::milliseconds;

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

// A Transport whose requests are answered at the next Poll in the order started, and whose
// Poll moves the fake clock by the whole wait when nothing is in flight (the loop asked to
// sleep until its next wake). It records the length of every stretch of time in which the
// loop only waited: no request in flight, none started.
class ClockedTransport : public Transport {
 public:
  using Responder = std::function<HttpResponse(const HttpRequest&)>;
  ClockedTransport(FakeClock& clock, Responder respond)
      : clock_(clock), respond_(std::move(respond)) {}

  void Start(uint64_t id, HttpRequest request) override {
    EndIdle();
    requests.push_back(request);
    pending_.emplace_back(id, std::move(request));
  }
  std::vector<Completion> Poll(milliseconds wait) override {
    std::vector<Completion> done;
    if (pending_.empty()) {
      clock_.Advance(wait);
      idle_ += wait;
      return done;
    }
    EndIdle();
    for (auto& [id, request] : pending_) done.push_back(Completion{id, respond_(request)});
    pending_.clear();
    return done;
  }
  void Cancel(uint64_t id) override {
    std::erase_if(pending_, [id](const auto& p) { return p.first == id; });
  }
  size_t InFlight() const override { return pending_.size(); }
  void Wake() override {}

  milliseconds LongestIdle() {
    EndIdle();
    return longest_idle_;
  }

  std::vector<HttpRequest> requests;

 private:
  void EndIdle() {
    longest_idle_ = std::max(longest_idle_, idle_);
    idle_ = milliseconds(0);
  }

  FakeClock& clock_;
  Responder respond_;
  std::vector<std::pair<uint64_t, HttpRequest>> pending_;
  milliseconds idle_{0};
  milliseconds longest_idle_{0};
};

std::string UserOf(const HttpRequest& request) {
  return json::parse(request.body).at("messages").back().at("content").get<std::string>();
}
std::string ModelOf(const HttpRequest& request) {
  return json::parse(request.body).at("model").get<std::string>();
}

// A Chat Completions answer with the given usage.
HttpResponse Answer(int64_t prompt_tokens, int64_t completion_tokens) {
  HttpResponse r;
  r.status = 200;
  r.elapsed = std::chrono::microseconds(300'000);
  r.body =
      json(
          {{"object", "chat.completion"},
           {"choices",
            {{{"message", {{"role", "assistant"}, {"content", "{}"}}}, {"finish_reason", "stop"}}}},
           {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}}}})
          .dump();
  return r;
}

// The simulator's injected 429 (docs/simulator.md): Retry-After 1 s and a made-up, exhausted
// quota of 50 requests a minute, full again in 1 s.
HttpResponse InjectedRateLimit() {
  HttpResponse r;
  r.status = 429;
  r.headers = {{"retry-after", "1"},
               {"x-ratelimit-limit-requests", "50"},
               {"x-ratelimit-remaining-requests", "0"},
               {"x-ratelimit-reset-requests", "1s"}};
  r.body = R"({"error":{"message":"Rate limit reached","type":"requests",)"
           R"("code":"rate_limit_exceeded"}})";
  return r;
}

struct Run {
  testing::PlanFixture fixture;
  testing::TempDir dir;
  FakeClock clock;
  int journals = 0;

  // Ten samples of 20 bytes each: every call is 48 bytes, so the plan reserves
  // 48 / 3 + 32 = 48 input tokens plus max_tokens at worst:
  //   big   48 x $5.00/1M + 200 x $15.00/1M = $0.00024 + $0.003 = $0.00324
  //   small 48 x $0.80/1M + 100 x $4.00/1M  = $0.0000384 + $0.0004 = $0.0004384
  explicit Run(int samples) {
    fixture.suite.samples.clear();
    for (int i = 1; i <= samples; ++i) fixture.AddSample("S" + std::to_string(i), Text(i));
  }

  // 20 bytes, different for every sample: "aaaaaaaaaaaaaaaaaaab" for S1.
  static std::string Text(int i) {
    return std::string(18, 'a') + char('a' + i / 26) + char('a' + i % 26);
  }

  std::pair<RunResult, std::vector<Attempt>> Execute(Transport& transport, RunOptions options) {
    const RunPlan plan = fixture.Plan();
    const std::string path = dir.File("attempts-" + std::to_string(++journals) + ".jsonl");
    std::vector<std::string> warnings;
    auto journal = JournalWriter::Open(path, "run-1", &warnings).value();
    RunResult result = ExecuteRun(plan, {}, options, transport, clock, *journal).value();
    journal.reset();
    return {result, ReadJournal(path)->attempts};
  }
};

}  // namespace

TEST_CASE("pacing: a partial run uses the budget until no candidate's next call fits") {
  // Every call is answered with 30 input and 100 output tokens, within the reservation:
  //   big   30 x $5.00/1M + 100 x $15.00/1M = $0.00015 + $0.0015 = $0.00165
  //   small 30 x $0.80/1M + 100 x $4.00/1M  = $0.000024 + $0.0004 = $0.000424
  // Every sample's text is 20 bytes, so B = 176 bytes (tests/runner/run_plan_test.cc) and a
  // call reserves (floor(176 / 3) + 32 = 90) input tokens plus max_tokens:
  //   big   90 x $5.00/1M + 200 x $15.00/1M = $0.00345
  //   small 90 x $0.80/1M + 100 x $4.00/1M  = $0.000472
  // Cap $0.01, concurrency 64. Each model's first call goes alone (the probe for its rate
  // limits), then the loop sends what fits, lanes alternating, a call that fits only once
  // in-flight reservations come back holding back the rest:
  //   probes big1 small1                          -> spent $0.002074
  //   big2 small2 big3 small3 (reserved $0.007844; big4 would reach $0.013368)
  //                                               -> spent $0.006222
  //   big4 (small4 would reach $0.010144: held)   -> spent $0.007872
  //   big5: $0.007872 + $0.00345 = $0.011322 > $0.01: big stops, $0.002128 left;
  //   small4 small5 small6 small7                 -> spent $0.009568
  //   small8: $0.009568 + $0.000472 = $0.01004 > $0.01: small stops, $0.000432 left.
  // big ran 4 tasks, small 7: $0.009568 spent, 95.68% of the cap. The old rule stopped the
  // whole run at big4: 3 tasks each, $0.006222, 62.2% of the cap.
  Run run(10);
  ClockedTransport transport(run.clock, [](const HttpRequest&) { return Answer(30, 100); });
  RunOptions options;
  options.budget = Usd("0.01");
  auto [result, journal] = run.Execute(transport, options);
  CHECK(result.stop == StopCause::kBudget);
  CHECK(result.spent == Usd("0.009568"));
  CHECK(result.budget_spent == Usd("0.009568"));
  CHECK(result.tasks_not_run == 9);
  std::map<std::string, int> calls;
  for (const Attempt& a : journal) ++calls[a.candidate_id];
  CHECK(calls["big"] == 4);
  CHECK(calls["small"] == 7);
  REQUIRE(result.budget_stopped.size() == 2);
  CHECK(result.budget_stopped[0].candidate_id == "big");
  CHECK(result.budget_stopped[0].next_call == Usd("0.00345"));
  CHECK(result.budget_stopped[0].left == Usd("0.002128"));
  CHECK(result.budget_stopped[1].candidate_id == "small");
  CHECK(result.budget_stopped[1].next_call == Usd("0.000472"));
  CHECK(result.budget_stopped[1].left == Usd("0.000432"));
  CHECK(result.stopped.empty());  // no candidate is reported as failed

  SUBCASE("a budget below one call of the expensive candidate still runs the cheap one") {
    // $0.001: big's $0.00345 never fits; small: spent + $0.000472 <= $0.001 for spent
    // <= $0.000528: small1 ($0.000424), then $0.000424 + $0.000472 = $0.000896 fits,
    // small2 ($0.000848), then $0.00132 does not. 2 tasks, $0.000848, 84.8% of the cap.
    Run tiny(10);
    ClockedTransport answers(tiny.clock, [](const HttpRequest&) { return Answer(30, 100); });
    options.budget = Usd("0.001");
    auto [partial, lines] = tiny.Execute(answers, options);
    CHECK(partial.spent == Usd("0.000848"));
    CHECK(lines.size() == 2);
    for (const Attempt& a : lines) CHECK(a.candidate_id == "small");
    CHECK(partial.tasks_not_run == 18);
  }
}

TEST_CASE("pacing: a re-run answered from the cache waits no longer than the 429 asked") {
  // 40 samples. Big's first attempt at S20 meets the simulator's injected 429 in both runs
  // (faults are not cached); every other answer, its retry's included, is cached by the first
  // run. In the second run the 19 answers before it come from the cache in the same instant.
  // Before the fix they counted as sent after it: the mirror of the provider's quota fell to
  // 0 - 19 and refilled at 50 a minute, (19 + 1) / (50 / 60) = 24 s with nothing in flight.
  Run run(40);
  ResponseCache cache(run.dir.File("cache"));
  RunOptions options;
  options.cache = &cache;
  auto provider = [](std::map<std::string, int>& asked) {
    return [&asked](const HttpRequest& r) {
      if (ModelOf(r) == "m-big" && UserOf(r) == "T: " + Run::Text(20) && ++asked["S20"] == 1) {
        return InjectedRateLimit();
      }
      return Answer(30, 100);
    };
  };
  std::map<std::string, int> first_asked;
  ClockedTransport first(run.clock, provider(first_asked));
  auto [paid, paid_journal] = run.Execute(first, options);
  REQUIRE(paid_journal.size() == 81);  // 80 tasks, one retried
  CHECK(paid.cached_attempts == 0);

  std::map<std::string, int> second_asked;
  ClockedTransport second(run.clock, provider(second_asked));
  const SteadyTime started = run.clock.Now();
  auto [replay, journal] = run.Execute(second, options);
  REQUIRE(journal.size() == 81);
  CHECK(second.requests.size() == 1);  // only the 429, which no cache holds
  CHECK(replay.cached_attempts == 80);
  int64_t longest_retry_after = 0;
  for (const Attempt& a : journal) {
    longest_retry_after = std::max(longest_retry_after, a.retry_after_ms.value_or(0));
  }
  CHECK(longest_retry_after == 1000);
  // The only wait is the 1 s asked: the retry and the 20 tasks after it go at 1,000 ms.
  CHECK(second.LongestIdle() == milliseconds(longest_retry_after));
  CHECK(run.clock.Now() - started == milliseconds(1000));
}

}  // namespace taskcost::pacing_run_test
