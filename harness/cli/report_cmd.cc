// taskcost report RUN_DIR: recomputes every figure from the run's journal alone.
#include <cstdio>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/cli/report_output.h"

namespace taskcost {

int ReportVerb(const std::vector<std::string>& args) {
  po::options_description options("report options");
  std::string dir;
  bool no_write = false;
  options.add_options()
      ("run-dir", po::value(&dir)->required(), "the run directory (results/<suite>/<run-id>)")
      ("no-write", po::bool_switch(&no_write), "print only; do not rewrite report.json/.md");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  ParseOutcome parsed = ParseVerbArgs("report", "RUN_DIR [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;

  std::vector<std::string> warnings;
  Result<Report> report = ReportFromRunDir(dir, &warnings);  // streams: flat in memory
  if (!report.ok()) {
    PrintErrors(report.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : warnings) PrintWarning(warning);
  Result<std::string> text = EmitReports(*report, dir, StdoutWantsColor(), !no_write);
  if (!text.ok()) {
    PrintErrors(text.errors());
    return kExitIncomplete;
  }
  std::fputs(text->c_str(), stdout);
  return kExitOk;
}

}  // namespace taskcost
