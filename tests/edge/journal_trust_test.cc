// The journal is read as hostile input (issue 12, items 10 and 11): `sent` lines tell which
// calls went out without an answer, and every record that cannot be (a line journaled twice, a
// task or run the manifest does not have, attempts out of order, a second header, ...) is an
// error naming file and line, never silently counted or dropped. Rules: docs/journal-format.md.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal.h"
#include "tests/edge/temp_dir.h"

namespace taskcost::journal_trust_test {
namespace {

using testing::TempDir;

// run-1: a single model gpt-4o and a cascade `casc` (steps nano, big), samples s1 and s2, one
// repeat, at most 3 attempts a task (step).
RunManifest Manifest() {
  RunManifest m;
  m.run_id = "run-1";
  m.sample_ids = {"s1", "s2"};
  ManifestCandidate single;
  single.id = "gpt-4o";
  single.model = "gpt-4o";
  ManifestCandidate cascade;
  cascade.id = "casc";
  cascade.model = "cascade: nano > big";
  cascade.steps = {ManifestStep{"nano", "nano", {}}, ManifestStep{"big", "big", {}}};
  m.candidates = {single, cascade};
  m.policy.max_attempts = 3;
  return m;
}

Attempt Answer(const std::string& sample, int attempt, ErrorClass error = ErrorClass::kNone,
               const std::string& candidate = "gpt-4o", const std::string& step = "") {
  Attempt a;
  a.sample_id = sample;
  a.candidate_id = candidate;
  a.step = step;
  a.attempt = attempt;
  a.http_status = 200;
  a.error = error;
  a.success = error == ErrorClass::kNone;
  a.cost = Money::FromPicos(1'000);
  return a;
}

SentCall Sent(const std::string& sample, int attempt, int64_t worst_picos,
              const std::string& candidate = "gpt-4o") {
  SentCall s;
  s.sample_id = sample;
  s.candidate_id = candidate;
  s.attempt = attempt;
  s.started_unix_ms = 1'800'000'000'000;
  s.worst_case = Money::FromPicos(worst_picos);
  return s;
}

std::string Line(const Attempt& a) { return AttemptToJsonLine(a) + "\n"; }
std::string Line(const SentCall& s) { return SentCallToJsonLine(s) + "\n"; }

// A journal of run-1 (header version `version`) with `lines` after the header.
std::string Write(const TempDir& dir, const std::string& lines, int version = 3,
                  const std::string& run_id = "run-1") {
  const std::string path = dir.File("attempts.jsonl");
  std::ofstream(path, std::ios::binary) << JournalHeaderLine(run_id, version) << "\n" << lines;
  return path;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The error reading `path` against Manifest(), "" when it reads.
std::string ErrorOf(const std::string& path) {
  Result<JournalContents> read = ReadJournal(path, Manifest());
  return read.ok() ? "" : read.error().ToString();
}

}  // namespace

TEST_CASE("journal trust: a sent line reads back field for field, in the documented shape") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  SentCall model = Sent("s1", 2, 5'000);
  model.candidate_id = "casc";
  model.step = "nano";
  SentCall judge = Sent("s2", 1, 7'000);
  judge.check = 1;
  judge.judge = "judge(tone)";
  judge.call = 2;
  // s2's answer waits for its judge check (index 1), which is what the judge call is about.
  Attempt judged = Answer("s2", 1, ErrorClass::kScorerError);
  judged.checks = {CheckResult{"field_equals(category)", true, ""},
                   CheckResult{"judge(tone)", false, std::string(kNotJudgedReason)}};
  judged.checks[1].scorer_error = true;
  judged.checks[1].pending = true;
  {
    auto writer = JournalWriter::Open(path, "run-1", nullptr);
    REQUIRE(writer.ok());
    REQUIRE(writer.value()->AppendSent(model).ok());
    REQUIRE(writer.value()->Append(judged).ok());
    REQUIRE(writer.value()->AppendSent(judge).ok());
  }
  // docs/journal-format.md, "sent": the keys in this order; check, judge and call only for a
  // judge call, step only for a cascade or chain.
  CHECK(ReadText(path) ==
        JournalHeaderLine("run-1") + "\n" +
            R"({"type":"sent","sample":"s1","candidate":"casc","repeat":0,"step":"nano",)"
            R"("attempt":2,"started_unix_ms":1800000000000,"worst_case_picousd":5000})"
            "\n" +
            Line(judged) +
            R"({"type":"sent","sample":"s2","candidate":"gpt-4o","repeat":0,"attempt":1,)"
            R"x("check":1,"judge":"judge(tone)","call":2,"started_unix_ms":1800000000000,)x"
            R"("worst_case_picousd":7000})"
            "\n");
  // Read without a manifest: nothing answers either, so both are listed, in file order.
  Result<JournalContents> read = ReadJournal(path);
  REQUIRE(read.ok());
  REQUIRE(read->unanswered.size() == 2);
  const SentCall& first = read->unanswered[0];
  CHECK(first.sample_id == "s1");
  CHECK(first.candidate_id == "casc");
  CHECK(first.step == "nano");
  CHECK(first.attempt == 2);
  CHECK_FALSE(first.check.has_value());
  CHECK(first.started_unix_ms == 1'800'000'000'000);
  CHECK(first.worst_case.picos() == 5'000);
  CHECK(first.last_of_task);  // nothing of its task came after it
  const SentCall& second = read->unanswered[1];
  CHECK(second.check == 1);
  CHECK(second.judge == "judge(tone)");
  CHECK(second.call == 2);
  CHECK(second.worst_case.picos() == 7'000);
  CHECK_FALSE(second.last_of_task);  // a judge call is no task's
}

TEST_CASE("journal trust: calls sent without an answer are listed, answered ones are not") {
  TempDir dir;
  SUBCASE("answered by its attempt line, or still open at the end of the file") {
    const std::string path =
        Write(dir, Line(Sent("s1", 1, 5'000)) + Line(Answer("s1", 1)) + Line(Sent("s2", 1, 7'000)));
    Result<JournalContents> read = ReadJournal(path, Manifest());
    REQUIRE(read.ok());
    CHECK(read->attempts.size() == 1);
    REQUIRE(read->unanswered.size() == 1);
    CHECK(read->unanswered[0].sample_id == "s2");
    CHECK(read->unanswered[0].worst_case.picos() == 7'000);
    CHECK(read->unanswered[0].last_of_task);
  }
  SUBCASE("sent again by a resumed run and answered then: the first call still went out") {
    // Killed with s2's attempt 1 out; the resumed run made the same call, which was answered.
    const std::string path =
        Write(dir, Line(Sent("s2", 1, 7'000)) + Line(Sent("s2", 1, 7'000)) + Line(Answer("s2", 1)));
    Result<JournalContents> read = ReadJournal(path, Manifest());
    REQUIRE(read.ok());
    REQUIRE(read->unanswered.size() == 1);
    CHECK(read->unanswered[0].sample_id == "s2");
    CHECK_FALSE(read->unanswered[0].last_of_task);  // its task went on
  }
  SUBCASE("answered by the response cache after a kill: the call sent before got no answer") {
    Attempt cached = Answer("s2", 1);
    cached.cached = true;
    const std::string path = Write(dir, Line(Sent("s2", 1, 7'000)) + Line(cached));
    Result<JournalContents> read = ReadJournal(path, Manifest());
    REQUIRE(read.ok());
    REQUIRE(read->unanswered.size() == 1);
    CHECK_FALSE(read->unanswered[0].last_of_task);  // its task has its answer
  }
  SUBCASE("a cached attempt, which was never sent, needs no sent line") {
    Attempt cached = Answer("s1", 1);
    cached.cached = true;
    Result<JournalContents> read = ReadJournal(Write(dir, Line(cached)), Manifest());
    REQUIRE(read.ok());
    CHECK(read->unanswered.empty());
  }
}

TEST_CASE("journal trust: records that cannot be are errors with file and line") {
  TempDir dir;
  struct Case {
    const char* what;
    std::string lines;
    std::string error;  // after "PATH:"
  };
  Attempt ghost = Answer("s1", 1);
  ghost.candidate_id = "ghost";
  Attempt repeat = Answer("s1", 1);
  repeat.repeat = 1;
  const std::string header_line = JournalHeaderLine("run-1") + "\n";
  const std::vector<Case> cases = {
      {"a line journaled twice", Line(Answer("s1", 1)) + Line(Answer("s1", 1)),
       "3: attempt 1 of task (s1, gpt-4o, repeat 0) comes after attempt 1: journaled twice"},
      {"a candidate run.json does not list", Line(ghost),
       "2: attempt of task (s1, ghost, repeat 0): candidate \"ghost\" is not one of the run's "
       "(run.json)"},
      {"a sample run.json does not list", Line(Answer("s9", 1)),
       "2: attempt of task (s9, gpt-4o, repeat 0): sample \"s9\" is not one of the run's "
       "(run.json)"},
      {"a repeat the run does not have", Line(repeat),
       "2: attempt of task (s1, gpt-4o, repeat 1): repeat 1 is not one of the run's (0 to 0)"},
      {"an attempt missing between two",
       Line(Answer("s1", 1, ErrorClass::kServer)) + Line(Answer("s1", 3)),
       "3: attempt 3 of task (s1, gpt-4o, repeat 0) comes where attempt 2 should: an attempt is "
       "missing"},
      {"attempts out of order", Line(Answer("s1", 2)),
       "2: attempt 2 of task (s1, gpt-4o, repeat 0) comes where attempt 1 should: an attempt is "
       "missing"},
      {"an attempt after the one that ended the task",
       Line(Answer("s1", 1)) + Line(Answer("s1", 2)),
       "3: attempt 2 of task (s1, gpt-4o, repeat 0) comes after attempt 1, which ended the task"},
      {"beyond the policy's attempts",
       Line(Answer("s1", 1, ErrorClass::kServer)) + Line(Answer("s1", 2, ErrorClass::kServer)) +
           Line(Answer("s1", 3, ErrorClass::kServer)) + Line(Answer("s1", 4)),
       "5: attempt of task (s1, gpt-4o, repeat 0): attempt 4 is beyond the policy's "
       "max_attempts (3)"},
      {"a second header", Line(Answer("s1", 1)) + header_line,
       "3: /type: a second journal header (a journal has one, its first line): two journals "
       "joined into one file?"},
      {"a cascade's attempt without its step", Line(Answer("s1", 1, ErrorClass::kNone, "casc")),
       "2: attempt of task (s1, casc, repeat 0): no step, but casc is a cascade or chain"},
      {"a step the cascade does not have", Line(Answer("s1", 1, ErrorClass::kNone, "casc", "huge")),
       "2: attempt of task (s1, casc, repeat 0, step huge): step \"huge\" is not one of casc's"},
      {"a cascade's later step before the earlier one ended",
       Line(Answer("s1", 1, ErrorClass::kServer, "casc", "nano")) +
           Line(Answer("s1", 1, ErrorClass::kNone, "casc", "big")),
       "3: attempt 1 of task (s1, casc, repeat 0, step big) comes while the step before it had "
       "not ended (attempt 1)"},
      {"a sent line for a call already answered",
       Line(Answer("s1", 1, ErrorClass::kServer)) + Line(Sent("s1", 1, 5'000)),
       "3: a sent line for attempt 1 of task (s1, gpt-4o, repeat 0) comes after attempt 1: "
       "that call was answered already"},
      {"two calls of one task out at once", Line(Sent("s1", 1, 5'000)) + Line(Sent("s1", 2, 5'000)),
       "3: a sent line for attempt 2 of task (s1, gpt-4o, repeat 0) while another call of the "
       "task had no answer"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const std::string path = Write(dir, c.lines);
    CHECK(ErrorOf(path) == path + ":" + c.error);
  }

  SUBCASE("a header with another run's id") {
    const std::string path = Write(dir, Line(Answer("s1", 1)), 3, "run-2");
    CHECK(ErrorOf(path) ==
          path + ":1: this journal belongs to run \"run-2\", but run.json is run \"run-1\"");
  }
  SUBCASE("a sent line under a version 2 header") {
    const std::string path = Write(dir, Line(Sent("s1", 1, 5'000)), 2);
    const std::string expected =
        path + ":2: a sent line in a version 2 journal (sent lines are journal format 3)";
    CHECK(ErrorOf(path) == expected);
    CHECK(ReadJournal(path).error().ToString() == expected);  // without run.json too
  }
  SUBCASE("a judge call sent for an attempt that awaits no judge") {
    SentCall judge = Sent("s1", 1, 7'000);
    judge.check = 0;
    judge.judge = "judge(tone)";
    judge.call = 1;
    const std::string path = Write(dir, Line(Answer("s1", 1)) + Line(judge));
    CHECK(ErrorOf(path) == path +
                               ":3: a sent line for a judge call (judge(tone)) about attempt 1 of "
                               "task (s1, gpt-4o, repeat 0), which is not journaled before it or "
                               "awaits no verdict from that judge");
  }
  SUBCASE("a good journal of every kind of line reads") {
    // gpt-4o: s1 retried once; casc: s1 escalated from nano (3 failures) to big.
    const std::string path =
        Write(dir, Line(Sent("s1", 1, 5'000)) + Line(Answer("s1", 1, ErrorClass::kServer)) +
                       Line(Sent("s1", 2, 5'000)) + Line(Answer("s1", 2)) +
                       Line(Answer("s1", 1, ErrorClass::kInvalidOutput, "casc", "nano")) +
                       Line(Answer("s1", 2, ErrorClass::kInvalidOutput, "casc", "nano")) +
                       Line(Answer("s1", 3, ErrorClass::kInvalidOutput, "casc", "nano")) +
                       Line(Answer("s1", 1, ErrorClass::kNone, "casc", "big")));
    CHECK(ErrorOf(path) == "");
  }
}

TEST_CASE("journal trust: reopening a version 2 journal announces version 3 before appending") {
  TempDir dir;
  const std::string lines = Line(Answer("s1", 1, ErrorClass::kServer));
  const std::string path = Write(dir, lines, 2);
  {
    auto writer = JournalWriter::Open(path, "run-1", nullptr);
    REQUIRE(writer.ok());
    REQUIRE(writer.value()->AppendSent(Sent("s1", 2, 5'000)).ok());
  }
  // The header is rewritten in place (only its version digit differs), the lines kept.
  CHECK(JournalHeaderLine("run-1", 2).size() == JournalHeaderLine("run-1").size());
  CHECK(ReadText(path) ==
        R"({"type":"header","format":"taskcost-journal","version":3,"run_id":"run-1"})"
        "\n" +
            lines + Line(Sent("s1", 2, 5'000)));
  Result<JournalContents> read = ReadJournal(path, Manifest());
  REQUIRE(read.ok());
  CHECK(read->unanswered.size() == 1);
}

}  // namespace taskcost::journal_trust_test
