// Attempt: one model call as the journal records it, with its usage, cost, output and verdicts.
// Also the error classes every provider fault and output problem is mapped to.
// Plain value types; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/money.h"

namespace taskcost {

/// Why an attempt did not produce a usable answer. kIncorrect means the answer was valid
/// against the schema but a success criterion failed; it ends the task (never retried).
enum class ErrorClass {
  kNone,
  kRateLimit,      // 429 / 529 overloaded
  kServer,         // 5xx
  kTimeout,        // no complete answer within the policy's timeout
  kNetwork,        // connect refused, reset, TLS, garbage that is not HTTP
  kAuth,           // 401 / 403: fatal for the candidate
  kBadRequest,     // 400 / 404 / 422: fatal for the candidate
  kQuota,          // out of credit (OpenAI insufficient_quota, Anthropic spend limit): fatal
  kInvalidOutput,  // not JSON, or JSON that fails the schema, or an unreadable provider body
  kTruncated,      // finish_reason "length" / stop_reason "max_tokens"
  kRefusal,        // the model refused (OpenAI message.refusal, Anthropic stop_reason "refusal")
  kIncorrect,      // valid output, but a success criterion failed
  kScorerError,    // valid output that a success scorer could not judge (a command scorer
                   // timed out, crashed or answered garbage): not the model's failure, never
                   // retried, the task is left unjudged
};

/// Stable snake_case names used in suites, journals and reports: "rate_limit", "invalid_output".
std::string_view ErrorClassName(ErrorClass c);
std::optional<ErrorClass> ParseErrorClass(std::string_view name);
/// Every class except kNone, in declaration order.
const std::vector<ErrorClass>& AllErrorClasses();
/// auth, bad_request and quota stop the whole candidate and are never retried.
bool IsFatal(ErrorClass c);

/// Tokens of one call, normalised so each kind is billed once at its own price.
/// OpenAI: input_tokens = prompt_tokens - cached_tokens. Anthropic: input_tokens as reported
/// (it already excludes cache reads and writes).
struct Usage {
  int64_t input_tokens = 0;         // uncached input, billed at the input price
  int64_t cached_input_tokens = 0;  // prompt-cache reads, billed at the cached-input price
  int64_t cache_write_tokens = 0;   // cache creation, billed at the cache-write price
  int64_t output_tokens = 0;        // all output tokens, reasoning included
  int64_t reasoning_tokens = 0;     // the part of output_tokens spent reasoning
  // The part of cache_write_tokens written for one hour (Anthropic's `ttl: 1h`), billed at the
  // one-hour write price (docs/prompt-caching.md); never more than cache_write_tokens.
  int64_t cache_write_1h_tokens = 0;

  int64_t TotalInput() const { return input_tokens + cached_input_tokens + cache_write_tokens; }
  /// Adds each count, held at INT64_MAX instead of wrapping around.
  Usage& operator+=(const Usage& o);
  bool operator==(const Usage&) const = default;
};

/// The most tokens of one kind a single call may report and be believed (docs/providers.md,
/// "Implausible usage"): ten times the largest context window offered today. A count above it,
/// a negative or fractional count, or a count that is not a number makes the call's usage
/// implausible; a journal holding such a count is refused.
inline constexpr int64_t kMaxTokensPerCall = 100'000'000;

/// One success criterion or scorer verdict on an output.
struct CheckResult {
  std::string name;    // e.g. "field_equals(category)"
  bool pass = false;
  std::string reason;  // short, shown in reports: "expected \"billing\", got \"account\""
  std::optional<double> score;  // 0..1; set by scorers of the suite's quality: list
  bool quality = false;         // from quality: (scored, averaged); never decides success
  bool scorer_error = false;    // the scorer could not judge: not the model's failure
  // An LLM judge's check whose verdict is not in yet. Written so (scorer_error, reason
  // kNotJudgedReason) until the judge answers, so an attempt whose judge never answered (the run
  // stopped) reads as unjudged; `taskcost run --resume` asks the judge again.
  bool pending = false;
};

/// The reason of a judge check that is still pending.
inline constexpr std::string_view kNotJudgedReason =
    "not judged: the run stopped before the judge answered (taskcost run --resume judges it)";

/// One call to an LLM judge about one attempt's answer (docs/scorers.md, "LLM judge"). Its cost
/// is evaluation overhead: reported apart, never part of the task's cost.
struct JudgeCall {
  // The attempt judged: (sample_id, candidate_id, repeat, step, attempt).
  std::string sample_id;
  std::string candidate_id;
  int repeat = 0;
  std::string step;
  int attempt = 1;
  int check = 0;      // index of the judged check in the attempt's checks
  std::string judge;  // the check's name: "judge(tone)"
  std::string model;  // the judge model, as sent
  int call = 1;       // the judge's attempt at this verdict, from 1 (retries count up)

  int64_t started_unix_ms = 0;
  int64_t latency_us = 0;
  int http_status = 0;
  ErrorClass error = ErrorClass::kNone;  // the call's own fault; kNone when the judge answered
  std::string error_message;
  Usage usage;
  std::string usage_raw;
  std::string usage_flag;  // why the provider's usage was implausible (see Attempt); "" if not
  Money cost;
  // Set on the call that decided the check: the judge's verdict, or (after its last failure) a
  // scorer error. Unset on a call that will be retried.
  std::optional<CheckResult> verdict;
  bool cached = false;  // answered by the response cache: this run spent nothing on it
  std::optional<int64_t> retry_after_ms;  // for the scheduler; not journaled
};

struct Attempt {
  // Identity: the task is (sample_id, candidate_id, repeat); attempt counts from 1.
  std::string sample_id;
  std::string candidate_id;
  int repeat = 0;
  int attempt = 1;  // within the step, for a cascade
  std::string step;  // a cascade's step (the candidate that made this call) or a chain's step
                     // id; "" for a single model
  bool partial = false;  // a chain step before the last: its success is not the task's

  // Timing.
  int64_t started_unix_ms = 0;  // wall clock when the request was sent
  int64_t latency_us = 0;       // send to last byte (0 when nothing was sent)

  // What came back.
  int http_status = 0;  // 0 when no HTTP status arrived
  ErrorClass error = ErrorClass::kNone;
  std::string error_message;
  std::optional<int64_t> retry_after_ms;  // from Retry-After or rate-limit headers
  std::string finish_reason;              // provider's own words: "stop", "end_turn", ...
  std::string request_id;                 // provider's request id header, when sent

  Usage usage;
  std::string usage_raw;  // the provider's usage object verbatim (JSON text), for audit
  // Why the usage the provider reported is implausible ("prompt_tokens -5 is negative"), or ""
  // when it is not. Such an attempt's `usage` holds the counts it was priced at, each raised to
  // the call's reserved worst case (ImplausibleUsagePriced, pricing.h); usage_raw what was sent.
  std::string usage_flag;
  Money cost;             // priced from `usage` with the catalog price recorded in run.json

  std::string output;                          // the answer text (JSON text when structured)
  std::vector<std::string> validation_errors;  // "/priority: ..." from the schema validator
  std::vector<CheckResult> checks;             // success criteria, in suite order
  bool success = false;  // error == kNone: valid against the schema and every criterion holds
  // Answered from the local response cache instead of the provider: `usage` and `cost` are the
  // original call's (what the task costs), but this run spent nothing on it.
  bool cached = false;
  // Calls to LLM judges about this answer, in journal order (the journal reader attaches them).
  // Evaluation overhead: not in `cost`.
  std::vector<JudgeCall> judge_calls;
};

/// What a finished set of checks means for the attempt: kNone (every success check passed),
/// kScorerError (a success scorer could not judge: the task is unjudged) or kIncorrect (a
/// success check failed). Quality checks never decide. `first` names the deciding check.
ErrorClass ErrorOfChecks(const std::vector<CheckResult>& checks, const CheckResult** first);

/// Whether some check of the attempt waits for an LLM judge.
bool AwaitingJudge(const Attempt& attempt);

/// Sets the verdict of check `check` (a pending judge check) and decides the attempt again from
/// its checks: error, error_message and success. A verdict for a check that is not pending, or
/// out of range, is ignored (false).
bool ApplyJudgeVerdict(Attempt& attempt, int check, CheckResult verdict);

/// Sets error, error_message and success of a schema-valid attempt from its checks.
void DecideFromChecks(Attempt& attempt);

}  // namespace taskcost
