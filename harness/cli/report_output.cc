#include "harness/cli/report_output.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "harness/core/metrics.h"
#include "harness/core/report_json.h"
#include "harness/core/report_render.h"

namespace taskcost {

bool StdoutWantsColor() {
  const char* term = std::getenv("TERM");
  return isatty(1) && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::strcmp(term, "dumb") != 0;
}

Result<std::string> ProduceReports(const LoadedRun& run, bool color, bool write_files) {
  Report report = ComputeReport(run.manifest, run.attempts);
  if (write_files) {
    const std::filesystem::path dir(run.dir);
    Status json = WriteFileAtomic((dir / "report.json").string(), ReportToJson(report));
    if (!json.ok()) return json.errors();
    Status md = WriteFileAtomic((dir / "report.md").string(), RenderMarkdown(report));
    if (!md.ok()) return md.errors();
  }
  return RenderTerminal(report, color);
}

}  // namespace taskcost
