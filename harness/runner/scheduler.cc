#include "harness/runner/scheduler.h"

#include <algorithm>
#include <cstdio>

#include "harness/providers/retry_after.h"

namespace taskcost {

namespace {

// A bucket for a providers.yaml cap of `per_minute`. It holds one second's allowance, not the
// minute's: providers enforce per-minute limits over short windows too (OpenAI documents
// 60,000/min enforced as 1,000/s), so a minute's burst at once would be refused, while a
// continuous refill loses nothing over a run. A request bigger than that waits for a full
// bucket and leaves it in debt. The refill after a full bucket starts kArrivalLag late, as the
// provider's does when our first request reaches it.
std::optional<TokenBucket> PerMinuteBucket(int64_t per_minute) {
  if (per_minute <= 0) return std::nullopt;
  const double per_second = static_cast<double>(per_minute) / 60;
  return TokenBucket(std::max(1.0, per_second), per_second, SteadyTime{}, kArrivalLag);
}

// Sends this close together may reach the provider in either order.
constexpr auto kBurst = std::chrono::milliseconds(10);

SteadyTime Later(SteadyTime a, SteadyTime b) { return a < b ? b : a; }

// "1.5 s", "3.2 min", "277.8 h": a wait in words.
std::string WaitText(double seconds) {
  char text[64];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  }
  return text;
}

}  // namespace

bool WaitRefused(const RetryPolicy& policy, std::optional<int64_t> retry_after_ms) {
  return policy.RefusesWait(retry_after_ms);
}

std::string RefusedWaitText(const RetryPolicy& policy, ErrorClass error, int attempt,
                            std::optional<int64_t> retry_after_ms,
                            const std::vector<HttpHeader>& headers) {
  const bool would_retry =
      !IsFatal(error) && policy.Retries(error) && attempt < policy.max_attempts;
  if (!would_retry || !WaitRefused(policy, retry_after_ms)) return "";
  std::string source = WaitSource(headers);
  if (source.empty()) source = "the reply";
  return source + " asks for a wait of " + WaitText(static_cast<double>(*retry_after_ms) / 1000) +
         ", longer than the policy's max_wait_s of " +
         WaitText(static_cast<double>(policy.max_wait.count()) / 1000) + "; not retried";
}

Scheduler::Scheduler(SchedulerLimits limits, RetryPolicy policy, std::optional<Money> budget,
                     uint64_t seed)
    : limits_(std::move(limits)), policy_(std::move(policy)), budget_(budget), rng_(seed) {
  if (limits_.global_concurrency < 1) limits_.global_concurrency = 1;
}

Scheduler::Group& Scheduler::GroupOf(const TaskSpec& spec) {
  const size_t index = static_cast<size_t>(spec.group);
  while (groups_.size() <= index) {
    const size_t g = groups_.size();
    const int configured = g < limits_.group_concurrency.size() ? limits_.group_concurrency[g] : 0;
    const GroupRateLimit rate = g < limits_.group_rate.size() ? limits_.group_rate[g]
                                                               : GroupRateLimit{};
    groups_.push_back(Group{configured,
                            AimdLimit(configured > 0 ? configured : limits_.global_concurrency),
                            PerMinuteBucket(rate.requests_per_minute),
                            PerMinuteBucket(rate.tokens_per_minute)});
  }
  return groups_[index];
}

size_t Scheduler::LaneOf(const TaskSpec& spec) {
  GroupOf(spec);
  for (size_t i = 0; i < lanes_.size(); ++i) {
    if (lanes_[i].group == spec.group && lanes_[i].model == spec.model) return i;
  }
  lanes_.push_back(Lane{spec.group, spec.model});
  return lanes_.size() - 1;
}

size_t Scheduler::AddTask(const TaskSpec& spec) {
  const size_t lane = LaneOf(spec);
  lanes_[lane].warm_up = lanes_[lane].warm_up || spec.warm_up;
  tasks_.push_back(Task{spec, State::kDropped, spec.attempts_done, lane});
  const size_t index = tasks_.size() - 1;
  if (spec.attempts_done >= policy_.max_attempts) {
    Finish(tasks_.back());
  } else if (!budget_stopped(spec.candidate)) {
    SetState(tasks_.back(), State::kReady);
    lanes_[lane].ready.push_back(index);
  }
  return index;
}

void Scheduler::MarkFinished(size_t task) {
  Task& t = tasks_.at(task);
  if (t.state != State::kFinished && t.state != State::kDropped) Finish(t);
}

void Scheduler::SetState(Task& task, State state) {
  auto pending = [](State s) { return s == State::kReady || s == State::kWaiting; };
  if (pending(task.state)) --pending_;
  if (pending(state)) ++pending_;
  task.state = state;
}

void Scheduler::Finish(Task& task) {
  SetState(task, State::kFinished);
  ++finished_;
}

bool Scheduler::candidate_stopped(int candidate) const {
  return std::find(stopped_candidates_.begin(), stopped_candidates_.end(), candidate) !=
         stopped_candidates_.end();
}

bool Scheduler::budget_stopped(int candidate) const {
  return std::any_of(budget_stops_.begin(), budget_stops_.end(),
                     [candidate](const BudgetStop& b) { return b.candidate == candidate; });
}

bool Scheduler::Stopped(int candidate) const {
  return candidate_stopped(candidate) || budget_stopped(candidate);
}

StopCause Scheduler::stop_cause() const {
  if (stop_cause_ == StopCause::kNone && !budget_stops_.empty()) return StopCause::kBudget;
  return stop_cause_;
}

std::string Scheduler::GroupName(int group) const {
  const size_t index = static_cast<size_t>(group);
  if (index < limits_.group_names.size() && !limits_.group_names[index].empty()) {
    return limits_.group_names[index];
  }
  return "provider " + std::to_string(group);
}

int Scheduler::GroupLimit(const Group& group) const {
  const int adaptive = group.aimd.limit();
  return group.configured > 0 ? std::min(group.configured, adaptive) : adaptive;
}

int Scheduler::concurrency_limit(int group) const {
  const size_t index = static_cast<size_t>(group);
  if (index >= groups_.size()) return limits_.global_concurrency;
  return GroupLimit(groups_[index]);
}

bool Scheduler::ConcurrencyAllows(const Lane& lane) const {
  if (in_flight_ >= limits_.global_concurrency) return false;
  const Group& group = groups_[static_cast<size_t>(lane.group)];
  return group.in_flight < GroupLimit(group);
}

SteadyTime Scheduler::RateReadyAt(const Lane& lane, const Task& task) const {
  return RateWait(lane, task).first;
}

std::pair<SteadyTime, Scheduler::Hold> Scheduler::RateWait(const Lane& lane,
                                                           const Task& task) const {
  const Group& group = groups_[static_cast<size_t>(lane.group)];
  const double tokens = static_cast<double>(task.spec.estimated_tokens);
  std::pair<SteadyTime, Hold> wait{SteadyTime::min(), Hold::kNone};
  auto hold = [&wait](SteadyTime at, Hold why) {
    if (at > wait.first) wait = {at, why};
  };
  hold(lane.paused_until, Hold::kPause);
  // Nothing paces the start: the first request's rate-limit headers tell how much may follow,
  // so the others wait for its reply rather than burst into a wall of 429s.
  const bool probing = limits_.probe_first && !lane.answered && lane.in_flight > 0 &&
                       !group.requests && !group.tokens;
  if (probing) hold(lane.first_sent + kProbeWait, Hold::kProbe);
  // Warming the prompt cache: only the first request's end lets the others go.
  if (lane.warm_up && !lane.answered && lane.in_flight > 0) hold(SteadyTime::max(), Hold::kWarmUp);
  if (group.requests) hold(group.requests->ReadyAt(1), Hold::kRequestsCap);
  if (group.tokens) hold(group.tokens->ReadyAt(tokens), Hold::kTokensCap);
  // Idle, the lane has been counted in full: its quota is full again at the reading's reset.
  const bool idle = lane.in_flight == 0;
  hold(lane.requests.ReadyAt(1, idle), Hold::kRequestsLeft);
  hold(lane.tokens.ReadyAt(tokens, idle), Hold::kTokensLeft);
  return wait;
}

std::string Scheduler::HoldText(const Lane& lane, Hold hold) const {
  const std::string name = GroupName(lane.group);
  switch (hold) {
    case Hold::kPause:
      return name + " rate limit (Retry-After)";
    case Hold::kProbe:
      return name + " first reply (its rate-limit headers)";
    case Hold::kWarmUp:
      return name + " first reply (it writes the prompt cache)";
    case Hold::kRequestsCap:
      return name + " requests_per_minute";
    case Hold::kTokensCap:
      return name + " tokens_per_minute";
    case Hold::kRequestsLeft:
      return name + " rate limit (requests left, its headers)";
    case Hold::kTokensLeft:
      return name + " rate limit (tokens left, its headers)";
    case Hold::kNone:
      break;
  }
  return name;
}

std::optional<size_t> Scheduler::Head(const Lane& lane) const {
  for (size_t index : lane.ready) {
    if (tasks_[index].state == State::kReady) return index;
  }
  return std::nullopt;
}

void Scheduler::PromoteDue(SteadyTime now) {
  while (!waiting_.empty() && waiting_.top().at <= now) {
    const size_t index = waiting_.top().task;
    waiting_.pop();
    Task& task = tasks_[index];
    if (task.state != State::kWaiting) continue;  // dropped meanwhile
    SetState(task, State::kReady);
    // Retries go first: finishing started tasks keeps the journal's open set small.
    lanes_[task.lane].ready.push_front(index);
  }
}

std::vector<SendOrder> Scheduler::TakeSends(SteadyTime now) {
  std::vector<SendOrder> sends;
  if (stop_cause_ != StopCause::kNone) return sends;
  PromoteDue(now);
  const size_t lanes = lanes_.size();
  size_t blocked = 0;  // lanes in a row that could not send
  while (in_flight_ < limits_.global_concurrency && blocked < lanes) {
    Lane& lane = lanes_[next_lane_++ % lanes];
    std::deque<size_t>& queue = lane.ready;
    while (!queue.empty() && tasks_[queue.front()].state != State::kReady) queue.pop_front();
    if (!queue.empty() && BudgetFit(tasks_[queue.front()]) == Fit::kNever) {
      StopForBudget(tasks_[queue.front()]);  // its candidate stops; others' tasks may follow
      continue;
    }
    if (queue.empty() || !ConcurrencyAllows(lane) ||
        now < RateReadyAt(lane, tasks_[queue.front()])) {
      ++blocked;
      continue;
    }
    Task& task = tasks_[queue.front()];
    if (BudgetFit(task) == Fit::kLater) {
      // Nothing else goes before it: in-flight calls give back their reservations as they
      // finish, so concurrency falls as the cap nears. The next round starts at this lane.
      --next_lane_;
      break;
    }
    blocked = 0;
    sends.push_back(SendOrder{queue.front(), task.attempts + 1});
    queue.pop_front();
    SetState(task, State::kInFlight);
    ++task.attempts;
    ++in_flight_;
    reserved_ += task.spec.reserve;
    MarkSent(lane, task, now);
  }
  return sends;
}

Scheduler::Fit Scheduler::BudgetFit(const Task& task) const {
  if (!budget_) return Fit::kNow;
  // Spending only grows: a call that does not fit beside what is spent never will.
  if (spent_ + task.spec.reserve > *budget_) return Fit::kNever;
  return spent_ + reserved_ + task.spec.reserve > *budget_ ? Fit::kLater : Fit::kNow;
}

void Scheduler::StopForBudget(const Task& task) {
  const int candidate = task.spec.candidate;
  if (!budget_stopped(candidate)) {
    const Money left = spent_ < *budget_ ? *budget_ - spent_ : Money();
    budget_stops_.push_back(BudgetStop{candidate, task.spec.reserve, left});
  }
  Drop(candidate);
}

void Scheduler::Drop(int candidate) {
  for (Task& task : tasks_) {
    if (task.spec.candidate == candidate &&
        (task.state == State::kReady || task.state == State::kWaiting)) {
      SetState(task, State::kDropped);
    }
  }
}

void Scheduler::MarkSent(Lane& lane, Task& task, SteadyTime now) {
  Group& group = groups_[static_cast<size_t>(lane.group)];
  const double tokens = static_cast<double>(task.spec.estimated_tokens);
  const bool idle = lane.in_flight == 0;
  if (!lane.answered && idle) lane.first_sent = now;  // the probe
  if (lane.requests_sent == 0 || now - lane.burst_at > kBurst) {
    lane.burst_at = now;
    lane.burst_requests = lane.requests_sent;
    lane.burst_tokens = lane.tokens_sent;
  }
  task.sent_at = now;
  task.requests_mark = lane.burst_requests;
  task.tokens_mark = lane.burst_tokens;
  lane.requests_sent += 1;
  lane.tokens_sent += tokens;
  ++lane.in_flight;
  ++group.in_flight;
  if (group.requests) group.requests->Take(1, now);
  if (group.tokens) group.tokens->Take(tokens, now);
  lane.requests.OnSend(1, now, idle);
  lane.tokens.OnSend(tokens, now, idle);
}

std::chrono::milliseconds Scheduler::BackoffDelay(
    int attempt, std::optional<std::chrono::milliseconds> retry_after) {
  using std::chrono::milliseconds;
  int64_t delay = policy_.backoff_initial.count();
  for (int i = 1; i < attempt && delay < policy_.backoff_max.count(); ++i) delay *= 2;
  delay = std::min<int64_t>(delay, policy_.backoff_max.count());
  // Equal jitter: half fixed, half random, so retries of many tasks spread out.
  const int64_t half = delay / 2;
  delay = half + (half > 0 ? static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(half) + 1)) : 0);
  if (retry_after && retry_after->count() > delay) delay = retry_after->count();
  return milliseconds(delay);
}

void Scheduler::OnFinished(size_t index, ErrorClass error,
                           std::optional<std::chrono::milliseconds> retry_after, Money cost,
                           SteadyTime now) {
  AttemptOutcome outcome;
  outcome.error = error;
  outcome.retry_after = retry_after;
  outcome.cost = cost;
  OnFinished(index, outcome, now);
}

void Scheduler::TakeFeedback(Lane& lane, const Task& task, const AttemptOutcome& outcome,
                             SteadyTime now) {
  Group& group = groups_[static_cast<size_t>(lane.group)];
  const double tokens = static_cast<double>(task.spec.estimated_tokens);
  if (outcome.not_sent) {
    // It never reached the provider: it is no longer among what was sent since a reading.
    if (group.requests) group.requests->Give(1, now);
    if (group.tokens) group.tokens->Give(tokens, now);
    lane.requests.Refund(1, now);
    lane.tokens.Refund(tokens, now);
    lane.requests_sent -= 1;
    lane.tokens_sent -= tokens;
    return;
  }
  lane.answered = true;
  if (outcome.http_answer) {
    // The estimate charged at send, corrected by what the reply says was used.
    const double unused = tokens - static_cast<double>(outcome.tokens_used);
    if (group.tokens) group.tokens->Give(unused, now);
    lane.tokens.Refund(unused, now);
    if (outcome.error == ErrorClass::kRateLimit) {
      group.aimd.OnRateLimited(task.sent_at, group.in_flight + 1, now);
    } else {
      group.aimd.OnAnswered(task.sent_at);
    }
  }
  if (outcome.http_answer && !outcome.rate_limit) {  // the provider does not say (any more)
    lane.requests.Forget();
    lane.tokens.Forget();
  } else if (outcome.rate_limit) {
    // Answers from the cache sent in the same burst were taken back from the counters, so
    // these may come out below 0 for a request sent before them.
    const double requests_since = std::max(0.0, lane.requests_sent - task.requests_mark - 1);
    const double tokens_since = std::max(0.0, lane.tokens_sent - task.tokens_mark - tokens);
    lane.requests.Observe(outcome.rate_limit->requests, task.sent_at, requests_since, now,
                          policy_.max_wait);
    lane.tokens.Observe(outcome.rate_limit->tokens, task.sent_at, tokens_since, now,
                        policy_.max_wait);
  }
  const bool told_to_wait =
      outcome.error == ErrorClass::kRateLimit || outcome.error == ErrorClass::kServer;
  if (told_to_wait && outcome.retry_after) {
    // A longer wait than the policy's max_wait ends the attempt's task; the lane still waits
    // what the policy allows.
    lane.paused_until =
        Later(lane.paused_until, now + std::min(*outcome.retry_after, policy_.max_wait));
  }
}

void Scheduler::OnFinished(size_t index, const AttemptOutcome& outcome, SteadyTime now) {
  Task& task = tasks_.at(index);
  if (task.state != State::kInFlight) return;
  Lane& lane = lanes_[task.lane];
  --in_flight_;
  --lane.in_flight;
  --groups_[static_cast<size_t>(lane.group)].in_flight;
  reserved_ -= task.spec.reserve;
  spent_ += outcome.cost;
  TakeFeedback(lane, task, outcome, now);

  const ErrorClass error = outcome.error;
  const bool answered = error == ErrorClass::kNone || error == ErrorClass::kIncorrect ||
                        error == ErrorClass::kScorerError;
  if (IsFatal(error)) StopCandidate(task.spec.candidate);
  const std::optional<int64_t> asked =
      outcome.retry_after ? std::optional<int64_t>(outcome.retry_after->count()) : std::nullopt;
  if (answered || IsFatal(error) || task.attempts >= policy_.max_attempts ||
      !policy_.Retries(error) || WaitRefused(policy_, asked)) {
    Finish(task);
    return;
  }
  if (Stopped(task.spec.candidate)) {
    SetState(task, State::kDropped);
    return;
  }
  SetState(task, State::kWaiting);
  const std::chrono::milliseconds delay = BackoffDelay(task.attempts, outcome.retry_after);
  waiting_.push(Wake{now + delay, index, outcome.retry_after && *outcome.retry_after == delay});
}

void Scheduler::StopCandidate(int candidate) {
  if (!candidate_stopped(candidate)) stopped_candidates_.push_back(candidate);
  Drop(candidate);
}

void Scheduler::Stop(StopCause cause) {
  if (stop_cause_ == StopCause::kNone) stop_cause_ = cause;
}

bool Scheduler::Done() const {
  if (in_flight_ > 0) return false;
  return stop_cause_ != StopCause::kNone || pending_ == 0;
}

std::optional<SteadyTime> Scheduler::NextWake() const {
  if (stop_cause_ != StopCause::kNone) return std::nullopt;
  std::optional<SteadyTime> wake;
  if (!waiting_.empty()) wake = waiting_.top().at;
  for (const Lane& lane : lanes_) {
    std::optional<size_t> head = Head(lane);
    // A finishing attempt wakes the loop: for concurrency, and for a reservation that does not
    // fit until in-flight calls give theirs back.
    if (!head || !ConcurrencyAllows(lane) || BudgetFit(tasks_[*head]) == Fit::kLater) continue;
    const SteadyTime at = RateReadyAt(lane, tasks_[*head]);
    if (at != SteadyTime::max() && (!wake || at < *wake)) wake = at;
  }
  return wake;
}

std::optional<WaitReason> Scheduler::Waiting(SteadyTime now) const {
  if (stop_cause_ != StopCause::kNone) return std::nullopt;
  std::optional<WaitReason> first;
  auto consider = [&](SteadyTime at, std::string why) {
    if (at > now && at != SteadyTime::max() && (!first || at < first->until)) {
      first = WaitReason{at, std::move(why)};
    }
  };
  if (!waiting_.empty()) {
    const Wake& next = waiting_.top();
    if (next.at <= now) return std::nullopt;  // a retry is due
    const std::string name = GroupName(lanes_[tasks_[next.task].lane].group);
    consider(next.at, name + (next.asked ? " rate limit (Retry-After)" : " retry backoff"));
  }
  for (const Lane& lane : lanes_) {
    std::optional<size_t> head = Head(lane);
    if (!head || !ConcurrencyAllows(lane) || BudgetFit(tasks_[*head]) == Fit::kLater) continue;
    auto [at, why] = RateWait(lane, tasks_[*head]);
    if (at <= now) return std::nullopt;  // something goes now
    consider(at, HoldText(lane, why));
  }
  return first;
}

std::vector<size_t> Scheduler::Abandoned() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (tasks_[i].state != State::kFinished) out.push_back(i);
  }
  return out;
}

}  // namespace taskcost
