// ScorerPool: scores answers off the run loop's thread (docs/scorers.md, "Where it runs"). A slow
// scorer (the command scorer runs a program) on the loop would leave every other reply waiting
// in its socket, and the transport would count the wait as the provider's latency (and, for a
// time-priced model, as its cost). A few worker threads take the answers in the order submitted
// and apply ScoreAttempt; the loop collects them with TakeDone.
// Submit, TakeDone, Wait, Cancel and pending() belong to the loop's thread; `on_done` is called on
// a worker thread after each answer is scored (the loop passes Transport::Wake, thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/runner/run_plan.h"

namespace taskcost {

class ScorerPool {
 public:
  /// One answer to score: `attempt` as MakeAttempt(..., score = false) left it.
  struct Job {
    uint64_t id = 0;  // the caller's
    PlannedTask task;
    Attempt attempt;
  };

  /// Starts `threads` workers (at least 1) scoring with `plan`, which must outlive the pool.
  ScorerPool(const RunPlan& plan, int threads, std::function<void()> on_done);
  /// Cancels what is left (Cancel) and joins the workers.
  ~ScorerPool();
  ScorerPool(const ScorerPool&) = delete;
  ScorerPool& operator=(const ScorerPool&) = delete;

  void Submit(Job job);
  /// The jobs scored since the last call, in the order they finished.
  std::vector<Job> TakeDone();
  /// Blocks until a scored job waits for TakeDone, nothing is pending, or `max_wait` passed.
  void Wait(std::chrono::milliseconds max_wait);
  /// From now on slow scorers give up at once: a running command scorer's process is killed
  /// (within kCancelCheck), queued answers are scored without starting one (scorer errors saying
  /// so). Every job still comes back through TakeDone.
  void Cancel() { cancel_.store(true); }
  /// Jobs submitted and not yet taken back by TakeDone.
  size_t pending() const { return pending_; }

 private:
  void Work();

  const RunPlan& plan_;
  const std::function<void()> on_done_;
  std::atomic<bool> cancel_{false};
  size_t pending_ = 0;  // the loop's own count
  std::mutex mu_;
  std::condition_variable work_;      // a job was queued, or stopping
  std::condition_variable scored_;    // a job was done
  std::deque<Job> queue_;             // guarded by mu_
  std::vector<Job> done_;             // guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  std::vector<std::thread> workers_;  // last: they start once the fields above are ready
};

}  // namespace taskcost
