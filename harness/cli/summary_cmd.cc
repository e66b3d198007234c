// taskcost summary RESULTS_DIR [--format text|html]: the cost-per-task dashboard across every
// suite under RESULTS_DIR (the latest finished run of each), grouped by the `feature` tag.
#include <cstdio>
#include <map>

#include "harness/cli/cli.h"
#include "harness/cli/history_index.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/cli/report_output.h"
#include "harness/core/history/summary.h"
#include "harness/edge/run_dir.h"

namespace taskcost {
namespace {

// The latest run of each suite: finished runs first (ended_unix_ms set), then by start time.
std::map<std::string, std::pair<std::string, RunManifest>> LatestRuns(
    const std::string& results, std::vector<std::string>* warnings) {
  std::map<std::string, std::pair<std::string, RunManifest>> latest;
  for (const std::string& dir : FindRunDirs(results)) {
    Result<RunManifest> manifest = LoadRunManifest(dir);
    if (!manifest.ok()) {
      warnings->push_back("summary: skipped " + dir + ": " + manifest.error().ToString());
      continue;
    }
    auto rank = [](const RunManifest& m) {
      return std::make_pair(m.ended_unix_ms != 0, m.started_unix_ms);
    };
    auto found = latest.find(manifest->suite_name);
    if (found == latest.end() || rank(found->second.second) < rank(*manifest)) {
      latest[manifest->suite_name] = {dir, *manifest};
    }
  }
  return latest;
}

}  // namespace

int SummaryVerb(const std::vector<std::string>& args) {
  po::options_description options("summary options");
  std::string results, format = "text", output;
  options.add_options()("results", po::value(&results)->required(),
                        "the results directory (results/)")(
      "format", po::value(&format), "text (default) or html")("output,o", po::value(&output),
                                                              "write here instead of stdout");
  po::positional_options_description positional;
  positional.add("results", 1);
  ParseOutcome parsed =
      ParseVerbArgs("summary", "RESULTS_DIR [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;
  if (format != "text" && format != "html") {
    PrintError("--format: expected text or html, got \"" + format + "\"");
    return kExitBadInput;
  }
  Status exists = CheckResultsDir(results);
  if (!exists.ok()) {
    PrintErrors(exists.errors());
    return kExitBadInput;
  }
  std::vector<std::string> warnings;
  std::vector<SuiteSummary> suites;
  for (const auto& [suite, run] : LatestRuns(results, &warnings)) {
    Result<Report> report = ReportFromRunDir(run.first, &warnings);
    if (!report.ok()) {
      warnings.push_back("summary: skipped " + run.first + ": " + report.error().ToString());
      continue;
    }
    suites.push_back(SummariseRun(*report, run.second));
  }
  for (const std::string& w : warnings) PrintWarning(w);
  const std::vector<FeatureSummary> features = ByFeature(suites);
  const std::string text = format == "html" ? RenderSummaryHtml(features, results)
                                            : RenderSummaryText(features, results);
  return PrintOrWrite(output, text);
}

}  // namespace taskcost
