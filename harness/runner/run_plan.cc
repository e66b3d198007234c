#include "harness/runner/run_plan.h"

#include <algorithm>
#include <set>

#include "harness/core/error_text.h"
#include "harness/core/prompt_template.h"
#include "harness/core/suite_loader.h"
#include "harness/edge/response_cache.h"

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
  for (size_t i = 0; i < suite.samples.size(); ++i) plan.samples.push_back(static_cast<int>(i));

  Errors errors;
  std::vector<std::string> groups;
  for (const Candidate& candidate : suite.candidates) {
    PlannedCandidate planned;
    planned.candidate = &candidate;
    planned.provider = *providers.Find(candidate.provider);
    planned.price = *prices.Find(candidate.price.empty() ? candidate.model : candidate.price);
    auto group = std::find(groups.begin(), groups.end(), candidate.provider);
    planned.group = static_cast<int>(group - groups.begin());
    if (group == groups.end()) groups.push_back(candidate.provider);
    Status key = ResolveKey(planned.provider, keys, keys_required, candidate, &planned.key);
    if (!key.ok()) {
      // One message per variable, however many candidates share it.
      bool seen = std::any_of(errors.begin(), errors.end(), [&](const Error& e) {
        return e.path == key.error().path;
      });
      if (!seen) errors.push_back(key.error());
    }
    plan.candidates.push_back(std::move(planned));
  }
  if (!errors.empty()) return errors;
  return plan;
}

Result<ChatCall> MakeCall(const RunPlan& plan, const PlannedTask& task) {
  const Suite& suite = *plan.suite;
  const Sample& sample = suite.samples.at(static_cast<size_t>(task.sample));
  Result<std::string> system = RenderTemplate(suite.prompt.system, sample);
  if (!system.ok()) return system.errors();
  Result<std::string> user = RenderTemplate(suite.prompt.user, sample);
  if (!user.ok()) return user.errors();
  ChatCall call = CandidateCall(plan, task.candidate);
  call.system = std::move(system).value();
  call.user = std::move(user).value();
  return call;
}

ChatCall CandidateCall(const RunPlan& plan, int candidate) {
  const Suite& suite = *plan.suite;
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(candidate));
  ChatCall call;
  call.model = pc.candidate->model;
  call.schema_json = suite.output.schema_json;
  call.schema_name = suite.output.schema_name;
  call.mode = suite.output.mode;
  call.max_tokens = pc.candidate->max_tokens;
  call.params_json = pc.candidate->params_json;
  call.timeout = suite.policy.timeout;
  return call;
}

std::vector<RequestTemplate> RequestTemplates(const RunPlan& plan) {
  std::vector<RequestTemplate> templates;
  for (size_t c = 0; c < plan.candidates.size(); ++c) {
    const PlannedCandidate& pc = plan.candidates[c];
    templates.emplace_back(pc.provider, CandidateCall(plan, static_cast<int>(c)), pc.key);
  }
  return templates;
}

namespace {

// Bytes a call sends that the model reads: the rendered prompts and the schema.
int64_t PromptBytes(const RunPlan& plan, const PlannedTask& task) {
  Result<ChatCall> call = MakeCall(plan, task);
  int64_t bytes = 0;
  if (call.ok()) bytes = static_cast<int64_t>(call->system.size() + call->user.size());
  return bytes + static_cast<int64_t>(plan.suite->output.schema_json.size());
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

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

Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task) {
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
  const int64_t input_tokens = PromptBytes(plan, task) / 3 + 32;
  return pc.price.input.Times(input_tokens) +
         pc.price.output.Times(pc.candidate->max_tokens);
}

std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt,
                        const HttpRequest& request) {
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
  std::string url = request.url;
  if (!pc.cache_endpoint.empty()) {
    const std::string& base = pc.provider.base_url;
    url = pc.cache_endpoint + (url.starts_with(base) ? url.substr(base.size()) : url);
  }
  return ResponseCacheKey(
      {ProviderKindName(pc.provider.kind), url, request.body, task.repeat, attempt});
}

std::string CacheKeyFor(const RunPlan& plan, const PlannedTask& task, int attempt) {
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
  Result<ChatCall> call = MakeCall(plan, task);
  if (!call.ok()) return "";  // the loader checks templates; such a task is never sent
  return CacheKeyFor(plan, task, attempt, BuildRequest(pc.provider, *call, pc.key));
}

RunEstimate EstimateRun(const RunPlan& plan, const CachedAttempt& cached) {
  RunEstimate estimate;
  estimate.max_attempts = std::max(1, plan.suite->policy.max_attempts);
  for (const PlannedCandidate& pc : plan.candidates) {
    estimate.candidates.push_back(CandidateEstimate{pc.candidate->id});
  }
  for (const PlannedTask& task : plan.Tasks()) {
    const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
    CandidateEstimate& c = estimate.candidates.at(static_cast<size_t>(task.candidate));
    const int64_t input = CeilDiv(PromptBytes(plan, task), 4);
    const int64_t output = CeilDiv(pc.candidate->max_tokens, 4);
    const Money reserve = WorstCaseCost(plan, task);
    ++c.tasks;
    c.input_tokens += input;
    c.output_tokens += output;
    for (int attempt = 1; attempt <= estimate.max_attempts; ++attempt) {
      if (cached && cached(task, attempt)) {
        ++c.cached_attempts;
        continue;
      }
      if (attempt == 1) c.expected += pc.price.input.Times(input) + pc.price.output.Times(output);
      c.worst_case += reserve;
    }
  }
  for (const CandidateEstimate& c : estimate.candidates) {
    estimate.expected += c.expected;
    estimate.worst_case += c.worst_case;
  }
  return estimate;
}

Attempt MakeAttempt(const RunPlan& plan, const PlannedTask& task, int attempt_number,
                    int64_t started_unix_ms, const HttpResponse& response) {
  const Suite& suite = *plan.suite;
  const Sample& sample = suite.samples.at(static_cast<size_t>(task.sample));
  const PlannedCandidate& pc = plan.candidates.at(static_cast<size_t>(task.candidate));
  ChatCall shape;  // ParseReply needs only how the answer was asked for, not the prompts
  shape.mode = suite.output.mode;
  shape.schema_json = suite.output.schema_json;
  shape.schema_name = suite.output.schema_name;
  ProviderReply reply = ParseReply(pc.provider, response, shape);

  Attempt a;
  a.sample_id = sample.id;
  a.candidate_id = pc.candidate->id;
  a.repeat = task.repeat;
  a.attempt = attempt_number;
  a.started_unix_ms = started_unix_ms;
  a.latency_us = response.elapsed.count();
  a.http_status = response.status;
  a.error = reply.error;
  a.error_message = std::move(reply.error_message);
  if (reply.retry_after) a.retry_after_ms = reply.retry_after->count();
  a.finish_reason = std::move(reply.finish_reason);
  a.request_id = std::move(reply.request_id);
  a.usage = reply.usage;
  a.usage_raw = std::move(reply.usage_raw);
  a.cost = CallCost(pc.price, reply.usage);  // every attempt's cost counts, failed ones too
  a.output = std::move(reply.output);
  if (a.error != ErrorClass::kNone) return a;

  a.validation_errors = plan.validator->Validate(a.output);
  if (!a.validation_errors.empty()) {
    a.error = ErrorClass::kInvalidOutput;
    a.error_message = "output does not match the schema: " + a.validation_errors.front();
    return a;
  }
  a.checks = EvaluateSuccess(suite.success, sample, a.output);
  for (const CheckResult& check : a.checks) {
    if (!check.pass) {
      a.error = ErrorClass::kIncorrect;
      a.error_message = check.name + ": " + check.reason;
      return a;
    }
  }
  a.success = true;
  return a;
}

RunManifest MakeManifest(const RunPlan& plan, const std::string& run_id, int64_t started_unix_ms,
                         bool simulated, const std::string& version) {
  const Suite& suite = *plan.suite;
  RunManifest m;
  m.run_id = run_id;
  m.suite_name = suite.name;
  m.suite_file = suite.file;
  m.suite_hash = suite.content_hash;
  m.unit = suite.unit;
  m.taskcost_version = version;
  m.started_unix_ms = started_unix_ms;
  m.simulated = simulated;
  m.repeats = plan.repeats;
  for (int s : plan.samples) m.sample_ids.push_back(suite.samples.at(static_cast<size_t>(s)).id);
  for (const PlannedCandidate& pc : plan.candidates) {
    m.candidates.push_back(ManifestCandidate{pc.candidate->id, pc.provider.name,
                                             std::string(ProviderKindName(pc.provider.kind)),
                                             pc.candidate->model, pc.candidate->baseline,
                                             pc.price, pc.candidate->tags});
  }
  m.human = suite.human;
  m.volume_per_month = suite.volume_per_month;
  m.policy = suite.policy;
  m.budget = suite.budget;
  m.prices_file = suite.prices_file;
  m.providers_file = suite.providers_file;
  m.tags = suite.tags;
  return m;
}

}  // namespace taskcost
