// LLM judges (docs/scorers.md, "LLM judge"): the call that asks a judge model for its verdict on
// one answer, and the journal record made from its reply. A judge's check is left pending by the
// ScorerSet; the run loop sends these calls through the same scheduler, transport, journal and
// response cache as the model calls, and their cost is evaluation overhead, never the task's.
// Pure; safe to call from several threads.
#pragma once

#include <string>

#include "harness/core/model/attempt.h"
#include "harness/core/model/money.h"
#include "harness/core/model/result.h"
#include "harness/runner/run_plan.h"

namespace taskcost {

/// The JSON Schema a judge answers with: {"pass": bool, "score": 0..1, "reason": string}.
extern const char* const kJudgeVerdictSchema;

/// The scorer of check `check` of an attempt: success scorers first, then quality scorers, in
/// suite order (the order ScorerSet::Evaluate gives).
const SuccessCriterion& ScorerOfCheck(const Suite& suite, int check);

/// The judge model of a judge scorer.
const PlannedCandidate& JudgeOf(const RunPlan& plan, const SuccessCriterion& scorer);

/// The call asking the judge of check `check` for its verdict on `judged`'s answer to `sample`: a
/// fixed grading instruction (system), then the rubric rendered against the sample, the task's
/// input (the suite's prompt for the sample) and the answer (user).
Result<ChatCall> MakeJudgeCall(const RunPlan& plan, const Sample& sample, const Attempt& judged,
                               int check);

/// Worst-case cost of one judge call (ReserveForJudge's: CallEstimate's rules), for the budget's
/// reservation.
Money JudgeWorstCase(const PlannedCandidate& judge, const ChatCall& call,
                     const RetryPolicy& policy);

/// The journal record of call number `call` (from 1) to the judge of check `check` of `judged`.
/// When the judge answered with a verdict, `verdict` is set; when the reply is no verdict (a
/// provider fault, or an answer that is not {"pass": ...}) `error` says why and `verdict` stays
/// unset: the caller retries under the suite's policy or, after the last try, settles the check
/// with JudgeGaveUp.
JudgeCall MakeJudgeRecord(const RunPlan& plan, const Attempt& judged, int check, int call,
                          int64_t started_unix_ms, const HttpResponse& response);

/// Adds the LLM judges' expected and worst-case cost to `estimate` (RunEstimate's rules).
void AddJudgeEstimate(const RunPlan& plan, RunEstimate& estimate);

/// The check of a judge whose last call failed: a scorer error naming the fault.
CheckResult JudgeGaveUp(const JudgeCall& last);

}  // namespace taskcost
