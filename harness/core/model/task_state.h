// Task states: whether a task of a run has a final outcome (succeeded or failed), was cut short
// with no outcome (unfinished: its retry, its next cascade step or its judge's verdict never
// came) or never started (not run). Derived from the journal and run.json alone, with the rules
// the runner applies when it decides what comes next (harness/runner/scheduler.cc OnFinished;
// runner.cc TaskFinished and GoesOn and the journal checks call these), so `taskcost report`
// reproduces it later.
// Definitions: docs/report-format.md, section 1. Pure; not synchronised.
#pragma once

#include <optional>
#include <string_view>

#include "harness/core/model/attempt.h"
#include "harness/core/model/suite.h"

namespace taskcost {

enum class TaskState { kSucceeded, kFailed, kUnfinished, kNotRun };

/// "succeeded", "failed", "unfinished", "not_run" (CSV, JSON).
std::string_view TaskStateName(TaskState state);

/// Whether no further attempt follows `last` in its task (or cascade step) under `policy`: it
/// was answered (succeeded, `incorrect`, `scorer_error`), its class is fatal, it used the
/// policy's last attempt, the policy does not retry its class, or the provider asked for a
/// wait longer than the policy's max_wait (RetryPolicy::RefusesWait).
bool AttemptEndsStep(const Attempt& last, const RetryPolicy& policy);

/// Where a task's last attempt stands in its candidate: a single model, or step `index` of a
/// cascade or chain of `steps` steps.
struct StepPosition {
  bool chain = false;  // a chain (each step builds on the one before) rather than a cascade
  int index = 0;       // 0-based, in run.json's order
  int steps = 1;       // 1 for a single model
};

/// Whether a composite's step that `last` ended hands the task to the next step: a chain goes
/// on when the step succeeded; a cascade escalates when it failed, unless the failure was a
/// scorer's (nobody's verdict on the answer) or fatal (the candidate stopped).
bool StepGoesOn(const Attempt& last, StepPosition position);

/// Whether a success check of `last` still awaits an LLM judge whose verdict could decide the
/// attempt (no other success check already failed it). A pending quality check decides nothing.
bool AwaitsDecidingJudge(const Attempt& last);

/// The state of a task whose last attempt is `last` (nullopt: no attempt, kNotRun).
TaskState StateOfTask(const Attempt* last, const RetryPolicy& policy, StepPosition position);

}  // namespace taskcost
