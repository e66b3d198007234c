#include "harness/runner/runner.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_tables.h"
#include "tests/edge/temp_dir.h"
#include "tests/runner/fake_models.h"
#include "tests/runner/fake_transport.h"

namespace taskcost::runner_test {
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

// Makes both models time-priced (cost = GPU-hour price x latency / concurrency), so the worst case
// of a call is the policy's timeout at that price whatever its prompt:
//   big   $3.60 per GPU-hour: 10 s -> $3.60 x 10 / 3,600 = $0.01
//   small $1.80 per GPU-hour: 10 s -> $0.005
void TimePriced(Fixture& f) {
  f.suite.policy.timeout = std::chrono::seconds(10);
  for (ModelPrice& price : f.prices.models) {
    price.input = Money();
    price.output = Money();
    price.gpu_hour = Money::ParseUsd(price.model == "m-big" ? "3.60" : "1.80").value();
  }
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The journal's last line as JSON.
json LastLine(const std::string& path) {
  std::string text = FileText(path);
  text.pop_back();
  return json::parse(text.substr(text.rfind('\n') + 1));
}

// A transport that records the journal's last line when each request starts, and answers none
// until `answering` is set (then as FakeTransport); it sets `*interrupt` at its first Poll.
class WatchingTransport : public FakeTransport {
 public:
  WatchingTransport(const Fixture& f, std::atomic<bool>* interrupt = nullptr)
      : FakeTransport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); }),
        path_(f.JournalPath()),
        interrupt_(interrupt) {}
  void Start(uint64_t id, HttpRequest request) override {
    at_start.push_back(LastLine(path_));
    FakeTransport::Start(id, std::move(request));
  }
  std::vector<Completion> Poll(std::chrono::milliseconds wait) override {
    if (interrupt_ != nullptr) interrupt_->store(true);
    return interrupt_ != nullptr ? std::vector<Completion>{} : FakeTransport::Poll(wait);
  }
  std::vector<json> at_start;

 private:
  std::string path_;
  std::atomic<bool>* interrupt_;
};

// A command scorer (a success check) running `script` under sh with $1 = `arg`; it reads the
// scorer's request on stdin. Makes the suite's scorers slow: answers are scored off the loop.
void AddCommandScorer(Fixture& f, const std::string& script, const std::string& arg) {
  SuccessCriterion command;
  command.kind = "command";
  command.command = {"sh", "-c", script, "sh", arg};
  command.timeout = std::chrono::seconds(30);
  f.suite.success.push_back(command);
}

// A transport that answers every request at once except the one whose prompt names `held`,
// which it answers only once `release()` returns true; `release` is asked at every Poll.
class HoldingTransport : public FakeTransport {
 public:
  HoldingTransport(std::string held, std::function<bool()> release)
      : FakeTransport([](const HttpRequest&) {
          HttpResponse r = Reply(200, R"({"category":"a"})");
          r.elapsed = std::chrono::milliseconds(500);  // as curl measured it: send to last byte
          return r;
        }),
        held_(std::move(held)),
        release_(std::move(release)) {}
  void Start(uint64_t id, HttpRequest request) override {
    if (!released_ && UserOf(request).ends_with(held_)) {
      held_id_ = id;
      held_request_ = std::move(request);
      return;
    }
    FakeTransport::Start(id, std::move(request));
  }
  std::vector<Completion> Poll(std::chrono::milliseconds wait) override {
    ++polls;
    if (held_id_ && !released_ && release_()) {
      released_ = true;
      FakeTransport::Start(*held_id_, std::move(held_request_));
    }
    return FakeTransport::Poll(wait);
  }
  int polls = 0;

 private:
  std::string held_;
  std::function<bool()> release_;
  std::optional<uint64_t> held_id_;
  HttpRequest held_request_;
  bool released_ = false;
};

// The samples of the journal's attempt lines, in file order.
std::vector<std::string> AttemptSamples(const std::string& path) {
  std::vector<std::string> samples;
  std::istringstream in(FileText(path));
  for (std::string line; std::getline(in, line);) {
    const json record = json::parse(line);
    if (record.at("type") == "attempt") samples.push_back(record.at("sample").get<std::string>());
  }
  return samples;
}

// Opens the FIFO at `path` for writing without blocking and writes a line: true once a reader
// had it open (then the reader's `read` returns).
bool WriteFifo(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;  // no reader yet
  const bool written = ::write(fd, "go\n", 3) == 3;
  ::close(fd);
  return written;
}

SentCall PreviousCall(const std::string& sample, const std::string& candidate, const char* worst) {
  SentCall call;
  call.sample_id = sample;
  call.candidate_id = candidate;
  call.attempt = 1;
  call.started_unix_ms = 1'700'000'000'000;
  call.worst_case = Money::ParseUsd(worst).value();
  call.last_of_task = true;
  return call;
}

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
  TimePriced(f);  // reservations: big $0.01, small $0.005 (10 s at the GPU-hour price)
  FakeTransport transport([](const HttpRequest&) {
    HttpResponse r = Reply(200, R"({"category":"a"})");
    r.elapsed = std::chrono::seconds(5);  // a call costs 5 s: big $0.005, small $0.0025
    return r;
  });
  RunOptions options;
  options.concurrency = 1;  // in task order, each answered before the next is weighed
  options.budget = Money::ParseUsd("0.03").value();
  RunResult result = Execute(f, transport, {}, options);
  // A call is sent when spent + its reservation <= $0.03:
  //   S1 big    0      + 0.01  = 0.01   sent, spent 0.005
  //   S1 small  0.005  + 0.005 = 0.01   sent, spent 0.0075
  //   S2 big    0.0075 + 0.01  = 0.0175 sent, spent 0.0125
  //   S2 small  0.0125 + 0.005 = 0.0175 sent, spent 0.015
  //   S3 big    0.015  + 0.01  = 0.025  sent, spent 0.02
  //   S3 small  0.02   + 0.005 = 0.025  sent, spent 0.0225
  //   S4 big    0.0225 + 0.01  = 0.0325 over: big stops (S4, S5 not run)
  //   S4 small  0.0225 + 0.005 = 0.0275 sent, spent 0.025
  //   S5 small  0.025  + 0.005 = 0.03   exactly the budget: sent, spent 0.0275
  CHECK(result.stop == StopCause::kBudget);
  CHECK(result.spent.ToExactString() == "0.0275");
  CHECK(result.attempts == 8);
  CHECK(result.tasks_not_run == 2);
  std::vector<std::string> ran;
  for (const Attempt& a : Journal(f)) ran.push_back(a.sample_id + " " + a.candidate_id);
  CHECK(ran == std::vector<std::string>{"S1 big", "S1 small", "S2 big", "S2 small", "S3 big",
                                        "S3 small", "S4 small", "S5 small"});
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
  RunPlan plan =
      BuildRunPlan(f.suite, f.providers, f.prices, {{"FAKE_KEY", Secret("sk-secret-123")}}, true, 1)
          .value();
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

TEST_CASE("runner: each call's sent line is journaled before its request goes out") {
  Fixture f(2);
  TimePriced(f);
  WatchingTransport transport(f);
  RunOptions options;
  options.concurrency = 1;  // in task order: S1 big, S1 small, S2 big, S2 small
  RunResult result = Execute(f, transport, {}, options);
  CHECK(result.attempts == 4);
  REQUIRE(transport.at_start.size() == 4);
  // When each request left, the journal ended with its own sent line: the call, and its worst
  // case (the budget's reservation; 10 s at the model's GPU-hour price: big $0.01 =
  // 10,000,000,000 pUSD, small $0.005). The fake clock's wall time is 1,800,000,000,000 ms.
  const char* samples[] = {"S1", "S1", "S2", "S2"};
  const char* candidates[] = {"big", "small", "big", "small"};
  for (size_t i = 0; i < 4; ++i) {
    const bool big = std::string(candidates[i]) == "big";
    CHECK(transport.at_start[i] ==
          json{{"type", "sent"},
               {"sample", samples[i]},
               {"candidate", candidates[i]},
               {"repeat", 0},
               {"attempt", 1},
               {"started_unix_ms", 1'800'000'000'000},
               {"worst_case_picousd", big ? 10'000'000'000 : 5'000'000'000}});
  }
  // Every call was answered: none is left unanswered, by the run or by the journal's reader.
  CHECK(result.unanswered.empty());
  Result<JournalContents> read = ReadJournal(f.JournalPath());
  REQUIRE(read.ok());
  CHECK(read->attempts.size() == 4);
  CHECK(read->unanswered.empty());
}

TEST_CASE(
    "runner: calls cut off at the end of an interrupted run are listed, at their worst case") {
  Fixture f(2);
  TimePriced(f);
  // A provider with a stated rate cap is not probed first: all four calls go out at once.
  f.providers.providers[0].requests_per_minute = 60'000;
  std::atomic<bool> interrupt{false};
  WatchingTransport transport(f, &interrupt);  // answers nothing, interrupts at its first Poll
  RunOptions options;
  options.interrupt = &interrupt;
  options.grace = std::chrono::milliseconds(0);  // no grace: the calls out are cut off at once
  RunPlan plan = f.Plan();
  RunResult result;
  {
    FakeClock clock;
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    result = ExecuteRun(plan, {}, options, transport, clock, *journal).value();
  }
  CHECK(result.stop == StopCause::kInterrupted);
  CHECK(result.attempts == 0);
  REQUIRE(result.unanswered.size() == 4);  // every task's first call, in the order sent
  CHECK(result.unanswered[0].sample_id == "S1");
  CHECK(result.unanswered[0].candidate_id == "big");
  CHECK(result.unanswered[3].sample_id == "S2");
  CHECK(result.unanswered[3].candidate_id == "small");
  for (const SentCall& call : result.unanswered) CHECK(call.last_of_task);

  // The journal says the same, and the report counts them apart: 2 x $0.01 + 2 x $0.005 = $0.03.
  const RunManifest manifest = MakeManifest(plan, "run-1", 0, false, "test");
  Result<JournalContents> read = ReadJournal(f.JournalPath(), manifest);
  REQUIRE(read.ok());
  REQUIRE(read->unanswered.size() == 4);
  ReportBuilder builder(manifest);
  for (const SentCall& call : read->unanswered) builder.AddUnanswered(call);
  const Report report = builder.Finish();
  CHECK(report.calls_in_flight == 4);
  CHECK(report.in_flight_worst_case.ToExactString() == "0.03");
  CHECK(report.Find("big")->calls_in_flight == 2);
  CHECK(report.Find("big")->in_flight_worst_case.ToExactString() == "0.02");
  CHECK(report.Find("big")->tasks_in_flight == 2);
  CHECK(report.Find("small")->in_flight_worst_case.ToExactString() == "0.01");
  CHECK(InFlightLine(report) ==
        "4 calls were in flight when the run stopped; their usage is unknown; at most $0.03 by "
        "the worst case");
}

TEST_CASE("runner: a resumed run counts the earlier run's unanswered calls against its budget") {
  Fixture f(2);
  TimePriced(f);
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  RunOptions options;
  options.concurrency = 1;
  options.budget = Money::ParseUsd("0.02").value();
  // Answers cost $0 here (no latency), so without earlier calls every task fits: each call
  // reserves at most $0.01 of the $0.02.
  SUBCASE("without") {
    RunResult result = Execute(f, transport, {}, options);
    CHECK(result.stop == StopCause::kNone);
    CHECK(result.attempts == 4);
  }
  SUBCASE("with one unanswered call of $0.016 at worst") {
    // Spent $0.016 + the next call's reservation: big $0.026, small $0.021, both over $0.02:
    // nothing is sent, and the earlier call is still listed (its task was not called again).
    options.unanswered = {PreviousCall("S2", "big", "0.016")};
    RunResult result = Execute(f, transport, {}, options);
    CHECK(result.stop == StopCause::kBudget);
    CHECK(result.attempts == 0);
    CHECK(transport.requests.empty());
    REQUIRE(result.unanswered.size() == 1);
    CHECK(result.unanswered[0].worst_case.ToExactString() == "0.016");
    CHECK(result.unanswered[0].last_of_task);
  }
}

TEST_CASE("runner: an earlier run's unanswered call made again no longer ends its task") {
  Fixture f(1);
  TimePriced(f);
  const SentCall earlier = PreviousCall("S1", "big", "0.01");
  {  // the earlier run's journal: S1/big's call went out, the run was killed before its answer
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    REQUIRE(journal->AppendSent(earlier).ok());
  }
  FakeTransport transport([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  RunOptions options;
  options.unanswered = {earlier};
  RunResult result = Execute(f, transport, {}, options);
  CHECK(result.attempts == 2);  // S1/big's attempt 1 again, and S1/small
  REQUIRE(result.unanswered.size() == 1);
  CHECK(result.unanswered[0].started_unix_ms == 1'700'000'000'000);
  CHECK_FALSE(result.unanswered[0].last_of_task);
  // The reader pairs the same way: the earlier sent line is unanswered, the new one answered.
  RunPlan plan = f.Plan();
  Result<JournalContents> read =
      ReadJournal(f.JournalPath(), MakeManifest(plan, "run-1", 0, false, "test"));
  REQUIRE(read.ok());
  REQUIRE(read->unanswered.size() == 1);
  CHECK(read->unanswered[0].started_unix_ms == 1'700'000'000'000);
  CHECK_FALSE(read->unanswered[0].last_of_task);
}

TEST_CASE("runner: an earlier unanswered call the response cache answers ends no task") {
  Fixture f(1);
  TimePriced(f);
  ResponseCache cache((f.dir / "cache").string());
  RunOptions options;
  options.cache = &cache;
  FakeTransport first([](const HttpRequest&) { return Reply(200, R"({"category":"a"})"); });
  Execute(f, first, {}, options);  // another run of the suite, whose answers the cache keeps
  std::filesystem::remove(f.JournalPath());
  FakeTransport none([](const HttpRequest&) -> HttpResponse {
    FAIL("the provider was called although the cache holds the answer");
    return {};
  });
  options.unanswered = {PreviousCall("S1", "big", "0.01")};
  RunResult result = Execute(f, none, {}, options);
  CHECK(result.cached_attempts == 2);
  REQUIRE(result.unanswered.size() == 1);
  CHECK_FALSE(result.unanswered[0].last_of_task);  // S1/big has its answer now
}

TEST_CASE(
    "runner: a slow scorer runs off the loop: other answers are read and journaled meanwhile") {
  // S1's command scorer blocks until this test writes to a FIFO; every other answer's scorer
  // passes at once. S4's reply is held back until S2's and S3's attempts are journaled, and
  // the FIFO is written then, from the transport's Poll: so the loop had to go on reading
  // replies and journaling while S1's scorer ran. (A scorer on the loop would block it: no Poll,
  // S1's scorer would run into its 30 s timeout, a scorer error, and S1 would be journaled
  // first.)
  Fixture f(4);
  f.suite.candidates.pop_back();  // big only
  TimePriced(f);                  // big: $3.60 per GPU-hour, concurrency 1
  const std::string fifo = (f.dir / "release").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  AddCommandScorer(f,
                   "input=$(cat); case \"$input\" in *'\"id\":\"S1\"'*) read line < \"$1\";; "
                   "esac; echo '{\"pass\": true, \"reason\": \"checked\"}'",
                   fifo);
  HoldingTransport transport("ticket number 4", [&] {
    const std::vector<std::string> journaled = AttemptSamples(f.JournalPath());
    if (journaled.size() < 2) return false;
    // Had the loop waited for S1's scorer until its timeout, S1 would be journaled by now: go
    // on (the checks below then fail) rather than wait for a reader that is gone.
    return WriteFifo(fifo) || std::count(journaled.begin(), journaled.end(), "S1") > 0;
  });
  RunResult result = Execute(f, transport);
  CHECK(result.attempts == 4);
  const std::vector<std::string> order = AttemptSamples(f.JournalPath());
  REQUIRE(order.size() == 4);
  CHECK(std::set<std::string>(order.begin(), order.begin() + 2) ==
        std::set<std::string>{"S2", "S3"});
  for (const Attempt& a : Journal(f)) {
    INFO(a.sample_id);
    CHECK(a.success);
    REQUIRE(a.checks.size() == 2);
    CHECK(a.checks[1].name == "command(release)");  // named after its FIFO argument
    CHECK(a.checks[1].reason == "checked");
    // The provider's time alone (send to last byte, as the transport measured it), and a
    // GPU-hour cost from it: $3.60 x 0.5 s / 3,600 s = $0.0005.
    CHECK(a.latency_us == 500'000);
    CHECK(a.cost.ToExactString() == "0.0005");
  }
}

TEST_CASE("runner: an interrupt kills a running command scorer, and its paid answer is journaled") {
  Fixture f(2);
  f.suite.candidates.pop_back();  // big only
  const std::string fifo = (f.dir / "never").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // S1's scorer marks that it runs, then waits for a FIFO nobody writes (30 s timeout).
  AddCommandScorer(f,
                   "input=$(cat); case \"$input\" in *'\"id\":\"S1\"'*) : > \"$1.started\"; "
                   "read line < \"$1\";; esac; echo '{\"pass\": true}'",
                   fifo);
  std::atomic<bool> interrupt{false};
  // S2's reply waits until S1's scorer process runs; the interrupt comes then.
  HoldingTransport transport("ticket number 2", [&] {
    if (!std::filesystem::exists(fifo + ".started")) return false;
    interrupt.store(true);
    return true;
  });
  RunOptions options;
  options.interrupt = &interrupt;
  RunResult result = Execute(f, transport, {}, options);
  CHECK(result.stop == StopCause::kInterrupted);
  CHECK(result.attempts == 2);
  std::vector<Attempt> journal = Journal(f);
  REQUIRE(journal.size() == 2);
  for (const Attempt& a : journal) {
    INFO(a.sample_id);
    // S1's process was killed, S2's never started: neither could judge, neither answer is lost.
    CHECK(a.error == ErrorClass::kScorerError);
    REQUIRE(a.checks.size() == 2);
    CHECK(a.checks[1].scorer_error);
    CHECK(a.checks[1].reason == "not scored: the run was interrupted while the scorer ran");
  }
}

}  // namespace taskcost::runner_test
