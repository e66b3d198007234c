// Suite: the typed model of suite.yaml once loaded and checked: the task, its samples, its
// candidates and its policies. Loaded by LoadSuite (suite_loader.h). Plain data; not synchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/attempt.h"
#include "harness/core/money.h"
#include "harness/core/result.h"
#include "harness/core/review_spec.h"

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

struct PromptTemplate {
  std::string system;  // may be empty; {{field}} placeholders filled from the sample
  std::string user;
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

/// A success criterion beyond the schema (which always applies).
struct SuccessCriterion {
  std::string kind;      // "field_equals"
  std::string field;     // dotted path into the output: "category" or "customer.name"
  std::string expected;  // template rendered against the sample: "{{expected_category}}"
  SourceLocation where;
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

  bool Retries(ErrorClass c) const;
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
};

struct Suite {
  std::string name;
  std::string unit = "task";  // what one task is called in reports: "ticket classified"
  std::string file;           // path of suite.yaml as given
  std::string content_hash;   // sha256 of suite.yaml and every file it references
  PromptTemplate prompt;
  OutputSpec output;
  std::vector<SuccessCriterion> success;
  HumanAlternative human;
  int64_t volume_per_month = 0;  // tasks per month, for projections; 0 = not given
  RetryPolicy policy;
  std::optional<Money> budget;   // hard cap for the run
  std::string providers_file;    // overrides configs/providers.yaml when set (resolved path)
  std::string prices_file;       // overrides configs/prices.yaml when set (resolved path)
  std::vector<Candidate> candidates;
  std::vector<Sample> samples;
  GateSpec gate;                 // defaults when the suite has no `gate:` block
  Tags tags;                     // `tags:`, e.g. team and feature
  ReviewSpec review;             // defaults (1-5, tolerance 0.5) without a `review:` block

  const Candidate* Baseline() const;
  const Candidate* FindCandidate(const std::string& id) const;
};

}  // namespace taskcost
