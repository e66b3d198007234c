#include "harness/runner/runner.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "harness/core/model/task_state.h"
#include "harness/runner/judge.h"
#include "harness/runner/scorer_pool.h"
#include "scorers/scorer_set.h"

namespace taskcost {
namespace {

using std::chrono::milliseconds;

struct InFlight {
  size_t task = 0;  // index into tasks and the scheduler
  int attempt = 1;
  int64_t started_unix_ms = 0;
  std::string cache_key;  // empty without a response cache
  SentCall sent;          // its journal `sent` record, once the request went out
  bool went_out = false;  // sent to the transport (not answered by the cache)
};

// A call as journal `sent` records name it: (sample, candidate, repeat, step, attempt) and, for
// a judge call, (check, call).
using CallKey = std::tuple<std::string, std::string, int, std::string, int, int, int>;
CallKey KeyOf(const SentCall& s) {
  return {s.sample_id, s.candidate_id, s.repeat, s.step, s.attempt, s.check.value_or(-1), s.call};
}

using TaskKey = std::tuple<std::string, std::string, int>;  // sample, candidate, repeat

// An attempt whose LLM-judge checks wait for their verdicts. Journaled already; handed to
// on_journaled, counted and (for a cascade) advanced once every judge has decided.
struct Judging {
  Attempt attempt;
  size_t task = 0;      // the judged task's scheduler index
  int outstanding = 0;  // judge checks not decided yet
};

// One judge check of a Judging attempt: a scheduler task of its own (index in Loop::tasks_).
struct JudgeJob {
  uint64_t judging = 0;  // key in Loop::judging_
  int check = 0;         // index of the check in the attempt
  ChatCall call;         // rendered once; every try sends it
};

// What the scheduler learns from a finished call (an attempt or a judge call, which share these
// fields): a cache hit reached no provider.
template <typename Call>
AttemptOutcome OutcomeOf(const Call& call, const HttpResponse& response, Money spent,
                         bool cached, int64_t now_unix_ms) {
  AttemptOutcome outcome;
  outcome.error = call.error;
  if (call.retry_after_ms) outcome.retry_after = milliseconds(*call.retry_after_ms);
  outcome.cost = spent;
  outcome.not_sent = cached;
  outcome.http_answer = call.http_status != 0;
  outcome.tokens_used = call.usage.TotalInput() + call.usage.output_tokens;
  std::optional<RateLimitState> state = RateLimitFromHeaders(response.headers);
  if (state && !cached) outcome.rate_limit = ReadingOf(*state, now_unix_ms);
  return outcome;
}

// Scorer threads when RunOptions::scorer_threads is 0: one per call in flight, up to 8 (a
// command scorer mostly waits for its program).
constexpr int kMaxScorerThreads = 8;

class Loop {
 public:
  Loop(const RunPlan& plan, const RunOptions& options, Transport& transport, const Clock& clock,
       JournalWriter& journal)
      : plan_(plan),
        options_(options),
        transport_(transport),
        clock_(clock),
        journal_(journal),
        tasks_(plan.Tasks()),
        requests_(plan),
        scheduler_(Limits(), plan.suite->policy, options.budget, options.seed) {
    if (plan.scorers && plan.scorers->slow()) {
      const int threads = options.scorer_threads > 0
                              ? options.scorer_threads
                              : std::clamp(options.concurrency, 1, kMaxScorerThreads);
      pool_ = std::make_unique<ScorerPool>(plan, threads, [&transport] { transport.Wake(); });
    }
  }

  void Prepare(const std::vector<Attempt>& previous);
  /// Adds `task` to the scheduler with `attempts_done` already made; returns its index.
  size_t AddTask(const PlannedTask& task, int attempts_done);
  /// After a step's task ended: a cascade's next step when it failed, a chain's next step
  /// when it succeeded, as a new task.
  void Advance(const PlannedTask& task, const Attempt& last);
  /// Schedules a judge call for every pending check of `attempt` (journaled, of task `task`).
  void StartJudging(size_t task, Attempt attempt);
  Result<RunResult> Run();

 private:
  SchedulerLimits Limits() const;
  Status SendDue();
  Status SendRound();
  void StartOrAnswer(uint64_t id, HttpRequest request);
  /// Journals the `sent` records of the calls StartOrAnswer queued, with one write, then hands
  /// their requests to the transport.
  Status StartQueued();
  /// An earlier run's unanswered call is made again (sent, or answered by the cache): it no
  /// longer ends its task.
  void MadeAgain(const SentCall& call);
  Status CompleteCacheHits();
  Status HandleCompletion(const Completion& completion, bool cached = false);
  /// What the run learns from an attempt as soon as its reply is read: the scheduler's outcome
  /// (retries, rate limits, stops), the run's counters, the response cache.
  void Account(const InFlight& flight, const PlannedTask& task, const Attempt& attempt,
               const HttpResponse& response, bool cached);
  /// After an attempt's line is journaled: it is counted, judged or its task advanced.
  void Conclude(size_t task, Attempt attempt);
  /// Journals and concludes the attempts the scorer pool has scored.
  Status CollectScored();
  /// Waits at most `wait` for replies (or, with none out, for the scorer pool) and handles them.
  Status AwaitProgress(std::chrono::milliseconds wait);
  /// The calls of this directory that went out without an answer, for RunResult.
  std::vector<SentCall> Unanswered() const;
  // `job` by value: its entry in judge_jobs_ is erased once the verdict is decided.
  Status HandleJudgeCompletion(const InFlight& flight, JudgeJob job, const Completion& completion,
                               bool cached);
  /// After its last judge decided: the attempt's result counts, its task may advance.
  void FinishJudged(uint64_t judging);
  /// The scheduler's candidate index of a judge model (after every candidate).
  int JudgeSlot(int judge) const { return static_cast<int>(plan_.candidates.size()) + judge; }
  HttpRequest JudgeRequest(const JudgeJob& job, int attempt, const PlannedTask& task) const;
  /// Records (and tells) a candidate or judge that `call` has just stopped, if it has.
  template <typename Call>
  void NoteStopped(bool was_stopped, int slot, const std::string& id, const Call& call);
  void StoreInCache(const InFlight& flight, const std::string& usage_raw,
                    const HttpResponse& response);
  /// Says in `call`'s message when the policy refused the wait its reply asked for.
  template <typename Call>
  void NoteRefusedWait(Call& call, int attempt, const HttpResponse& response) const {
    const std::string refused = RefusedWaitText(plan_.suite->policy, call.error, attempt,
                                                call.retry_after_ms, response.headers);
    if (!refused.empty()) call.error_message += (call.error_message.empty() ? "" : "; ") + refused;
  }
  void ReportProgress(bool force);
  bool Interrupted() const {
    return options_.interrupt != nullptr && options_.interrupt->load(std::memory_order_relaxed);
  }

  const RunPlan& plan_;
  const RunOptions& options_;
  Transport& transport_;
  const Clock& clock_;
  JournalWriter& journal_;
  std::vector<PlannedTask> tasks_;  // index = the scheduler's; escalated cascade steps append
  std::map<std::string, int> models_;  // a provider's quotas are per model
  RequestTemplates requests_;  // per call target: its requests but for the prompts
  Scheduler scheduler_;
  std::unordered_map<uint64_t, InFlight> in_flight_;
  uint64_t next_id_ = 1;
  RunResult result_;
  size_t successes_ = 0;
  std::unordered_map<uint64_t, Judging> judging_;  // by a counter, in start order
  uint64_t next_judging_ = 1;
  std::unordered_map<size_t, JudgeJob> judge_jobs_;  // by scheduler index, until decided
  size_t judge_tasks_ = 0;                           // scheduler tasks that are judge calls
  size_t judge_tasks_finished_ = 0;                  // of those, decided
  std::vector<Completion> cache_hits_;  // answered by the response cache, not yet handled
  std::vector<std::pair<uint64_t, HttpRequest>> to_start_;  // by StartQueued
  bool cache_failed_ = false;           // a cache write failed: stop writing, say so once
  std::unique_ptr<ScorerPool> pool_;    // only when a scorer is slow (a command scorer)
  // Calls earlier runs sent without an answer (resume), and of those still the last record of
  // their task, by call: sending the same call again clears it.
  std::vector<SentCall> previous_unanswered_;
  std::map<CallKey, size_t> previous_open_;
  SteadyTime started_;
  SteadyTime last_progress_;
  SteadyTime last_wait_until_;  // of the last wait reported
};

SchedulerLimits Loop::Limits() const {
  SchedulerLimits limits;
  limits.global_concurrency = std::max(1, options_.concurrency);
  limits.probe_first = true;
  std::vector<const PlannedCandidate*> all;  // cascade steps may name groups no other does
  for (const PlannedCandidate& pc : plan_.candidates) {
    all.push_back(&pc);
    for (const PlannedCandidate& step : pc.steps) all.push_back(&step);
  }
  for (const PlannedCandidate& judge : plan_.judges) all.push_back(&judge);
  for (const PlannedCandidate* each : all) {
    const PlannedCandidate& pc = *each;
    const size_t group = static_cast<size_t>(pc.group);
    if (limits.group_concurrency.size() <= group) limits.group_concurrency.resize(group + 1, 0);
    limits.group_concurrency[group] = pc.provider.max_concurrency;
    if (limits.group_rate.size() <= group) limits.group_rate.resize(group + 1);
    limits.group_rate[group] = {pc.provider.requests_per_minute, pc.provider.tokens_per_minute};
    if (limits.group_names.size() <= group) limits.group_names.resize(group + 1);
    limits.group_names[group] = pc.provider.name;
  }
  return limits;
}

size_t Loop::AddTask(const PlannedTask& task, int attempts_done) {
  const PlannedCandidate& pc = CallTarget(plan_, task);
  const int model = models_.emplace(pc.candidate->model, int(models_.size())).first->second;
  // The budget's reservation and the rate limiter's tokens (actual usage corrects the latter).
  const Reservation reserve = ReserveFor(plan_, task, requests_);
  TaskSpec spec{task.candidate, pc.group, attempts_done, reserve.worst_case, reserve.tokens, model};
  spec.warm_up = plan_.suite->prompt.cache_ttl_seconds > 0;  // docs/prompt-caching.md
  return scheduler_.AddTask(spec);
}

// A failed step escalates unless the failure was nobody's verdict on the answer (a scorer
// error) or stopped the candidate (fatal).
// Whether a composite task whose step ended with `last` goes on to its next step (the rule the
// report applies too: task_state.h StepGoesOn).
bool GoesOn(const PlannedCandidate& pc, const PlannedTask& task, const Attempt& last) {
  return StepGoesOn(last, StepPosition{pc.chain, task.step, static_cast<int>(pc.steps.size())});
}

void Loop::Advance(const PlannedTask& task, const Attempt& last) {
  const PlannedCandidate& pc = plan_.candidates[static_cast<size_t>(task.candidate)];
  if (!GoesOn(pc, task, last)) return;
  PlannedTask next = task;
  ++next.step;
  if (pc.chain) next.outputs.push_back(last.output);
  tasks_.push_back(next);
  AddTask(next, 0);
}

void Loop::Prepare(const std::vector<Attempt>& previous) {
  // Calls that went out without an answer may have been billed: each counts against the budget
  // at its worst case.
  previous_unanswered_ = options_.unanswered;
  for (size_t i = 0; i < previous_unanswered_.size(); ++i) {
    const SentCall& call = previous_unanswered_[i];
    scheduler_.AddSpent(call.worst_case);
    if (call.last_of_task) previous_open_[KeyOf(call)] = i;
  }
  std::map<TaskKey, std::vector<const Attempt*>> by_task;  // journal order
  for (const Attempt& a : previous) {
    by_task[{a.sample_id, a.candidate_id, a.repeat}].push_back(&a);
    if (!a.cached) scheduler_.AddSpent(a.cost);
    for (const JudgeCall& call : a.judge_calls) {
      if (!call.cached) scheduler_.AddSpent(call.cost);
    }
  }
  const Suite& suite = *plan_.suite;
  const std::vector<PlannedTask> planned = std::move(tasks_);
  tasks_.clear();
  tasks_.reserve(planned.size());  // grown by doubling, both tables would be held twice
  scheduler_.Reserve(planned.size());
  for (PlannedTask task : planned) {
    const PlannedCandidate& pc = plan_.candidates[static_cast<size_t>(task.candidate)];
    std::vector<const Attempt*> attempts;
    auto it = by_task.find({suite.samples[static_cast<size_t>(task.sample)].id,
                            pc.candidate->id, task.repeat});
    if (it != by_task.end()) attempts = it->second;
    if (!pc.steps.empty() && !attempts.empty()) {
      // A composite task resumes at the step of its last journaled attempt, with that step's
      // attempts; a chain also gets back the answers of the steps before it.
      for (size_t s = 0; s < pc.step_ids.size(); ++s) {
        if (pc.step_ids[s] == attempts.back()->step) task.step = static_cast<int>(s);
      }
      for (int s = 0; pc.chain && s < task.step; ++s) {
        std::string answer;
        for (const Attempt* a : attempts) {
          if (a->step == pc.step_ids[static_cast<size_t>(s)] && a->success) answer = a->output;
        }
        task.outputs.push_back(answer);
      }
      const std::string& step = pc.step_ids[static_cast<size_t>(task.step)];
      std::erase_if(attempts, [&](const Attempt* a) { return a->step != step; });
    }
    std::sort(attempts.begin(), attempts.end(),
              [](const Attempt* a, const Attempt* b) { return a->attempt < b->attempt; });
    bool finished = TaskFinished(attempts, suite.policy);
    if (finished && GoesOn(pc, task, *attempts.back())) {
      // The step ended before the run stopped: the next one starts fresh.
      if (pc.chain) task.outputs.push_back(attempts.back()->output);
      ++task.step;
      attempts.clear();
      finished = false;
    }
    if (!attempts.empty() && attempts.back()->success && !attempts.back()->partial) ++successes_;
    tasks_.push_back(task);
    const size_t index = AddTask(task, attempts.empty() ? 0 : attempts.back()->attempt);
    if (finished) scheduler_.MarkFinished(index);
    // Its answer was paid for and journaled, its judge had not decided: ask the judge only.
    if (finished && AwaitingJudge(*attempts.back())) StartJudging(index, *attempts.back());
  }
}

void Loop::StartJudging(size_t task, Attempt attempt) {
  const uint64_t id = next_judging_++;
  Judging& judging = judging_[id];
  judging.task = task;
  const PlannedTask planned = tasks_[task];  // a copy: AddTask grows tasks_
  const Sample& sample = plan_.suite->samples.at(static_cast<size_t>(planned.sample));
  for (size_t k = 0; k < attempt.checks.size(); ++k) {
    if (!attempt.checks[k].pending) continue;
    const int check = static_cast<int>(k);
    const SuccessCriterion& scorer = ScorerOfCheck(*plan_.suite, check);
    const PlannedCandidate& judge = JudgeOf(plan_, scorer);
    Result<ChatCall> call = MakeJudgeCall(plan_, sample, attempt, check);
    if (!call.ok()) continue;  // the loader checks the rubric's fields; stays pending
    int calls_made = 0;        // on resume, the calls an earlier run made for this check
    for (const JudgeCall& made : attempt.judge_calls) calls_made += made.check == check ? 1 : 0;
    const int model = models_.emplace(judge.candidate->model, int(models_.size())).first->second;
    const Reservation reserve = ReserveForJudge(judge, *call, plan_.suite->policy);
    const size_t index =
        scheduler_.AddTask(TaskSpec{JudgeSlot(scorer.judge), judge.group, calls_made,
                                    reserve.worst_case, reserve.tokens, model});
    tasks_.push_back(planned);
    judge_jobs_[index] = JudgeJob{id, check, std::move(call).value()};
    ++judge_tasks_;
    ++judging.outstanding;
  }
  judging.attempt = std::move(attempt);
  if (judging.outstanding == 0) FinishJudged(id);
}

void Loop::FinishJudged(uint64_t id) {
  auto it = judging_.find(id);
  if (it == judging_.end()) return;
  Judging judging = std::move(it->second);
  judging_.erase(it);
  if (options_.on_journaled) options_.on_journaled(judging.attempt);
  if (judging.attempt.success && !judging.attempt.partial) ++successes_;
  if (scheduler_.task_finished(judging.task)) Advance(tasks_[judging.task], judging.attempt);
}

HttpRequest Loop::JudgeRequest(const JudgeJob& job, int attempt, const PlannedTask& task) const {
  const PlannedCandidate& judge = JudgeOf(plan_, ScorerOfCheck(*plan_.suite, job.check));
  HttpRequest request = BuildRequest(judge.provider, job.call, judge.key);
  if (judge.simulated) {
    request.headers.push_back({"x-taskcost-attempt", std::to_string(attempt)});
    request.headers.push_back({"x-taskcost-repeat", std::to_string(task.repeat)});
  }
  return request;
}

// Sends what the scheduler allows now. A response-cache hit completes at once and frees its
// slot, so sends are taken again until a round had no hit.
Status Loop::SendDue() {
  for (;;) {
    Status sent = SendRound();
    if (!sent.ok() || cache_hits_.empty()) return sent;
    Status answered = CompleteCacheHits();
    if (!answered.ok()) return answered;
  }
}

Status Loop::SendRound() {
  for (const SendOrder& order : scheduler_.TakeSends(clock_.Now())) {
    const PlannedTask& task = tasks_[order.task];
    const uint64_t id = next_id_++;
    InFlight& flight = in_flight_[id] = InFlight{order.task, order.attempt, clock_.UnixMillis()};
    SentCall& sent = flight.sent;
    sent.started_unix_ms = flight.started_unix_ms;
    if (auto job = judge_jobs_.find(order.task); job != judge_jobs_.end()) {
      const Attempt& judged = judging_.at(job->second.judging).attempt;
      sent.sample_id = judged.sample_id;
      sent.candidate_id = judged.candidate_id;
      sent.repeat = judged.repeat;
      sent.step = judged.step;
      sent.attempt = judged.attempt;
      sent.check = job->second.check;
      sent.judge = judged.checks.at(static_cast<size_t>(job->second.check)).name;
      sent.call = order.attempt;
      sent.worst_case = JudgeWorstCase(JudgeOf(plan_, ScorerOfCheck(*plan_.suite, *sent.check)),
                                       job->second.call, plan_.suite->policy);
      StartOrAnswer(id, JudgeRequest(job->second, order.attempt, task));
      continue;
    }
    const PlannedCandidate& pc = CallTarget(plan_, task);
    Result<ChatCall> call = MakeCall(plan_, task);
    if (!call.ok()) return call.errors();  // the loader checks templates; a bug if reached
    const PlannedCandidate& outer = plan_.candidates[static_cast<size_t>(task.candidate)];
    sent.sample_id = plan_.suite->samples[static_cast<size_t>(task.sample)].id;
    sent.candidate_id = outer.candidate->id;
    sent.repeat = task.repeat;
    if (!outer.steps.empty()) sent.step = outer.step_ids[static_cast<size_t>(task.step)];
    sent.attempt = order.attempt;
    HttpRequest request = requests_.For(task).Build(*call);
    sent.worst_case = WorstCaseCost(plan_, task, requests_, request);  // the reservation
    if (pc.simulated) {
      request.headers.push_back({"x-taskcost-attempt", std::to_string(order.attempt)});
      request.headers.push_back({"x-taskcost-repeat", std::to_string(task.repeat)});
    }
    StartOrAnswer(id, std::move(request));
  }
  return StartQueued();
}

Status Loop::StartQueued() {
  if (to_start_.empty()) return OkStatus();
  std::vector<const SentCall*> calls;
  calls.reserve(to_start_.size());
  for (const auto& [id, request] : to_start_) calls.push_back(&in_flight_.at(id).sent);
  Status written = journal_.AppendSent(calls);
  if (!written.ok()) return written;  // never call what we cannot record
  for (auto& [id, request] : to_start_) {
    InFlight& flight = in_flight_.at(id);
    flight.went_out = true;
    MadeAgain(flight.sent);
    transport_.Start(id, std::move(request));
  }
  to_start_.clear();
  return OkStatus();
}

void Loop::MadeAgain(const SentCall& call) {
  if (previous_open_.empty()) return;
  auto it = previous_open_.find(KeyOf(call));
  if (it == previous_open_.end()) return;
  previous_unanswered_[it->second].last_of_task = false;  // its task goes on
  previous_open_.erase(it);
}

// Queues the request for StartQueued (its `sent` record is journaled first), unless the response
// cache holds its answer: then the answer waits in cache_hits_ for CompleteCacheHits.
void Loop::StartOrAnswer(uint64_t id, HttpRequest request) {
  InFlight& flight = in_flight_.at(id);
  if (options_.cache != nullptr) {
    const PlannedTask& task = tasks_[flight.task];
    auto job = judge_jobs_.find(flight.task);
    flight.cache_key =
        job == judge_jobs_.end()
            ? CacheKeyFor(plan_, task, flight.attempt, request)
            : CacheKeyForTarget(JudgeOf(plan_, ScorerOfCheck(*plan_.suite, job->second.check)),
                                task.repeat, flight.attempt, request);
    if (std::optional<HttpResponse> hit = options_.cache->Lookup(flight.cache_key)) {
      MadeAgain(flight.sent);  // answered at once, from the cache
      cache_hits_.push_back(Completion{id, std::move(*hit)});
      return;
    }
  }
  to_start_.emplace_back(id, std::move(request));
}

Status Loop::CompleteCacheHits() {
  const std::vector<Completion> hits = std::move(cache_hits_);
  cache_hits_.clear();
  for (const Completion& hit : hits) {
    Status handled = HandleCompletion(hit, /*cached=*/true);
    if (!handled.ok()) return handled;
  }
  return OkStatus();
}

Status Loop::HandleCompletion(const Completion& completion, bool cached) {
  auto it = in_flight_.find(completion.id);
  if (it == in_flight_.end()) return OkStatus();
  const InFlight flight = it->second;
  in_flight_.erase(it);
  if (auto job = judge_jobs_.find(flight.task); job != judge_jobs_.end()) {
    return HandleJudgeCompletion(flight, job->second, completion, cached);
  }
  const PlannedTask task = tasks_[flight.task];  // a copy: Escalate may grow tasks_
  // With a slow scorer the answer is scored off the loop; whatever the verdict, the attempt
  // ends its task (a verdict is never retried), so the scheduler learns all it needs now.
  const bool defer = pool_ != nullptr;
  Attempt attempt = MakeAttempt(plan_, task, flight.attempt, flight.started_unix_ms,
                                completion.response, /*score=*/!defer);
  attempt.cached = cached;
  NoteRefusedWait(attempt, flight.attempt, completion.response);
  const bool to_score = defer && attempt.error == ErrorClass::kNone && !attempt.partial;
  if (!to_score) {
    Status written = journal_.Append(attempt);
    if (!written.ok()) return written;  // never keep calling what we cannot record
  }
  Account(flight, task, attempt, completion.response, cached);
  if (to_score) {
    pool_->Submit(ScorerPool::Job{flight.task, task, std::move(attempt)});
  } else {
    Conclude(flight.task, std::move(attempt));
  }
  return OkStatus();
}

void Loop::Account(const InFlight& flight, const PlannedTask& task, const Attempt& attempt,
                   const HttpResponse& response, bool cached) {
  if (!cached) StoreInCache(flight, attempt.usage_raw, response);
  const Money spent = cached ? Money() : attempt.cost;  // the task still costs attempt.cost
  ++result_.attempts;
  if (cached) ++result_.cached_attempts;
  if (attempt.http_status != 0) ++result_.http_answers;
  result_.spent += spent;
  const bool was_stopped = scheduler_.candidate_stopped(task.candidate);
  scheduler_.OnFinished(
      flight.task, OutcomeOf(attempt, response, spent, cached, clock_.UnixMillis()), clock_.Now());
  NoteStopped(was_stopped, task.candidate, attempt.candidate_id, attempt);
}

void Loop::Conclude(size_t task, Attempt attempt) {
  const bool judging = AwaitingJudge(attempt);
  if (options_.on_journaled && !judging) options_.on_journaled(attempt);
  if (attempt.success && !attempt.partial && !judging) ++successes_;  // else FinishJudged
  if (judging) {
    StartJudging(task, std::move(attempt));
  } else if (scheduler_.task_finished(task)) {
    Advance(tasks_[task], attempt);
  }
}

Status Loop::CollectScored() {
  if (pool_ == nullptr) return OkStatus();
  for (ScorerPool::Job& job : pool_->TakeDone()) {
    Status written = journal_.Append(job.attempt);
    if (!written.ok()) return written;
    Conclude(static_cast<size_t>(job.id), std::move(job.attempt));
  }
  return OkStatus();
}

template <typename Call>
void Loop::NoteStopped(bool was_stopped, int slot, const std::string& id, const Call& call) {
  if (was_stopped || !scheduler_.candidate_stopped(slot)) return;
  StoppedCandidate stopped{id, FaultText(call)};
  if (options_.on_notice) {
    options_.on_notice("candidate " + stopped.candidate_id + " stopped: " + stopped.reason);
  }
  result_.stopped.push_back(std::move(stopped));
}

Status Loop::HandleJudgeCompletion(const InFlight& flight, JudgeJob job,
                                   const Completion& completion, bool cached) {
  Judging& judging = judging_.at(job.judging);
  JudgeCall call = MakeJudgeRecord(plan_, judging.attempt, job.check, flight.attempt,
                                   flight.started_unix_ms, completion.response);
  call.cached = cached;
  NoteRefusedWait(call, flight.attempt, completion.response);
  const Money spent = cached ? Money() : call.cost;
  const int slot = JudgeSlot(ScorerOfCheck(*plan_.suite, job.check).judge);
  const bool was_stopped = scheduler_.candidate_stopped(slot);
  scheduler_.OnFinished(
      flight.task, OutcomeOf(call, completion.response, spent, cached, clock_.UnixMillis()),
      clock_.Now());
  // The verdict is decided when the judge answered, or when this failure gets no retry.
  const bool decided = call.verdict.has_value() || scheduler_.task_finished(flight.task) ||
                       scheduler_.candidate_stopped(slot);
  if (decided && !call.verdict) call.verdict = JudgeGaveUp(call);
  Status written = journal_.AppendJudgeCall(call);
  if (!written.ok()) return written;
  if (!cached) StoreInCache(flight, call.usage_raw, completion.response);
  ++result_.judge_calls;
  if (cached) ++result_.cached_judge_calls;
  result_.spent += spent;
  result_.judge_spent += spent;
  NoteStopped(was_stopped, slot, call.judge, call);
  if (call.verdict) ApplyJudgeVerdict(judging.attempt, job.check, *call.verdict);
  judging.attempt.judge_calls.push_back(std::move(call));
  if (!decided) return OkStatus();
  judge_jobs_.erase(flight.task);
  ++judge_tasks_finished_;
  if (--judging.outstanding == 0) FinishJudged(job.judging);
  return OkStatus();
}

// Keeps a provider's answer for re-runs: only a 2xx JSON answer whose usage the codec read.
void Loop::StoreInCache(const InFlight& flight, const std::string& usage_raw,
                        const HttpResponse& response) {
  if (options_.cache == nullptr || cache_failed_ || usage_raw.empty()) return;
  Result<bool> stored = options_.cache->Store(flight.cache_key, response);
  if (stored.ok()) return;
  cache_failed_ = true;
  if (options_.on_notice) {
    options_.on_notice(stored.error().ToString() + "; later answers are not cached");
  }
}

void Loop::ReportProgress(bool force) {
  if (!options_.on_progress) return;
  const SteadyTime now = clock_.Now();
  std::optional<WaitReason> wait = scheduler_.Waiting(now);
  const bool new_wait = wait && wait->until != last_wait_until_;  // told when it begins
  if (!force && !new_wait && now - last_progress_ < milliseconds(200)) return;
  last_progress_ = now;
  if (wait) last_wait_until_ = wait->until;
  RunProgress p;
  p.tasks_total = tasks_.size() - judge_tasks_;  // judge calls are not tasks
  p.tasks_done = scheduler_.finished_tasks() - judge_tasks_finished_;
  p.successes = successes_;
  p.attempts = result_.attempts;
  p.in_flight = scheduler_.in_flight();
  p.spent = scheduler_.spent();
  p.budget = options_.budget;
  p.elapsed = std::chrono::duration_cast<milliseconds>(now - started_);
  if (wait) {
    p.wait = std::chrono::ceil<milliseconds>(wait->until - now);
    p.wait_until = std::chrono::ceil<milliseconds>(wait->until - started_);
    p.wait_reason = std::move(wait->reason);
  }
  options_.on_progress(p);
}

Status Loop::AwaitProgress(milliseconds wait) {
  if (pool_ != nullptr && pool_->pending() > 0 && in_flight_.empty()) {
    pool_->Wait(wait);  // only scoring is left to wait for
  } else {
    for (const Completion& completion : transport_.Poll(wait)) {
      Status handled = HandleCompletion(completion);
      if (!handled.ok()) return handled;
    }
  }
  return CollectScored();
}

Result<RunResult> Loop::Run() {
  started_ = clock_.Now();
  std::optional<SteadyTime> drain_deadline;
  auto scoring = [this] { return pool_ != nullptr && pool_->pending() > 0; };
  while (!scheduler_.Done() || scoring()) {
    if (Interrupted() && !drain_deadline) {
      scheduler_.Stop(StopCause::kInterrupted);
      drain_deadline = clock_.Now() + options_.grace;
      if (pool_) pool_->Cancel();  // a command scorer's process is killed at once
    }
    if (drain_deadline && clock_.Now() >= *drain_deadline) break;
    Status sent = SendDue();
    if (!sent.ok()) return sent.errors();
    // The last answers came from the cache: nothing to wait for, unless scorers still run.
    if (scheduler_.Done() && !scoring()) break;
    milliseconds wait(200);
    if (std::optional<SteadyTime> wake = scheduler_.NextWake()) {
      // Rounded up: waking a hair early for a refilling bucket would only spin.
      auto until = std::chrono::ceil<milliseconds>(*wake - clock_.Now());
      wait = std::clamp(until, milliseconds(0), wait);
    }
    Status progressed = AwaitProgress(wait);
    if (!progressed.ok()) return progressed.errors();
    ReportProgress(false);
  }
  for (const auto& [id, flight] : in_flight_) transport_.Cancel(id);
  // Answers still being scored were paid for: journaled once scored (cancelled: at once).
  if (scoring()) pool_->Cancel();
  while (scoring()) {
    pool_->Wait(milliseconds(200));
    Status collected = CollectScored();
    if (!collected.ok()) return collected.errors();
  }
  // Attempts whose judges did not decide (interrupted, budget, a judge stopped) count as they
  // were journaled: unjudged; `--resume` asks their judges again.
  std::vector<uint64_t> undecided;
  for (const auto& [id, judging] : judging_) undecided.push_back(id);
  std::sort(undecided.begin(), undecided.end());
  for (uint64_t id : undecided) {
    Judging& judging = judging_.at(id);
    if (options_.on_journaled) options_.on_journaled(judging.attempt);
  }
  if (drain_deadline) scheduler_.Stop(StopCause::kInterrupted);
  ReportProgress(true);
  Status synced = journal_.Sync();
  if (!synced.ok()) return synced.errors();
  result_.stop = scheduler_.stop_cause();
  result_.budget_spent = scheduler_.spent();
  for (const BudgetStop& stop : scheduler_.budget_stops()) {
    const size_t slot = static_cast<size_t>(stop.candidate);
    const std::string id =
        slot < plan_.candidates.size()
            ? plan_.candidates[slot].candidate->id
            : "judge " + plan_.judges.at(slot - plan_.candidates.size()).candidate->model;
    result_.budget_stopped.push_back(BudgetStopped{id, stop.next_call, stop.left});
  }
  for (size_t index : scheduler_.Abandoned()) {
    if (!judge_jobs_.contains(index)) ++result_.tasks_not_run;  // a judge call is no task
  }
  result_.unanswered = Unanswered();
  return result_;
}

std::vector<SentCall> Loop::Unanswered() const {
  std::vector<SentCall> out = previous_unanswered_;
  std::map<uint64_t, const InFlight*> cut;  // by id: in the order sent, as journaled
  for (const auto& [id, flight] : in_flight_) {
    if (flight.went_out) cut.emplace(id, &flight);
  }
  for (const auto& [id, flight] : cut) {
    out.push_back(flight->sent);
    out.back().last_of_task = !flight->sent.check.has_value();
  }
  return out;
}

}  // namespace

bool TaskFinished(const std::vector<const Attempt*>& attempts, const RetryPolicy& policy) {
  return !attempts.empty() && AttemptEndsStep(*attempts.back(), policy);  // the report's rule
}

Result<RunResult> ExecuteRun(const RunPlan& plan, const std::vector<Attempt>& previous,
                             const RunOptions& options, Transport& transport, const Clock& clock,
                             JournalWriter& journal) {
  Loop loop(plan, options, transport, clock, journal);
  loop.Prepare(previous);
  return loop.Run();
}

}  // namespace taskcost
