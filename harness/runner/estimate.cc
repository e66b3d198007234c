// The plan's estimate rules (CallEstimate, docs/plan.md) and the run's estimate (EstimateRun);
// declared in run_plan.h.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/runner/judge.h"
#include "harness/runner/run_plan.h"

namespace taskcost {
namespace {

using Json = nlohmann::json;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Sizes of a typical answer's parts, in bytes, quotes included (docs/plan.md).
constexpr int64_t kStringBytes = 34;  // 32 characters
constexpr int64_t kNumberBytes = 6;
constexpr int64_t kIntegerBytes = 4;
constexpr int64_t kArrayItems = 3;
constexpr int kMaxSchemaDepth = 16;  // also ends a $ref that refers to itself

int64_t Dumped(const Json& value) { return static_cast<int64_t>(value.dump().size()); }

const Json* Resolve(const Json& root, const std::string& ref) {
  if (ref.empty() || ref[0] != '#') return nullptr;  // only local references are followed
  try {
    const Json::json_pointer pointer(ref.substr(1));
    return root.contains(pointer) ? &root.at(pointer) : nullptr;
  } catch (const Json::exception&) {
    return nullptr;
  }
}

std::string TypeOf(const Json& node) {
  const auto type = node.find("type");
  if (type != node.end() && type->is_string()) return type->get<std::string>();
  if (type != node.end() && type->is_array()) {
    for (const Json& each : *type) {
      if (each.is_string() && each != "null") return each.get<std::string>();
    }
  }
  if (node.contains("properties")) return "object";
  if (node.contains("items")) return "array";
  return "string";
}

int64_t TypicalBytes(const Json& node, const Json& root, int depth);

int64_t StringBytes(const Json& node) {
  const std::string format = node.value("format", std::string());
  if (format == "date") return 12;
  if (format == "date-time") return 27;
  int64_t bytes = kStringBytes;
  if (const auto max = node.find("maxLength"); max != node.end() && max->is_number_unsigned()) {
    bytes = std::min<int64_t>(bytes, static_cast<int64_t>(max->get<uint64_t>()) + 2);
  }
  return bytes;
}

int64_t ObjectBytes(const Json& node, const Json& root, int depth) {
  int64_t bytes = 2;  // {}
  const auto properties = node.find("properties");
  if (properties == node.end() || !properties->is_object()) return bytes;
  for (const auto& [name, schema] : properties->items()) {
    bytes += Dumped(Json(name)) + 1 + TypicalBytes(schema, root, depth + 1) + 1;  // "k":v,
  }
  return bytes - (properties->empty() ? 0 : 1);
}

int64_t ArrayBytes(const Json& node, const Json& root, int depth) {
  int64_t items = kArrayItems;
  if (const auto min = node.find("minItems"); min != node.end() && min->is_number_unsigned()) {
    items = std::max<int64_t>(items,
                              static_cast<int64_t>(std::min<uint64_t>(min->get<uint64_t>(), 1000)));
  }
  if (const auto max = node.find("maxItems"); max != node.end() && max->is_number_unsigned()) {
    items = std::min<int64_t>(items, static_cast<int64_t>(max->get<uint64_t>()));
  }
  const auto item = node.find("items");
  const int64_t each =
      item != node.end() && item->is_object() ? TypicalBytes(*item, root, depth + 1) : kStringBytes;
  return 2 + items * each + std::max<int64_t>(0, items - 1);
}

// The bytes of a typical answer to `node` (a JSON Schema inside `root`).
int64_t TypicalBytes(const Json& node, const Json& root, int depth) {
  if (depth > kMaxSchemaDepth || !node.is_object()) return kStringBytes;
  if (const auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    const Json* target = Resolve(root, ref->get<std::string>());
    return target ? TypicalBytes(*target, root, depth + 1) : kStringBytes;
  }
  if (const auto constant = node.find("const"); constant != node.end()) return Dumped(*constant);
  if (const auto values = node.find("enum");
      values != node.end() && values->is_array() && !values->empty()) {
    int64_t total = 0;
    for (const Json& value : *values) total += Dumped(value);
    return CeilDiv(total, static_cast<int64_t>(values->size()));
  }
  for (const char* options : {"anyOf", "oneOf", "allOf"}) {  // the largest of the choices
    const auto list = node.find(options);
    if (list == node.end() || !list->is_array() || list->empty()) continue;
    int64_t largest = 0;
    for (const Json& option : *list)
      largest = std::max(largest, TypicalBytes(option, root, depth + 1));
    return largest;
  }
  const std::string type = TypeOf(node);
  if (type == "object") return ObjectBytes(node, root, depth);
  if (type == "array") return ArrayBytes(node, root, depth);
  if (type == "number") return kNumberBytes;
  if (type == "integer") return kIntegerBytes;
  if (type == "boolean") return 5;
  if (type == "null") return 4;
  return StringBytes(node);
}

}  // namespace

int64_t ExpectedOutputTokens(const RunPlan& plan, const PlannedCandidate& pc) {
  if (pc.expected_output_tokens >= 0) return pc.expected_output_tokens;
  return TypicalAnswerTokens(SchemaOf(plan, pc), pc.candidate->max_tokens);
}

std::string AnswerOfTokens(int64_t tokens) {
  return std::string(static_cast<size_t>(std::max<int64_t>(0, tokens)) * 4, 'x');
}

Usage CallEstimate::WorstUsage() const {
  Usage worst;
  worst.input_tokens = worst_input;
  worst.output_tokens = worst_output;
  return worst;
}

Money CallEstimate::ExpectedCost(const ModelPrice& price) const {
  return price.input.Times(expected_input) + price.output.Times(expected_output);
}

Money CallEstimate::WorstCost(const ModelPrice& price, std::chrono::milliseconds timeout) const {
  if (price.TimePriced()) {  // the worst-case latency is the policy's timeout
    return TimeCost(price, std::chrono::duration_cast<std::chrono::microseconds>(timeout).count());
  }
  return price.input.Times(worst_input) + price.output.Times(worst_output);
}

CallEstimate EstimateCall(int64_t request_bytes, int max_tokens, int64_t expected_output) {
  CallEstimate e;
  e.request_bytes = request_bytes;
  e.expected_input = CeilDiv(request_bytes, 4);
  e.expected_output = expected_output;
  e.worst_input = request_bytes / 3 + 32;
  e.worst_output = std::max(0, max_tokens);
  return e;
}

int64_t TypicalAnswerTokens(const std::string& schema_json, int max_tokens) {
  const int64_t cap = std::max(0, max_tokens);
  if (schema_json.empty()) return CeilDiv(cap, 4);
  const Json schema = Json::parse(schema_json, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded()) return CeilDiv(cap, 4);
  return std::min(cap, CeilDiv(TypicalBytes(schema, schema, 0), 4));
}

CallEstimate EstimateTaskCall(const RunPlan& plan, const PlannedTask& task,
                              const RequestTemplates& requests) {
  const Result<ChatCall> call = MakeCall(plan, task);
  // A task whose prompt cannot be rendered is never sent (the loader checks templates).
  const int64_t body =
      call.ok() ? static_cast<int64_t>(requests.For(task).Build(*call).body.size()) : 0;
  return EstimateBuiltCall(plan, task, requests, body);
}

CallEstimate EstimateBuiltCall(const RunPlan& plan, const PlannedTask& task,
                               const RequestTemplates& requests, int64_t body_bytes) {
  const PlannedCandidate& pc = CallTarget(plan, task);
  CallEstimate e = EstimateCall(std::max<int64_t>(0, body_bytes - requests.Envelope(task)),
                                pc.candidate->max_tokens, ExpectedOutputTokens(plan, pc));
  // A chain step's prompt holds the earlier answers, rendered as "" while not known yet.
  const PlannedCandidate& outer = plan.candidates.at(static_cast<size_t>(task.candidate));
  for (int i = static_cast<int>(task.outputs.size()); outer.chain && i < task.step; ++i) {
    const PlannedCandidate& earlier = outer.steps.at(static_cast<size_t>(i));
    e.expected_input += ExpectedOutputTokens(plan, earlier);
    e.worst_input += earlier.candidate->max_tokens;
  }
  return e;
}

CallEstimate EstimateJudgeCall(const PlannedCandidate& judge, const ChatCall& call) {
  const int64_t expected = judge.expected_output_tokens >= 0
                               ? judge.expected_output_tokens
                               : TypicalAnswerTokens(call.schema_json, call.max_tokens);
  const int64_t body =
      static_cast<int64_t>(BuildRequest(judge.provider, call, judge.key).body.size());
  const int64_t envelope = EnvelopeBytes(judge.provider, call, judge.key);
  return EstimateCall(std::max<int64_t>(0, body - envelope), call.max_tokens, expected);
}

Reservation ReserveFor(const RunPlan& plan, const PlannedTask& task,
                       const RequestTemplates& requests) {
  const CallEstimate e = EstimateTaskCall(plan, task, requests);
  return {e.WorstCost(CallTarget(plan, task).price, plan.suite->policy.timeout), e.RateTokens()};
}

Reservation ReserveForJudge(const PlannedCandidate& judge, const ChatCall& call,
                            const RetryPolicy& policy) {
  const CallEstimate e = EstimateJudgeCall(judge, call);
  return {e.WorstCost(judge.price, policy.timeout), e.RateTokens()};
}

Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task) {
  const RequestTemplates requests(plan);
  return EstimateTaskCall(plan, task, requests)
      .WorstCost(CallTarget(plan, task).price, plan.suite->policy.timeout);
}

Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task, const RequestTemplates& requests,
                    const HttpRequest& request) {
  return EstimateBuiltCall(plan, task, requests, static_cast<int64_t>(request.body.size()))
      .WorstCost(CallTarget(plan, task).price, plan.suite->policy.timeout);
}

Usage WorstCaseUsage(const RunPlan& plan, const PlannedTask& task) {
  const RequestTemplates requests(plan);
  return EstimateTaskCall(plan, task, requests).WorstUsage();
}

namespace {

// Adds one expected call (`e`, at `price`) to `c`; a time-priced one has no estimate.
void AddExpectedCall(const CallEstimate& e, const ModelPrice& price, bool cached,
                     CandidateEstimate& c) {
  c.input_tokens += e.expected_input;
  c.output_tokens += e.expected_output;
  if (cached) return;
  ++c.expected_calls;
  if (price.TimePriced()) {
    ++c.time_priced_calls;
    return;
  }
  c.expected += e.ExpectedCost(price);
}

}  // namespace

RunEstimate EstimateRun(const RunPlan& plan, const CachedAttempt& cached) {
  RunEstimate estimate;
  estimate.max_attempts = std::max(1, plan.suite->policy.max_attempts);
  const std::chrono::milliseconds timeout = plan.suite->policy.timeout;
  for (const PlannedCandidate& pc : plan.candidates) {
    CandidateEstimate& c = estimate.candidates.emplace_back(CandidateEstimate{pc.candidate->id});
    c.cascade = !pc.steps.empty() && !pc.chain;
    c.time_priced = pc.price.TimePriced();
    for (const PlannedCandidate& step : pc.steps) c.time_priced |= step.price.TimePriced();
  }
  const RequestTemplates requests(plan);
  for (const PlannedTask& task : plan.Tasks()) {
    const PlannedCandidate& outer = plan.candidates.at(static_cast<size_t>(task.candidate));
    CandidateEstimate& c = estimate.candidates.at(static_cast<size_t>(task.candidate));
    const ModelPrice& price = CallTarget(plan, task).price;
    const CallEstimate first = EstimateTaskCall(plan, task, requests);
    const Money reserve = first.WorstCost(price, timeout);
    ++c.tasks;
    bool first_cached = false;
    for (int attempt = 1; attempt <= estimate.max_attempts; ++attempt) {
      if (cached && cached(task, attempt)) {
        ++c.cached_attempts;
        first_cached |= attempt == 1;
        continue;
      }
      c.worst_case += reserve;
    }
    AddExpectedCall(first, price, first_cached, c);
    if (c.cascade && !price.TimePriced()) c.expected_escalated += first.ExpectedCost(price);
    // Later steps: a chain calls each (their prompts hold answers not known yet, so the cache is
    // not consulted); a cascade may escalate through each. Worst case: each at its own.
    for (size_t step = 1; step < outer.steps.size(); ++step) {
      PlannedTask later = task;
      later.step = static_cast<int>(step);
      const ModelPrice& later_price = CallTarget(plan, later).price;
      const CallEstimate e = EstimateTaskCall(plan, later, requests);
      if (outer.chain) AddExpectedCall(e, later_price, false, c);
      if (c.cascade && !later_price.TimePriced())
        c.expected_escalated += e.ExpectedCost(later_price);
      c.worst_case += e.WorstCost(later_price, timeout).Times(estimate.max_attempts);
    }
  }
  for (const CandidateEstimate& c : estimate.candidates) {
    estimate.expected += c.expected;
    estimate.worst_case += c.worst_case;
    estimate.time_priced_calls += c.time_priced_calls;
  }
  AddJudgeEstimate(plan, estimate);
  return estimate;
}

}  // namespace taskcost
