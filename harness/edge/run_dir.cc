#include "harness/edge/run_dir.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "harness/core/user_files.h"
#include "harness/edge/journal.h"

namespace taskcost {
namespace fs = std::filesystem;

std::string RunIdFor(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H-%M-%SZ", &utc);
  return buffer;
}

Status CreateRunDir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return MakeError("run directory " + dir +
                     " already exists and is not empty; pass --resume " + dir +
                     " to continue it, or choose another --out");
  }
  fs::create_directories(dir, ec);
  if (ec) return MakeError("cannot create run directory " + dir + ": " + ec.message());
  return OkStatus();
}

Result<std::string> ClaimRunDir(const std::string& parent, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return MakeError("cannot create " + parent + ": " + ec.message());
  for (int n = 1; n <= 1000; ++n) {
    const std::string id = n == 1 ? run_id : run_id + "-" + std::to_string(n);
    const std::string dir = (fs::path(parent) / id).string();
    if (::mkdir(dir.c_str(), 0755) == 0) return id;  // mkdir is the atomic claim
    if (errno != EEXIST) {
      return MakeError("cannot create run directory " + dir + ": " + std::strerror(errno));
    }
  }
  return MakeError("cannot create a run directory for " + run_id + " in " + parent +
                   ": 1000 runs already use that second");
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return MakeError("cannot write " + temp + ": " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) return MakeError("cannot write " + temp + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return MakeError("cannot rename " + temp + " to " + path + ": " + ec.message());
  return OkStatus();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<RunManifest> LoadRunManifest(const std::string& dir) {
  const std::string manifest_path = (fs::path(dir) / kManifestFile).string();
  Result<std::string> text = ReadUserFile(manifest_path);  // a regular file, at most 16 MiB
  if (!text.ok()) {
    return MakeError(dir + " is not a run directory (no readable " + kManifestFile + ": " +
                     text.error().message + ")");
  }
  return ManifestFromJson(*text, manifest_path);
}

Result<LoadedRun> LoadRunDir(const std::string& dir) {
  Result<RunManifest> manifest = LoadRunManifest(dir);
  if (!manifest.ok()) return manifest.errors();
  Result<JournalContents> journal = ReadJournal((fs::path(dir) / kJournalFile).string());
  if (!journal.ok()) return journal.errors();
  LoadedRun run;
  run.dir = dir;
  run.manifest = std::move(manifest).value();
  run.attempts = std::move(journal->attempts);
  run.warnings = std::move(journal->warnings);
  return run;
}

}  // namespace taskcost
