// The run loop: drives the Scheduler, the Transport and the Journal until every task is done,
// the budget is reached, or the user interrupts. The thin, waiting part of a run; every decision
// lives in Scheduler and RunPlan. Runs on the calling thread, except that answers are scored on
// a small pool of threads when a scorer is slow (a command scorer: ScorerPool), so the loop
// keeps reading replies and a reply's latency is the provider's alone; `interrupt` may be set
// from a signal handler.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/money.h"
#include "harness/edge/clock.h"
#include "harness/edge/journal.h"
#include "harness/edge/response_cache.h"
#include "harness/edge/transport.h"
#include "harness/runner/run_plan.h"
#include "harness/runner/scheduler.h"

namespace taskcost {

struct RunProgress {
  size_t tasks_total = 0;
  size_t tasks_done = 0;
  size_t successes = 0;
  int64_t attempts = 0;
  int in_flight = 0;
  Money spent;
  std::optional<Money> budget;
  std::chrono::milliseconds elapsed{0};
  // When only time can let anything more be sent: how long, until when (from the start) and why
  // ("anthropic rate limit (Retry-After)"); wait 0 otherwise.
  std::chrono::milliseconds wait{0};
  std::chrono::milliseconds wait_until{0};
  std::string wait_reason;
};

struct RunOptions {
  int concurrency = 64;                 // attempts in flight across the run
  uint64_t seed = 1;                    // backoff jitter
  std::optional<Money> budget;          // hard cap; unset = none
  std::chrono::milliseconds grace{5'000};  // after an interrupt, wait this long for in-flight calls
  const std::atomic<bool>* interrupt = nullptr;  // set => stop scheduling, drain, return
  std::function<void(const RunProgress&)> on_progress;  // called at most every ~200 ms
  std::function<void(const std::string&)> on_notice;   // one-line notices (candidate stopped, ...)
  // Called with each attempt once its journal line is written, in journal order.
  std::function<void(const Attempt&)> on_journaled;
  // Answers identical requests from disk and stores new answers; unset = no cache (--no-cache).
  // Must outlive the run.
  const ResponseCache* cache = nullptr;
  // Calls earlier runs of the directory sent without an answer (resume: JournalContents::
  // unanswered): each counts against the budget at its worst case.
  std::vector<SentCall> unanswered;
  // Threads that score answers when a scorer is slow; 0 = one per call in flight, up to 8.
  int scorer_threads = 0;
};

struct StoppedCandidate {
  std::string candidate_id;
  std::string reason;  // "auth: Incorrect API key provided (HTTP 401)"
};

/// A candidate (or an LLM judge, "judge MODEL") the budget stopped: its next call's worst case
/// did not fit in what was left.
struct BudgetStopped {
  std::string candidate_id;
  Money next_call;
  Money left;
};

struct RunResult {
  StopCause stop = StopCause::kNone;
  std::vector<StoppedCandidate> stopped;  // candidates stopped by a fatal error
  std::vector<BudgetStopped> budget_stopped;  // in the order the budget stopped them
  Money budget_spent;  // counted against the budget: a resumed run's earlier spend included
  size_t tasks_not_run = 0;               // planned tasks that will not get another attempt
  int64_t attempts = 0;                   // attempts made by this invocation
  int64_t http_answers = 0;               // attempts that got any HTTP status
  int64_t cached_attempts = 0;            // attempts answered by the response cache
  Money spent;                            // by this invocation; cached attempts cost nothing
  // LLM-judge calls made by this invocation, and what they spent (included in `spent`; never
  // in any task's cost).
  int64_t judge_calls = 0;
  int64_t cached_judge_calls = 0;
  Money judge_spent;
  // Every call of the run directory that went out without an answer, as the journal reader
  // would list them (JournalContents::unanswered): RunOptions::unanswered (a task's flag
  // last_of_task cleared when this run called it again), then this run's calls cut off at its
  // end (an interrupt past the grace), in the order sent.
  std::vector<SentCall> unanswered;
};

/// Runs `plan`. `previous` holds attempts already journaled (resume): finished tasks are not
/// called again, unfinished ones continue from their attempt count, and their cost counts
/// against the budget. Fails only when the journal cannot be written (the run stops at once).
Result<RunResult> ExecuteRun(const RunPlan& plan, const std::vector<Attempt>& previous,
                             const RunOptions& options, Transport& transport, const Clock& clock,
                             JournalWriter& journal);

/// Whether a task with these attempts (in order) needs no further attempt under `policy`.
bool TaskFinished(const std::vector<const Attempt*>& attempts, const RetryPolicy& policy);

}  // namespace taskcost
