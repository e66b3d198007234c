// The prompt, output, success, human and policy sections of suite.yaml.
#include <algorithm>
#include <map>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/loading/suite_parts.h"
#include "harness/core/formats/user_json.h"
#include "harness/core/schema/validate.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

// The schema as compact JSON, from a file (its bytes kept in `file_bytes`, for the content
// hash) or an inline mapping; "" after an error.
std::string ReadSchemaJson(SuiteContext& context, const YamlField& field,
                           std::string* file_bytes) {
  if (field.node.IsMap()) return context.reader.JsonText(field).value_or("");
  if (!field.node.IsScalar()) {
    context.reader.Fail(field, "expected a JSON Schema file name or an inline mapping");
    return "";
  }
  std::string resolved;
  std::optional<std::string> bytes = ReadReferencedFile(context, field, &resolved);
  if (!bytes) return "";
  *file_bytes = *bytes;
  Result<Json> schema = ParseUserJson(*bytes, {resolved, 1, 0});
  if (!schema.ok()) {
    for (const Error& e : schema.errors()) context.reader.Add(e);
    return "";
  }
  if (!schema->is_object()) {
    context.reader.Fail(
        field, resolved + " must hold a JSON Schema object, got " + JsonKindName(schema.value()));
    return "";
  }
  return schema->dump();
}

// The node a JSON Pointer ("/properties/priority/type") names inside an inline YAML schema, or
// the schema itself when the pointer leads nowhere.
YAML::Node NodeAtPointer(const YAML::Node& schema, const std::string& pointer) {
  YAML::Node node = schema;
  size_t start = 1;
  while (start <= pointer.size() && !pointer.empty()) {
    size_t slash = std::min(pointer.find('/', start), pointer.size());
    std::string token = pointer.substr(start, slash - start);
    for (size_t at; (at = token.find("~1")) != std::string::npos;) token.replace(at, 2, "/");
    for (size_t at; (at = token.find("~0")) != std::string::npos;) token.replace(at, 2, "~");
    YAML::Node next;
    bool found = false;
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end() && !found; ++it) {
        found = it->first.IsScalar() && it->first.Scalar() == token;
        if (found) next.reset(it->second.IsNull() ? it->first : it->second);
      }
    } else if (node.IsSequence() && !token.empty() &&
               token.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(token) < node.size()) {
      next.reset(node[std::stoul(token)]);
      found = true;
    }
    if (!found) return schema;
    node.reset(next);  // rebind; yaml-cpp's operator= would write into the document
    start = slash + 1;
  }
  return node;
}

// Compile's errors carry a JSON Pointer as their path; inline schemas are located exactly.
void ReportUnusableSchema(SuiteContext& context, const YamlField& field, const Errors& errors) {
  const std::string what = field.node.IsScalar()
                               ? Quoted(field.node.Scalar()) + " is not a usable JSON Schema"
                               : "not a usable JSON Schema";
  constexpr std::string_view kRedundant = "schema is not usable: ";
  for (Error e : errors) {
    if (e.message.rfind(kRedundant, 0) == 0) e.message.erase(0, kRedundant.size());
    YamlField at = field;
    if (field.node.IsMap()) at.where = context.reader.Where(NodeAtPointer(field.node, e.path));
    context.reader.Fail(at, what + (e.path.empty() ? ": " : ": at " + e.path + ": ") + e.message);
  }
}

}  // namespace

std::string ReadUsableSchema(SuiteContext& context, const YamlField& field,
                             std::string* file_bytes) {
  std::string schema_json = ReadSchemaJson(context, field, file_bytes);
  if (schema_json.empty()) return "";
  Result<SchemaValidator> compiled = SchemaValidator::Compile(schema_json);
  if (!compiled.ok()) {
    ReportUnusableSchema(context, field, compiled.errors());
    return "";
  }
  return schema_json;
}

namespace {

void ReadSchema(SuiteContext& context, const YamlField& output, OutputSpec& spec) {
  YamlField field = context.reader.Child(output, "schema");
  if (!context.reader.Require(field)) return;
  spec.schema_json = ReadUsableSchema(context, field, &context.schema_bytes);
}

void ReadMode(SuiteContext& context, const YamlField& output, OutputSpec& spec) {
  YamlField field = context.reader.Child(output, "mode");
  std::optional<std::string> mode = context.reader.String(field);
  if (!mode) return;
  if (*mode == "native") {
    spec.mode = OutputMode::kNative;
  } else if (*mode == "prompt") {
    spec.mode = OutputMode::kPrompt;
  } else {
    std::string suggestion = DidYouMean(*mode, {"native", "prompt"});
    context.reader.Fail(field,
                        "unknown mode " + Quoted(*mode) +
                            (suggestion.empty() ? "; expected native or prompt" : suggestion));
  }
}

// An ErrorClass that retry_on may list, or nullopt after recording why not.
std::optional<ErrorClass> RetryableClass(YamlReader& reader, const YamlField& item) {
  std::optional<std::string> name = reader.String(item);
  if (!name) return std::nullopt;
  std::optional<ErrorClass> parsed = ParseErrorClass(*name);
  std::vector<std::string> retryable;
  for (ErrorClass c : AllErrorClasses()) {
    if (!IsFatal(c) && c != ErrorClass::kIncorrect && c != ErrorClass::kScorerError) retryable.emplace_back(ErrorClassName(c));
  }
  if (parsed && IsFatal(*parsed)) {
    reader.Fail(item, Quoted(*name) +
                          " is fatal (it stops the candidate) and is never "
                          "retried; remove it");
  } else if (parsed == ErrorClass::kIncorrect) {
    reader.Fail(item,
                "\"incorrect\" (a valid answer that fails a success criterion) ends the "
                "task and is never retried; remove it");
  } else if (parsed == ErrorClass::kScorerError) {
    reader.Fail(item,
                "\"scorer_error\" (a scorer that could not judge an answer) is not the "
                "model's failure and is never retried; remove it");
  } else if (!parsed || parsed == ErrorClass::kNone) {
    std::string suggestion = DidYouMean(*name, retryable);
    reader.Fail(item, "unknown error class " + Quoted(*name) +
                          (suggestion.empty() ? "; expected some of: " + JoinNames(retryable)
                                              : suggestion));
  } else {
    return parsed;
  }
  return std::nullopt;
}

void ReadRetryOn(YamlReader& reader, const YamlField& policy, RetryPolicy& out) {
  YamlField field = reader.Child(policy, "retry_on");
  if (!field.present) return;
  std::vector<ErrorClass> classes;
  for (const YamlField& item : reader.Items(field)) {
    std::optional<ErrorClass> c = RetryableClass(reader, item);
    if (c && std::find(classes.begin(), classes.end(), *c) == classes.end()) classes.push_back(*c);
  }
  out.retry_on = std::move(classes);
}

void ReadBackoff(YamlReader& reader, const YamlField& policy, RetryPolicy& out) {
  constexpr int64_t kHourMillis = 3'600'000;
  YamlField initial = reader.Child(policy, "backoff_initial_ms");
  YamlField max = reader.Child(policy, "backoff_max_ms");
  if (auto value = reader.Integer(initial, 0, kHourMillis)) {
    out.backoff_initial = std::chrono::milliseconds(*value);
  }
  if (auto value = reader.Integer(max, 0, kHourMillis)) {
    if (std::chrono::milliseconds(*value) < out.backoff_initial) {
      reader.Fail(max, "must be at least backoff_initial_ms (" +
                           std::to_string(out.backoff_initial.count()) + "), got " +
                           std::to_string(*value));
    } else {
      out.backoff_max = std::chrono::milliseconds(*value);
    }
  }
}

// A decimal that must be > 0, in 1/10^scale units.
std::optional<int64_t> PositiveDecimal(YamlReader& reader, const YamlField& field, int scale) {
  std::optional<int64_t> value = reader.Decimal(field, scale);
  if (value && *value == 0) {
    reader.Fail(field, "must be greater than 0");
    return std::nullopt;
  }
  return value;
}

// A gate limit: a non-negative decimal in 1/10^scale units, at most `max` (written `max_text`)
// when `max` > 0, or `off` / null to switch a default limit off.
std::optional<int64_t> GateLimit(YamlReader& reader, const YamlField& field, int scale,
                                 int64_t max, const char* max_text,
                                 std::optional<int64_t> fallback) {
  if (!field.present) return fallback;
  if (field.node.IsNull() || (field.node.IsScalar() && field.node.Scalar() == "off")) {
    return std::nullopt;
  }
  std::optional<int64_t> value = reader.Decimal(field, scale);
  if (value && max > 0 && *value > max) {
    reader.Fail(field, std::string("must be at most ") + max_text + ", got " +
                           field.node.Scalar());
    return fallback;
  }
  return value ? value : fallback;
}

std::optional<Money> GateMoney(YamlReader& reader, const YamlField& field) {
  if (!field.present || field.node.IsNull() ||
      (field.node.IsScalar() && field.node.Scalar() == "off")) {
    return std::nullopt;
  }
  return reader.Usd(field);
}

std::vector<std::string> GateCandidates(YamlReader& reader, const YamlField& list,
                                        const std::vector<Candidate>& candidates) {
  std::vector<std::string> ids, known;
  for (const Candidate& c : candidates) known.push_back(c.id);
  for (const YamlField& item : reader.Items(list)) {
    std::optional<std::string> id = reader.String(item);
    if (!id) continue;
    if (std::find(known.begin(), known.end(), *id) == known.end()) {
      std::string suggestion = DidYouMean(*id, known);
      reader.Fail(item, "unknown candidate " + Quoted(*id) +
                            (suggestion.empty() ? "; the suite has: " + JoinNames(known)
                                                : suggestion));
    } else if (std::find(ids.begin(), ids.end(), *id) == ids.end()) {
      ids.push_back(*id);
    }
  }
  return ids;
}

}  // namespace

std::optional<std::string> ReadTemplate(SuiteContext& context, const YamlField& field) {
  std::optional<std::string> text = context.reader.String(field);
  if (text) context.templates.push_back(TemplateUse{field.path, field.where, *text});
  return text;
}

GateSpec ReadGate(SuiteContext& context, const YamlField& gate,
                  const std::vector<Candidate>& candidates) {
  GateSpec spec;
  YamlReader& reader = context.reader;
  if (!gate.present || !reader.IsMap(gate)) return spec;
  reader.CheckKeys(gate, {"max_cost_increase_pct", "max_success_drop_pp", "min_success_pct",
                          "max_p95_cost_usd", "max_total_cost_usd", "min_quality", "candidates"});
  spec.where = gate.key_where;
  auto child = [&](const char* key) { return reader.Child(gate, key); };
  spec.max_cost_increase_bp =
      GateLimit(reader, child("max_cost_increase_pct"), 2, 0, "", spec.max_cost_increase_bp);
  spec.max_success_drop_bp =
      GateLimit(reader, child("max_success_drop_pp"), 2, 10'000, "100", spec.max_success_drop_bp);
  spec.min_success_bp = GateLimit(reader, child("min_success_pct"), 2, 10'000, "100", std::nullopt);
  spec.max_p95_cost = GateMoney(reader, child("max_p95_cost_usd"));
  spec.max_total_cost = GateMoney(reader, child("max_total_cost_usd"));
  spec.min_quality_milli = GateLimit(reader, child("min_quality"), 3, 5'000, "5", std::nullopt);
  spec.candidates = GateCandidates(reader, child("candidates"), candidates);
  return spec;
}

PromptTemplate ReadPrompt(SuiteContext& context, const YamlField& prompt) {
  PromptTemplate out;
  if (!context.reader.IsMap(prompt)) return out;
  context.reader.CheckKeys(prompt, {"system", "user", "messages", "cache"});
  if (YamlField messages = context.reader.Child(prompt, "messages"); messages.present) {
    ReadPromptMessages(context, prompt, messages, out);
    ReadPromptCache(context, prompt, out);
    return out;
  }
  out.system = ReadTemplate(context, context.reader.Child(prompt, "system")).value_or("");
  YamlField user = context.reader.Child(prompt, "user");
  if (context.reader.Require(user)) out.user = ReadTemplate(context, user).value_or("");
  ReadPromptCache(context, prompt, out);
  return out;
}

OutputSpec ReadOutput(SuiteContext& context, const YamlField& output) {
  OutputSpec spec;
  if (!context.reader.IsMap(output)) return spec;
  context.reader.CheckKeys(output, {"schema", "name", "mode"});
  ReadSchema(context, output, spec);
  YamlField name = context.reader.Child(output, "name");
  if (std::optional<std::string> text = context.reader.String(name)) {
    if (text->size() <= 64 && IsNameOf(*text, "_-")) {
      spec.schema_name = *text;
    } else {
      context.reader.Fail(name, Quoted(*text) +
                                    " must be 1 to 64 letters, digits, '_' or '-' "
                                    "(providers name the answer with it)");
    }
  }
  ReadMode(context, output, spec);
  return spec;
}

Tags ReadTags(YamlReader& reader, const YamlField& tags) {
  Tags out;
  if (!tags.present) return out;
  for (const YamlField& entry : reader.Entries(tags)) {
    if (!IsNameOf(entry.key, "_.-")) {
      reader.Fail(entry, "tag name " + Quoted(entry.key) +
                             " may contain only letters, digits, '_', '.' and '-'");
      continue;
    }
    if (!entry.node.IsScalar()) {
      reader.Fail(entry, "expected a text value, e.g. " + entry.key + ": support");
      continue;
    }
    std::optional<std::string> value = reader.String(entry);
    if (value && value->empty()) reader.Fail(entry, "must not be empty");
    if (value && !value->empty()) out[entry.key] = *value;
  }
  return out;
}

HumanAlternative ReadHuman(SuiteContext& context, const YamlField& human) {
  HumanAlternative out;
  YamlReader& reader = context.reader;
  if (!reader.IsMap(human)) return out;
  reader.CheckKeys(human, {"minutes_per_task", "hourly_rate", "review_minutes_per_task"});
  out.present = true;
  YamlField minutes = reader.Child(human, "minutes_per_task");
  if (reader.Require(minutes)) {
    out.micro_minutes_per_task = PositiveDecimal(reader, minutes, 6).value_or(0);
  }
  YamlField rate = reader.Child(human, "hourly_rate");
  if (reader.Require(rate)) {
    std::optional<Money> usd = reader.Usd(rate);
    if (usd && *usd == Money()) reader.Fail(rate, "must be greater than 0");
    if (usd) out.hourly_rate = *usd;
  }
  YamlField review = reader.Child(human, "review_minutes_per_task");
  out.review_micro_minutes_per_task = reader.Decimal(review, 6).value_or(0);
  return out;
}

RetryPolicy ReadPolicy(SuiteContext& context, const YamlField& policy) {
  RetryPolicy out;
  YamlReader& reader = context.reader;
  if (!reader.IsMap(policy)) return out;
  reader.CheckKeys(policy, {"max_attempts", "retry_on", "timeout_s", "backoff_initial_ms",
                            "backoff_max_ms", "max_wait_s"});
  if (auto attempts = reader.Integer(reader.Child(policy, "max_attempts"), 1, 20)) {
    out.max_attempts = static_cast<int>(*attempts);
  }
  ReadRetryOn(reader, policy, out);
  if (auto millis = PositiveDecimal(reader, reader.Child(policy, "timeout_s"), 3)) {
    out.timeout = std::chrono::milliseconds(*millis);
  }
  ReadBackoff(reader, policy, out);
  const YamlField max_wait = reader.Child(policy, "max_wait_s");
  if (auto millis = PositiveDecimal(reader, max_wait, 3)) {
    if (*millis > 86'400'000) {
      reader.Fail(max_wait, "must be at most 86400 (a day)");
    } else {
      out.max_wait = std::chrono::milliseconds(*millis);
    }
  }
  return out;
}

}  // namespace taskcost
