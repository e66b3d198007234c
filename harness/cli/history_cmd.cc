// taskcost history [SUITE] [--since 30d] [--results DIR] [--format text|html|json]
// [--include-partial] [--include-simulated]: cost per successful task, success rate and spend
// per candidate over time, by run and week over week, from results/history.sqlite (brought up
// to date with the run directories first, rebuilt when damaged). Partial and simulated runs are
// marked and compared only when asked.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "harness/cli/cli.h"
#include "harness/cli/history_index.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/core/history/history.h"

namespace taskcost {

int HistoryVerb(const std::vector<std::string>& args) {
  po::options_description options("history options");
  std::string suite, since, results = "results", format = "text", output;
  HistoryFilter filter;
  options.add_options()("suite", po::value(&suite), "only this suite (default: every suite)")(
      "since", po::value(&since),
      "only runs started within this period: 12h, 30d, 8w "
      "(default: all)")("results", po::value(&results),
                        "results root directory (default: results)")(
      "format", po::value(&format), "text (default), json or html (line charts)")(
      "output,o", po::value(&output), "write here instead of stdout")(
      "include-partial", po::bool_switch(&filter.include_partial),
      "compare runs that left tasks unfinished or not run (budget, interrupt, fatal stop) too")(
      "include-simulated", po::bool_switch(&filter.include_simulated),
      "compare simulated runs (--simulate) too");
  po::positional_options_description positional;
  positional.add("suite", 1);
  ParseOutcome parsed = ParseVerbArgs("history", "[SUITE] [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;
  if (format != "text" && format != "json" && format != "html") {
    PrintError("--format: expected text, json or html, got \"" + format + "\"");
    return kExitBadInput;
  }
  int64_t since_ms = 0;
  if (!since.empty()) {
    Result<int64_t> period = ParseSince(since);
    if (!period.ok()) {
      PrintErrors(period.errors());
      return kExitBadInput;
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    since_ms = now - *period;
  }

  Status exists = CheckResultsDir(results);
  if (!exists.ok()) {
    PrintErrors(exists.errors());
    return kExitBadInput;
  }
  std::vector<std::string> warnings;
  Result<std::unique_ptr<HistoryDb>> db = OpenHistory(results, &warnings);
  if (!db.ok()) {
    PrintErrors(db.errors());
    return kExitIncomplete;
  }
  for (const std::string& w : warnings) PrintWarning(w);
  Result<std::vector<HistoryPoint>> points = (*db)->Points(suite, since_ms);
  if (!points.ok()) {
    PrintErrors(points.errors());
    return kExitIncomplete;
  }
  if (!suite.empty() && points->empty()) {
    // Nothing for this suite: a typo, or a suite never run here?
    Result<std::vector<HistoryPoint>> all = (*db)->Points("", 0);
    std::vector<std::string> names;
    for (const HistoryPoint& p : all.ok() ? *all : std::vector<HistoryPoint>{}) {
      if (names.empty() || names.back() != p.suite) names.push_back(p.suite);
    }
    if (std::find(names.begin(), names.end(), suite) == names.end()) {
      std::string message = "no run of suite \"" + suite + "\" under " + results;
      if (auto close = ClosestMatch(suite, names)) message += ", did you mean \"" + *close + "\"?";
      PrintError(message);
      return kExitBadInput;
    }
  }
  HistoryView view{suite.empty() ? "all suites" : suite, results + "/" + kHistoryFile, since_ms,
                   std::move(points).value(), filter};
  const std::string text = format == "json"   ? HistoryToJson(view)
                           : format == "html" ? RenderHistoryHtml(view)
                                              : RenderHistoryText(view);
  return PrintOrWrite(output, text);
}

}  // namespace taskcost
