// Hostile replies through the run loop (issue 12, items 1, 3 and 4): every one ends as a
// journaled attempt of the right class, read back from attempts.jsonl as written, with its
// cost worked by hand; the budget counts what an implausible usage is priced at; resume reads
// the journal back without a crash.
//
// Reply shapes: OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat/
// object), the "fake" provider of plan_fixture.h being OpenAI-compatible.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "harness/edge/journal.h"
#include "harness/runner/judge.h"
#include "harness/runner/runner.h"
#include "tests/edge/temp_dir.h"
#include "tests/runner/fake_transport.h"
#include "tests/runner/plan_fixture.h"

namespace taskcost::hostile_reply_run_test {
namespace {
namespace fs = std::filesystem;
using testing::PlanFixture;

// PlanFixture (plan_fixture.h): S1's request is B = 176 bytes less its envelope, S2's 188; big
// is $5.00 in / $15.00 out per 1M with max_tokens 200; small $0.80 / $4.00 with max_tokens 100.
// The reservation of a call is (floor(B / 3) + 32) input tokens (S1 58 + 32 = 90, S2 62 + 32 =
// 94) and max_tokens output (docs/plan.md, worked out in run_plan_test.cc):
//   big S1:   90 in, 200 out -> 90 x $5/1M + 200 x $15/1M = $0.00045 + $0.003 = $0.00345
//   big S2:   94 in, 200 out -> $0.00047 + $0.003 = $0.00347
//   small S1: 90 in, 100 out -> 90 x $0.80/1M + 100 x $4/1M = $0.000072 + $0.0004 = $0.000472
//   small S2: 94 in, 100 out -> $0.0000752 + $0.0004 = $0.0004752

// A Chat Completions reply whose message content is `content` (JSON text of a string) and whose
// usage is `usage` (JSON text).
HttpResponse Completion(const std::string& content, const std::string& usage) {
  HttpResponse r;
  r.status = 200;
  r.body = R"({"id":"chatcmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,)"
           R"("message":{"role":"assistant","content":)" +
           content + R"(,"refusal":null},"finish_reason":"stop"}],"usage":)" + usage + "}";
  return r;
}

const char* const kUsage = R"({"prompt_tokens":1000,"completion_tokens":100})";

struct RunDir {
  testing::TempDir temp;  // mkdtemp: parallel test processes never share one
  std::string Journal() const { return temp.File("attempts.jsonl"); }
};

// Runs PlanFixture's plan (candidates big and small, samples S1 and S2) against `respond`, and
// returns the attempts as read back from the journal.
std::vector<Attempt> RunAndRead(const RunDir& run, FakeTransport::Responder respond,
                                RunOptions options = {}, RunResult* result = nullptr) {
  PlanFixture f;
  f.suite.policy.max_attempts = 1;
  const RunPlan plan = f.Plan();
  FakeTransport transport(std::move(respond));
  FakeClock clock;
  std::vector<std::string> warnings;
  auto journal = JournalWriter::Open(run.Journal(), "run-1", &warnings).value();
  RunResult ran = ExecuteRun(plan, {}, options, transport, clock, *journal).value();
  if (result != nullptr) *result = ran;
  journal.reset();
  Result<JournalContents> read = ReadJournal(run.Journal());
  REQUIRE(read.ok());
  return read->attempts;
}

const Attempt& Find(const std::vector<Attempt>& attempts, const std::string& sample,
                    const std::string& candidate) {
  for (const Attempt& a : attempts) {
    if (a.sample_id == sample && a.candidate_id == candidate) return a;
  }
  FAIL("no attempt of " << sample << " " << candidate);
  return attempts.front();
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

TEST_CASE("hostile run: an answer holding 1e999 is journaled as invalid output, then resumed") {
  RunDir run;
  const std::vector<Attempt> attempts =
      RunAndRead(run, [](const HttpRequest&) { return Completion(R"("{\"n\": 1e999}")", kUsage); });
  REQUIRE(attempts.size() == 4);
  const Attempt& a = Find(attempts, "S1", "big");
  CHECK(a.error == ErrorClass::kInvalidOutput);
  CHECK(a.error_message ==
        "output does not match the schema: output is not JSON: the number 1e999 is out of range "
        "at line 1, column 7");
  CHECK(a.output == R"({"n": 1e999})");
  // Paid and journaled: 1,000 in x $5/1M + 100 out x $15/1M = $0.005 + $0.0015 = $0.0065.
  CHECK(a.cost == Usd("0.0065"));
  CHECK_FALSE(a.success);
  // --resume reads the journal back and finds nothing left to do (one attempt per task).
  PlanFixture f;
  f.suite.policy.max_attempts = 1;
  FakeTransport again([](const HttpRequest&) { return Completion("\"{}\"", kUsage); });
  FakeClock clock;
  auto journal = JournalWriter::Open(run.Journal(), "run-1", nullptr).value();
  RunResult resumed = ExecuteRun(f.Plan(), attempts, {}, again, clock, *journal).value();
  CHECK(resumed.attempts == 0);
  CHECK(again.requests.empty());
}

TEST_CASE("hostile run: deep replies and deep answers are journaled as invalid output") {
  RunDir run;
  const std::vector<Attempt> attempts = RunAndRead(run, [](const HttpRequest& request) {
    // big gets a body of 100k nested arrays; small an answer of 100k nested arrays.
    if (request.body.find("m-big") != std::string::npos) {
      HttpResponse r;
      r.status = 200;
      r.body = Nested(100'000);
      return r;
    }
    return Completion("\"" + Nested(100'000) + "\"", kUsage);
  });
  REQUIRE(attempts.size() == 4);
  const Attempt& body = Find(attempts, "S1", "big");
  CHECK(body.error == ErrorClass::kInvalidOutput);
  CHECK(body.error_message ==
        "provider response cannot be read: nested deeper than 256 levels at line 1, column 257");
  // A 2xx reply nothing could be read of was most likely billed: flagged, and priced at the
  // reservation (90 in x $5/1M + 200 out x $15/1M = $0.00345), never a silent $0.
  CHECK(body.usage_flag == "usage unknown: the response could not be read");
  CHECK(body.usage == Usage{.input_tokens = 90, .output_tokens = 200});
  CHECK(body.cost == Usd("0.00345"));
  const Attempt& answer = Find(attempts, "S2", "small");
  CHECK(answer.error == ErrorClass::kInvalidOutput);
  CHECK(answer.error_message ==
        "output does not match the schema: output is not JSON: nested deeper than 256 levels at "
        "line 1, column 257");
  // 1,000 x $0.80/1M + 100 x $4/1M = $0.0008 + $0.0004 = $0.0012.
  CHECK(answer.cost == Usd("0.0012"));
}

TEST_CASE("hostile run: implausible usage is journaled raw, flagged, priced at the reservation") {
  RunDir run;
  const std::vector<Attempt> attempts = RunAndRead(run, [](const HttpRequest& request) {
    const bool big = request.body.find("m-big") != std::string::npos;
    // big: 1e12 prompt tokens. small: 900 cached of a 100-token prompt, 300 completion tokens.
    return Completion("\"{}\"", big ? R"({"prompt_tokens":1000000000000,"completion_tokens":10})"
                                    : R"({"prompt_tokens":100,"completion_tokens":300,)"
                                      R"("prompt_tokens_details":{"cached_tokens":900}})");
  });
  REQUIRE(attempts.size() == 4);
  const Attempt& big = Find(attempts, "S1", "big");
  CHECK(big.success);  // the answer is fine; only its usage is doubted
  CHECK(big.usage_flag == "prompt_tokens 1000000000000 is above the per-call bound of 100000000");
  CHECK(big.usage_raw == R"({"prompt_tokens":1000000000000,"completion_tokens":10})");
  // Input unreadable (0) raised to the reserved 90, output 10 raised to max_tokens 200:
  // $0.00345, the reservation (believed, 1e12 x $5/1M would have been $5,000,000).
  CHECK(big.usage == Usage{.input_tokens = 90, .output_tokens = 200});
  CHECK(big.cost == Usd("0.00345"));
  CHECK(Find(attempts, "S2", "big").cost == Usd("0.00347"));

  const Attempt& small = Find(attempts, "S1", "small");
  CHECK(small.usage_flag ==
        "prompt_tokens_details.cached_tokens 900 is more than prompt_tokens 100");
  // Read: input max(0, 100 - 900) = 0, cached 900, output 300. Raised: input 90 (reserved),
  // cached 900, output 300 (above max_tokens 100). No cached price: cached at the input price.
  //   (90 + 900) x $0.80/1M + 300 x $4/1M = $0.000792 + $0.0012 = $0.001992
  CHECK(small.usage == Usage{.input_tokens = 90, .cached_input_tokens = 900, .output_tokens = 300});
  CHECK(small.cost == Usd("0.001992"));
}

TEST_CASE("hostile run: the budget counts implausible usage at what it is priced") {
  RunDir run;
  RunOptions options;
  // Every call claims 1e12 prompt tokens, so each is priced at its reservation (above). The
  // budget of $0.004 holds big S1 ($0.00345) and small S1 ($0.000472), $0.003922 in all, but
  // not a third call ($0.003922 + $0.0004752 > $0.004): the run stops on the budget.
  options.budget = Usd("0.004");
  RunResult result;
  const std::vector<Attempt> attempts = RunAndRead(
      run,
      [](const HttpRequest&) {
        return Completion("\"{}\"", R"({"prompt_tokens":1e12,"completion_tokens":10})");
      },
      options, &result);
  CHECK(result.stop == StopCause::kBudget);
  CHECK(result.spent == Usd("0.003922"));
  CHECK(attempts.size() == 2);
  Money journaled;
  for (const Attempt& a : attempts) {
    CHECK_FALSE(a.usage_flag.empty());
    journaled += a.cost;
  }
  CHECK(journaled == result.spent);
  CHECK(journaled > Money());
}

TEST_CASE("hostile run: a judge call's implausible usage is priced at the judge's reservation") {
  PlanFixture f;
  SuccessCriterion judge;
  judge.kind = "judge";
  judge.judge = 0;
  judge.judge_name = "tone";
  judge.rubric = "Polite?";
  judge.quality = true;
  f.suite.quality.push_back(judge);
  f.suite.judges.push_back(Candidate{"judge(tone)", "fake", "m-judge", "m-judge", false});
  f.prices.models.push_back(
      ModelPrice{"m-judge", testing::PerMillionUsd("1.00"), testing::PerMillionUsd("2.00")});
  const RunPlan plan = f.Plan();
  Attempt judged;
  judged.sample_id = "S1";
  judged.candidate_id = "big";
  judged.output = "{}";
  judged.checks.push_back(CheckResult{"judge(tone)", false, "", std::nullopt, true, false, true});
  const JudgeCall record = MakeJudgeRecord(
      plan, judged, 0, 1, 0,
      Completion(R"("{\"pass\":true}")", R"({"prompt_tokens":-5,"completion_tokens":7})"));
  CHECK(record.usage_flag == "prompt_tokens -5 is negative");
  CHECK(record.verdict.has_value());  // the verdict stands; only the usage is doubted
  // The judge's reservation: its request body less the envelope, B (judge_run_test.cc works
  // the parts out): the system message 31 + 209, the response format 98 + 201, and the user
  // message: "Rubric:\n" 8 + "Polite?" 7 + "\n\nThe task's input:\n" 20 + "T: " and S1's 20
  // characters 23 + "\n\nThe answer to grade:\n" 23 + "{}" 2 = 83 characters, 7 newlines
  // escaped to 2 bytes: 90. B = 31 + 209 + 90 + 98 + 201 = 629; floor(629 / 3) + 32 = 241 input
  // tokens, and the judge's max_tokens (1,024 by default) out.
  CHECK(record.usage == Usage{.input_tokens = 241, .output_tokens = 1024});
  // 241 x $1/1M + 1,024 x $2/1M = 241,000,000 + 2,048,000,000 pUSD.
  CHECK(record.cost == Money::FromPicos(2'289'000'000));
}

}  // namespace
}  // namespace taskcost::hostile_reply_run_test
