#include "harness/cli/report_output.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "harness/core/metrics.h"
#include "harness/core/report_json.h"
#include "harness/core/report_render.h"
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
  Report report = ComputeReport(run.manifest, run.attempts);
  Status expert = AttachExpertReview(report, run.dir);
  if (!expert.ok()) return expert.errors();
  return EmitReports(report, run.dir, color, write_files);
}

Result<Report> ReportFromRunDir(const std::string& dir, std::vector<std::string>* warnings) {
  Result<RunManifest> manifest = LoadRunManifest(dir);
  if (!manifest.ok()) return manifest.errors();
  ReportBuilder builder(*manifest);
  Result<JournalSummary> journal =
      ReadJournalEach((std::filesystem::path(dir) / kJournalFile).string(),
                      [&builder](Attempt&& a) { builder.Add(a); });
  if (!journal.ok()) return journal.errors();
  warnings->insert(warnings->end(), journal->warnings.begin(), journal->warnings.end());
  Report report = builder.Finish();
  Status expert = AttachExpertReview(report, dir);
  if (!expert.ok()) return expert.errors();
  return report;
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
