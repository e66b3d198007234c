// The report's "unfinished" (harness/core/model/task_state.h) against the runner that decides: a run
// stopped mid-way (an interrupt, a fatal stop) leaves exactly the tasks the scheduler abandons
// without an outcome, split into unfinished (attempts made) and not run; resume's TaskFinished
// and the report's rule agree on every class and attempt number.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/task_state.h"
#include "harness/runner/runner.h"
#include "tests/runner/fake_transport.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::partial_run_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ModelOf(const HttpRequest& request) {
  return json::parse(request.body).at("model").get<std::string>();
}
std::string UserOf(const HttpRequest& request) {
  return json::parse(request.body).at("messages").back().at("content").get<std::string>();
}

// Runs the fixture's plan with `respond` and returns the run's result and its report, computed
// from the journal as `taskcost report` would.
struct Outcome {
  RunResult result;
  Report report;
};

Outcome RunAndReport(const testing::PlanFixture& f, FakeTransport::Responder respond,
                     RunOptions options) {
  const fs::path dir = fs::temp_directory_path() / ("taskcost-partial-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "attempts.jsonl").string();
  RunPlan plan = f.Plan();
  FakeTransport transport(std::move(respond));
  FakeClock clock;
  std::vector<std::string> warnings;
  Outcome out;
  {
    auto journal = JournalWriter::Open(path, "run-1", &warnings).value();
    out.result = ExecuteRun(plan, {}, options, transport, clock, *journal).value();
  }
  const RunManifest manifest = MakeManifest(plan, "run-1", 0, false, "test");
  out.report = ComputeReport(manifest, ReadJournal(path)->attempts);
  fs::remove_all(dir);
  return out;
}

int64_t WithoutOutcome(const Report& report) {
  int64_t n = 0;
  for (const CandidateMetrics& c : report.candidates) n += c.tasks_unfinished + c.tasks_not_run;
  return n;
}

}  // namespace

TEST_CASE("partial run: an interrupt's cut retries are the scheduler's abandoned tasks") {
  // Five samples; every first answer is not JSON (invalid_output, retried), every second is
  // valid. The interrupt comes with the fourth answer, so tasks answered once wait for a retry
  // that never comes.
  testing::PlanFixture f;
  for (const char* id : {"S3", "S4", "S5"}) f.AddSample(id, std::string(20, 'c'));
  std::map<std::string, int> seen;
  std::atomic<bool> interrupt{false};
  int answers = 0;
  RunOptions options;
  options.interrupt = &interrupt;
  options.grace = std::chrono::milliseconds(0);
  const Outcome run = RunAndReport(
      f,
      [&](const HttpRequest& r) {
        if (++answers == 4) interrupt = true;
        const bool first = ++seen[ModelOf(r) + UserOf(r)] == 1;
        return testing::FakeReply(200, first ? "not json" : "{}");
      },
      options);
  REQUIRE(run.result.stop == StopCause::kInterrupted);
  int64_t unfinished = 0;
  for (const CandidateMetrics& c : run.report.candidates) unfinished += c.tasks_unfinished;
  CHECK(unfinished > 0);
  CHECK(WithoutOutcome(run.report) == static_cast<int64_t>(run.result.tasks_not_run));
  for (const CandidateMetrics& c : run.report.candidates) {
    INFO(c.id);
    CHECK(c.task_failures.empty());  // no task failed: each was either answered or cut
  }
}

TEST_CASE("partial run: a fatal stop cuts the candidate's waiting retry: unfinished") {
  // small: S1 answers garbage (a retry is due), S2 answers 401 (auth: small stops). big answers.
  testing::PlanFixture f;
  for (const char* id : {"S3", "S4"}) f.AddSample(id, std::string(20, 'c'));
  RunOptions options;
  options.concurrency = 4;
  const Outcome run = RunAndReport(
      f,
      [](const HttpRequest& r) {
        if (ModelOf(r) != "m-small") return testing::FakeReply(200, "{}");
        if (UserOf(r).find(std::string(20, 'a')) != std::string::npos) {
          return testing::FakeReply(200, "not json");  // S1
        }
        HttpResponse denied;
        denied.status = 401;
        denied.body = R"({"error":{"message":"bad key","code":"invalid_api_key"}})";
        return denied;
      },
      options);
  const CandidateMetrics& small = *run.report.Find("small");
  CHECK(small.fatal_error == ErrorClass::kAuth);
  CHECK(small.tasks_unfinished == 1);  // S1: invalid_output below max_attempts, dropped
  CHECK(small.TasksFinished() == 1);   // S2: failed on auth
  CHECK(small.tasks_not_run == 2);     // S3, S4
  CHECK(run.report.Find("big")->tasks_unfinished == 0);
  CHECK(WithoutOutcome(run.report) == static_cast<int64_t>(run.result.tasks_not_run));
}

TEST_CASE("partial run: resume and the report agree on which last attempts end a task") {
  RetryPolicy policy;
  for (ErrorClass error : AllErrorClasses()) {
    for (int attempt = 1; attempt <= policy.max_attempts + 1; ++attempt) {
      Attempt last;
      last.attempt = attempt;
      last.error = error;
      last.success = false;
      INFO(ErrorClassName(error), " attempt ", attempt);
      CHECK(TaskFinished({&last}, policy) == AttemptEndsStep(last, policy));
    }
  }
  Attempt ok;
  ok.success = true;
  CHECK(TaskFinished({&ok}, policy) == AttemptEndsStep(ok, policy));
}

}  // namespace taskcost::partial_run_test
