// Compare: two runs of the same suite side by side, paired by task (sample and repeat): the
// change in cost per successful task, tokens and attempts per task, the change in success rate
// with an exact paired test (McNemar), and the tasks that flipped between success and failure.
// Pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/gates/baseline.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

/// Two-sided exact McNemar test: p = min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2),
/// where b and c count the discordant pairs (success in one run only). 1 when b + c == 0.
double McNemarExactP(int64_t b, int64_t c);

/// A task identified across runs.
struct TaskRef {
  std::string sample_id;
  int repeat = 0;
};

struct CandidateChange {
  std::string id;
  CandidateFigures a;  // run A's figures
  CandidateFigures b;  // run B's figures
  int64_t pairs = 0;   // tasks that ran in both
  int64_t both_succeeded = 0;
  int64_t both_failed = 0;
  std::vector<TaskRef> lost;    // succeeded in A, failed in B (sample order)
  std::vector<TaskRef> gained;  // failed in A, succeeded in B
  double mcnemar_p = 1.0;       // McNemarExactP(lost, gained)
};

struct RunComparison {
  std::string suite_name;
  std::string unit = "task";
  RunFigures a;
  RunFigures b;
  std::string a_label;  // the run directories as given
  std::string b_label;
  std::vector<std::string> notes;           // suite changed, prices differ, ...
  std::vector<CandidateChange> candidates;  // in both runs, A's order
  std::vector<std::string> only_in_a;
  std::vector<std::string> only_in_b;
  bool several_repeats = false;  // task names carry "#repeat"
};

/// One run as loaded from its directory.
struct RunData {
  const RunManifest& manifest;
  const std::vector<Attempt>& attempts;
  std::string label;
};

/// Fails (bad input) when the runs are of different suites.
Result<RunComparison> CompareRuns(const RunData& a, const RunData& b);

/// The comparison as text for the terminal.
std::string RenderComparison(const RunComparison& comparison);

}  // namespace taskcost
