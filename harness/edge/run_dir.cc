#include "harness/edge/run_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "harness/core/formats/user_files.h"
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

namespace {

// The pid written in a lock file, or "" when it holds none.
std::string LockHolder(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return "";
  std::string pid(buffer, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  const bool digits = !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos;
  return digits ? pid : "";
}

}  // namespace

Result<RunDirLock> RunDirLock::Acquire(const std::string& dir) {
  const std::string path = (fs::path(dir) / kLockFile).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return MakeError("cannot lock run directory " + dir + ": " + path + ": " +
                     std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = err == EWOULDBLOCK ? LockHolder(fd) : "";
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return MakeError("cannot lock run directory " + dir + ": " + std::strerror(err));
    }
    return MakeError("run directory " + dir + " is in use by another taskcost run" +
                     (holder.empty() ? "" : " (pid " + holder + ")") +
                     "; wait for it to end, or stop it, before running this directory again");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::close(fd);
    return MakeError("cannot lock run directory " + dir + ": " + path + ": " + std::strerror(err));
  }
  return RunDirLock(fd);
}

RunDirLock& RunDirLock::operator=(RunDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

RunDirLock::~RunDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Result<RunDirLock> CreateRunDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError("cannot create run directory " + dir + ": " + ec.message());
  // Locked before it is looked at, so two runs given the same --out cannot both find it empty.
  Result<RunDirLock> lock = RunDirLock::Acquire(dir);
  if (!lock.ok()) return lock.errors();
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename() == kLockFile) continue;
    return MakeError("run directory " + dir +
                     " already exists and is not empty; pass --resume " + dir +
                     " to continue it, or choose another --out");
  }
  if (ec) return MakeError("cannot read run directory " + dir + ": " + ec.message());
  return lock;
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
  return ReadUserFile(path, kMaxSamplesFileBytes);  // 64 MiB: sheets and baselines are far smaller
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
  Result<JournalContents> journal =
      ReadJournal((fs::path(dir) / kJournalFile).string(), manifest.value());
  if (!journal.ok()) return journal.errors();
  LoadedRun run;
  run.dir = dir;
  run.manifest = std::move(manifest).value();
  run.attempts = std::move(journal->attempts);
  run.unanswered = std::move(journal->unanswered);
  run.warnings = std::move(journal->warnings);
  return run;
}

}  // namespace taskcost
