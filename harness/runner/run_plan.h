// RunPlan: a suite resolved against its provider and price catalogs, ready to run: which
// provider, price and key each candidate uses, and how tasks map to samples and candidates.
// Also the pure per-attempt pieces of a run: the call to make for a task, and the journal record
// made from a reply. Immutable once built; safe to read from several threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/pricing.h"
#include "harness/core/providers_config.h"
#include "harness/core/result.h"
#include "harness/core/run_manifest.h"
#include "harness/core/suite.h"
#include "harness/core/validate.h"
#include "harness/providers/codec.h"

namespace taskcost {

struct PlannedCandidate {
  const Candidate* candidate = nullptr;
  ProviderConfig provider;  // a copy: --simulate rewrites base_url
  ModelPrice price;
  Secret key;               // empty when the provider needs none
  int group = 0;            // index of the provider, for per-provider concurrency
};

/// One task: a sample, a candidate, a repeat. Indices into the suite and the plan.
struct PlannedTask {
  int sample = 0;
  int candidate = 0;
  int repeat = 0;
};

struct RunPlan {
  const Suite* suite = nullptr;  // must outlive the plan
  std::vector<PlannedCandidate> candidates;
  std::vector<int> samples;      // indices into suite->samples, in run order
  int repeats = 1;
  std::shared_ptr<const SchemaValidator> validator;

  /// Tasks ordered sample-major so every candidate progresses evenly.
  std::vector<PlannedTask> Tasks() const;
};

/// Keys by environment variable name; the CLI reads the environment, tests pass a map.
using KeyLookup = std::map<std::string, Secret>;

/// Resolves every candidate's provider, price and key. Errors (exit 2): unknown provider or
/// price (never a silent $0), a key variable that is not set. When `keys_required` is false
/// (simulator), missing keys are allowed.
Result<RunPlan> BuildRunPlan(const Suite& suite, const ProviderCatalog& providers,
                             const PriceCatalog& prices, const KeyLookup& keys,
                             bool keys_required, int repeats);

/// The call for one task (prompts rendered from its sample).
Result<ChatCall> MakeCall(const RunPlan& plan, const PlannedTask& task);

/// Worst-case cost of one attempt: the rendered prompt and schema estimated generously at
/// one token per 3 bytes, all at the uncached input price, plus max_tokens at the output price.
Money WorstCaseCost(const RunPlan& plan, const PlannedTask& task);

/// The journal record for a finished exchange: classification, validation against the schema,
/// success criteria, usage and exact cost. Pure.
Attempt MakeAttempt(const RunPlan& plan, const PlannedTask& task, int attempt_number,
                    int64_t started_unix_ms, const HttpResponse& response);

/// run.json's content for this plan.
RunManifest MakeManifest(const RunPlan& plan, const std::string& run_id, int64_t started_unix_ms,
                         bool simulated, const std::string& version);

}  // namespace taskcost
