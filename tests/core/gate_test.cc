#include "harness/core/gates/gate.h"

#include <doctest/doctest.h>

namespace taskcost::gate_test {
namespace {

// $5 / $15 per 1M tokens: pUSD per token.
constexpr int64_t kIn = 5'000'000;
constexpr int64_t kOut = 15'000'000;

ModelPrice Price(int64_t in, int64_t out) {
  ModelPrice p;
  p.model = "m-big";
  p.input = Money::FromPicos(in);
  p.output = Money::FromPicos(out);
  p.as_of = "2026-11-01";
  return p;
}

// A candidate whose every task is one call of `in` + 100 output tokens at `price`, with
// `successes` of `tasks` succeeding.
CandidateFigures Figures(const std::string& id, int64_t tasks, int64_t successes, int64_t in,
                         const ModelPrice& price) {
  CandidateFigures c;
  c.id = id;
  c.model = price.model;
  c.price = price;
  c.tasks_run = tasks;
  c.successes = successes;
  c.attempts = tasks;
  c.input_tokens = in * tasks;
  c.output_tokens = 100 * tasks;
  const Money per_task = price.input.Times(in) + price.output.Times(100);
  c.total_cost = per_task.Times(tasks);
  if (successes > 0) c.cost_per_success = c.total_cost.DividedBy(successes);
  if (tasks > 0) c.task_cost_p95 = per_task;
  return c;
}

RunFigures Run(const std::string& run_id, std::vector<CandidateFigures> candidates) {
  RunFigures f;
  f.suite_name = "tiny";
  f.suite_file = "suite.yaml";
  f.suite_hash = "sha256:aaaa";
  f.run_id = run_id;
  f.samples = 4;
  f.prices_as_of = "2026-11-01";
  for (const CandidateFigures& c : candidates) f.total_cost += c.total_cost;
  f.candidates = std::move(candidates);
  return f;
}

// Baseline: 4 tasks of 300 in + 100 out = $0.0015 + $0.0015 = $0.003 each, all successful.
RunFigures Baseline() { return Run("run-1", {Figures("big", 4, 4, 300, Price(kIn, kOut))}); }

struct Gated {
  RunFigures baseline = Baseline();
  RunFigures run = Baseline();
  RunFigures at_old_prices = Baseline();
  GateSpec spec;

  Result<GateReport> Evaluate() const {
    return EvaluateGate({baseline, "base.json", run, "results/run-2", at_old_prices, spec});
  }
  GateReport Report() const {
    Result<GateReport> report = Evaluate();
    REQUIRE_MESSAGE(report.ok(), FormatErrors(report.ok() ? Errors{} : report.errors()));
    return report.value();
  }
};

}  // namespace

TEST_CASE("gate: a run equal to its baseline passes the default checks") {
  Gated g;
  g.run.run_id = "run-2";
  const GateReport report = g.Report();
  CHECK(report.Passed());
  CHECK(RenderGateText(report) ==
        "taskcost gate: suite tiny, run run-2 (results/run-2) against baseline run-1 (base.json)\n"
        "PASS  big  cost per successful task: baseline $0.003, now $0.003, change 0.0%, limit "
        "+10%; usage 0.0% (tokens and attempts unchanged); prices unchanged\n"
        "PASS  big  success rate: baseline 100.0% (4/4), now 100.0% (4/4), change 0.0 pp, "
        "limit -5 pp\n"
        "gate passed: 0 of 2 checks failed\n");
}

TEST_CASE("gate: 30% more input tokens fails the cost check and is put down to usage") {
  Gated g;
  // 390 in + 100 out = $0.00195 + $0.0015 = $0.00345 a task: +15.0% on $0.003.
  g.run = Run("run-2", {Figures("big", 4, 4, 390, Price(kIn, kOut))});
  g.at_old_prices = g.run;
  const GateReport report = g.Report();
  REQUIRE(report.checks.size() == 2);
  const GateCheck& cost = report.checks[0];
  CHECK(cost.outcome == CheckOutcome::kFail);
  CHECK(CheckSentence(cost) ==
        "cost per successful task: baseline $0.003, now $0.00345, change +15.0%, limit +10%");
  CHECK(cost.why == "usage +15.0% (input tokens per task 300.0 -> 390.0); prices unchanged");
  CHECK(report.checks[1].outcome == CheckOutcome::kPass);

  SUBCASE("a limit equal to the change holds") {
    g.spec.max_cost_increase_bp = 1500;
    CHECK(g.Report().Passed());
  }
  SUBCASE("a limit just below it fails") {
    g.spec.max_cost_increase_bp = 1499;
    CHECK_FALSE(g.Report().Passed());
  }
  SUBCASE("a limit switched off is not checked") {
    g.spec.max_cost_increase_bp.reset();
    CHECK(g.Report().checks.size() == 1);
  }
}

TEST_CASE("gate: a price change alone is reported as prices, not usage") {
  Gated g;
  // Input $5 -> $6 per 1M: 300 x $6/1M + $0.0015 = $0.0033 a task, +10.0%; at the baseline's
  // prices the same usage costs $0.003, so usage moved 0.0%.
  ModelPrice dearer = Price(6'000'000, kOut);
  dearer.as_of = "2026-12-01";
  g.run = Run("run-2", {Figures("big", 4, 4, 300, dearer)});
  g.run.prices_as_of = "2026-12-01";
  const GateReport report = g.Report();
  const GateCheck& cost = report.checks[0];
  CHECK(cost.change == "+10.0%");
  CHECK(cost.outcome == CheckOutcome::kPass);
  CHECK(cost.why ==
        "prices +10.0% (input $5.00 -> $6.00 per 1M tokens); usage 0.0% (tokens "
        "and attempts unchanged)");
  CHECK(report.notes == std::vector<std::string>{
                            "prices as of 2026-11-01 in the baseline, 2026-12-01 in this run"});

  SUBCASE("both moved: the parts add up to the change") {
    // 390 in at $6 + $0.0015 = $0.00384 (+28.0%); at $5 it would be $0.00345 (+15.0%), so
    // prices add $0.00039 = 13.0% of $0.003.
    g.run = Run("run-2", {Figures("big", 4, 4, 390, dearer)});
    g.at_old_prices = Run("run-2", {Figures("big", 4, 4, 390, Price(kIn, kOut))});
    const GateCheck moved = g.Report().checks[0];
    CHECK(moved.change == "+28.0%");
    CHECK(moved.outcome == CheckOutcome::kFail);
    CHECK(moved.why ==
          "prices +13.0% (input $5.00 -> $6.00 per 1M tokens); usage +15.0% (input "
          "tokens per task 300.0 -> 390.0)");
  }
}

TEST_CASE("gate: the success rate may fall at most the limit, in percentage points") {
  Gated g;
  SUBCASE("4/4 -> 3/4 is -25.0 pp, beyond -5 pp") {
    g.run = Run("run-2", {Figures("big", 4, 3, 300, Price(kIn, kOut))});
    const GateCheck check = g.Report().checks[1];
    CHECK(check.outcome == CheckOutcome::kFail);
    CHECK(CheckSentence(check) ==
          "success rate: baseline 100.0% (4/4), now 75.0% (3/4), change "
          "-25.0 pp, limit -5 pp");
  }
  SUBCASE("100/100 -> 95/100 is exactly -5 pp and holds; 94/100 does not") {
    g.baseline = Run("run-1", {Figures("big", 100, 100, 300, Price(kIn, kOut))});
    g.run = Run("run-2", {Figures("big", 100, 95, 300, Price(kIn, kOut))});
    g.spec.max_cost_increase_bp.reset();
    CHECK(g.Report().Passed());
    g.run = Run("run-2", {Figures("big", 100, 94, 300, Price(kIn, kOut))});
    CHECK_FALSE(g.Report().Passed());
  }
  SUBCASE("a run that ran nothing fails, a baseline that ran nothing is skipped") {
    g.run = Run("run-2", {Figures("big", 0, 0, 300, Price(kIn, kOut))});
    GateReport report = g.Report();
    CHECK(report.checks[1].outcome == CheckOutcome::kFail);
    CHECK(report.checks[1].why == "no task finished in this run");
    CHECK(report.checks[0].why == "no successful task in this run");
    g.baseline = g.run;
    g.run = Baseline();
    report = g.Report();
    CHECK(report.checks[1].outcome == CheckOutcome::kSkipped);
    CHECK(report.checks[0].why == "the baseline has no successful task");
    CHECK(report.Passed());
  }
}

TEST_CASE("gate: absolute limits on success, p95, total cost and quality") {
  Gated g;
  g.spec.max_cost_increase_bp.reset();
  g.spec.max_success_drop_bp.reset();
  g.spec.min_success_bp = 9000;
  g.spec.max_p95_cost = Money::ParseUsd("0.0030").value();
  g.spec.max_total_cost = Money::ParseUsd("0.01").value();
  g.spec.min_quality_milli = 4000;
  g.run = Run("run-2", {Figures("big", 4, 3, 300, Price(kIn, kOut))});
  const GateReport report = g.Report();
  REQUIRE(report.checks.size() == 4);
  // 3/4 = 75% < 90%; p95 $0.003 <= $0.003 holds; quality unknown; total 4 x $0.003 = $0.012.
  CHECK(CheckSentence(report.checks[0]) ==
        "minimum success rate: baseline 100.0% (4/4), now "
        "75.0% (3/4), change n/a, limit >= 90%");
  CHECK(report.checks[0].outcome == CheckOutcome::kFail);
  CHECK(CheckSentence(report.checks[1]) ==
        "p95 cost per task: baseline $0.003, now $0.003, "
        "change 0.0%, limit <= $0.003");
  CHECK(report.checks[1].outcome == CheckOutcome::kPass);
  CHECK(report.checks[2].outcome == CheckOutcome::kSkipped);
  CHECK(report.checks[2].why == "no quality scores for this run");
  CHECK(report.checks[3].candidate.empty());
  CHECK(CheckSentence(report.checks[3]) ==
        "total run cost: baseline $0.012, now $0.012, change "
        "0.0%, limit <= $0.01");
  CHECK(report.checks[3].outcome == CheckOutcome::kFail);
  CHECK(report.Count(CheckOutcome::kFail) == 2);

  SUBCASE("quality is checked when scored") {
    g.run.candidates[0].quality_milli = 3900;
    const GateCheck quality = g.Report().checks[2];
    CHECK(quality.outcome == CheckOutcome::kFail);
    CHECK(CheckSentence(quality) ==
          "minimum quality: baseline n/a, now 3.9, change n/a, limit >= 4");
  }
}

TEST_CASE("gate: another suite or a candidate missing on one side is bad input") {
  Gated g;
  SUBCASE("another suite") {
    g.baseline.suite_name = "checkout";
    Result<GateReport> report = g.Evaluate();
    REQUIRE_FALSE(report.ok());
    CHECK(FormatErrors(report.errors()) ==
          "baseline base.json is for suite \"checkout\", but run results/run-2 is of suite "
          "\"tiny\"; gate a run against a baseline of its own suite");
  }
  SUBCASE("a candidate on one side only") {
    g.run.candidates.push_back(Figures("small", 4, 4, 300, Price(kIn, kOut)));
    Result<GateReport> report = g.Evaluate();
    REQUIRE_FALSE(report.ok());
    CHECK(FormatErrors(report.errors()) ==
          "candidate \"small\" is in run results/run-2 but not in the baseline base.json; save "
          "a new baseline (taskcost baseline save results/run-2 -o FILE) or gate only the shared "
          "candidates (gate: candidates: [...] in the suite, or --candidate ID)");
    g.spec.candidates = {"big"};
    CHECK(g.Report().checks.size() == 2);
  }
  SUBCASE("a gated candidate in neither") {
    g.spec.candidates = {"nano"};
    Result<GateReport> report = g.Evaluate();
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().message.rfind("candidate \"nano\" is in neither the baseline base.json "
                                       "nor run results/run-2;",
                                       0) == 0);
  }
}

TEST_CASE("gate: notes say what differs beyond the checks") {
  Gated g;
  g.run.suite_hash = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  g.run.simulated = true;
  g.run.candidates[0].tasks_run = 3;
  g.run.candidates[0].tasks_not_run = 1;
  g.run.repeats = 1;
  g.run.samples = 4;
  const GateReport report = g.Report();
  CHECK(report.notes ==
        std::vector<std::string>{
            "the suite changed since the baseline (suite.yaml, samples or schema: sha256:aaaa... "
            "then, sha256:bbbbbbbbbbbb... now)",
            "the baseline is from a real run and this run is simulated",
            "partial run: candidate big finished 3 of 4 planned tasks (0 unfinished, 1 not run: "
            "budget, interrupt or a stop); its figures cover those"});
}

TEST_CASE("gate: a partial run fails against a complete baseline unless allowed") {
  // The run: big ran 4 tasks, 1 of them unfinished (a retry cut by the budget), and 1 task
  // was not run: 3 of 5 planned tasks finished, 3 successes (100% of the finished ones).
  Gated g;
  g.baseline = Run("run-1", {Figures("big", 5, 5, 300, Price(kIn, kOut))});
  g.run = Run("run-2", {Figures("big", 3, 3, 300, Price(kIn, kOut))});
  CandidateFigures& big = g.run.candidates[0];
  big.tasks_run = 4;  // the cut retry was rate-limited: no tokens, $0; $0.009 / 3 = $0.003
  big.attempts = 4;
  big.tasks_unfinished = 1;
  big.unfinished_attempts = 1;
  big.tasks_not_run = 1;
  g.at_old_prices = g.run;
  GateReport report = g.Report();
  REQUIRE(report.checks.size() == 3);
  const GateCheck& complete = report.checks[0];
  CHECK(complete.id == "complete");
  CHECK(complete.outcome == CheckOutcome::kFail);
  CHECK(CheckSentence(complete) ==
        "complete run: baseline complete (5 of 5 tasks finished), now partial (3 of 5 tasks "
        "finished: 1 unfinished, 1 not run), change n/a, limit complete");
  CHECK(complete.why ==
        "a partial run is not gated against a complete baseline; finish it (taskcost run "
        "--resume results/run-2) or pass --allow-partial");
  // Success over finished tasks: 3 of 3, no drop.
  CHECK(report.checks[2].now == "100.0% (3/3)");
  CHECK(report.checks[2].outcome == CheckOutcome::kPass);
  CHECK_FALSE(report.Passed());
  const std::string text = RenderGateText(report);
  CHECK(text.find("FAIL  run  complete run: baseline complete (5 of 5 tasks finished), now "
                  "partial") != std::string::npos);
  CHECK(text.find("note: partial run: candidate big finished 3 of 5 planned tasks") !=
        std::string::npos);
  CHECK(RenderGateJUnit(report).find("type=\"complete\"") != std::string::npos);
  CHECK(RenderGateMarkdown(report).find("| **FAIL** | run | complete run |") != std::string::npos);

  SUBCASE("--allow-partial: the check is skipped with the reason, the others decide") {
    GateInput input{g.baseline, "base.json", g.run, "results/run-2", g.at_old_prices, g.spec, true};
    report = EvaluateGate(input).value();
    CHECK(report.checks[0].outcome == CheckOutcome::kSkipped);
    CHECK(report.checks[0].why ==
          "--allow-partial: this run's figures cover its finished tasks only");
    CHECK(report.Passed());
  }
  SUBCASE("a partial baseline: the check is skipped; a complete run against it passes") {
    g.baseline = g.run;
    CHECK(g.Report().checks[0].outcome == CheckOutcome::kSkipped);
    g.run = Run("run-2", {Figures("big", 5, 5, 300, Price(kIn, kOut))});
    g.at_old_prices = g.run;
    report = g.Report();
    CHECK(report.checks[0].outcome == CheckOutcome::kPass);
    CHECK(report.checks[0].why ==
          "the baseline is partial: its figures cover its finished tasks only");
  }
}

TEST_CASE("gate: JUnit XML has one testcase per check, failures with the numbers") {
  Gated g;
  g.run = Run("run-2", {Figures("big", 4, 4, 390, Price(kIn, kOut))});
  g.at_old_prices = g.run;
  g.spec.min_quality_milli = 4000;
  GateReport report = g.Report();
  report.notes.push_back("a <note> & \"quotes\"");
  CHECK(RenderGateJUnit(report) ==
        R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="taskcost gate" tests="3" failures="1" errors="0" skipped="1" time="0">
  <testsuite name="taskcost gate: tiny" tests="3" failures="1" errors="0" skipped="1" time="0">
    <properties>
      <property name="run" value="results/run-2"/>
      <property name="run_id" value="run-2"/>
      <property name="baseline" value="base.json"/>
      <property name="baseline_run_id" value="run-1"/>
      <property name="note" value="a &lt;note&gt; &amp; &quot;quotes&quot;"/>
    </properties>
    <testcase classname="tiny.big" name="cost per successful task" time="0">
      <failure message="cost per successful task: baseline $0.003, now $0.00345, change +15.0%, limit +10%" type="cost_per_success">candidate: big
baseline: $0.003
now: $0.00345
change: +15.0%
limit: +10%
why: usage +15.0% (input tokens per task 300.0 -&gt; 390.0); prices unchanged
</failure>
    </testcase>
    <testcase classname="tiny.big" name="success rate" time="0"/>
    <testcase classname="tiny.big" name="minimum quality" time="0">
      <skipped message="no quality scores for this run"/>
    </testcase>
  </testsuite>
</testsuites>
)");
}

TEST_CASE("gate: the Markdown summary has a row per check and the reasons") {
  Gated g;
  g.run = Run("run-2", {Figures("big", 4, 3, 300, Price(kIn, kOut))});
  g.spec.max_cost_increase_bp.reset();
  CHECK(RenderGateMarkdown(g.Report()) ==
        "## taskcost gate: tiny FAILED: 1 of 1 checks failed\n\n"
        "Run `run-2` (`results/run-2`) against baseline `run-1` (`base.json`).\n\n"
        "| result | candidate | check | baseline | now | change | limit |\n"
        "|---|---|---|---|---:|---:|---:|\n"
        "| **FAIL** | big | success rate | 100.0% (4/4) | 75.0% (3/4) | -25.0 pp | -5 pp |\n");
}

TEST_CASE("gate: basis points print as exact percentages") {
  CHECK(BasisPointsText(1000) == "10");
  CHECK(BasisPointsText(1050) == "10.5");
  CHECK(BasisPointsText(25) == "0.25");
  CHECK(BasisPointsText(0) == "0");
}

}  // namespace taskcost::gate_test
