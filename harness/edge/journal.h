// Journal: the append-only attempts.jsonl, the run's source of truth. Each attempt is written as
// one line and flushed to the OS as it ends (fsync at close and every `sync_every` lines), so a
// killed run loses at most the line being written. The reader tolerates a torn final line and
// reports what it dropped (leveldb's log Reporter). A JournalWriter is used from one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/attempt.h"
#include "harness/core/result.h"

namespace taskcost {

class JournalWriter {
 public:
  /// Creates `path` with a header line, or opens an existing journal for appending after
  /// checking its header (resume). A torn final line is cut off first (reported in `warnings`,
  /// which may be null). An existing journal of another run is refused unless `run_id` is empty.
  /// Lines are fsynced every `sync_every` appends, on Sync() and when the writer is destroyed.
  static Result<std::unique_ptr<JournalWriter>> Open(const std::string& path,
                                                     const std::string& run_id,
                                                     std::vector<std::string>* warnings,
                                                     int64_t sync_every = 64);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// Appends one attempt line and flushes it to the OS. Fails on a write error (disk full);
  /// the partial line is then cut off again and the writer refuses further appends.
  Status Append(const Attempt& attempt);
  /// fsyncs what was written.
  Status Sync();

 private:
  JournalWriter(std::FILE* file, std::string path);
  std::FILE* file_;
  std::string path_;
  int64_t lines_since_sync_ = 0;
  int64_t sync_every_ = 64;
  int64_t good_size_ = 0;  // bytes of the file that hold complete lines
  bool failed_ = false;    // a write failed; no more appends
};

struct JournalContents {
  std::string run_id;
  std::vector<Attempt> attempts;  // in file order
  int64_t dropped_bytes = 0;      // bytes of a torn or unreadable final line, ignored
  std::vector<std::string> warnings;  // e.g. "attempts.jsonl: ignored a torn final line (57 bytes)"
};

/// Reads a whole journal. Fails when the file is missing, its header is absent or of a newer
/// version, or a line other than the last is corrupt (that is damage, not a torn write).
Result<JournalContents> ReadJournal(const std::string& path);

}  // namespace taskcost
