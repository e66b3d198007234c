#include "harness/cli/history_index.h"

#include <algorithm>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/report_output.h"
#include "harness/edge/run_dir.h"

namespace taskcost {
namespace {

namespace fs = std::filesystem;

// The run's name in the index: its path relative to the results directory; "" when outside.
std::string RunKey(const std::string& results, const std::string& dir) {
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(results, ec);
  const fs::path run = fs::weakly_canonical(dir, ec);
  const fs::path relative = run.lexically_relative(root);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return "";
  return relative.generic_string();
}

// Changes when the run changes: run.json is rewritten at the end, the journal only grows.
std::string Fingerprint(const std::string& dir) {
  std::error_code ec;
  std::string print;
  for (const char* name : {kManifestFile, kJournalFile}) {
    const fs::path file = fs::path(dir) / name;
    const auto size = fs::file_size(file, ec);
    const auto time = fs::last_write_time(file, ec);
    print += std::to_string(ec ? 0 : size) + ":" +
             std::to_string(ec ? 0 : time.time_since_epoch().count()) + ";";
  }
  return print;
}

std::string IndexPath(const std::string& results) {
  return (fs::path(results) / kHistoryFile).string();
}

}  // namespace

Status CheckResultsDir(const std::string& results) {
  std::error_code ec;
  if (fs::is_directory(results, ec)) return OkStatus();
  return MakeError("no results directory " + results +
                   " (runs are written to results/<suite>/<run-id>; see --results)");
}

std::vector<std::string> FindRunDirs(const std::string& results) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const fs::directory_entry& suite : fs::directory_iterator(results, ec)) {
    if (!suite.is_directory() || suite.path().filename().string().rfind('.', 0) == 0) continue;
    for (const fs::directory_entry& run : fs::directory_iterator(suite.path(), ec)) {
      if (run.is_directory() && fs::exists(run.path() / kManifestFile)) {
        dirs.push_back(run.path().string());
      }
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

Status IndexRunReport(const std::string& results, const std::string& dir, const Report& report,
                      int64_t started_unix_ms) {
  const std::string key = RunKey(results, dir);
  if (key.empty()) return OkStatus();  // a run written elsewhere (--out) is not indexed
  std::vector<std::string> notes;
  Result<std::unique_ptr<HistoryDb>> db = HistoryDb::OpenOrRebuild(IndexPath(results), &notes);
  for (const std::string& note : notes) PrintWarning(note);
  if (!db.ok()) return db.errors();
  return (*db)->Index(key, Fingerprint(dir), HistoryPointsOf(report, started_unix_ms, key));
}

Result<std::unique_ptr<HistoryDb>> OpenHistory(const std::string& results,
                                               std::vector<std::string>* warnings) {
  Status exists = CheckResultsDir(results);
  if (!exists.ok()) return exists.errors();
  Result<std::unique_ptr<HistoryDb>> db = HistoryDb::OpenOrRebuild(IndexPath(results), warnings);
  if (!db.ok()) return db.errors();
  Result<std::map<std::string, std::string>> known = (*db)->Fingerprints();
  if (!known.ok()) return known.errors();
  std::map<std::string, std::string> gone = *known;
  for (const std::string& dir : FindRunDirs(results)) {
    const std::string key = RunKey(results, dir);
    gone.erase(key);
    auto found = known->find(key);
    const std::string print = Fingerprint(dir);
    if (found != known->end() && found->second == print) continue;
    std::vector<std::string> journal_warnings;
    Result<RunManifest> manifest = LoadRunManifest(dir);
    Result<Report> report = ReportFromRunDir(dir, &journal_warnings);
    if (!manifest.ok() || !report.ok()) {
      warnings->push_back("history: skipped " + dir + ": " +
                          (!manifest.ok() ? manifest.error() : report.error()).ToString());
      continue;
    }
    Status indexed =
        (*db)->Index(key, print, HistoryPointsOf(*report, manifest->started_unix_ms, key));
    if (!indexed.ok()) return indexed.errors();
  }
  for (const auto& [key, print] : gone) {
    Status forgot = (*db)->Forget(key);
    if (!forgot.ok()) return forgot.errors();
  }
  return db;
}

}  // namespace taskcost
