// Scheduler: decides which attempt to send when. A plain state machine with no threads, sockets
// or clock of its own: the run loop feeds it events (an attempt finished, time passed) and asks
// it what to send. It enforces concurrency limits (global and per provider group), retries with
// capped exponential backoff and jitter (honouring Retry-After), the budget by reserving each
// call's worst-case cost before it is sent, and stops a candidate on a fatal error.
// Not synchronised: one thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "harness/core/attempt.h"
#include "harness/core/money.h"
#include "harness/core/suite.h"
#include "harness/runner/rng.h"

namespace taskcost {

using SteadyTime = std::chrono::steady_clock::time_point;

struct SchedulerLimits {
  int global_concurrency = 64;          // attempts in flight across the run
  std::vector<int> group_concurrency;   // per provider group; index = TaskSpec::group
};

struct TaskSpec {
  int candidate = 0;       // index of the candidate; StopCandidate uses it
  int group = 0;           // provider group, for concurrency limits
  int attempts_done = 0;   // attempts already journaled (resume)
  Money reserve;           // worst-case cost of one attempt, reserved while it is in flight
};

/// One attempt to send now: task index (from AddTask) and its 1-based attempt number.
struct SendOrder {
  size_t task = 0;
  int attempt = 1;
};

enum class StopCause { kNone, kBudget, kInterrupted };

class Scheduler {
 public:
  Scheduler(SchedulerLimits limits, RetryPolicy policy, std::optional<Money> budget,
            uint64_t seed);

  /// Adds a task, ready to send in the order added. Returns its index.
  size_t AddTask(const TaskSpec& spec);
  /// Marks a task already finished (resume); it is never sent.
  void MarkFinished(size_t task);
  /// Adds `cost` already spent (resume) to the budget's account.
  void AddSpent(Money cost) { spent_ += cost; }

  /// Attempts that may start at `now` within every limit; each is counted in flight at once.
  std::vector<SendOrder> TakeSends(SteadyTime now);

  /// An attempt ended. `cost` is its actual cost; its reservation is released.
  void OnFinished(size_t task, ErrorClass error, std::optional<std::chrono::milliseconds> retry_after,
                  Money cost, SteadyTime now);

  /// Drops every task of `candidate` that is not in flight (a fatal error).
  void StopCandidate(int candidate);
  /// Stops sending anything new; in-flight attempts still finish.
  void Stop(StopCause cause);

  /// True when nothing is in flight and nothing more will be sent.
  bool Done() const;
  /// The earliest time a waiting retry becomes ready, if any.
  std::optional<SteadyTime> NextWake() const;

  int in_flight() const { return in_flight_; }
  Money spent() const { return spent_; }
  Money reserved() const { return reserved_; }
  StopCause stop_cause() const { return stop_cause_; }
  bool candidate_stopped(int candidate) const;
  size_t finished_tasks() const { return finished_; }
  size_t task_count() const { return tasks_.size(); }
  /// Tasks that will never get another attempt although they did not finish.
  std::vector<size_t> Abandoned() const;

 private:
  enum class State { kReady, kInFlight, kWaiting, kFinished, kDropped };
  struct Task {
    TaskSpec spec;
    State state = State::kReady;
    int attempts = 0;
  };
  struct Wake {
    SteadyTime at;
    size_t task;
    bool operator>(const Wake& o) const { return at > o.at; }
  };

  std::chrono::milliseconds BackoffDelay(int attempt, std::optional<std::chrono::milliseconds> retry_after);
  bool Admit(const Task& task) const;
  void Finish(Task& task);
  void SetState(Task& task, State state);
  void PromoteDue(SteadyTime now);

  SchedulerLimits limits_;
  RetryPolicy policy_;
  std::optional<Money> budget_;
  Rng rng_;
  std::vector<Task> tasks_;
  std::vector<std::deque<size_t>> ready_;  // per group
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> waiting_;
  std::vector<int> group_in_flight_;
  std::vector<int> stopped_candidates_;
  size_t next_group_ = 0;  // round robin across groups
  int in_flight_ = 0;
  size_t finished_ = 0;
  size_t pending_ = 0;  // tasks ready or waiting
  Money spent_;
  Money reserved_;
  StopCause stop_cause_ = StopCause::kNone;
};

}  // namespace taskcost
