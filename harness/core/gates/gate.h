// Gate: a run's figures checked against a baseline's under the suite's thresholds (GateSpec),
// one check per candidate and threshold, each with the baseline value, the new value, the
// change, the limit and, for cost, whether prices or usage moved it. Rendered as terminal lines,
// JUnit XML and Markdown. Rules: docs/ci.md. Pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/gates/baseline.h"
#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

enum class CheckOutcome { kPass, kFail, kSkipped };

struct GateCheck {
  std::string candidate;  // the candidate id; empty for a check of the whole run
  std::string id;         // stable: complete, cost_per_success, success_drop, min_success,
                          // p95_cost, quality, total_cost
  std::string title;      // "cost per successful task"
  CheckOutcome outcome = CheckOutcome::kPass;
  std::string baseline;  // the baseline's value as printed ("$0.008", "98.0% (98/100)"), or "n/a"
  std::string now;       // this run's value, or "n/a"
  std::string change;    // "+30.0%", "-2.0 pp", or "n/a"
  std::string limit;     // "+10%", "-5 pp", ">= 90%", "<= $0.005"
  std::string why;       // what moved a cost (prices or usage), or why skipped; may be empty
};

struct GateReport {
  std::string suite_name;
  std::string run_id;
  std::string run_label;  // the run directory as given
  std::string baseline_run_id;
  std::string baseline_label;      // the baseline file as given
  std::vector<std::string> notes;  // differences worth knowing that are not checks
  std::vector<GateCheck> checks;

  int64_t Count(CheckOutcome outcome) const;
  bool Passed() const { return Count(CheckOutcome::kFail) == 0; }
};

struct GateInput {
  const RunFigures& baseline;
  std::string baseline_label;
  const RunFigures& run;
  std::string run_label;
  const RunFigures& run_at_baseline_prices;  // the run re-priced at the baseline's prices
  const GateSpec& spec;
  // A partial run (unfinished or not-run tasks of a gated candidate) against a complete
  // baseline fails the `complete` check unless this is set (`--allow-partial`).
  bool allow_partial = false;
};

/// Checks every gated candidate. Fails (bad input, exit 2) when the baseline is for another
/// suite, or a gated candidate is missing on one side; each error says which and what to do.
/// When either side is partial, a `complete` check of the whole run comes first.
Result<GateReport> EvaluateGate(const GateInput& input);

/// "cost per successful task: baseline $0.008, now $0.0104, change +30.0%, limit +10%".
std::string CheckSentence(const GateCheck& check);
/// A title line, notes, one line per check ("FAIL  big  cost per ...; why") and a result line.
std::string RenderGateText(const GateReport& report);
/// JUnit XML (Jenkins/Surefire shape): one testsuite, one testcase per candidate and check,
/// <failure> with the numbers, <skipped> with the reason. tests/data/junit.xsd is the schema it is
/// checked against.
std::string RenderGateJUnit(const GateReport& report);
/// A Markdown job summary: verdict heading, one table row per check, reasons and notes.
std::string RenderGateMarkdown(const GateReport& report);

/// Basis points as an exact percentage without trailing zeros: 1000 -> "10", 1050 -> "10.5".
std::string BasisPointsText(int64_t basis_points);

}  // namespace taskcost
