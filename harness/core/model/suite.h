// Suite: the typed model of suite.yaml once loaded and checked: the task, its samples, its
// candidates and its policies. Loaded by LoadSuite (suite_loader.h). Plain data; not synchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/money.h"
#include "harness/core/model/result.h"
#include "harness/core/model/review_spec.h"

namespace taskcost {

/// Labels of a suite or a candidate (`tags: {team: support, feature: triage}`): free-form
/// names and values that `taskcost summary` groups by. Ordered by name.
using Tags = std::map<std::string, std::string>;

/// One sample input. `fields` flattens the sample's JSON object: top-level strings verbatim,
/// other scalars as JSON text ("3", "true"), nested objects with dotted keys ("customer.name"),
/// and every non-string value also under its own key as JSON text.
struct Sample {
  std::string id;
  std::map<std::string, std::string> fields;
  std::string json;      // the whole sample as compact JSON text, "id" included
  SourceLocation where;  // file and line of the row (line of the JSONL/CSV row, or YAML node)
};

/// One message of a conversation as sent: role "system", "user" or "assistant", and its text.
struct ChatMessage {
  std::string role;
  std::string content;
  bool operator==(const ChatMessage&) const = default;
};

/// One entry of `prompt.messages:` (docs/suite-format.md): a message template, or the place
/// where a sample field's list of messages is inserted.
struct PromptMessage {
  std::string role;      // "system", "user" or "assistant"; "" for an insert
  std::string content;   // a {{field}} template; "" for an insert
  std::string insert;    // the sample field holding a list of messages; "" for a message
  SourceLocation where;  // the entry in suite.yaml
};

struct PromptTemplate {
  std::string system;  // may be empty; {{field}} placeholders filled from the sample
  std::string user;
  // The `messages:` form, in order; when non-empty, system and user are unused (both empty).
  std::vector<PromptMessage> messages;
  // How many leading entries of `messages` form the cacheable prefix: those up to and including
  // the one marked `cache_prefix_end: true`, all fixed text (no {{field}}, no insert), so the
  // prefix is the same for every sample. 0 when no message is marked.
  int cache_prefix_messages = 0;
  // `cache:` (docs/prompt-caching.md): the TTL asked of the provider's prompt cache for the
  // prefix (the system prompt, or the messages up to the marked one), in seconds: 300 or 3600.
  // 0 = no caching requested (the key is absent).
  int cache_ttl_seconds = 0;
  // "sha256:..." of the prefix as written (roles and texts), set when caching is requested; a
  // part of OpenAI's prompt_cache_key (PromptCacheKey, prompt_template.h).
  std::string cache_prefix_hash;

  bool UsesMessages() const { return !messages.empty(); }
};

enum class OutputMode {
  kNative,  // provider structured output (OpenAI response_format, Anthropic forced tool)
  kPrompt,  // the schema is stated in the prompt; the answer is parsed and validated
};

struct OutputSpec {
  std::string schema_json;  // the JSON Schema, compact JSON text
  std::string schema_name = "answer";  // [a-zA-Z0-9_-]{1,64}; used as response/tool name
  OutputMode mode = OutputMode::kNative;
};

/// A scorer of the suite's `success:` (must pass) or `quality:` (scored 0-1, averaged) list,
/// beyond the schema (which always applies). Built-ins and the command scorer are described in
/// docs/scorers.md; scorers/ evaluates them. Only the keys of `kind` are meaningful.
struct SuccessCriterion {
  std::string kind;      // "field_equals", "field_in", "regex", "contains", "numeric_within",
                         // "json_subset", "list_f1", "max_words", "max_chars", "command"
  std::string field;     // path into the answer: "total", "vendor.name", "items[0].sku";
                         // "" = the whole answer (regex, contains, max_*, json_subset)
  std::string expected;  // template rendered against the sample: "{{expected_category}}"
  SourceLocation where;
  std::string expected_json;        // json_subset, list_f1: a literal JSON value written in
                                    // the suite (strings in it are templates); "" = `expected`
  std::vector<std::string> values;  // field_in: the allowed values, each a template
  std::string pattern;              // regex: RE2 syntax, matched anywhere unless anchored
  bool ignore_case = false;         // contains, regex, field_in, list_f1
  int64_t tolerance_e12 = 0;        // numeric_within: the tolerance in 1e-12 units (exact)
  bool relative = false;            // numeric_within: tolerance is a share of |expected|
  int64_t threshold_ppm = 1'000'000;  // list_f1: passes when F1 >= this (ppm; 1.0 default)
  std::string key;                  // list_f1: compares object items by this path
  int64_t limit = 0;                // max_words, max_chars: the most allowed
  std::vector<std::string> command;       // command: argv; argv[0] looked up on PATH
  std::chrono::milliseconds timeout{10'000};  // command: per answer
  std::string dir;                  // command: the suite's directory (its working directory)
  bool quality = false;             // from `quality:`; never decides success
  std::string path;                 // "success[0].numeric_within", for messages
  // judge: an LLM judge (docs/scorers.md). Its model is Suite::judges[judge].
  int judge = -1;
  std::string judge_name;           // the check is "judge(<judge_name>)"; default the model
  std::string rubric;               // template over the sample's fields
  std::optional<int64_t> pass_ppm;  // passes when score >= this (ppm); unset = the judge's pass
};

/// The human alternative the AI replaces. Minutes are kept in micro-minutes so that
/// "0.2 minutes" stays exact.
struct HumanAlternative {
  bool present = false;                      // false when the suite has no `human:` block
  int64_t micro_minutes_per_task = 0;        // 2 minutes = 2'000'000
  Money hourly_rate;                         // fully loaded USD per hour
  int64_t review_micro_minutes_per_task = 0; // human review time per AI task
};

struct RetryPolicy {
  int max_attempts = 3;  // attempts per task, first included; >= 1
  std::vector<ErrorClass> retry_on = {ErrorClass::kRateLimit, ErrorClass::kServer,
                                      ErrorClass::kTimeout, ErrorClass::kNetwork,
                                      ErrorClass::kInvalidOutput};
  std::chrono::milliseconds timeout{60'000};          // per attempt
  std::chrono::milliseconds backoff_initial{500};     // first retry delay before jitter
  std::chrono::milliseconds backoff_max{30'000};      // cap of the exponential delay
  // Longest wait a provider may ask for (Retry-After, rate-limit reset headers); an attempt
  // asked to wait longer is not retried (docs/rate-limits.md).
  std::chrono::milliseconds max_wait{120'000};

  bool Retries(ErrorClass c) const;
  /// Whether a provider's asked wait (`retry_after_ms`) is longer than max_wait: such an
  /// attempt is not retried, so it ends its task.
  bool RefusesWait(std::optional<int64_t> retry_after_ms) const {
    return retry_after_ms && *retry_after_ms > max_wait.count();
  }
};

/// Thresholds of `taskcost gate` (the suite's `gate:` block; the verb's flags override them).
/// Percentages and percentage points are exact decimals in basis points (1/100 of a percent):
/// 10% is 1000. An unset limit is not checked. Rules: docs/ci.md.
struct GateSpec {
  std::optional<int64_t> max_cost_increase_bp = 1000;  // cost per successful task vs baseline
  std::optional<int64_t> max_success_drop_bp = 500;    // success rate vs baseline, in pp x 100
  std::optional<int64_t> min_success_bp;               // absolute floor of the success rate
  std::optional<Money> max_p95_cost;                   // p95 cost per task, every candidate
  std::optional<Money> max_total_cost;                 // the whole run, every candidate
  std::optional<int64_t> min_quality_milli;            // mean expert score (1-5) x 1000
  std::vector<std::string> candidates;                 // candidate ids gated; empty = all
  SourceLocation where;                                // the `gate:` key; empty when absent
};

/// One step of a chain candidate: a single-model candidate of the suite asked with its own
/// prompt, which may read the sample and earlier steps' outputs ({{steps.draft.output}}).
struct ChainStep {
  std::string id;         // names the step in templates, journals and reports: "draft"
  std::string candidate;  // a single-model candidate's id
  PromptTemplate prompt;  // the suite's prompt when the step gives none
  // The step's own answer, for a step before the last (`schema:` or `output: text`): a JSON
  // Schema as compact JSON text, or "" for free text (no structured output asked; any non-empty
  // answer that was not cut off goes on). Unset: the suite's output schema.
  std::optional<std::string> schema_json;
  SourceLocation where;
};

struct Candidate {
  std::string id;        // unique within the suite; names the candidate in reports
  std::string provider;  // a name in providers.yaml
  std::string model;     // the provider's model name, sent on the wire
  std::string price;     // the price catalog key; defaults to `model`
  bool baseline = false;
  int max_tokens = 1024;         // output cap sent to the provider, from params.max_tokens
  std::string params_json = "{}";  // other request parameters (temperature, ...) as a JSON object
  SourceLocation where;
  SourceLocation provider_where;  // the `provider` value, for catalog errors
  SourceLocation price_where;     // the `price` value, or the `model` value when price is not set
  bool price_given = false;       // true when `price` was written (else price == model)
  Tags tags;                      // the candidate's own tags (added to the suite's)
  // A cascade: the ids of other candidates, tried in order; a task escalates to the next when
  // its step fails after that step's own attempts. Empty for a single model (docs/cascades.md).
  std::vector<std::string> cascade;
  // A chain: steps run in order, each on the previous outputs; the last step's answer is the
  // task's, validated and scored. Empty for a single model (docs/cascades.md).
  std::vector<ChainStep> chain;

  bool IsCascade() const { return !cascade.empty(); }
  bool IsChain() const { return !chain.empty(); }
  bool IsComposite() const { return IsCascade() || IsChain(); }
};

struct Suite {
  std::string name;
  std::string unit = "task";  // what one task is called in reports: "ticket classified"
  std::string file;           // path of suite.yaml as given
  std::string content_hash;   // sha256 of suite.yaml and every file it references
  PromptTemplate prompt;
  OutputSpec output;
  std::vector<SuccessCriterion> success;
  std::vector<SuccessCriterion> quality;  // scored 0-1 and averaged; never decides success
  HumanAlternative human;
  int64_t volume_per_month = 0;  // tasks per month, for projections; 0 = not given
  RetryPolicy policy;
  std::optional<Money> budget;   // hard cap for the run
  std::string providers_file;    // overrides configs/providers.yaml when set (resolved path)
  std::string prices_file;       // overrides configs/prices.yaml when set (resolved path)
  std::vector<Candidate> candidates;
  // The models of the LLM judges of success: and quality:, each with id "judge(<name>)" and
  // the provider, model, price and params written in its scorer (SuccessCriterion::judge).
  std::vector<Candidate> judges;
  std::vector<Sample> samples;
  GateSpec gate;                 // defaults when the suite has no `gate:` block
  Tags tags;                     // `tags:`, e.g. team and feature
  ReviewSpec review;             // defaults (1-5, tolerance 0.5) without a `review:` block

  const Candidate* Baseline() const;
};

}  // namespace taskcost
