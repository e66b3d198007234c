// Turning a loaded run into its reports: report.json and report.md written into the run
// directory, and the terminal table returned for stdout. Used by `run` and `report` alike, so
// both print the same numbers from the same journal.
#pragma once

#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/result.h"
#include "harness/edge/run_dir.h"

namespace taskcost {

/// Colour on stdout: a terminal, TERM not dumb, NO_COLOR unset.
bool StdoutWantsColor();

/// Computes the report from the journal, writes report.json and report.md next to it (unless
/// `write_files` is false) and returns the terminal rendering.
Result<std::string> ProduceReports(const LoadedRun& run, bool color, bool write_files);

/// The report of the run directory `dir`, its journal streamed through a ReportBuilder: memory
/// does not grow with the number of attempts. Journal warnings (a torn final line) are appended
/// to `warnings`. Fails as LoadRunDir does.
Result<Report> ReportFromRunDir(const std::string& dir, std::vector<std::string>* warnings,
                                const ReportOptions& options = {});

/// The report of `dir` as a page or a sheet: "html" (RenderHtml, with the outliers' inputs from
/// the run's suite file and outputs from a second pass over the journal) or "csv" (one row per
/// task). `report` must be computed with keep_tasks.
Result<std::string> RenderRunDirAs(const std::string& dir, const Report& report,
                                   const std::string& format);

/// Adds the expert quality of the scores imported into `dir`/review (docs/review.md) to
/// `report`, deciding the verdicts on quality; a run without imported scores is left as it is.
Status AttachExpertReview(Report& report, const std::string& dir);

/// Writes report.json and report.md into `dir` (unless `write_files` is false) and returns the
/// terminal rendering of `report`.
Result<std::string> EmitReports(const Report& report, const std::string& dir, bool color,
                                 bool write_files);

}  // namespace taskcost
