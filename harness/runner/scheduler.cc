#include "harness/runner/scheduler.h"

#include <algorithm>

namespace taskcost {

Scheduler::Scheduler(SchedulerLimits limits, RetryPolicy policy, std::optional<Money> budget,
                     uint64_t seed)
    : limits_(std::move(limits)), policy_(std::move(policy)), budget_(budget), rng_(seed) {
  if (limits_.global_concurrency < 1) limits_.global_concurrency = 1;
}

size_t Scheduler::AddTask(const TaskSpec& spec) {
  const size_t group = static_cast<size_t>(spec.group);
  if (ready_.size() <= group) {
    ready_.resize(group + 1);
    group_in_flight_.resize(group + 1, 0);
  }
  tasks_.push_back(Task{spec, State::kDropped, spec.attempts_done});
  const size_t index = tasks_.size() - 1;
  if (spec.attempts_done >= policy_.max_attempts) {
    Finish(tasks_.back());
  } else {
    SetState(tasks_.back(), State::kReady);
    ready_[group].push_back(index);
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

bool Scheduler::Admit(const Task& task) const {
  const size_t group = static_cast<size_t>(task.spec.group);
  if (group < limits_.group_concurrency.size() && limits_.group_concurrency[group] > 0 &&
      group_in_flight_[group] >= limits_.group_concurrency[group]) {
    return false;
  }
  return true;
}

void Scheduler::PromoteDue(SteadyTime now) {
  while (!waiting_.empty() && waiting_.top().at <= now) {
    const size_t index = waiting_.top().task;
    waiting_.pop();
    Task& task = tasks_[index];
    if (task.state != State::kWaiting) continue;  // dropped meanwhile
    SetState(task, State::kReady);
    // Retries go first: finishing started tasks keeps the journal's open set small.
    ready_[static_cast<size_t>(task.spec.group)].push_front(index);
  }
}

std::vector<SendOrder> Scheduler::TakeSends(SteadyTime now) {
  std::vector<SendOrder> sends;
  if (stop_cause_ != StopCause::kNone) return sends;
  PromoteDue(now);
  const size_t groups = ready_.size();
  size_t blocked = 0;  // groups in a row that could not send
  while (in_flight_ < limits_.global_concurrency && blocked < groups) {
    const size_t group = next_group_++ % groups;
    std::deque<size_t>& queue = ready_[group];
    while (!queue.empty() && tasks_[queue.front()].state != State::kReady) queue.pop_front();
    if (queue.empty() || !Admit(tasks_[queue.front()])) {
      ++blocked;
      continue;
    }
    Task& task = tasks_[queue.front()];
    if (budget_ && spent_ + reserved_ + task.spec.reserve > *budget_) {
      Stop(StopCause::kBudget);
      break;
    }
    blocked = 0;
    sends.push_back(SendOrder{queue.front(), task.attempts + 1});
    queue.pop_front();
    SetState(task, State::kInFlight);
    ++task.attempts;
    ++in_flight_;
    ++group_in_flight_[group];
    reserved_ += task.spec.reserve;
  }
  return sends;
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
  Task& task = tasks_.at(index);
  if (task.state != State::kInFlight) return;
  --in_flight_;
  --group_in_flight_[static_cast<size_t>(task.spec.group)];
  reserved_ -= task.spec.reserve;
  spent_ += cost;

  const bool answered = error == ErrorClass::kNone || error == ErrorClass::kIncorrect;
  if (IsFatal(error)) StopCandidate(task.spec.candidate);
  if (answered || IsFatal(error) || task.attempts >= policy_.max_attempts ||
      !policy_.Retries(error)) {
    Finish(task);
    return;
  }
  if (candidate_stopped(task.spec.candidate)) {
    SetState(task, State::kDropped);
    return;
  }
  SetState(task, State::kWaiting);
  waiting_.push(Wake{now + BackoffDelay(task.attempts, retry_after), index});
}

void Scheduler::StopCandidate(int candidate) {
  if (!candidate_stopped(candidate)) stopped_candidates_.push_back(candidate);
  for (Task& task : tasks_) {
    if (task.spec.candidate == candidate &&
        (task.state == State::kReady || task.state == State::kWaiting)) {
      SetState(task, State::kDropped);
    }
  }
}

void Scheduler::Stop(StopCause cause) {
  if (stop_cause_ == StopCause::kNone) stop_cause_ = cause;
}

bool Scheduler::Done() const {
  if (in_flight_ > 0) return false;
  return stop_cause_ != StopCause::kNone || pending_ == 0;
}

std::optional<SteadyTime> Scheduler::NextWake() const {
  if (waiting_.empty() || stop_cause_ != StopCause::kNone) return std::nullopt;
  return waiting_.top().at;
}

std::vector<size_t> Scheduler::Abandoned() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (tasks_[i].state != State::kFinished) out.push_back(i);
  }
  return out;
}

}  // namespace taskcost
