// Run directories: results/<suite>/<run-id>/ with run.json, attempts.jsonl and reports. Creating
// one never overwrites an existing run; loading one gives everything `report` needs.
// Plain functions over the filesystem; not synchronised.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

inline constexpr const char* kManifestFile = "run.json";
inline constexpr const char* kJournalFile = "attempts.jsonl";

/// "2026-11-23T10-04-12Z" for a Unix time in milliseconds (UTC; no colons, safe in paths).
std::string RunIdFor(int64_t unix_ms);

inline constexpr const char* kLockFile = "run.lock";

/// A run directory locked by this process while a run writes it: an exclusive flock(2) on
/// RUN_DIR/run.lock, which holds the locking process's pid. The kernel releases it when the
/// process ends, however it ends (kill -9 included); the file stays. Movable; unlocks when
/// destroyed.
class RunDirLock {
 public:
  /// Locks `dir` (which must exist). Fails when another process holds the lock, naming its pid:
  /// "run directory results/x is in use by another taskcost run (pid 4242) ...".
  static Result<RunDirLock> Acquire(const std::string& dir);
  RunDirLock(RunDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RunDirLock& operator=(RunDirLock&& other) noexcept;
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;
  ~RunDirLock();

 private:
  explicit RunDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Creates `dir` (and parents) and locks it. Fails when it holds anything but its lock file (a
/// run is never overwritten: use --resume), or when another run holds the lock.
Result<RunDirLock> CreateRunDir(const std::string& dir);

/// Creates a new run directory `parent/<run_id>` (and `parent`), atomically: when another run
/// already holds that name (two runs started in the same second, in one process or two), the
/// next free `<run_id>-2`, `-3`, ... is taken instead. Returns the run id used.
Result<std::string> ClaimRunDir(const std::string& parent, const std::string& run_id);

/// Writes `content` to `path` through a temporary file and rename, so readers never see half.
Status WriteFileAtomic(const std::string& path, const std::string& content);
/// A whole file from outside (a returned review sheet, stored scores, a gate baseline), read as
/// every such file is (core/formats/user_files.h ReadUserFile): a regular file of at most 64 MiB, else an
/// error at `path` ("cannot read file (it is a FIFO, not a regular file)", "the file is ...
/// bytes; at most ...").
Result<std::string> ReadWholeFile(const std::string& path);

struct LoadedRun {
  std::string dir;
  RunManifest manifest;
  std::vector<Attempt> attempts;
  std::vector<SentCall> unanswered;   // calls sent without an answer (JournalContents)
  std::vector<std::string> warnings;  // e.g. a torn final journal line that was ignored
};

/// Reads run.json and attempts.jsonl from a run directory, the journal checked against run.json.
Result<LoadedRun> LoadRunDir(const std::string& dir);

/// Reads only run.json of a run directory; the journal can then be streamed with
/// ReadJournalEach(dir + "/" + kJournalFile, ...).
Result<RunManifest> LoadRunManifest(const std::string& dir);

}  // namespace taskcost
