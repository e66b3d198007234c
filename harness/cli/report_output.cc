#include "harness/cli/report_output.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "harness/core/render/html_report.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_csv.h"
#include "harness/core/render/report_evidence.h"
#include "harness/core/render/report_json.h"
#include "harness/core/render/report_render.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/edge/journal.h"
#include "harness/review/review_store.h"

namespace taskcost {

bool StdoutWantsColor() {
  const char* term = std::getenv("TERM");
  return isatty(1) && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::strcmp(term, "dumb") != 0;
}

Status AttachExpertReview(Report& report, const std::string& dir) {
  Result<std::optional<ExpertInput>> input = LoadExpertInput(dir);
  if (!input.ok()) return input.errors();
  if (input->has_value()) ApplyExpertReview(report, **input);
  return OkStatus();
}

Result<std::string> ProduceReports(const LoadedRun& run, bool color, bool write_files) {
  ReportBuilder builder(run.manifest);
  for (const Attempt& a : run.attempts) builder.Add(a);
  for (const SentCall& call : run.unanswered) builder.AddUnanswered(call);
  Report report = builder.Finish();
  Status expert = AttachExpertReview(report, run.dir);
  if (!expert.ok()) return expert.errors();
  return EmitReports(report, run.dir, color, write_files);
}

Result<Report> ReportFromRunDir(const std::string& dir, std::vector<std::string>* warnings,
                                const ReportOptions& options) {
  Result<RunManifest> manifest = LoadRunManifest(dir);
  if (!manifest.ok()) return manifest.errors();
  ReportBuilder builder(*manifest, options);
  Result<JournalSummary> journal =
      ReadJournalEach((std::filesystem::path(dir) / kJournalFile).string(), *manifest,
                      [&builder](Attempt&& a) { builder.Add(a); });
  if (!journal.ok()) return journal.errors();
  for (const SentCall& call : journal->unanswered) builder.AddUnanswered(call);
  warnings->insert(warnings->end(), journal->warnings.begin(), journal->warnings.end());
  Report report = builder.Finish();
  Status expert = AttachExpertReview(report, dir);
  if (!expert.ok()) return expert.errors();
  return report;
}

namespace {

// The suite file of a run: run.json's (absolute since runs record it so); for an older run.json
// with a path relative to where the run started, also where that was in the default layout
// (RESULTS/<suite>/<run-id> below it).
std::string RunSuiteFile(const RunManifest& manifest, const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path written(manifest.suite_file);
  std::error_code ec;
  if (written.is_absolute() || fs::exists(written, ec)) return manifest.suite_file;
  fs::path run = fs::path(dir).lexically_normal();
  if (!run.has_filename()) run = run.parent_path();  // "results/s/r/"
  const fs::path started = run.parent_path().parent_path().parent_path();
  const fs::path guess = started / written;
  return fs::exists(guess, ec) ? guess.string() : manifest.suite_file;
}

// The outliers' inputs come from the suite's samples as they are now; say so when the suite is
// gone or has changed since the run.
Result<ReportEvidence> CollectEvidence(const std::string& dir, const Report& report) {
  Result<RunManifest> manifest = LoadRunManifest(dir);
  if (!manifest.ok()) return manifest.errors();
  std::vector<Sample> samples;
  std::string note;
  const std::string suite_file = RunSuiteFile(*manifest, dir);
  Result<Suite> suite = LoadSuite(suite_file);
  if (!suite.ok()) {
    note = "inputs not shown: the run's suite file " + manifest->suite_file +
           " could not be read from here";
  } else {
    samples = std::move(suite->samples);
    if (suite->content_hash != manifest->suite_hash) {
      note = "the suite has changed since this run; inputs are shown as they are now";
    }
  }
  EvidenceCollector collector(report, samples);
  Result<JournalSummary> journal =
      ReadJournalEach((std::filesystem::path(dir) / kJournalFile).string(),
                      [&collector](Attempt&& a) { collector.Add(a); });
  if (!journal.ok()) return journal.errors();
  ReportEvidence evidence = collector.Finish();
  evidence.note = note;
  return evidence;
}

}  // namespace

Result<std::string> RenderRunDirAs(const std::string& dir, const Report& report,
                                   const std::string& format) {
  if (format == "csv") {
    Result<std::optional<ExpertInput>> scores = LoadExpertInput(dir);
    if (!scores.ok()) return scores.errors();
    if (!scores->has_value()) return ReportToCsv(report);
    Report scored = report;
    AddExpertScores(scored, **scores);
    return ReportToCsv(scored);
  }
  Result<ReportEvidence> evidence = CollectEvidence(dir, report);
  if (!evidence.ok()) return evidence.errors();
  return RenderHtml(report, *evidence);
}

Result<std::string> EmitReports(const Report& report, const std::string& dir, bool color,
                                 bool write_files) {
  if (write_files) {
    const std::filesystem::path path(dir);
    Status json = WriteFileAtomic((path / "report.json").string(), ReportToJson(report));
    if (!json.ok()) return json.errors();
    Status md = WriteFileAtomic((path / "report.md").string(), RenderMarkdown(report));
    if (!md.ok()) return md.errors();
  }
  return RenderTerminal(report, color);
}

}  // namespace taskcost
