// Scheduler: decides which attempt to send when. A plain state machine with no threads, sockets
// or clock of its own: the run loop feeds it events (an attempt finished, time passed) and asks
// it what to send. It enforces concurrency limits (global and per provider group, the latter
// lowered by AIMD on repeated 429/529), rate limits (providers.yaml requests and tokens per
// minute as token buckets; the provider's own quota as its rate-limit headers report it;
// Retry-After pauses, each at most the policy's max_wait), retries with capped exponential
// backoff and jitter, the budget by reserving each call's worst-case cost before it is sent
// (docs/plan.md, "The budget"), and stops a candidate on a fatal error. Not synchronised: one
// thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/http.h"
#include "harness/core/model/money.h"
#include "harness/core/model/rng.h"
#include "harness/core/model/suite.h"
#include "harness/runner/rate_limiter.h"

namespace taskcost {

/// A provider's client-side rate caps (providers.yaml); 0 = none.
struct GroupRateLimit {
  int requests_per_minute = 0;
  int64_t tokens_per_minute = 0;
};

struct SchedulerLimits {
  int global_concurrency = 64;          // attempts in flight across the run
  std::vector<int> group_concurrency;   // per provider group; index = TaskSpec::group; 0 = none
  std::vector<GroupRateLimit> group_rate;  // per provider group; missing = no caps
  // For a provider without caps, send one request per model first and wait for its reply (its
  // rate-limit headers tell how much may follow) or for kProbeWait, whichever comes first.
  bool probe_first = false;
  std::vector<std::string> group_names;  // per provider group, for wait reasons ("anthropic")
};

struct TaskSpec {
  int candidate = 0;       // index of the candidate; StopCandidate uses it
  int group = 0;           // provider group, for concurrency limits
  int attempts_done = 0;   // attempts already journaled (resume)
  Money reserve;           // worst-case cost of one attempt, reserved while it is in flight
  int64_t estimated_tokens = 0;  // input + max output tokens of one attempt, for token limits
  int model = 0;  // tasks with equal group and model share the provider's per-model quota
  // Prompt caching asked (docs/prompt-caching.md): the lane's first request goes alone and the
  // others wait for its reply, however long it takes, so they read the cache it writes.
  bool warm_up = false;
};

/// What the run loop learned from one finished attempt.
struct AttemptOutcome {
  ErrorClass error = ErrorClass::kNone;
  std::optional<std::chrono::milliseconds> retry_after;  // Retry-After or reset headers
  Money cost;                                            // actual cost of the attempt
  bool not_sent = false;     // answered without reaching the provider (response cache): its
                             // rate charges are given back and it teaches nothing about limits
  bool http_answer = false;  // an HTTP status arrived (429 included)
  int64_t tokens_used = 0;   // every token the reply's usage reports; 0 when it has none
  std::optional<RateLimitReading> rate_limit;  // the reply's rate-limit headers
};

/// One attempt to send now: task index (from AddTask) and its 1-based attempt number.
struct SendOrder {
  size_t task = 0;
  int attempt = 1;
};

enum class StopCause { kNone, kBudget, kInterrupted };

/// A candidate (or judge slot) the budget stopped: its next call's worst case, `next_call`, did
/// not fit in what was left of the budget after what had been spent, `left`.
struct BudgetStop {
  int candidate = 0;
  Money next_call;
  Money left;
};

/// Why nothing more can be sent before `until` (unless an attempt finishes first).
struct WaitReason {
  SteadyTime until;
  std::string reason;  // "anthropic rate limit (Retry-After)"
};

/// Whether the policy refuses the wait a provider asked for: longer than `max_wait`. Such an
/// attempt is not retried.
bool WaitRefused(const RetryPolicy& policy, std::optional<int64_t> retry_after_ms);

/// The words for attempt number `attempt`, failed with `error`, that the policy would retry but
/// for the wait its reply asked for: "Retry-After: 999999 asks for a wait of 277.8 h, longer
/// than the policy's max_wait_s of 120.0 s; not retried". Empty otherwise.
std::string RefusedWaitText(const RetryPolicy& policy, ErrorClass error, int attempt,
                            std::optional<int64_t> retry_after_ms,
                            const std::vector<HttpHeader>& headers);

class Scheduler {
 public:
  static constexpr std::chrono::milliseconds kProbeWait{1000};

  Scheduler(SchedulerLimits limits, RetryPolicy policy, std::optional<Money> budget,
            uint64_t seed);

  /// Adds a task, ready to send in the order added. Returns its index.
  size_t AddTask(const TaskSpec& spec);
  /// Makes room for `tasks` tasks in all, so adding them never reallocates (a run of 100,000
  /// tasks would otherwise hold its task table twice while it grows).
  void Reserve(size_t tasks) { tasks_.reserve(tasks); }
  /// Marks a task already finished (resume); it is never sent.
  void MarkFinished(size_t task);
  /// Adds `cost` already spent (resume) to the budget's account.
  void AddSpent(Money cost) { spent_ += cost; }

  /// Attempts that may start at `now` within every limit; each is counted in flight at once.
  std::vector<SendOrder> TakeSends(SteadyTime now);

  /// An attempt ended; its reservation is released and `outcome.cost` spent. Rate feedback:
  /// the rate-limit reading re-anchors the provider's quota for the task's model; the token
  /// estimate charged at send is corrected by the actual usage; a 429/529 or 5xx with
  /// Retry-After pauses every task of that model at that provider until then; rate-limited
  /// replies feed the provider's AIMD concurrency limit.
  void OnFinished(size_t task, const AttemptOutcome& outcome, SteadyTime now);
  /// The same with only the error, Retry-After and cost known.
  void OnFinished(size_t task, ErrorClass error,
                  std::optional<std::chrono::milliseconds> retry_after, Money cost, SteadyTime now);

  /// Drops every task of `candidate` that is not in flight (a fatal error).
  void StopCandidate(int candidate);
  /// What nothing-to-send-now is waiting for, when only time can end it: the earliest wake and
  /// its cause. Empty when something may be sent at `now` or only a finishing attempt helps.
  std::optional<WaitReason> Waiting(SteadyTime now) const;
  /// Stops sending anything new; in-flight attempts still finish.
  void Stop(StopCause cause);

  /// True when nothing is in flight and nothing more will be sent.
  bool Done() const;
  /// When TakeSends may next have something to send because time passed: a waiting retry
  /// comes due, a pause ends, or a rate bucket refills enough for the next task of a provider
  /// that has concurrency to spare. Empty when only a finishing attempt can unblock anything.
  std::optional<SteadyTime> NextWake() const;

  int in_flight() const { return in_flight_; }
  /// The provider group's concurrency limit now: its configured maximum, lowered by AIMD.
  int concurrency_limit(int group) const;
  Money spent() const { return spent_; }
  Money reserved() const { return reserved_; }
  /// kBudget once the budget stopped any candidate (the others may still be running).
  StopCause stop_cause() const;
  /// Stopped by a fatal error (not by the budget).
  bool candidate_stopped(int candidate) const;
  bool budget_stopped(int candidate) const;
  /// The candidates the budget stopped, in the order it stopped them.
  const std::vector<BudgetStop>& budget_stops() const { return budget_stops_; }
  /// Whether the task has ended with no further attempt coming (not dropped by a stop).
  bool task_finished(size_t task) const { return tasks_.at(task).state == State::kFinished; }
  size_t finished_tasks() const { return finished_; }
  /// Tasks that will never get another attempt although they did not finish.
  std::vector<size_t> Abandoned() const;

 private:
  enum class State { kReady, kInFlight, kWaiting, kFinished, kDropped };
  struct Task {
    TaskSpec spec;
    State state = State::kReady;
    int attempts = 0;
    size_t lane = 0;
    SteadyTime sent_at{};   // of the attempt in flight
    double requests_mark = 0;  // the lane's send counters before the burst it was sent in
    double tokens_mark = 0;
  };
  struct Wake {
    SteadyTime at;
    size_t task;
    bool asked = false;  // the wait is the provider's Retry-After, not our backoff
    bool operator>(const Wake& o) const { return at > o.at; }
  };
  // One provider group: concurrency (AIMD) and the providers.yaml caps.
  struct Group {
    int configured = 0;  // max in flight from providers.yaml; 0 = only the global limit
    AimdLimit aimd;
    std::optional<TokenBucket> requests;  // requests_per_minute
    std::optional<TokenBucket> tokens;    // tokens_per_minute
    int in_flight = 0;
  };
  // The tasks of one model at one provider: its queue and the provider's quota for it.
  struct Lane {
    int group = 0;
    int model = 0;
    std::deque<size_t> ready;
    ServerQuota requests;
    ServerQuota tokens;
    SteadyTime paused_until{};
    bool answered = false;  // a reply came back (see SchedulerLimits::probe_first)
    bool warm_up = false;   // a task of the lane asks for it (TaskSpec::warm_up)
    SteadyTime first_sent{};  // of the probe
    int in_flight = 0;
    double requests_sent = 0;  // counters of every send
    double tokens_sent = 0;
    SteadyTime burst_at{};  // the current burst of sends began then, with these counters
    double burst_requests = 0;
    double burst_tokens = 0;
  };

  enum class Fit { kNow, kLater, kNever };

  std::chrono::milliseconds BackoffDelay(int attempt,
                                         std::optional<std::chrono::milliseconds> retry_after);
  size_t LaneOf(const TaskSpec& spec);
  Fit BudgetFit(const Task& task) const;
  void StopForBudget(const Task& task);
  void Drop(int candidate);
  bool Stopped(int candidate) const;
  // What holds a lane's head back until a time.
  enum class Hold {
    kNone,
    kPause,
    kProbe,
    kWarmUp,
    kRequestsCap,
    kTokensCap,
    kRequestsLeft,
    kTokensLeft
  };
  /// When `task`, the head of `lane`, may go as far as rate limits are concerned, and what holds
  /// it until then.
  std::pair<SteadyTime, Hold> RateWait(const Lane& lane, const Task& task) const;
  std::string HoldText(const Lane& lane, Hold hold) const;
  std::string GroupName(int group) const;
  Group& GroupOf(const TaskSpec& spec);
  int GroupLimit(const Group& group) const;
  bool ConcurrencyAllows(const Lane& lane) const;
  SteadyTime RateReadyAt(const Lane& lane, const Task& task) const;
  std::optional<size_t> Head(const Lane& lane) const;
  void MarkSent(Lane& lane, Task& task, SteadyTime now);
  void TakeFeedback(Lane& lane, const Task& task, const AttemptOutcome& outcome, SteadyTime now);
  void Finish(Task& task);
  void SetState(Task& task, State state);
  void PromoteDue(SteadyTime now);

  SchedulerLimits limits_;
  RetryPolicy policy_;
  std::optional<Money> budget_;
  Rng rng_;
  std::vector<Task> tasks_;
  std::vector<Group> groups_;  // index = TaskSpec::group
  std::vector<Lane> lanes_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> waiting_;
  std::vector<int> stopped_candidates_;
  std::vector<BudgetStop> budget_stops_;
  size_t next_lane_ = 0;  // round robin across lanes
  int in_flight_ = 0;
  size_t finished_ = 0;
  size_t pending_ = 0;  // tasks ready or waiting
  Money spent_;
  Money reserved_;
  StopCause stop_cause_ = StopCause::kNone;
};

}  // namespace taskcost
