// taskcost report RUN_DIR: recomputes every figure from the run's journal alone. With --prices
// NEW (and/or --batch) the recorded usage is re-priced under another catalog or the batch tier,
// printed only: the run's own report files keep the prices it ran at.
#include <cstdio>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/cli/report_output.h"
#include "harness/core/gates/reprice.h"

namespace taskcost {
namespace {

// The run as priced under `prices_file` (its own prices when empty), at the batch tier if asked.
Result<PricedRun> RepricedRun(const LoadedRun& run, const std::string& prices_file, bool batch) {
  CandidatePrices prices;
  if (!prices_file.empty()) {
    Result<PriceCatalog> catalog = LoadPriceCatalog(prices_file);
    if (!catalog.ok()) return catalog.errors();
    Result<CandidatePrices> found = PricesFromCatalog(run.manifest, *catalog);
    if (!found.ok()) return found.errors();
    prices = std::move(found).value();
  } else {
    prices = RecordedPrices(run.manifest);
  }
  if (batch) {
    for (auto& [id, price] : prices) price = BatchTier(price);
  }
  PricedRun priced = Reprice(run.manifest, run.attempts, prices);
  if (!prices_file.empty()) priced.manifest.prices_file = prices_file;
  return priced;
}

// `report --prices/--batch`: the whole run in memory, re-priced, printed with what changed.
int RepricedReport(const std::string& dir, const std::string& prices, bool batch) {
  Result<LoadedRun> run = LoadRunDir(dir);
  if (!run.ok()) {
    PrintErrors(run.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : run->warnings) PrintWarning(warning);
  Result<PricedRun> priced = RepricedRun(*run, prices, batch);
  if (!priced.ok()) {
    PrintErrors(priced.errors());
    return kExitBadInput;
  }
  const std::string summary = RepriceSummary({run->manifest, run->attempts}, *priced);
  LoadedRun shown = run.value();
  shown.manifest = priced->manifest;
  shown.attempts = priced->attempts;
  Result<std::string> text = ProduceReports(shown, StdoutWantsColor(), false);
  if (!text.ok()) {
    PrintErrors(text.errors());
    return kExitIncomplete;
  }
  std::fputs((*text + "\n" + summary).c_str(), stdout);
  return kExitOk;
}

// `report --format html|csv`: report.json and .md as usual, and the page or sheet written to
// RUN_DIR/report.<format> (or --output; "-" = stdout).
int FormattedReport(const std::string& dir, const std::string& format, std::string output,
                    bool no_write) {
  std::vector<std::string> warnings;
  ReportOptions options;
  options.keep_tasks = true;
  Result<Report> report = ReportFromRunDir(dir, &warnings, options);
  if (!report.ok()) {
    PrintErrors(report.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : warnings) PrintWarning(warning);
  Result<std::string> text = EmitReports(*report, dir, false, !no_write);
  Result<std::string> page = RenderRunDirAs(dir, *report, format);
  if (!text.ok() || !page.ok()) {
    PrintErrors(!text.ok() ? text.errors() : page.errors());
    return kExitIncomplete;
  }
  if (output.empty()) output = (std::filesystem::path(dir) / ("report." + format)).string();
  return PrintOrWrite(output, *page);
}

}  // namespace

int ReportVerb(const std::vector<std::string>& args) {
  po::options_description options("report options");
  std::string dir, prices, format = "text", output;
  bool no_write = false, batch = false;
  options.add_options()
      ("run-dir", po::value(&dir)->required(), "the run directory (results/<suite>/<run-id>)")
      ("format", po::value(&format), "text (the terminal table, default), html (a self-contained "
       "page: RUN_DIR/report.html) or csv (one row per task: RUN_DIR/report.csv)")
      ("output,o", po::value(&output), "write the html or csv here instead ('-' = stdout)")
      ("no-write", po::bool_switch(&no_write), "print only; do not rewrite report.json/.md")
      ("prices", po::value(&prices), "re-price the recorded usage under this prices.yaml "
       "(printed only; the run's files are left as they are)")
      ("batch", po::bool_switch(&batch), "re-price at each model's batch tier "
       "(batch_discount_percent off input and output)");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  ParseOutcome parsed = ParseVerbArgs("report", "RUN_DIR [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;

  if (format != "text" && format != "html" && format != "csv") {
    PrintError("--format: expected text, html or csv, got \"" + format + "\"");
    return kExitBadInput;
  }
  const bool reprice = !prices.empty() || batch;
  if (reprice && format != "text") {
    PrintError("--prices and --batch print the terminal report only; drop --format " + format);
    return kExitBadInput;
  }
  if (reprice) return RepricedReport(dir, prices, batch);
  if (format != "text") return FormattedReport(dir, format, output, no_write);

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
