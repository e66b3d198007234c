// Report tables: the cells of every table in a rendered report, built once so the terminal
// and Markdown renderers print identical figures. Internal to the report renderers (and
// `taskcost plan`, which prints its estimate as a ReportTable).
// Pure functions; not synchronised.
#pragma once

#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"

namespace taskcost {

/// A table of preformatted cells. Empty rows means "nothing to show".
struct ReportTable {
  std::vector<std::string> header;
  std::vector<bool> right_aligned;  // per column
  std::vector<std::vector<std::string>> rows;
};

/// candidate, success, att/task, $/successful task (change vs baseline), p50 and p95 $/task,
/// latency p50, and ROI when the suite has a human alternative.
ReportTable MainTable(const Report& report);
/// tasks run and not run, total, $/task, max $/task, mean tokens per attempt, latency p95,
/// retries; and, when the response cache answered any attempt, cached attempts and spent $.
ReportTable DetailTable(const Report& report);
/// Per candidate across repeats: min, max and standard deviation of cost per successful task
/// and of success rate. No rows when the run has one repeat.
ReportTable RepeatSpreadTable(const Report& report);
/// candidate, failure class, failed attempts of that class, failed tasks ending in it.
ReportTable FailureTable(const Report& report);
/// The `limit` costliest outliers of each candidate.
ReportTable OutlierTable(const Report& report, size_t limit);
/// Per candidate: effective cost per task, ROI, monthly saving and projected AI cost.
ReportTable HumanTable(const Report& report);
/// Per candidate and scorer (report_scorers.cc): failed tasks, scorer errors and the mean
/// score; one "quality" row per candidate with quality scorers. No rows without scorers.
ReportTable ScorerTable(const Report& report);
/// "3 tasks of gpt-4.1-nano were left unjudged: ..." for candidates with scorer errors.
std::vector<std::string> UnjudgedNotes(const Report& report);
/// Per cascade and step (report_scorers.cc): escalation rate, tasks reaching the step, its
/// attempts, its cost and share of the cascade's cost. No rows without cascades.
ReportTable CascadeTable(const Report& report);
/// LLM judges' calls and cost per candidate (evaluation overhead); no rows without judges.
ReportTable JudgeTable(const Report& report);
/// The words that introduce JudgeTable: in parentheses after the terminal's heading, or as a
/// sentence (Markdown, HTML).
std::string JudgeTableNote(bool sentence);
/// Per candidate (report_cache.cc): tokens read from and written to the providers' prompt
/// caches, the share of input read from cache, the read and write cost and the saving against
/// the same tokens uncached. No rows unless some candidate read or wrote a cache.
ReportTable PromptCacheTable(const Report& report);
/// The words that introduce PromptCacheTable: in parentheses (terminal) or as a sentence.
std::string PromptCacheNote(bool sentence);
/// "claude-haiku-4-5: caching was asked for, but no input was read from or written to the
/// cache; its prefix (at most 850 tokens, ...) is below ..." when the run asked for caching
/// and the candidate made calls that read and wrote nothing; "" otherwise.
std::string PromptCacheWarning(const CandidateMetrics& candidate);
/// PromptCacheWarning of every candidate that has one, in manifest order.
std::vector<std::string> PromptCacheWarnings(const Report& report);
/// A 0-1 score with two decimals: "0.93"; "n/a" when unset.
std::string FormatScore(const std::optional<double>& score);

/// What the run paid against what its tasks cost: "spent this run: $0.00; the tasks cost
/// $0.032 (8 of 8 attempts answered by the response cache at their original usage)".
std::string SpendLine(const Report& report);
/// The calls that went out without an answer, "" when none: "3 calls were in flight when the
/// run stopped; their usage is unknown; at most $0.0042 by the worst case".
std::string InFlightLine(const Report& report);
/// "2 min at $50.00/h = $1.6667 per ticket classified; review 0.2 min = $0.16667 per task".
std::string HumanSummary(const Report& report);
/// One warning per candidate with negative ROI, "" when none.
std::vector<std::string> NegativeRoiWarnings(const Report& report);
/// "PARTIAL RUN: 14 of 200 planned tasks have no outcome (...); ..." when some candidate has
/// unfinished or not-run tasks (docs/report-format.md, section 1); "" for a complete run.
std::string PartialBanner(const Report& report);
/// One note per candidate with unfinished or not-run tasks or a fatal stop.
std::vector<std::string> NotRunNotes(const Report& report);
/// One note per time-priced candidate: "local-llama: time-priced at $2.40 per GPU-hour / 8
/// concurrent requests; cost = measured latency".
std::vector<std::string> TimePricedNotes(const Report& report);

inline constexpr const char* kSimulatedNote =
    "outputs are simulated by the bundled simulator; not a measurement of real models";

}  // namespace taskcost
