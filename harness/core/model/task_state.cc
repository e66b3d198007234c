#include "harness/core/model/task_state.h"

namespace taskcost {

std::string_view TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kSucceeded:
      return "succeeded";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kUnfinished:
      return "unfinished";
    case TaskState::kNotRun:
      return "not_run";
  }
  return "failed";
}

bool AttemptEndsStep(const Attempt& last, const RetryPolicy& policy) {
  const bool answered = last.success || last.error == ErrorClass::kNone ||
                        last.error == ErrorClass::kIncorrect ||
                        last.error == ErrorClass::kScorerError;
  if (answered || IsFatal(last.error)) return true;
  return last.attempt >= policy.max_attempts || !policy.Retries(last.error) ||
         policy.RefusesWait(last.retry_after_ms);
}

bool StepGoesOn(const Attempt& last, StepPosition position) {
  if (position.index + 1 >= position.steps) return false;
  if (position.chain) return last.success;
  return !last.success && last.error != ErrorClass::kScorerError && !IsFatal(last.error);
}

bool AwaitsDecidingJudge(const Attempt& last) {
  bool pending = false;
  for (const CheckResult& check : last.checks) {
    if (check.quality) continue;
    if (check.pending) pending = true;
    if (!check.pending && !check.pass && !check.scorer_error) return false;  // already failed
  }
  return pending;
}

TaskState StateOfTask(const Attempt* last, const RetryPolicy& policy, StepPosition position) {
  if (last == nullptr) return TaskState::kNotRun;
  if (!AttemptEndsStep(*last, policy) || AwaitsDecidingJudge(*last) ||
      StepGoesOn(*last, position)) {
    return TaskState::kUnfinished;
  }
  return last->success && !last->partial ? TaskState::kSucceeded : TaskState::kFailed;
}

}  // namespace taskcost
