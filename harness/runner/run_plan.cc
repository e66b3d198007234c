#include "harness/runner/run_plan.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/json_check.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/core/formats/user_files.h"
#include "harness/edge/response_cache.h"
#include "harness/runner/judge.h"
#include "scorers/scorer_set.h"

namespace taskcost {

std::vector<PlannedTask> RunPlan::Tasks() const {
  std::vector<PlannedTask> tasks;
  tasks.reserve(samples.size() * candidates.size() * static_cast<size_t>(repeats));
  for (int repeat = 0; repeat < repeats; ++repeat) {
    for (int sample : samples) {
      for (size_t c = 0; c < candidates.size(); ++c) {
        tasks.push_back(PlannedTask{sample, static_cast<int>(c), repeat});
      }
    }
  }
  return tasks;
}

const PlannedCandidate& CallTarget(const RunPlan& plan, const PlannedTask& task) {
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
  if (pc.steps.empty()) return pc;
  return pc.steps.at(static_cast<size_t>(task.step));
}

const std::string& SchemaOf(const RunPlan& plan, const PlannedCandidate& target) {
  return target.schema_json ? *target.schema_json : plan.suite->output.schema_json;
}

namespace {

Status ResolveKey(const ProviderConfig& provider, const KeyLookup& keys, bool keys_required,
                  const Candidate& candidate, Secret* key) {
  if (provider.api_key_env.empty()) return OkStatus();
  auto it = keys.find(provider.api_key_env);
  if (it != keys.end() && !it->second.empty()) {
    *key = it->second;
    return OkStatus();
  }
  if (!keys_required) return OkStatus();
  return MakeError("environment variable " + provider.api_key_env + " is not set (candidate \"" +
                       candidate.id + "\" needs it); export it, or run with --simulate",
                   "providers." + provider.name + ".api_key_env", provider.where);
}

}  // namespace

Result<RunPlan> BuildRunPlan(const Suite& suite, const ProviderCatalog& providers,
                             const PriceCatalog& prices, const KeyLookup& keys,
                             bool keys_required, int repeats) {
  Status checked = CheckSuiteAgainstCatalogs(suite, providers, prices);
  if (!checked.ok()) return checked.errors();
  Result<SchemaValidator> validator = SchemaValidator::Compile(suite.output.schema_json);
  if (!validator.ok()) return validator.errors();

  RunPlan plan;
  plan.suite = &suite;
  plan.repeats = std::max(1, repeats);
  plan.validator = std::make_shared<const SchemaValidator>(std::move(validator).value());
  plan.scorers = std::make_shared<const ScorerSet>(suite.success, suite.quality);
  for (size_t i = 0; i < suite.samples.size(); ++i) plan.samples.push_back(static_cast<int>(i));

  Errors errors;
  std::vector<std::string> groups;
  std::vector<const Candidate*> models;  // single-model candidates, then the judges
  for (const Candidate& candidate : suite.candidates) {
    if (!candidate.IsComposite()) models.push_back(&candidate);  // composites: from their steps
  }
  const size_t single_models = models.size();
  for (const Candidate& judge : suite.judges) models.push_back(&judge);
  for (size_t m = 0; m < models.size(); ++m) {
    const Candidate& candidate = *models[m];
    PlannedCandidate planned;
    planned.candidate = &candidate;
    planned.provider = *providers.Find(candidate.provider);
    planned.price = *prices.Find(candidate.price.empty() ? candidate.model : candidate.price);
    auto group = std::find(groups.begin(), groups.end(), candidate.provider);
    planned.group = static_cast<int>(group - groups.begin());
    if (group == groups.end()) groups.push_back(candidate.provider);
    planned.expected_output_tokens = TypicalAnswerTokens(
        m < single_models ? suite.output.schema_json : kJudgeVerdictSchema, candidate.max_tokens);
    Status key = ResolveKey(planned.provider, keys, keys_required, candidate, &planned.key);
    if (!key.ok()) {
      // One message per variable, however many candidates share it.
      bool seen = std::any_of(errors.begin(), errors.end(), [&](const Error& e) {
        return e.path == key.error().path;
      });
      if (!seen) errors.push_back(key.error());
    }
    (m < single_models ? plan.candidates : plan.judges).push_back(std::move(planned));
  }
  if (!errors.empty()) return errors;
  // Cascades, in suite order among the others: each step a copy of its member's plan.
  std::vector<PlannedCandidate> ordered;
  for (const Candidate& candidate : suite.candidates) {
    auto find = [&](const std::string& id) {
      return *std::find_if(plan.candidates.begin(), plan.candidates.end(),
                           [&](const PlannedCandidate& pc) { return pc.candidate->id == id; });
    };
    if (!candidate.IsComposite()) {
      ordered.push_back(find(candidate.id));
      continue;
    }
    std::vector<std::string> members = candidate.cascade;
    PlannedCandidate composite;
    if (candidate.IsChain()) {
      members.clear();
      for (const ChainStep& step : candidate.chain) members.push_back(step.candidate);
    }
    composite = find(members.front());
    composite.candidate = &candidate;
    composite.chain = candidate.IsChain();
    for (size_t i = 0; i < members.size(); ++i) {
      composite.steps.push_back(find(members[i]));
      if (!composite.chain) {
        composite.step_ids.push_back(members[i]);
        continue;
      }
      const ChainStep& step = candidate.chain[i];
      composite.step_ids.push_back(step.id);
      composite.step_prompts.push_back(step.prompt.user.empty() ? suite.prompt : step.prompt);
      PlannedCandidate& planned = composite.steps.back();
      planned.schema_json = step.schema_json;
      planned.expected_output_tokens =
          TypicalAnswerTokens(SchemaOf(plan, planned), planned.candidate->max_tokens);
      if (!step.schema_json || step.schema_json->empty()) continue;
      Result<SchemaValidator> own = SchemaValidator::Compile(*step.schema_json);
      if (!own.ok()) return own.errors();
      planned.validator = std::make_shared<const SchemaValidator>(std::move(own).value());
    }
    ordered.push_back(std::move(composite));
  }
  plan.candidates = std::move(ordered);
  return plan;
}

Result<ChatCall> MakeCall(const RunPlan& plan, const PlannedTask& task) {
  const Suite& suite = *plan.suite;
  const Sample& original = suite.samples.at(static_cast<size_t>(task.sample));
  const PlannedCandidate& pc = CallTarget(plan, task);
  const PlannedCandidate& outer = plan.candidates.at(static_cast<size_t>(task.candidate));
  const PromptTemplate& prompt =
      outer.chain ? outer.step_prompts.at(static_cast<size_t>(task.step)) : suite.prompt;
  // Earlier steps' answers; "" for one not known yet (a plan's estimate of a later step). The
  // sample is copied only when there are some (a copy per call cost about 1k instructions).
  std::optional<Sample> with_steps;
  for (size_t i = 0; i < static_cast<size_t>(task.step) && i < outer.step_ids.size(); ++i) {
    if (!with_steps) with_steps = original;
    with_steps->fields["steps." + outer.step_ids[i] + ".output"] =
        i < task.outputs.size() ? task.outputs[i] : "";
  }
  const Sample& sample = with_steps ? *with_steps : original;
  if (prompt.UsesMessages()) {  // the `messages:` form (docs/suite-format.md)
    Result<std::vector<ChatMessage>> messages = RenderMessages(prompt, sample);
    if (!messages.ok()) return messages.errors();
    ChatCall call = TargetCall(plan, pc);
    call.messages = std::move(messages).value();
    call.cache_prefix_messages = prompt.cache_prefix_messages;
    call.cache_ttl_seconds = prompt.cache_ttl_seconds;
    return call;
  }
  Result<std::string> system = RenderTemplate(prompt.system, sample);
  if (!system.ok()) return system.errors();
  Result<std::string> user = RenderTemplate(prompt.user, sample);
  if (!user.ok()) return user.errors();
  ChatCall call = TargetCall(plan, pc);
  call.cache_ttl_seconds = prompt.cache_ttl_seconds;  // a chain step's own prompt asks none
  call.system = std::move(system).value();
  call.user = std::move(user).value();
  return call;
}

ChatCall TargetCall(const RunPlan& plan, const PlannedCandidate& pc) {
  const Suite& suite = *plan.suite;
  ChatCall call;
  call.model = pc.candidate->model;
  call.schema_json = SchemaOf(plan, pc);  // "" for a free-text chain step: a plain request
  call.schema_name = suite.output.schema_name;
  call.mode = suite.output.mode;
  call.max_tokens = pc.candidate->max_tokens;
  call.params_json = pc.candidate->params_json;
  call.timeout = suite.policy.timeout;
  if (suite.prompt.cache_ttl_seconds > 0) {  // prompt caching (docs/prompt-caching.md)
    call.cache_ttl_seconds = suite.prompt.cache_ttl_seconds;
    call.prompt_cache_key =
        PromptCacheKey(suite.name, pc.candidate->id, suite.prompt.cache_prefix_hash);
  }
  return call;
}

RequestTemplates::RequestTemplates(const RunPlan& plan) {
  for (const PlannedCandidate& pc : plan.candidates) {
    std::vector<RequestTemplate>& targets = by_candidate_.emplace_back();
    std::vector<int64_t>& envelopes = envelopes_.emplace_back();
    std::vector<const PlannedCandidate*> each;
    if (pc.steps.empty()) each.push_back(&pc);
    for (const PlannedCandidate& step : pc.steps) each.push_back(&step);
    for (const PlannedCandidate* target : each) {
      const ChatCall call = TargetCall(plan, *target);
      targets.emplace_back(target->provider, call, target->key);
      envelopes.push_back(EnvelopeBytes(target->provider, call, target->key));
    }
  }
}

const RequestTemplate& RequestTemplates::For(const PlannedTask& task) const {
  const std::vector<RequestTemplate>& targets = by_candidate_.at(static_cast<size_t>(task.candidate));
  return targets.size() == 1 ? targets.front() : targets.at(static_cast<size_t>(task.step));
}

int64_t RequestTemplates::Envelope(const PlannedTask& task) const {
  const std::vector<int64_t>& envelopes = envelopes_.at(static_cast<size_t>(task.candidate));
  return envelopes.size() == 1 ? envelopes.front() : envelopes.at(static_cast<size_t>(task.step));
}

int64_t EnvelopeBytes(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  ChatCall empty = call;
  empty.system.clear();
  empty.user.clear();
  empty.messages.clear();
  empty.schema_json.clear();
  return static_cast<int64_t>(BuildRequest(provider, empty, key).body.size());
}

namespace {

// Keeps the ids in `wanted` (each must be one of `known`); errors name `flag`.
Status CheckIds(const std::vector<std::string>& wanted, const std::vector<std::string>& known,
                const std::string& flag, const std::string& what) {
  Errors errors;
  for (const std::string& id : wanted) {
    if (std::find(known.begin(), known.end(), id) != known.end()) continue;
    errors.push_back(
        MakeError("unknown " + what + " " + Quoted(id) + DidYouMean(id, known), flag));
  }
  if (!errors.empty()) return errors;
  return OkStatus();
}

}  // namespace

Status SelectSubset(RunPlan& plan, const Selection& selection) {
  const Suite& suite = *plan.suite;
  Errors errors;
  if (!selection.sample_ids.empty()) {
    std::vector<std::string> known;
    for (int s : plan.samples) known.push_back(suite.samples.at(static_cast<size_t>(s)).id);
    Status ids = CheckIds(selection.sample_ids, known, "--samples", "sample");
    if (!ids.ok()) errors = ids.errors();
    const std::set<std::string> wanted(selection.sample_ids.begin(), selection.sample_ids.end());
    std::erase_if(plan.samples, [&](int s) {
      return wanted.count(suite.samples.at(static_cast<size_t>(s)).id) == 0;
    });
  }
  if (selection.limit && plan.samples.size() > static_cast<size_t>(*selection.limit)) {
    plan.samples.resize(static_cast<size_t>(std::max(0, *selection.limit)));
  }
  if (!selection.candidate_ids.empty()) {
    std::vector<std::string> known;
    for (const PlannedCandidate& pc : plan.candidates) known.push_back(pc.candidate->id);
    Status ids = CheckIds(selection.candidate_ids, known, "--candidates", "candidate");
    if (!ids.ok()) errors.insert(errors.end(), ids.errors().begin(), ids.errors().end());
    const std::set<std::string> wanted(selection.candidate_ids.begin(),
                                       selection.candidate_ids.end());
    const Candidate* baseline = suite.Baseline();
    if (ids.ok() && baseline != nullptr && wanted.count(baseline->id) == 0) {
      errors.push_back(MakeError(
          "the baseline " + Quoted(baseline->id) +
              " must be among them: every candidate is compared with it (when it ran before, "
              "the response cache answers it at no cost)",
          "--candidates"));
    }
    std::erase_if(plan.candidates, [&](const PlannedCandidate& pc) {
      return wanted.count(pc.candidate->id) == 0;
    });
  }
  if (!errors.empty()) return errors;
  return OkStatus();
}

std::string CacheKeyForTarget(const PlannedCandidate& pc, int repeat, int attempt,
                              const HttpRequest& request) {
  std::string url = request.url;
  if (!pc.cache_endpoint.empty()) {
    const std::string& base = pc.provider.base_url;
    url = pc.cache_endpoint + (url.starts_with(base) ? url.substr(base.size()) : url);
  }
  return ResponseCacheKey({ProviderKindName(pc.provider.kind), url, request.body, repeat, attempt});
}

std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt,
                        const HttpRequest& request) {
  return CacheKeyForTarget(CallTarget(plan, task), task.repeat, attempt, request);
}

std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt) {
  const PlannedCandidate& pc = CallTarget(plan, task);
  Result<ChatCall> call = MakeCall(plan, task);
  if (!call.ok()) return "";  // the loader checks templates; such a task is never sent
  return CacheKeyFor(plan, task, attempt, BuildRequest(pc.provider, *call, pc.key));
}

namespace {

// LLM judges are asked only about answers the other checks did not already decide: when a
// success check failed or could not judge, each judge check says so instead of waiting.
void NotAskedWhenDecided(std::vector<CheckResult>& checks) {
  const CheckResult* deciding = nullptr;
  for (const CheckResult& check : checks) {
    if (check.pending || check.quality || check.pass) continue;
    if (deciding == nullptr || (deciding->scorer_error && !check.scorer_error)) deciding = &check;
  }
  if (deciding == nullptr) return;
  const std::string reason =
      "not asked: the answer " +
      std::string(deciding->scorer_error ? "could not be judged by " : "already failed ") +
      deciding->name;
  for (CheckResult& check : checks) {
    if (!check.pending) continue;
    check.pending = false;
    check.reason = reason;
  }
}

}  // namespace

Attempt MakeAttempt(const RunPlan& plan, const PlannedTask& task, int attempt_number,
                    int64_t started_unix_ms, const HttpResponse& response, bool score) {
  const Suite& suite = *plan.suite;
  const Sample& sample = suite.samples.at(static_cast<size_t>(task.sample));
  const PlannedCandidate& pc = CallTarget(plan, task);
  ChatCall shape;  // ParseReply needs only how the answer was asked for, not the prompts
  shape.mode = suite.output.mode;
  shape.schema_json = SchemaOf(plan, pc);
  shape.schema_name = suite.output.schema_name;
  ProviderReply reply = ParseReply(pc.provider, response, shape);

  Attempt a;
  a.sample_id = sample.id;
  const PlannedCandidate& outer = plan.candidates.at(static_cast<size_t>(task.candidate));
  a.candidate_id = outer.candidate->id;
  if (!outer.steps.empty()) a.step = outer.step_ids.at(static_cast<size_t>(task.step));
  a.repeat = task.repeat;
  a.attempt = attempt_number;
  RecordExchange(a, started_unix_ms, response, reply, pc.price,
                 [&] { return WorstCaseUsage(plan, task); });
  a.finish_reason = std::move(reply.finish_reason);
  a.request_id = std::move(reply.request_id);
  a.output = std::move(reply.output);
  if (a.error != ErrorClass::kNone) return a;

  // Parsed once for both the schema and the scorers; text that is not JSON is the validator's to
  // word the error for.
  nlohmann::json parsed;
  const nlohmann::json* json = nullptr;
  if (pc.schema_json && pc.schema_json->empty()) {  // a free-text step: any answer but none
    if (a.output.find_first_not_of(" \t\r\n") == std::string::npos) {
      a.error = ErrorClass::kInvalidOutput;
      a.error_message = "the answer is empty (the step asks for free text)";
      return a;
    }
  } else {
    JsonRefusal refusal;  // not JSON, nested too deep, or a number no double holds
    parsed = ParseJsonFast(a.output, &refusal);
    if (!parsed.is_discarded()) json = &parsed;
    const SchemaValidator& validator = pc.validator ? *pc.validator : *plan.validator;
    a.validation_errors = json ? validator.ValidateParsed(*json)
                               : std::vector<std::string>{"output is not JSON: " + refusal.Text()};
  }
  if (!a.validation_errors.empty()) {
    a.error = ErrorClass::kInvalidOutput;
    a.error_message = "output does not match the schema: " + a.validation_errors.front();
    return a;
  }
  if (outer.chain && static_cast<size_t>(task.step) + 1 < outer.steps.size()) {
    a.success = true;  // an earlier chain step: valid is enough; only the last is scored
    a.partial = true;
    return a;
  }
  if (!score) return a;  // ScoreAttempt, off the run loop
  a.checks = plan.scorers
                 ? plan.scorers->Evaluate(sample, a.output, json)
                 : ScorerSet(suite.success, suite.quality).Evaluate(sample, a.output, json);
  NotAskedWhenDecided(a.checks);
  DecideFromChecks(a);
  return a;
}

void ScoreAttempt(const RunPlan& plan, const PlannedTask& task, Attempt& a,
                  const std::atomic<bool>* cancel) {
  const Suite& suite = *plan.suite;
  const Sample& sample = suite.samples.at(static_cast<size_t>(task.sample));
  const PlannedCandidate& pc = CallTarget(plan, task);
  nlohmann::json parsed;  // as MakeAttempt parses it: a free-text step's answer is not JSON
  const bool free_text = pc.schema_json && pc.schema_json->empty();
  if (!free_text) parsed = ParseJsonFast(a.output);
  const nlohmann::json* json = free_text || parsed.is_discarded() ? nullptr : &parsed;
  a.checks = plan.scorers
                 ? plan.scorers->Evaluate(sample, a.output, json, cancel)
                 : ScorerSet(suite.success, suite.quality).Evaluate(sample, a.output, json, cancel);
  NotAskedWhenDecided(a.checks);
  DecideFromChecks(a);
}

RunManifest MakeManifest(const RunPlan& plan, const std::string& run_id, int64_t started_unix_ms,
                         bool simulated, const std::string& version) {
  const Suite& suite = *plan.suite;
  RunManifest m;
  m.run_id = run_id;
  m.suite_name = suite.name;
  m.suite_file = AbsolutePath(suite.file);  // `report` finds the inputs from any directory
  m.suite_hash = suite.content_hash;
  m.unit = suite.unit;
  m.taskcost_version = version;
  m.started_unix_ms = started_unix_ms;
  m.simulated = simulated;
  m.repeats = plan.repeats;
  for (int s : plan.samples) m.sample_ids.push_back(suite.samples.at(static_cast<size_t>(s)).id);
  for (const PlannedCandidate& pc : plan.candidates) {
    std::string model = pc.candidate->model;
    if (!pc.steps.empty()) {  // "cascade: nano > gpt-4.1", "chain: draft (nano) > ..."
      model = pc.chain ? "chain:" : "cascade:";
      for (size_t i = 0; i < pc.steps.size(); ++i) {
        model += (i == 0 ? " " : " > ") + pc.step_ids[i];
        if (pc.chain) model += " (" + pc.steps[i].candidate->id + ")";
      }
    }
    ManifestCandidate& c = m.candidates.emplace_back(
        ManifestCandidate{pc.candidate->id, pc.provider.name,
                          std::string(ProviderKindName(pc.provider.kind)), model,
                          pc.candidate->baseline, pc.price, pc.candidate->tags});
    for (size_t i = 0; i < pc.steps.size(); ++i) {
      c.steps.push_back(ManifestStep{pc.step_ids[i], pc.steps[i].candidate->id, pc.steps[i].price});
    }
  }
  for (const PlannedCandidate& judge : plan.judges) {
    m.judges.push_back(ManifestCandidate{judge.candidate->id, judge.provider.name,
                                         std::string(ProviderKindName(judge.provider.kind)),
                                         judge.candidate->model, false, judge.price});
  }
  m.human = suite.human;
  m.volume_per_month = suite.volume_per_month;
  m.policy = suite.policy;
  m.budget = suite.budget;
  m.prices_file = AbsolutePath(suite.prices_file);
  m.providers_file = AbsolutePath(suite.providers_file);
  m.tags = suite.tags;
  return m;
}

}  // namespace taskcost
