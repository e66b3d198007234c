// Baseline: the figures of one run that later runs are gated against (`taskcost baseline save`,
// `taskcost gate`), and its reviewable JSON file. Format: docs/gate-format.md.
// Plain data and pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/money.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/core/metrics/stats.h"

namespace taskcost {

inline constexpr int kBaselineFormatVersion = 2;  // 2: partial runs recorded

/// One candidate's figures: what the gate compares. Counts are exact integers.
struct CandidateFigures {
  std::string id;
  std::string model;
  ModelPrice price;  // the rates the run was priced at; `model` is the catalog key
  int64_t tasks_run = 0;
  int64_t successes = 0;
  int64_t attempts = 0;
  int64_t input_tokens = 0;   // Usage::TotalInput over every attempt
  int64_t output_tokens = 0;  // over every attempt
  Money total_cost;
  std::optional<Money> cost_per_success;  // unset when nothing succeeded
  std::optional<Money> task_cost_p95;     // unset when no task ran
  std::optional<int64_t> quality_milli;   // mean expert score (1-5) x 1000, when scored
  // Partial runs (docs/report-format.md, section 1): tasks run without a final outcome, their
  // attempts, and planned tasks not run. successes are of the finished tasks.
  int64_t tasks_unfinished = 0;
  int64_t unfinished_attempts = 0;
  int64_t tasks_not_run = 0;

  int64_t TasksFinished() const { return tasks_run - tasks_unfinished; }
  bool Partial() const { return tasks_unfinished > 0 || tasks_not_run > 0; }
  Fraction SuccessRate() const { return {successes, TasksFinished()}; }
  Fraction AttemptsPerTask() const { return {attempts - unfinished_attempts, TasksFinished()}; }
  Fraction InputTokensPerTask() const { return {input_tokens, tasks_run}; }
  Fraction OutputTokensPerTask() const { return {output_tokens, tasks_run}; }
};

/// A run reduced to what a gate needs; a baseline file holds one.
struct RunFigures {
  std::string suite_name;
  std::string suite_file;  // relative, '/'-separated; never an absolute machine path
  std::string suite_hash;  // "sha256:..."
  std::string run_id;
  bool simulated = false;
  int64_t samples = 0;
  int repeats = 1;
  std::string prices_as_of;                  // the latest as_of among the candidates' prices
  Money total_cost;                          // every candidate
  std::vector<CandidateFigures> candidates;  // manifest order

  const CandidateFigures* Find(const std::string& id) const;
  std::vector<std::string> CandidateIds() const;
  /// Some candidate left planned tasks without an outcome.
  bool Partial() const;
};

/// The figures of a run from its manifest and its report (ComputeReport of the same run).
/// `suite_file` is the manifest's as given; make it portable with PortablePath.
RunFigures FiguresOf(const RunManifest& manifest, const Report& report);
/// The same, computing the report from the run's attempts (ComputeReport, default options).
RunFigures FiguresOf(const RunManifest& manifest, const std::vector<Attempt>& attempts);

/// `path` as a relative, '/'-separated path that names no machine directory: relative to
/// `cwd` (absolute) when it lies below it, else its file name alone. Lexical only.
/// ("/home/a/repo/suites/x/suite.yaml", "/home/a/repo") -> "suites/x/suite.yaml".
std::string PortablePath(const std::string& path, const std::string& cwd);

/// The baseline file: pretty JSON, fixed key order, every key always present (null when
/// unknown), money as exact decimal strings, so that a diff shows only what moved.
std::string BaselineToJson(const RunFigures& figures);
/// Reads a baseline file. Errors name `file` and the JSON pointer of the bad field; a newer
/// format version is refused.
Result<RunFigures> BaselineFromJson(std::string_view text, const std::string& file);

}  // namespace taskcost
