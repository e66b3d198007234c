// The journal reader's rules (docs/journal-format.md, "What a reader refuses"): each record is
// checked against the records before it and, when the run's manifest is given, against run.json:
// a line journaled twice, attempts out of order or past the task's end, a task, sample, step or
// repeat the run does not have, a judge line for no attempt, a `sent` line in a journal older
// than version 3. Also pairs `sent` lines with the lines that answer them, so the calls that got
// no answer are known. Private to the journal reader; one per read, not synchronised.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

class JournalChecker {
 public:
  /// `manifest` may be null (no checks against run.json, no order checks); it must outlive the
  /// checker. `version` is the journal header's.
  JournalChecker(const RunManifest* manifest, int version);
  ~JournalChecker();

  /// Why the attempt line at `line` cannot be, or nullopt. Call for every record in file order;
  /// a record that fits is taken into account.
  std::optional<std::string> Attempt(const taskcost::Attempt& a);
  /// The same for a judge line; `waits` says whether the reader holds an attempt awaiting
  /// this verdict.
  std::optional<std::string> Judge(const JudgeCall& j, bool waits);
  /// The same for the `sent` line at `line`; `judged_waits` says, for a judge call, whether the
  /// attempt it judges is journaled and waits for that check.
  std::optional<std::string> Sent(const SentCall& s, bool judged_waits, int line);

  /// The calls sent that no line answered, in file order: re-sent ones (a resumed run called
  /// again), then those still open at the end of the file (SentCall::last_of_task for a model
  /// call: its task has nothing journaled after it).
  std::vector<SentCall> TakeUnanswered();

 private:
  struct Task;
  std::optional<std::string> CheckIdentity(const std::string& sample, const std::string& candidate,
                                           int repeat, const std::string& step, int attempt,
                                           Task** task, int* step_index);

  const RunManifest* manifest_;
  int version_;
  std::unordered_map<std::string, size_t> candidates_, samples_;
  std::vector<std::vector<std::string>> steps_;  // per candidate: its step ids (empty: single)
  std::vector<Task> tasks_;                      // candidate x sample x repeat
  // `sent` lines not answered yet, by call; the line number orders TakeUnanswered.
  std::unordered_map<std::string, std::pair<int, SentCall>> open_;
  std::vector<std::pair<int, SentCall>> resent_;
};

}  // namespace taskcost
