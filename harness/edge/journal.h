// Journal: the append-only attempts.jsonl, the run's source of truth. Each call is written as a
// `sent` line before its request goes out, and each attempt as one line when it ends; each line
// is flushed to the OS as it is written (fsync at close, and in the background every `sync_every`
// lines), so a killed run loses at most the line being written, and its calls that got no answer
// are known. The reader tolerates a torn final line (bytes after the last newline) and reports
// what it dropped (leveldb's log Reporter); everything else it cannot trust is an error with file
// and line (docs/journal-format.md). A JournalWriter is used from one thread (it owns a helper
// thread that only fsyncs).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

class JournalWriter {
 public:
  /// Creates `path` with a header line, or opens an existing journal for appending after
  /// checking its header (resume). A torn final line is cut off first (reported in `warnings`,
  /// which may be null). An existing journal of another run is refused unless `run_id` is empty.
  /// Lines are fsynced on Sync(), when the writer is destroyed, and every `sync_every` appends
  /// by a helper thread, so the caller never waits for the disk there (an fsync can take tens
  /// of milliseconds; a run loop blocked on it leaves its connections idle).
  static Result<std::unique_ptr<JournalWriter>> Open(const std::string& path,
                                                     const std::string& run_id,
                                                     std::vector<std::string>* warnings,
                                                     int64_t sync_every = 64);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// Appends one attempt line and flushes it to the OS. Fails on a write error (disk full);
  /// the partial line is then cut off again and the writer refuses further appends. Also fails
  /// when a background fsync failed since the last call.
  Status Append(const Attempt& attempt);
  /// Appends one LLM-judge call line, the same way.
  Status AppendJudgeCall(const JudgeCall& call);
  /// Appends one `sent` line (a call about to go out), the same way.
  Status AppendSent(const SentCall& call);
  /// Appends the `sent` lines of several calls about to go out at once, with one write.
  Status AppendSent(const std::vector<const SentCall*>& calls);
  /// fsyncs what was written.
  Status Sync();

 private:
  struct Syncer;  // the helper thread that fsyncs every sync_every lines

  JournalWriter(std::FILE* file, std::string path);
  Status AppendLine(std::string line);
  /// Appends `text`, `lines` whole lines each ended by its newline, with one write.
  Status AppendLines(const std::string& text, int64_t lines);
  std::FILE* file_;
  std::unique_ptr<Syncer> syncer_;
  std::string path_;
  int64_t lines_since_sync_ = 0;
  int64_t sync_every_ = 64;
  int64_t good_size_ = 0;  // bytes of the file that hold complete lines
  bool failed_ = false;    // a write failed; no more appends
};

struct JournalContents {
  std::string run_id;
  std::vector<Attempt> attempts;  // in file order
  // Calls sent that no line answers (the run was killed, or interrupted past its grace), in
  // file order: their usage is unknown, their cost at most SentCall::worst_case.
  std::vector<SentCall> unanswered;
  int64_t dropped_bytes = 0;      // bytes of a torn or unreadable final line, ignored
  std::vector<std::string> warnings;  // e.g. "attempts.jsonl: ignored a torn final line (57 bytes)"
};

/// Reads a whole journal. Fails (file:line) when the file is missing, its header is absent or of
/// a newer version, a complete line does not read (only bytes after the last newline are a torn
/// write), or a record cannot be: a line journaled twice, attempts out of order or after their
/// task ended, a judge line or a judge call sent for no attempt awaiting it, a `sent` line in a
/// journal older than version 3, a second header (docs/journal-format.md).
Result<JournalContents> ReadJournal(const std::string& path);
/// The same, also checked against the run's manifest (run.json): the header's run id, every
/// record's candidate, sample, repeat and step, and attempt numbers within the policy.
Result<JournalContents> ReadJournal(const std::string& path, const RunManifest& manifest);

/// What ReadJournalEach found besides the attempts.
struct JournalSummary {
  std::string run_id;
  int64_t attempts = 0;               // attempts handed to the visitor
  std::vector<SentCall> unanswered;   // as in JournalContents
  int64_t dropped_bytes = 0;          // as in JournalContents
  std::vector<std::string> warnings;  // as in JournalContents
};

/// Reads a journal line by line, handing each attempt to `visit` in file order and keeping none:
/// memory stays flat however long the journal is. An attempt with a pending LLM-judge check is
/// held until the judge lines that decide it (attached to its judge_calls) and handed over then,
/// or at the end of the file still pending (it then reads as unjudged). Same checks and failures as
/// ReadJournal; on failure `visit` may already have seen the attempts before the damaged line.
Result<JournalSummary> ReadJournalEach(const std::string& path,
                                       const std::function<void(Attempt&&)>& visit);
/// The same, also checked against the run's manifest as ReadJournal(path, manifest) is.
/// `manifest` must outlive the call.
Result<JournalSummary> ReadJournalEach(const std::string& path, const RunManifest& manifest,
                                       const std::function<void(Attempt&&)>& visit);

}  // namespace taskcost
