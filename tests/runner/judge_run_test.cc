// LLM judges in a run: a judge call per answer the other checks left undecided, journaled as its
// own line, retried by the suite's policy, its cost reported as evaluation overhead and never
// added to a task; resume asks only the judge. Every figure below is worked out by hand.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/core/metrics/metrics.h"
#include "harness/runner/judge.h"
#include "harness/runner/runner.h"
#include "tests/edge/temp_dir.h"
#include "tests/runner/fake_models.h"
#include "tests/runner/fake_transport.h"

namespace taskcost::judge_run_test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

Money Usd(const char* usd) { return Money::ParseUsd(usd).value(); }

// Every reply reports 1,000 input and 200 output tokens, so one call costs:
//   big   ($5.00 / $15.00 per 1M): $0.005 + $0.003  = $0.008
//   small ($0.80 / $4.00 per 1M):  $0.0008 + $0.0008 = $0.0016
//   judge ($1.00 / $2.00 per 1M):  $0.001 + $0.0004  = $0.0014
struct Fixture {
  Suite suite;
  ProviderCatalog providers;
  PriceCatalog prices;
  testing::TempDir temp;  // mkdtemp: parallel test processes never share one
  fs::path dir = temp.path();

  // `judge_list`: where the judge goes; the suite also has field_equals(category) in success:.
  Fixture(int samples, bool success_judge, std::optional<int64_t> pass_ppm = std::nullopt) {
    suite.name = "judged";
    suite.file = "judged.yaml";
    suite.prompt.user = "Ticket: {{text}}";
    suite.output.schema_json = R"({"type":"object","properties":{"category":{"type":"string"},)"
                               R"("note":{"type":"string"}},"required":["category"]})";
    suite.success.push_back(SuccessCriterion{"field_equals", "category", "{{expected}}"});
    SuccessCriterion judge;
    judge.kind = "judge";
    judge.judge = 0;
    judge.judge_name = "tone";
    judge.rubric = "Polite about {{text}}";
    judge.pass_ppm = pass_ppm;
    judge.quality = !success_judge;
    (success_judge ? suite.success : suite.quality).push_back(judge);
    suite.judges.push_back(Candidate{"judge(tone)", "fake", "m-judge", "m-judge", false});
    suite.policy.backoff_initial = std::chrono::milliseconds(0);
    suite.policy.backoff_max = std::chrono::milliseconds(0);
    for (int i = 1; i <= samples; ++i) {
      Sample s;
      s.id = "S" + std::to_string(i);
      s.fields = {{"id", s.id}, {"text", "ticket " + std::to_string(i)}, {"expected", "a"}};
      s.json = json{{"id", s.id}}.dump();
      suite.samples.push_back(s);
    }
    testing::AddFakeModels(suite, providers, prices);
    prices.models.push_back(
        ModelPrice{"m-judge", testing::PerMillionUsd("1.00"), testing::PerMillionUsd("2.00")});
  }

  RunPlan Plan() const { return BuildRunPlan(suite, providers, prices, {}, false, 1).value(); }
  std::string JournalPath() const { return (dir / "attempts.jsonl").string(); }
};

HttpResponse Reply(const std::string& content) { return testing::FakeReply(200, content); }

HttpResponse ServerError() {
  HttpResponse r;
  r.status = 500;
  r.body = R"({"error":{"message":"boom","type":"server_error"}})";
  return r;
}

std::string ModelOf(const HttpRequest& request) {
  return json::parse(request.body).at("model").get<std::string>();
}
std::string UserOf(const HttpRequest& request) {
  return json::parse(request.body).at("messages").back().at("content").get<std::string>();
}
bool IsJudge(const HttpRequest& request) { return ModelOf(request) == "m-judge"; }

std::string Verdict(bool pass, double score, const std::string& reason) {
  return json{{"pass", pass}, {"score", score}, {"reason", reason}}.dump();
}

struct Ran {
  RunResult result;
  std::vector<Attempt> journal;  // as the reader merges it
  std::vector<Attempt> fed;      // as on_journaled handed them over
  Report report;
};

Ran Execute(const Fixture& f, FakeTransport& transport, const std::vector<Attempt>& previous = {}) {
  RunPlan plan = f.Plan();
  FakeClock clock;
  Ran ran;
  RunOptions options;
  options.on_journaled = [&ran](const Attempt& a) { ran.fed.push_back(a); };
  {
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    ran.result = ExecuteRun(plan, previous, options, transport, clock, *journal).value();
  }
  ran.journal = ReadJournal(f.JournalPath())->attempts;
  const RunManifest manifest = MakeManifest(plan, "run-1", 0, false, "test");
  ran.report = ComputeReport(manifest, ran.journal);
  return ran;
}

const CheckResult& CheckNamed(const Attempt& a, const std::string& name) {
  for (const CheckResult& c : a.checks) {
    if (c.name == name) return c;
  }
  FAIL("no check " << name);
  return a.checks.front();
}

}  // namespace

TEST_CASE("judge: a quality judge's verdicts are journaled apart and cost nothing to the task") {
  Fixture f(2, /*success_judge=*/false);
  FakeTransport transport([](const HttpRequest& r) {
    if (IsJudge(r)) return Reply(Verdict(true, 0.8, "polite"));
    return Reply(R"({"category":"a"})");
  });
  Ran ran = Execute(f, transport);
  CHECK(ran.result.attempts == 4);
  CHECK(ran.result.judge_calls == 4);
  // Tasks: 2 x $0.008 + 2 x $0.0016 = $0.0192; judges: 4 x $0.0014 = $0.0056.
  CHECK(ran.result.judge_spent == Usd("0.0056"));
  CHECK(ran.result.spent == Usd("0.0248"));
  REQUIRE(ran.journal.size() == 4);
  for (const Attempt& a : ran.journal) {
    CHECK(a.success);
    CHECK(a.cost == (a.candidate_id == "big" ? Usd("0.008") : Usd("0.0016")));
    REQUIRE(a.judge_calls.size() == 1);
    CHECK(a.judge_calls[0].cost == Usd("0.0014"));
    CHECK(a.judge_calls[0].judge == "judge(tone)");
    const CheckResult& tone = CheckNamed(a, "judge(tone)");
    CHECK(tone.pass);
    CHECK(tone.score == doctest::Approx(0.8));
    CHECK(tone.reason == "polite");
    CHECK_FALSE(tone.pending);
  }
  // The judge saw the rubric rendered for its sample, the task's input and the answer.
  for (const HttpRequest& r : transport.requests) {
    if (!IsJudge(r)) continue;
    const std::string user = UserOf(r);
    CHECK(user.find("Rubric:\nPolite about ticket ") == 0);
    CHECK(user.find("The task's input:\nTicket: ticket ") != std::string::npos);
    CHECK(user.find("The answer to grade:\n{\"category\":\"a\"}") != std::string::npos);
    CHECK(json::parse(r.body).at("response_format").at("json_schema").at("name") == "verdict");
  }
  const CandidateMetrics& big = *ran.report.Find("big");
  CHECK(big.total_cost == Usd("0.016"));
  CHECK(big.cost_per_success == Usd("0.008"));
  CHECK(big.judge_calls == 2);
  CHECK(big.judge_cost == Usd("0.0028"));
  CHECK(big.quality_score == doctest::Approx(0.8));
  CHECK(ran.report.total_cost == Usd("0.0192"));
  CHECK(ran.report.judge_cost == Usd("0.0056"));
  // The live report's feed equals what the journal gives back.
  CHECK(ran.fed.size() == 4);
  const RunManifest manifest = MakeManifest(f.Plan(), "run-1", 0, false, "test");
  CHECK(ComputeReport(manifest, ran.fed).judge_cost == ran.report.judge_cost);
}

TEST_CASE("judge: a success judge fails answers, and is not asked when another check failed") {
  Fixture f(2, /*success_judge=*/true, /*pass_ppm=*/700'000);
  FakeTransport transport([](const HttpRequest& r) {
    if (IsJudge(r)) {  // scores 0.9 for ticket 1 and 0.6 for ticket 2; the threshold is 0.7
      const bool first = UserOf(r).find("ticket 1") != std::string::npos;
      return Reply(Verdict(true, first ? 0.9 : 0.6, first ? "fine" : "curt"));
    }
    return Reply(ModelOf(r) == "m-small" ? R"({"category":"b"})" : R"({"category":"a"})");
  });
  Ran ran = Execute(f, transport);
  CHECK(ran.result.judge_calls == 2);  // big's two answers; small's failed field_equals
  for (const Attempt& a : ran.journal) {
    const CheckResult& tone = CheckNamed(a, "judge(tone)");
    if (a.candidate_id == "small") {
      CHECK(a.error == ErrorClass::kIncorrect);
      CHECK(a.judge_calls.empty());
      CHECK(tone.scorer_error);
      CHECK(tone.reason == "not asked: the answer already failed field_equals(category)");
    } else if (a.sample_id == "S1") {
      CHECK(a.success);
      CHECK(tone.score == doctest::Approx(0.9));
    } else {
      CHECK(a.error == ErrorClass::kIncorrect);  // 0.6 < 0.7 although the judge said pass
      CHECK(a.error_message == "judge(tone): curt");
      CHECK_FALSE(tone.pass);
    }
  }
  const CandidateMetrics& big = *ran.report.Find("big");
  CHECK(big.successes == 1);
  CHECK(big.cost_per_success == Usd("0.016"));  // two calls, one success
  CHECK(big.judge_cost == Usd("0.0028"));
}

TEST_CASE("judge: a failing judge call is retried by the policy and every call is overhead") {
  Fixture f(1, /*success_judge=*/true);
  f.suite.candidates.pop_back();  // big alone
  std::map<std::string, int> judged;
  FakeTransport transport([&](const HttpRequest& r) {
    if (!IsJudge(r)) return Reply(R"({"category":"a"})");
    const int n = ++judged[UserOf(r)];
    if (n == 1) return ServerError();
    return Reply(n == 2 ? "LGTM" : Verdict(true, 1, "ok"));  // prose, then a verdict
  });
  Ran ran = Execute(f, transport);
  REQUIRE(ran.journal.size() == 1);
  const Attempt& a = ran.journal[0];
  CHECK(a.success);
  REQUIRE(a.judge_calls.size() == 3);
  CHECK(a.judge_calls[0].error == ErrorClass::kServer);
  CHECK_FALSE(a.judge_calls[0].verdict.has_value());
  CHECK(a.judge_calls[1].error == ErrorClass::kInvalidOutput);
  CHECK(a.judge_calls[1].error_message.find("not a verdict") != std::string::npos);
  CHECK(a.judge_calls[2].call == 3);
  CHECK(a.judge_calls[2].verdict.has_value());
  // A 500 without usage costs nothing; the two answers $0.0014 each.
  CHECK(ran.report.judge_cost == Usd("0.0028"));
  CHECK(ran.report.Find("big")->total_cost == Usd("0.008"));
}

TEST_CASE("judge: a judge that never gives a verdict leaves the task unjudged, not failed") {
  Fixture f(1, /*success_judge=*/true);
  f.suite.candidates.pop_back();
  FakeTransport transport([](const HttpRequest& r) {
    return Reply(IsJudge(r) ? "I think it is fine" : R"({"category":"a"})");
  });
  Ran ran = Execute(f, transport);
  REQUIRE(ran.journal.size() == 1);
  const Attempt& a = ran.journal[0];
  CHECK(a.judge_calls.size() == 3);  // max_attempts 3
  CHECK(a.error == ErrorClass::kScorerError);
  const CheckResult& tone = CheckNamed(a, "judge(tone)");
  CHECK(tone.scorer_error);
  CHECK(tone.reason.find("the judge m-judge gave no verdict after 3 calls: invalid_output: ") == 0);
  CHECK(ran.report.Find("big")->unjudged_tasks == 1);
  CHECK(ran.report.judge_cost == Usd("0.0042"));
}

TEST_CASE("judge: resume asks only the judge about an answer journaled without its verdict") {
  Fixture f(1, /*success_judge=*/false);
  f.suite.candidates.pop_back();
  RunPlan plan = f.Plan();
  // The answer was paid for and journaled; the run died before the judge answered.
  Attempt answered = MakeAttempt(plan, PlannedTask{}, 1, 0, Reply(R"({"category":"a"})"));
  REQUIRE(AwaitingJudge(answered));
  CHECK(answered.success);  // a quality judge never decides success; only its score waits
  CHECK(CheckNamed(answered, "judge(tone)").reason == kNotJudgedReason);
  {
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    REQUIRE(journal->Append(answered).ok());
  }
  std::vector<Attempt> previous = ReadJournal(f.JournalPath())->attempts;
  REQUIRE(previous.size() == 1);
  CHECK(AwaitingJudge(previous[0]));  // read back as not judged

  FakeTransport transport([](const HttpRequest& r) {
    return Reply(IsJudge(r) ? Verdict(false, 0.25, "rude") : R"({"category":"a"})");
  });
  Ran ran = Execute(f, transport, previous);
  REQUIRE(transport.requests.size() == 1);
  CHECK(IsJudge(transport.requests[0]));
  CHECK(ran.result.attempts == 0);
  CHECK(ran.result.spent == Usd("0.0014"));  // the judge call alone
  REQUIRE(ran.journal.size() == 1);
  CHECK(ran.journal[0].success);
  CHECK(CheckNamed(ran.journal[0], "judge(tone)").score == doctest::Approx(0.25));
  CHECK(ran.report.Find("big")->total_cost == Usd("0.008"));
  CHECK(ran.report.Find("big")->quality_score == doctest::Approx(0.25));
}

namespace {

// Cascade small-then-big: small answers with a note "cheap", which the judge fails; big's plain
// answer passes. Runs it and checks the figures worked out below.
Ran RunJudgedCascade(Fixture& f) {
  Candidate cascade;
  cascade.id = "small-then-big";
  cascade.cascade = {"small", "big"};
  f.suite.candidates.push_back(cascade);
  FakeTransport transport([](const HttpRequest& r) {
    if (!IsJudge(r)) {
      return Reply(ModelOf(r) == "m-small" ? R"({"category":"a","note":"cheap"})"
                                           : R"({"category":"a"})");
    }
    const bool cheap = UserOf(r).find("cheap") != std::string::npos;
    return Reply(Verdict(!cheap, cheap ? 0 : 1, cheap ? "sloppy" : "good"));
  });
  Ran ran = Execute(f, transport);
  const CandidateMetrics& c = *ran.report.Find("small-then-big");
  CHECK(c.escalated_tasks == 1);
  CHECK(c.successes == 1);
  CHECK(c.total_cost == Usd("0.0096"));  // $0.0016 + $0.008
  CHECK(c.judge_cost == Usd("0.0028"));  // one judge call per step
  CHECK(ran.report.Find("small")->successes == 0);
  return ran;
}

}  // namespace

TEST_CASE("judge: a cascade escalates when its success judge fails the first step") {
  Fixture f(1, /*success_judge=*/true);
  RunJudgedCascade(f);
}

TEST_CASE("judge: with a command scorer (off the loop) the judge asks after it, cascades go on") {
  // As the cascade above, with a command scorer that passes every answer among the success
  // checks: answers are scored on the scorer pool, then judged, then the cascade escalates.
  Fixture f(1, /*success_judge=*/true);
  SuccessCriterion command;
  command.kind = "command";
  command.command = {"sh", "-c", "cat > /dev/null; echo '{\"pass\": true}'"};
  command.timeout = std::chrono::seconds(30);
  f.suite.success.insert(f.suite.success.begin() + 1, command);  // before the judge
  Ran ran = RunJudgedCascade(f);
  CHECK(ran.report.Find("big")->successes == 1);
  for (const Attempt& a : ran.journal) {
    INFO(a.candidate_id, " ", a.step);
    REQUIRE(a.checks.size() == 3);  // field_equals, the command, the judge
    CHECK(a.checks[1].pass);
    CHECK_FALSE(CheckNamed(a, "judge(tone)").pending);
  }
  CHECK(ran.fed.size() == ran.journal.size());  // each handed over once, judged
}

TEST_CASE("judge: the journal reader keeps an attempt whose judge line never came as unjudged") {
  Fixture f(1, /*success_judge=*/true);
  RunPlan plan = f.Plan();
  Attempt answered = MakeAttempt(plan, PlannedTask{}, 1, 0, Reply(R"({"category":"a"})"));
  Attempt other = answered;
  other.candidate_id = "small";
  {
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    REQUIRE(journal->Append(answered).ok());
    REQUIRE(journal->Append(other).ok());
    JudgeCall verdict;
    verdict.sample_id = "S1";
    verdict.candidate_id = "small";
    verdict.check = 1;
    verdict.judge = "judge(tone)";
    verdict.cost = Usd("0.0014");
    verdict.verdict = CheckResult{"", true, "fine"};
    verdict.verdict->score = 1.0;
    REQUIRE(journal->AppendJudgeCall(verdict).ok());
  }
  Result<JournalContents> read = ReadJournal(f.JournalPath());
  REQUIRE(read.ok());
  REQUIRE(read->attempts.size() == 2);
  CHECK(read->attempts[0].candidate_id == "small");  // handed over when its verdict came
  CHECK(read->attempts[0].success);
  CHECK(read->attempts[1].candidate_id == "big");  // at the end, still waiting
  CHECK(read->attempts[1].error == ErrorClass::kScorerError);
  CHECK(read->attempts[1].error_message == "judge(tone): " + std::string(kNotJudgedReason));
  CHECK(read->warnings.empty());

  SUBCASE("a judge line for an attempt that awaits no verdict is an error, located") {
    JudgeCall stray;  // names an attempt that was never journaled
    stray.sample_id = "S9";
    stray.candidate_id = "big";
    stray.judge = "judge(tone)";
    stray.verdict = CheckResult{"", true, "ok"};
    JudgeCall again = stray;  // the verdict of S1/small's judge check, given a second time
    again.sample_id = "S1";
    again.candidate_id = "small";
    again.check = 1;
    for (const JudgeCall& bad : {stray, again}) {
      std::ifstream in(f.JournalPath(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      {
        auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
        REQUIRE(journal->AppendJudgeCall(bad).ok());
      }
      Result<JournalContents> refused = ReadJournal(f.JournalPath());
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.error().ToString() ==
            f.JournalPath() + ":5: a judge line (judge(tone), call 1) for attempt 1 of task (" +
                bad.sample_id + ", " + bad.candidate_id +
                ", repeat 0), which is not journaled before it or awaits no verdict from that "
                "judge");
      std::ofstream(f.JournalPath(), std::ios::trunc) << text;
    }
  }
}

}  // namespace taskcost::judge_run_test

namespace taskcost::judge_run_test {

TEST_CASE("judge: judge calls count against the budget, and one that does not fit is no task") {
  Fixture f(1, /*success_judge=*/false);
  f.suite.candidates.pop_back();
  // The judge may write 100,000 tokens at $2 per 1M: a $0.20 reservation, above what is left.
  f.suite.judges[0].max_tokens = 100'000;
  RunPlan plan = f.Plan();
  FakeTransport transport([](const HttpRequest& r) {
    return Reply(IsJudge(r) ? Verdict(true, 1, "ok") : R"({"category":"a"})");
  });
  FakeClock clock;
  RunOptions options;
  options.budget = Usd("0.05");
  RunResult result;
  {
    auto journal = JournalWriter::Open(f.JournalPath(), "run-1", nullptr).value();
    result = ExecuteRun(plan, {}, options, transport, clock, *journal).value();
  }
  CHECK(result.stop == StopCause::kBudget);
  CHECK(result.tasks_not_run == 0);  // the task ran; only its judgement did not
  CHECK(result.judge_calls == 0);
  CHECK(result.spent == Usd("0.008"));
  REQUIRE(transport.requests.size() == 1);
  std::vector<Attempt> journal = ReadJournal(f.JournalPath())->attempts;
  REQUIRE(journal.size() == 1);
  CHECK(journal[0].success);
  CHECK(AwaitingJudge(journal[0]));  // --resume with more budget judges it
}

}  // namespace taskcost::judge_run_test

namespace taskcost::judge_run_test {

TEST_CASE("judge: plan counts one judge call a task expected, every step's retries worst") {
  Fixture f(2, /*success_judge=*/true);
  Candidate cascade;
  cascade.id = "small-then-big";
  cascade.cascade = {"small", "big"};
  f.suite.candidates.push_back(cascade);
  f.suite.candidates[0].max_tokens = 100;  // big
  f.suite.candidates[1].max_tokens = 100;  // small
  f.suite.judges[0].max_tokens = 40;
  RunPlan plan = f.Plan();
  const RunEstimate with = EstimateRun(plan);
  // Expected: 3 candidates x 2 samples, one judge call each, with an answer of the candidates'
  // expected output: a typical {"category": 32 characters, "note": 32 characters} is 89 bytes,
  // ceil(89 / 4) = 23 tokens, taken as 92 bytes. The judge's own answer, a typical verdict
  // {"pass": a boolean (5), "score": a number (6), "reason": 32 characters}, is 73 bytes: 19
  // tokens at $2.00 per 1M.
  CHECK(with.judge_calls == 6);
  CHECK(plan.candidates[0].expected_output_tokens == 23);
  CHECK(plan.judges[0].expected_output_tokens == 19);
  // A judge call's request content B (docs/plan.md: the body less its envelope, the body with
  // no prompts and no schema), on the fake OpenAI-compatible provider:
  //    31  the system message's wrapper {"role":"system","content":""},
  //   209  the judge's instructions: 201 characters, 8 of them quotes escaped to 2 bytes
  //    95  + the answer: the user message, "Rubric:\n" 8 + "Polite about ticket N" 21 +
  //        "\n\nThe task's input:\n" 20 + "Ticket: ticket N" 16 + "\n\nThe answer to grade:\n"
  //        23 = 88 characters, 7 newlines escaped to 2 bytes
  //    98  the response_format wrapper ,"response_format":{"type":"json_schema","json_schema":
  //        {"name":"verdict","strict":true,"schema":...}}
  //   201  the verdict schema
  // = 634 + the answer's bytes. Expected: a 92-byte answer, B = 726, ceil(726 / 4) = 182 input
  // tokens at $1.00 per 1M and 19 output at $2.00: 182,000,000 + 38,000,000 = 220,000,000 pUSD
  // a call; one for each of 3 candidates on 2 samples: 1,320,000,000.
  // Worst: the longest answer, 4 x 100 max_tokens = 400 bytes, B = 1,034, floor(1,034 / 3) + 32
  // = 376 input tokens and the judge's 40 max_tokens: 376,000,000 + 80,000,000 = 456,000,000 a
  // call; big, small and the cascade's two steps, 3 attempts each, 2 samples: x 24 =
  // 10,944,000,000.
  const Money expected = Money::FromPicos(1'320'000'000);
  const Money worst = Money::FromPicos(10'944'000'000);
  CHECK(with.judge_expected == expected);
  CHECK(with.judge_worst_case == worst);
  f.suite.success.pop_back();  // the same suite without its judge
  f.suite.judges.clear();
  const RunEstimate without = EstimateRun(f.Plan());
  CHECK(with.expected == without.expected + expected);
  CHECK(with.worst_case == without.worst_case + worst);
}

}  // namespace taskcost::judge_run_test
