// The run index: results/history.sqlite, one row per run and one per candidate of each run, so
// `taskcost history` and `summary` need not re-read every journal. Derived data: deleting the
// file loses nothing (the CLI rebuilds it from the run directories), so a damaged file is
// deleted and tables of another shape are emptied, with a note. SQLite in WAL mode with a busy
// timeout, so several runs may index at once. sqlite3.h stays inside history_db.cc.
// One HistoryDb per thread (the connection is not shared).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/history/history.h"
#include "harness/core/model/result.h"

namespace taskcost {

inline constexpr const char* kHistoryFile = "history.sqlite";
inline constexpr int kHistorySchemaVersion = 2;  // 2: tasks unfinished and not run

class HistoryDb {
 public:
  /// Opens (creating when missing, with its parent directory) the index at `path`. Tables of
  /// an older schema or of another shape are dropped and created empty, with a line in `notes`
  /// (optional); a newer schema is refused; a file that is no usable database is an error.
  static Result<std::unique_ptr<HistoryDb>> Open(const std::string& path,
                                                 std::vector<std::string>* notes = nullptr);
  /// As Open, but a file that is not a database or is damaged (garbage, truncated, damaged
  /// pages: SQLite's NOTADB and CORRUPT, or a failing quick_check) is deleted with its -wal and
  /// -shm files and created anew, with a line in `notes` saying so.
  static Result<std::unique_ptr<HistoryDb>> OpenOrRebuild(const std::string& path,
                                                          std::vector<std::string>* notes);
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  /// Replaces everything indexed for `run_dir` with `points` (one per candidate, all of one
  /// run) and remembers `fingerprint`, in one transaction.
  Status Index(const std::string& run_dir, const std::string& fingerprint,
               const std::vector<HistoryPoint>& points);
  /// Forgets a run (its directory is gone).
  Status Forget(const std::string& run_dir);
  /// run_dir -> fingerprint of every indexed run.
  Result<std::map<std::string, std::string>> Fingerprints();
  /// The points of `suite` (every suite when empty) of runs started at or after `since_unix_ms`,
  /// by suite, then start time, then candidate order within the run.
  Result<std::vector<HistoryPoint>> Points(const std::string& suite, int64_t since_unix_ms);

 private:
  struct Handle;
  explicit HistoryDb(std::unique_ptr<Handle> handle);
  static Result<std::unique_ptr<HistoryDb>> OpenIndex(const std::string& path,
                                                      std::vector<std::string>* notes,
                                                      bool* damaged);
  std::unique_ptr<Handle> handle_;
};

}  // namespace taskcost
