// RunPlan: a suite resolved against its provider and price catalogs, ready to run: which
// provider, price and key each candidate uses, and how tasks map to samples and candidates.
// Also the pure per-attempt pieces of a run: the call to make for a task, and the journal record
// made from a reply. Immutable once built; safe to read from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/core/model/suite.h"
#include "harness/core/schema/validate.h"
#include "harness/providers/codec.h"

namespace taskcost {

struct PlannedCandidate {
  const Candidate* candidate = nullptr;
  ProviderConfig provider;  // a copy: --simulate rewrites base_url
  ModelPrice price;
  Secret key;               // empty when the provider needs none
  int group = 0;            // index of the provider, for per-provider concurrency
  // How the response cache names this endpoint: empty = the request URL. --simulate sets it to
  // the simulator's profile hash, because the simulator's port changes with every run.
  std::string cache_endpoint;
  // A cascade's steps: copies of the member candidates' plans, tried in order. Empty for a
  // single model (then provider, price and key above are the model's; for a cascade they are
  // its first step's).
  std::vector<PlannedCandidate> steps;
  std::vector<std::string> step_ids;         // journal names: a cascade's member ids, a chain's
                                             // step ids
  std::vector<PromptTemplate> step_prompts;  // a chain's prompt per step; empty for a cascade
  bool chain = false;                        // steps run in order on success (else: escalate
                                             // on failure)
  // A chain step's own answer (ChainStep::schema_json), set on the step's entry in `steps`:
  // a JSON Schema, or "" for free text (no structured output asked). Unset: the suite's output.
  std::optional<std::string> schema_json;
  std::shared_ptr<const SchemaValidator> validator;  // schema_json compiled; null = the plan's
  // The expected output tokens of a call (TypicalAnswerTokens of its schema and max_tokens), set
  // by BuildRunPlan; -1: worked out on use.
  int64_t expected_output_tokens = -1;
  // --simulate: each request tells the simulator its attempt and repeat (x-taskcost-attempt,
  // x-taskcost-repeat), so an attempt answered by the cache or a resumed run's earlier attempts,
  // which the simulator never saw, do not shift its draws (docs/simulator.md, Determinism).
  bool simulated = false;
};

/// A chain task's answers of the steps before its current one. Empty for every other task, and
/// then no bigger than a pointer: a run holds one PlannedTask per task.
class StepOutputs {
 public:
  StepOutputs() = default;
  StepOutputs(std::vector<std::string> answers)  // NOLINT: implicit, as the vector it replaces
      : v_(answers.empty() ? nullptr
                           : std::make_unique<std::vector<std::string>>(std::move(answers))) {}
  StepOutputs(const StepOutputs& o) { *this = o; }
  StepOutputs& operator=(const StepOutputs& o) {
    if (this != &o) v_ = o.v_ ? std::make_unique<std::vector<std::string>>(*o.v_) : nullptr;
    return *this;
  }
  StepOutputs(StepOutputs&&) noexcept = default;
  StepOutputs& operator=(StepOutputs&&) noexcept = default;

  size_t size() const { return v_ ? v_->size() : 0; }
  const std::string& operator[](size_t i) const { return (*v_)[i]; }
  void push_back(std::string answer) {
    if (!v_) v_ = std::make_unique<std::vector<std::string>>();
    v_->push_back(std::move(answer));
  }

 private:
  std::unique_ptr<std::vector<std::string>> v_;
};

/// One task: a sample, a candidate, a repeat. Indices into the suite and the plan.
struct PlannedTask {
  int sample = 0;
  int candidate = 0;
  int repeat = 0;
  int step = 0;  // a cascade's or chain's step (index into PlannedCandidate::steps)
  StepOutputs outputs;  // a chain: the answers of the steps before `step`
};

class ScorerSet;

struct RunPlan {
  const Suite* suite = nullptr;  // must outlive the plan
  std::vector<PlannedCandidate> candidates;
  std::vector<int> samples;      // indices into suite->samples, in run order
  int repeats = 1;
  std::shared_ptr<const SchemaValidator> validator;
  std::shared_ptr<const ScorerSet> scorers;  // the suite's success: and quality: scorers
  // The LLM judges' models, index = SuccessCriterion::judge (their provider, price and key are
  // resolved like a candidate's; `candidate` points into Suite::judges).
  std::vector<PlannedCandidate> judges;

  /// Tasks ordered sample-major so every candidate progresses evenly.
  std::vector<PlannedTask> Tasks() const;
};

/// The candidate that makes the calls of `task`: its cascade step, or the candidate itself.
const PlannedCandidate& CallTarget(const RunPlan& plan, const PlannedTask& task);

/// The JSON Schema the call target `target` asks for: a chain step's own ("" = free text), or
/// the suite's.
const std::string& SchemaOf(const RunPlan& plan, const PlannedCandidate& target);

/// Keys by environment variable name; the CLI reads the environment, tests pass a map.
using KeyLookup = std::map<std::string, Secret>;

/// Resolves every candidate's provider, price and key. Errors (exit 2): unknown provider or
/// price (never a silent $0), a key variable that is not set. When `keys_required` is false
/// (simulator), missing keys are allowed.
Result<RunPlan> BuildRunPlan(const Suite& suite, const ProviderCatalog& providers,
                             const PriceCatalog& prices, const KeyLookup& keys,
                             bool keys_required, int repeats);

/// Which part of a suite a run covers (run and plan: --samples, --limit, --candidates).
struct Selection {
  std::vector<std::string> sample_ids;     // empty = every sample
  std::optional<int> limit;                // the first N of the selected samples (N >= 1)
  std::vector<std::string> candidate_ids;  // empty = every candidate; must include the baseline
};

/// Narrows `plan` to `selection`, keeping suite order. Errors (exit 2) name the flag: an unknown
/// id (with a did-you-mean), a candidate list without the baseline.
Status SelectSubset(RunPlan& plan, const Selection& selection);

/// The call for one task (prompts rendered from its sample).
Result<ChatCall> MakeCall(const RunPlan& plan, const PlannedTask& task);

/// What every call to the call target `pc` (a candidate, or a cascade's or chain's step, as
/// CallTarget gives) shares: MakeCall's result without the prompts.
ChatCall TargetCall(const RunPlan& plan, const PlannedCandidate& pc);

/// Every call target's RequestTemplate: For(task).Build(call) is the request BuildRequest builds
/// for the task's call (MakeCall), without rebuilding the parts its calls share. The plan's
/// candidates must not change while it is used. Throws as BuildRequest does.
class RequestTemplates {
 public:
  explicit RequestTemplates(const RunPlan& plan);
  /// The template of CallTarget(plan, task).
  const RequestTemplate& For(const PlannedTask& task) const;
  /// The bytes of the envelope of CallTarget(plan, task)'s requests (EnvelopeBytes).
  int64_t Envelope(const PlannedTask& task) const;

 private:
  // [candidate][step]: one entry per step of a cascade or chain, else the candidate's own.
  std::vector<std::vector<RequestTemplate>> by_candidate_;
  std::vector<std::vector<int64_t>> envelopes_;  // the same layout
};

/// The bytes of a request's envelope: the body the codec builds for `call` with no prompts and no
/// schema (the model's name, the parameters, the JSON around them), which the model does not read.
int64_t EnvelopeBytes(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// The plan's estimate of one call, the only place its rules are written (docs/plan.md, "The
/// rules"): `plan`'s figures, the budget reservation of every attempt and judge call, and the
/// rate limiter's token estimate all come from it. B counts every byte of the request body the
/// codec builds for the call's content: the prompts with everything the codec adds to them
/// (prompt-mode instructions, the schema as a response format or a tool definition, message
/// wrappers), less the envelope (EnvelopeBytes) that any call to the model has.
struct CallEstimate {
  int64_t request_bytes = 0;    // B
  int64_t expected_input = 0;   // ceil(B / 4), plus a chain step's earlier answers (expected)
  int64_t expected_output = 0;  // TypicalAnswerTokens
  int64_t worst_input = 0;      // floor(B / 3) + 32, plus a chain step's earlier max_tokens
  int64_t worst_output = 0;     // max_tokens

  /// expected_input x the uncached input price + expected_output x the output price. Not for a
  /// time-priced model (its cost is its measured latency: no estimate).
  Money ExpectedCost(const ModelPrice& price) const;
  /// The budget reservation: worst_input x the input price + worst_output x the output price; a
  /// time-priced model's cost at `timeout` (the longest a call may last).
  Money WorstCost(const ModelPrice& price, std::chrono::milliseconds timeout) const;
  /// Tokens as rate limits count them before the reply says: the expected input and the whole
  /// output allowance.
  int64_t RateTokens() const { return expected_input + worst_output; }
  /// The tokens WorstCost prices: worst_input and worst_output.
  Usage WorstUsage() const;
};

/// The estimate of a call whose request content (B) has `request_bytes` bytes, allowed
/// `max_tokens` of output, expecting `expected_output` tokens.
CallEstimate EstimateCall(int64_t request_bytes, int max_tokens, int64_t expected_output);

/// The expected output tokens of an answer to `schema_json` (compact JSON Schema text; "" = free
/// text): ceil(bytes of a typical answer / 4), at most max_tokens; free text: ceil(max_tokens /
/// 4). A typical answer has every property of an object, 3 items in an array (minItems when
/// more, maxItems when fewer), a string of 32 characters (an enum: its values' mean length; a
/// maxLength below 32: that; a date 10, a date-time 25), a number of 6 characters, an integer
/// of 4 (docs/plan.md).
int64_t TypicalAnswerTokens(const std::string& schema_json, int max_tokens);

/// The expected output tokens of a call to `pc` (its planned figure, else TypicalAnswerTokens).
int64_t ExpectedOutputTokens(const RunPlan& plan, const PlannedCandidate& pc);

/// An answer of `tokens` tokens as the judge estimate sizes it: 4 bytes a token (docs/plan.md).
std::string AnswerOfTokens(int64_t tokens);

/// The estimate of `task`'s call (MakeCall(plan, task)) as `requests` builds it.
CallEstimate EstimateTaskCall(const RunPlan& plan, const PlannedTask& task,
                              const RequestTemplates& requests);
/// The same for its request already built, whose body is `body_bytes` long (the run loop
/// renders each prompt once).
CallEstimate EstimateBuiltCall(const RunPlan& plan, const PlannedTask& task,
                               const RequestTemplates& requests, int64_t body_bytes);

/// The estimate of a call to the LLM judge `judge` (its request as the run builds it).
CallEstimate EstimateJudgeCall(const PlannedCandidate& judge, const ChatCall& call);

/// What the scheduler holds for one attempt before sending it: the worst-case cost (the budget
/// reservation) and the tokens rate limits count.
struct Reservation {
  Money worst_case;
  int64_t tokens = 0;
};
Reservation ReserveFor(const RunPlan& plan, const PlannedTask& task,
                       const RequestTemplates& requests);
Reservation ReserveForJudge(const PlannedCandidate& judge, const ChatCall& call,
                            const RetryPolicy& policy);

/// Worst-case cost of one attempt of `task` (ReserveFor's, building the request alone).
Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task);
/// The same of `request`, the task's call as `requests` built it: the `sent` line's worst case.
Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task, const RequestTemplates& requests,
                    const HttpRequest& request);
/// The tokens WorstCaseCost prices (CallEstimate's worst_input and worst_output): what an
/// implausible usage is raised to (pricing.h, ImplausibleUsagePriced).
Usage WorstCaseUsage(const RunPlan& plan, const PlannedTask& task);

/// The response cache's key for attempt `attempt` of repeat `repeat`, sent as `request` to `pc`
/// (a call target, or an LLM judge).
std::string CacheKeyForTarget(const PlannedCandidate& pc, int repeat, int attempt,
                              const HttpRequest& request);
/// The response cache's key for attempt `attempt` of `task`, sent as `request`.
std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt,
                        const HttpRequest& request);
/// The same, building the task's request.
std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt);

/// What a run is expected to cost, and at most, before a cent is spent (`taskcost plan`), by
/// CallEstimate's rules (docs/plan.md):
///   expected = one attempt per task at the expected tokens (uncached input price, output
///              price); a chain's every step, a cascade's first step only (nothing escalates)
///   worst case = the reservation (CallEstimate::WorstCost) x max_attempts per task and step
/// Attempts the response cache will answer cost nothing in either figure. A time-priced call
/// (GPU-hour) has no expected cost (it is its measured latency): it is counted in
/// time_priced_calls and left out of `expected`; its worst case is the policy's timeout.
struct CandidateEstimate {
  std::string candidate_id;
  int64_t tasks = 0;
  int64_t input_tokens = 0;    // estimated, over every expected call (first attempts)
  int64_t output_tokens = 0;   // estimated, over every expected call (first attempts)
  int64_t cached_attempts = 0;  // of the tasks x max_attempts possible, answered by the cache
  int64_t expected_calls = 0;     // the calls `expected` covers (a chain: one per step), uncached
  int64_t time_priced_calls = 0;  // of those, time-priced: not in `expected`
  bool cascade = false;           // expected is its first step's alone (best case)
  Money expected_escalated;       // a cascade: one call of every step (every task escalating)
  bool time_priced = false;       // some call it may make (any step) is time-priced
  Money expected;
  Money worst_case;
};

struct RunEstimate {
  std::vector<CandidateEstimate> candidates;  // plan order
  int max_attempts = 1;
  // LLM judges (evaluation overhead, docs/plan.md): expected = one call per task and judge with
  // an answer of the judged candidate's expected output (4 bytes a token); worst case = the
  // answer of every step judged (a judged answer ends its step), each judge call tried
  // max_attempts times, at its reservation with an answer of 4 x max_tokens bytes.
  int64_t judge_calls = 0;  // expected: tasks x judges
  Money judge_expected;     // time-priced judges left out (counted in time_priced_calls)
  Money judge_worst_case;
  Money expected;    // sum over candidates (time-priced calls left out), plus judge_expected
  Money worst_case;  // sum over candidates, plus judge_worst_case
  int64_t time_priced_calls = 0;  // sum over candidates and judges: expected calls without an
                                  // estimate
};

/// Whether the response cache holds the answer to attempt `attempt` (1-based) of `task`.
using CachedAttempt = std::function<bool(const PlannedTask& task, int attempt)>;

/// Estimates every task of `plan`. `cached` may be empty (no cache).
RunEstimate EstimateRun(const RunPlan& plan, const CachedAttempt& cached = {});

/// What an attempt and a judge call record alike of a finished exchange with `price`'s model:
/// timing, status, the reply's error, Retry-After, usage and exact cost (every call's cost
/// counts, failed ones too; a time-priced model's by its measured latency). Usage the codec
/// flagged implausible is priced as ImplausibleUsagePriced(usage, reserved()) (`reserved`: the
/// call's worst-case tokens, asked for only then). Moves out of `reply` what it records.
template <typename Call, typename Reserved>
void RecordExchange(Call& call, int64_t started_unix_ms, const HttpResponse& response,
                    ProviderReply& reply, const ModelPrice& price, const Reserved& reserved) {
  call.started_unix_ms = started_unix_ms;
  call.latency_us = response.elapsed.count();
  call.http_status = response.status;
  call.error = reply.error;
  call.error_message = std::move(reply.error_message);
  if (reply.retry_after) call.retry_after_ms = reply.retry_after->count();
  call.usage = reply.usage;
  call.usage_flag = std::move(reply.usage_flag);
  if (!call.usage_flag.empty()) call.usage = ImplausibleUsagePriced(reply.usage, reserved());
  call.usage_raw = std::move(reply.usage_raw);
  call.cost = CallCost(price, call.usage, call.latency_us);
}

/// A call's fault in words, "auth: Incorrect API key provided (HTTP 401)" (an attempt or a judge
/// call, which name these fields alike).
template <typename Call>
std::string FaultText(const Call& call) {
  std::string text = std::string(ErrorClassName(call.error));
  if (!call.error_message.empty()) text += ": " + call.error_message;
  if (call.http_status != 0) text += " (HTTP " + std::to_string(call.http_status) + ")";
  return text;
}

/// The journal record for a finished exchange: classification, validation against the schema,
/// success criteria, usage and exact cost. Pure. With `score` false the success criteria are
/// left to ScoreAttempt (a scorer pool off the run loop): an answer that reaches them comes back
/// with error kNone, not partial, and no checks.
Attempt MakeAttempt(const RunPlan& plan, const PlannedTask& task, int attempt_number,
                    int64_t started_unix_ms, const HttpResponse& response, bool score = true);

/// The success criteria and scores MakeAttempt(..., score = false) left out, applied to its
/// attempt. Safe to call from several threads; `cancel` (may be null), once set, makes slow
/// scorers give up at once (a command scorer's process is killed): they cannot judge.
void ScoreAttempt(const RunPlan& plan, const PlannedTask& task, Attempt& attempt,
                  const std::atomic<bool>* cancel = nullptr);

/// run.json's content for this plan.
RunManifest MakeManifest(const RunPlan& plan, const std::string& run_id, int64_t started_unix_ms,
                         bool simulated, const std::string& version);

}  // namespace taskcost
