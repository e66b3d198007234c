// End to end: nothing lost, nothing paid twice. The real taskcost binary is killed with
// SIGKILL mid-run, has its journal's last line torn, and is interrupted with SIGINT, then
// continued with `run --resume RUN_DIR`. The simulator runs in this test's process and outlives
// every taskcost process, so the requests it received can be held against the journal.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <tuple>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/live_simulator.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::resume_e2e_test {
namespace {
using nlohmann::json;

const char* kSamples = R"({"id": "S1", "text": "my invoice is wrong", "expected": "billing"}
{"id": "S2", "text": "the app crashes on start", "expected": "technical"}
{"id": "S3", "text": "please bill me yearly", "expected": "billing"}
{"id": "S4", "text": "error 503 since noon", "expected": "technical"}
{"id": "S5", "text": "refund my last payment", "expected": "billing"}
{"id": "S6", "text": "login page is blank", "expected": "technical"}
{"id": "S7", "text": "charged twice this month", "expected": "billing"}
{"id": "S8", "text": "sync fails with code 9", "expected": "technical"}
)";

const std::string kSuite = TicketSuite("resumable", R"(
policy: {max_attempts: 3, timeout_s: 10, backoff_initial_ms: 0, backoff_max_ms: 0}
candidates:
  - {id: good, provider: sim, model: m-big, baseline: true}
  - {id: flaky, provider: sim, model: m-small}
)");

// good answers right at the first attempt; flaky's JSON is broken at every attempt, so each of
// its tasks takes exactly 3 billed attempts. Which attempt a resumed call is does not change its
// answer, so a run that was interrupted must end with the same figures as one that was not.
// 250 ms a reply: at --concurrency 2 the 32 calls take about 4 s.
const char* kProfile = R"(seed: 5
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {input_tokens: 1000, output_tokens: 100, latency_ms: 250}
  m-small: {input_tokens: 1000, output_tokens: 100, latency_ms: 250, faults: {malformed_json: 1}}
)";

// Catalogs: tests/e2e/sim_suite.h (m-big $5 / $15, m-small $0.80 / $4 per 1M tokens).
// good:  8 calls x (1,000 x 5,000,000 + 100 x 15,000,000 = 6,500,000,000) = 52,000,000,000 pUSD,
//        8 successes: 6,500,000,000 per successful task.
// flaky: 24 calls x (1,000 x 800,000 + 100 x 4,000,000 = 1,200,000,000) = 28,800,000,000 pUSD,
//        no success.
constexpr int64_t kCalls = 8 + 24;

// What a user compares between two runs of the same suite: everything about the tasks.
const char* kTaskFigures[] = {"tasks_planned",       "tasks_run",
                              "tasks_not_run",       "successes",
                              "attempts",            "retries",
                              "total_cost_picousd",  "spent_picousd",
                              "cost_per_task_picousd", "cost_per_successful_task_picousd",
                              "task_cost_p50_picousd", "task_cost_p95_picousd",
                              "input_tokens",        "output_tokens",
                              "failures_by_attempt", "failures_by_task"};

// sample, candidate, repeat, attempt
using AttemptKey = std::tuple<std::string, std::string, int, int>;

AttemptKey KeyOf(const json& line) {
  return {line.at("sample").get<std::string>(), line.at("candidate").get<std::string>(),
          line.at("repeat").get<int>(), line.at("attempt").get<int>()};
}

// Whether a task with these attempts needed no more: a success or the policy's 3 attempts.
bool Finished(const std::vector<json>& attempts) {
  return attempts.size() == 3 || (!attempts.empty() && attempts.back().at("success") == true);
}

// Tasks of flaky that have some of their attempts in `journal` but need more.
size_t Unfinished(const std::vector<json>& journal) {
  size_t count = 0;
  for (const auto& [sample, attempts] : TasksOf(journal, "flaky")) count += !Finished(attempts);
  return count;
}

struct ResumeSuite {
  TempDir dir;
  std::optional<LiveSimulator> sim;

  ResumeSuite() {
    WriteSimSuite(dir, {kSamples, kTicketSchema, kSuite.c_str(), kProfile});
    sim.emplace(dir.path() + "/profile.yaml");
    dir.Write("providers.yaml", sim->Providers());
  }
  std::vector<std::string> RunArgs(const std::string& out, int concurrency) const {
    return {"run", "suite.yaml", "--out", out, "--quiet", "--no-cache", "--concurrency",
            std::to_string(concurrency)};
  }
  CliOutcome Resume(const std::string& out) const {
    return RunCli({"run", "--resume", out, "--quiet", "--no-cache"}, dir.path(), kLiveSimKeys);
  }
  std::string JournalPath(const std::string& out) const {
    return dir.path() + "/" + out + "/attempts.jsonl";
  }
  std::vector<json> Journal(const std::string& out) const {
    return JournalAttempts(JournalPath(out));
  }
  json Report(const std::string& out) const {
    return json::parse(ReadFileText(dir.path() + "/" + out + "/report.json"));
  }
  int64_t Requests() const { return sim->Stats().requests; }

  /// Waits until the journal of `out` holds at least `lines` attempts and, when
  /// `with_unfinished`, a flaky task has some of its attempts but not all. No deadline of its
  /// own (one would fail on a loaded machine): ctest's timeout ends a wait that never succeeds.
  void AwaitJournal(const std::string& out, size_t lines, bool with_unfinished = false) const {
    for (;;) {
      if (std::filesystem::exists(JournalPath(out))) {
        const std::vector<json> journal = Journal(out);
        if (journal.size() >= lines && (!with_unfinished || Unfinished(journal) > 0)) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  /// An uninterrupted run to compare with, at a concurrency that makes it quick; its figures
  /// are checked against the hand-computed ones above.
  json Reference() const {
    CliOutcome run = RunCli(RunArgs("reference", 32), dir.path(), kLiveSimKeys);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    json report = Report("reference");
    const json& good = ReportCandidate(report, "good");
    CHECK(good.at("attempts") == 8);
    CHECK(good.at("total_cost_picousd") == 52'000'000'000);
    CHECK(good.at("cost_per_successful_task_picousd") == 6'500'000'000);
    const json& flaky = ReportCandidate(report, "flaky");
    CHECK(flaky.at("attempts") == 24);
    CHECK(flaky.at("failures_by_task").at("invalid_output") == 8);
    CHECK(flaky.at("total_cost_picousd") == 28'800'000'000);
    CHECK(flaky.at("cost_per_successful_task_picousd").is_null());
    return report;
  }
};

// The task figures of `report` equal those of `reference`, candidate by candidate.
void CheckSameTaskFigures(const json& report, const json& reference) {
  for (const char* id : {"good", "flaky"}) {
    for (const char* figure : kTaskFigures) {
      INFO(id, " ", figure);
      CHECK(ReportCandidate(report, id).at(figure) == ReportCandidate(reference, id).at(figure));
    }
  }
  CHECK(report.at("total_cost_picousd") == reference.at("total_cost_picousd"));
}

// Every task's attempts are 1, 2, ... once each, and the journal holds exactly kCalls lines.
void CheckEveryAttemptOnce(const std::vector<json>& journal) {
  std::set<AttemptKey> seen;
  for (const json& line : journal) {
    INFO(line.dump());
    CHECK(seen.insert(KeyOf(line)).second);
  }
  for (const char* id : {"good", "flaky"}) {
    for (const auto& [sample, attempts] : TasksOf(journal, id)) {
      for (size_t i = 0; i < attempts.size(); ++i) CHECK(attempts[i].at("attempt") == i + 1);
    }
  }
  CHECK(journal.size() == kCalls);
}

}  // namespace

TEST_CASE("e2e resume: kill -9 mid-run, resume: finished tasks are not called again") {
  ResumeSuite suite;
  const json reference = suite.Reference();
  const int64_t requests_before = suite.Requests();

  // Killed twice (once in the run, once in its first resume), then resumed to the end.
  std::vector<json> journal;
  int64_t requests = requests_before;
  size_t cut_mid_task = 0;
  int64_t unanswered_before = 0;  // sent lines without an attempt line, of earlier processes
  for (size_t kill_at : {6u, 16u}) {
    INFO("kill at ", kill_at, " lines");
    CliChild child = journal.empty()
                         ? CliChild(suite.RunArgs("run", 2), suite.dir.path(), kLiveSimKeys)
                         : CliChild({"run", "--resume", "run", "--quiet", "--no-cache",
                                     "--concurrency", "2"},
                                    suite.dir.path(), kLiveSimKeys);
    suite.AwaitJournal("run", kill_at, /*with_unfinished=*/true);
    child.Signal(SIGKILL);
    CHECK(child.Wait().exit_code == 128 + SIGKILL);
    const std::vector<json> before = journal;
    journal = suite.Journal("run");
    REQUIRE(journal.size() < kCalls);  // the kill came mid-run
    // The journal kept every line of the earlier processes, and each call this process's
    // journal does not hold was in flight when it died: at most 2 (its concurrency), each with
    // its sent line (a sent line's request may not have reached the server before the kill).
    CHECK(std::equal(before.begin(), before.end(), journal.begin()));
    const int64_t lost = (suite.Requests() - requests) -
                         static_cast<int64_t>(journal.size() - before.size());
    const int64_t sent_unanswered =
        static_cast<int64_t>(JournalLines(suite.JournalPath("run"), "sent").size()) -
        static_cast<int64_t>(journal.size()) - unanswered_before;
    CHECK(lost >= 0);
    CHECK(lost <= sent_unanswered);
    CHECK(sent_unanswered <= 2);
    unanswered_before += sent_unanswered;
    requests = suite.Requests();
    // A task cut off between its attempts, for the resume to continue (a reply landing between
    // the look and the kill could finish it, hence counted over both kills below).
    cut_mid_task += Unfinished(journal);
  }
  CHECK(cut_mid_task > 0);

  const std::vector<json> at_last_kill = journal;
  CliOutcome resumed = suite.Resume("run");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  journal = suite.Journal("run");
  CHECK(std::equal(at_last_kill.begin(), at_last_kill.end(), journal.begin()));

  // Nothing paid twice: each call the last resume made is one new journal line, and none of
  // them belongs to a task that had finished before the kill.
  CHECK(suite.Requests() - requests == static_cast<int64_t>(journal.size() - at_last_kill.size()));
  for (const char* id : {"good", "flaky"}) {
    const auto earlier = TasksOf(at_last_kill, id);
    for (const auto& [sample, attempts] : TasksOf(journal, id)) {
      INFO(id, " ", sample);
      auto it = earlier.find(sample);
      const size_t had = it == earlier.end() ? 0 : it->second.size();
      if (had > 0 && Finished(it->second)) CHECK(attempts.size() == had);
      // Unfinished tasks went on from their recorded attempts: flaky's to exactly 3.
      CHECK(attempts.size() == (std::string(id) == "good" ? 1u : 3u));
    }
  }
  CheckEveryAttemptOnce(journal);
  CheckSameTaskFigures(suite.Report("run"), reference);
}

TEST_CASE("e2e resume: a torn final journal line is ignored with a warning and called again") {
  ResumeSuite suite;
  const json reference = suite.Reference();
  // A finished run whose last line lost its second half, as a crash in the middle of its write
  // would leave it.
  REQUIRE(RunCli(suite.RunArgs("torn", 32), suite.dir.path(), kLiveSimKeys).exit_code == 0);
  const std::string path = suite.JournalPath("torn");
  const std::string text = ReadFileText(path);
  const size_t last_line = text.rfind('\n', text.size() - 2) + 1;
  const size_t kept = (text.size() - last_line) / 2;
  std::filesystem::resize_file(path, last_line + kept);
  const int64_t requests = suite.Requests();

  CliOutcome resumed = suite.Resume("torn");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  // The warning names the file and what was dropped, once.
  const std::string warning = "taskcost: warning: torn/attempts.jsonl: ignored a torn final "
                              "line (" + std::to_string(kept) + " bytes)\n";
  const size_t at = resumed.err.find(warning);
  CHECK(at != std::string::npos);
  CHECK(resumed.err.find(warning, at + 1) == std::string::npos);
  // The torn attempt was the only one called again.
  CHECK(suite.Requests() - requests == 1);
  CheckEveryAttemptOnce(suite.Journal("torn"));
  CheckSameTaskFigures(suite.Report("torn"), reference);
}

TEST_CASE("e2e resume: Ctrl-C stops scheduling, lets calls in flight finish, exits 130") {
  ResumeSuite suite;
  const json reference = suite.Reference();
  const int64_t requests_before = suite.Requests();
  CliChild child(suite.RunArgs("run", 2), suite.dir.path(), kLiveSimKeys);
  suite.AwaitJournal("run", 6);
  const int64_t sent_before_signal = suite.Requests();
  child.Signal(SIGINT);
  const CliOutcome interrupted = child.Wait();
  INFO(interrupted.err);
  CHECK(interrupted.exit_code == 130);
  CHECK(interrupted.err.find("taskcost: interrupted; journal flushed. Continue with: taskcost run "
                             "--resume run\n") != std::string::npos);

  // Scheduling stopped: nothing was sent after the signal but what refilled the 2 slots in
  // the moment before it. The calls in flight got their grace: every request the simulator
  // received is in the journal, complete.
  const std::vector<json> journal = suite.Journal("run");
  const int64_t sent = suite.Requests() - requests_before;
  CHECK(suite.Requests() <= sent_before_signal + 2);
  CHECK(sent == static_cast<int64_t>(journal.size()));
  CHECK(ReadFileText(suite.JournalPath("run")).back() == '\n');
  REQUIRE(journal.size() < kCalls);
  // The interrupted run's report says what was not run.
  const json partial = suite.Report("run");
  CHECK(ReportCandidate(partial, "good").at("tasks_not_run").get<int>() +
            ReportCandidate(partial, "flaky").at("tasks_not_run").get<int>() >
        0);

  CliOutcome resumed = suite.Resume("run");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(suite.Requests() - requests_before == kCalls);  // every call made once, in all
  CheckEveryAttemptOnce(suite.Journal("run"));
  CheckSameTaskFigures(suite.Report("run"), reference);
}

TEST_CASE("e2e resume: a journal that cannot be trusted is refused with file and line, kept") {
  ResumeSuite suite;
  suite.Reference();
  const std::string path = suite.JournalPath("reference");
  const std::string text = ReadFileText(path);
  const json manifest = json::parse(ReadFileText(suite.dir.path() + "/reference/run.json"));
  const json first = JournalLines(path, "attempt").front();
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  std::string changed, error;  // after "taskcost: error: reference/attempts.jsonl:"
  SUBCASE("an attempt line journaled twice") {
    changed = text + first.dump() + "\n";
    error = std::to_string(lines + 1) + ": attempt 1 of task (" +
            first.at("sample").get<std::string>() + ", " +
            first.at("candidate").get<std::string>() +
            ", repeat 0) comes after attempt 1: journaled twice";
  }
  SUBCASE("a header with another run's id") {
    const std::string id = manifest.at("run_id").get<std::string>();
    changed = text;
    changed.replace(changed.find(id), id.size(), "2020-01-01T00-00-00Z");
    error = "1: this journal belongs to run \"2020-01-01T00-00-00Z\", but run.json is run \"" +
            id + "\"";
  }
  SUBCASE("a complete last line nested 100,000 deep") {
    changed = text + std::string(100'000, '[') + std::string(100'000, ']') + "\n";
    error = std::to_string(lines + 1) + ":";  // what is wrong with it may be worded either way
  }
  suite.dir.Write("reference/attempts.jsonl", changed);
  const std::string prefix = "taskcost: error: reference/attempts.jsonl:" + error;
  CliOutcome report = RunCli({"report", "reference", "--no-write"}, suite.dir.path());
  CHECK(report.exit_code == 2);
  CHECK(report.err.starts_with(prefix));
  CliOutcome resumed = suite.Resume("reference");
  CHECK(resumed.exit_code == 2);
  CHECK(resumed.err.starts_with(prefix));
  CHECK(ReadFileText(path) == changed);  // nothing cut off, nothing appended
}

namespace {

// Calls out at a kill (issue 12, item 11) and two runs of one directory (item 7). Candidate
// `hang` is a self-hosted model priced by time at $3.60 per GPU-hour; while the providers point
// it at the first simulator, its calls are never answered (a stall: only the 30 s timeout would
// end them), so once they fill the run's 4 slots nothing moves until the kill: every request the
// simulator received is then either an attempt line or a sent line without one. The resume that
// finishes the run points `hang` at a second simulator that answers.
const std::string kOutSuite = TicketSuite("calls-out", R"(
policy: {max_attempts: 3, timeout_s: 30, backoff_initial_ms: 0, backoff_max_ms: 0}
candidates:
  - {id: good, provider: sim, model: m-big, baseline: true}
  - {id: hang, provider: sim-2, model: m-hang, price: gpu}
)");
const char* kStallProfile = R"(seed: 5
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {input_tokens: 1000, output_tokens: 100, latency_ms: 20}
  m-hang: {input_tokens: 1000, output_tokens: 100, latency_ms: 20, faults: {stall: 1}}
)";
const char* kAnswerProfile = R"(seed: 5
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-hang: {input_tokens: 1000, output_tokens: 100, latency_ms: 20}
)";
// The worst case of one call of `hang`: the GPU-hour price over the policy's timeout,
// $3.60 x 30 s / 3,600 s = $0.03 = 30,000,000,000 pUSD.
constexpr int64_t kHangWorst = 30'000'000'000;

struct CallsOut {
  TempDir dir;
  std::optional<LiveSimulator> stalling, answering;

  CallsOut() {
    WriteSimSuite(dir, {kSamples, kTicketSchema, kOutSuite.c_str(), kStallProfile});
    dir.Write("answering.yaml", kAnswerProfile);
    dir.Write("prices.yaml", std::string(kSimPrices) +
                                 "  gpu: {gpu_hour_usd: \"3.60\", as_of: 2026-11-23, "
                                 "source: \"https://example.invalid/gpu\"}\n");
    stalling.emplace(dir.path() + "/profile.yaml");
    answering.emplace(dir.path() + "/answering.yaml");
    dir.Write("providers.yaml", stalling->Providers());
  }
  /// Points `hang` (provider sim-2) at the simulator that answers.
  void AnswerHang() {
    const std::string stalled = stalling->Providers();
    const std::string answered = answering->Providers();
    const std::string sim2 = "  sim-2: ";
    const size_t from = stalled.find(sim2), to = stalled.find('\n', from);
    const size_t afrom = answered.find(sim2), ato = answered.find('\n', afrom);
    dir.Write("providers.yaml",
              stalled.substr(0, from) + answered.substr(afrom, ato - afrom) + stalled.substr(to));
  }
  std::string JournalPath() const { return dir.path() + "/run/attempts.jsonl"; }
  int64_t Requests() const { return stalling->Stats().requests + answering->Stats().requests; }
  /// Sent lines no line answers (a call is its task, step and attempt).
  std::vector<json> Unanswered() const {
    std::map<AttemptKey, int> open;
    std::vector<json> unanswered;
    for (const json& sent : JournalLines(JournalPath(), "sent")) ++open[KeyOf(sent)];
    for (const json& a : JournalLines(JournalPath(), "attempt")) --open[KeyOf(a)];
    for (const json& sent : JournalLines(JournalPath(), "sent")) {
      if (open[KeyOf(sent)]-- > 0) unanswered.push_back(sent);
    }
    return unanswered;
  }
  /// Waits until the run is stuck with its 4 slots held by stalled calls, each a sent line
  /// without an answer. No deadline of its own: ctest's timeout ends a wait that never succeeds.
  void AwaitStuck(int64_t stalls) const {
    while (stalling->Stats().stalls < stalls || stalling->Stats().in_flight < 4) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

}  // namespace

TEST_CASE("e2e resume: calls out at kill -9 are journaled as sent, reported, never lost") {
  CallsOut suite;
  const std::vector<std::string> resume = {"run",        "--resume",      "run", "--quiet",
                                           "--no-cache", "--concurrency", "4"};
  CliChild first(
      {"run", "suite.yaml", "--out", "run", "--quiet", "--no-cache", "--concurrency", "4"},
      suite.dir.path(), kLiveSimKeys);
  suite.AwaitStuck(4);
  // The new run holds its directory from the start: a resume of it is refused meanwhile.
  CliOutcome early = RunCli(resume, suite.dir.path(), kLiveSimKeys);
  CHECK(early.exit_code == 2);
  CHECK(early.err.find("run directory run is in use by another taskcost run (pid " +
                       std::to_string(first.pid()) + ")") != std::string::npos);
  first.Signal(SIGKILL);
  REQUIRE(first.Wait().exit_code == 128 + SIGKILL);
  // Every request the provider received is an attempt line or a call sent without an answer.
  const size_t attempts_then = JournalLines(suite.JournalPath(), "attempt").size();
  std::vector<json> out = suite.Unanswered();
  CHECK(out.size() == 4);
  CHECK(suite.Requests() == static_cast<int64_t>(attempts_then + out.size()));
  for (const json& sent : out) {
    CHECK(sent.at("candidate") == "hang");
    CHECK(sent.at("worst_case_picousd") == kHangWorst);
  }

  // A resumed run holds the directory: a second one is refused with exit 2, naming its pid.
  CliChild second(resume, suite.dir.path(), kLiveSimKeys);
  suite.AwaitStuck(8);  // the 4 calls made again, stuck as well
  CliOutcome refused = RunCli(resume, suite.dir.path(), kLiveSimKeys);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err ==
        "taskcost: error: run directory run is in use by another taskcost run (pid " +
            std::to_string(second.pid()) +
            "); wait for it to end, or stop it, before running this directory "
            "again\n");
  second.Signal(SIGKILL);
  REQUIRE(second.Wait().exit_code == 128 + SIGKILL);
  out = suite.Unanswered();
  CHECK(out.size() == 8);
  CHECK(suite.Requests() ==
        static_cast<int64_t>(JournalLines(suite.JournalPath(), "attempt").size() + out.size()));

  // Finished with `hang` answered: 8 calls went out without an answer, at most 8 x $0.03.
  suite.AnswerHang();
  CliOutcome finished = RunCli(resume, suite.dir.path(), kLiveSimKeys);
  INFO(finished.err);
  REQUIRE(finished.exit_code == 0);
  const std::vector<json> attempts = JournalLines(suite.JournalPath(), "attempt");
  CHECK(attempts.size() == 16);  // every task of both candidates, answered at its first attempt
  CHECK(suite.Unanswered().size() == 8);
  CHECK(suite.Requests() == 16 + 8);
  const std::string line =
      "8 calls were in flight when the run stopped; their usage is unknown; at most $0.24 by "
      "the worst case";
  CHECK(finished.out.find(line) != std::string::npos);
  const json report = json::parse(ReadFileText(suite.dir.path() + "/run/report.json"));
  CHECK(report.at("calls_in_flight") == 8);
  CHECK(report.at("in_flight_worst_case_picousd") == 8 * kHangWorst);
  CHECK(report.at("in_flight_note") == line);
  CHECK(ReportCandidate(report, "hang").at("calls_in_flight") == 8);
  CHECK(ReportCandidate(report, "hang").at("tasks_in_flight") == 0);  // all made again
  CHECK(ReportCandidate(report, "good").at("calls_in_flight") == 0);
  CHECK(ReadFileText(suite.dir.path() + "/run/report.md")
            .find("8 calls were in flight when the run stopped; their usage is unknown; at most "
                  "\\$0.24 by the worst case") != std::string::npos);  // Markdown escapes $
  // `report` reads the same from the journal.
  CliOutcome again = RunCli({"report", "run", "--no-write"}, suite.dir.path());
  CHECK(again.exit_code == 0);
  CHECK(again.out == finished.out);
}

}  // namespace taskcost::resume_e2e_test
