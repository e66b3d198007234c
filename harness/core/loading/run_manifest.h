// RunManifest (run.json) and the journal's line format (attempts.jsonl): what a run records so
// that every report figure can be recomputed later from the run directory alone.
// Formats are specified field by field in docs/run-format.md and docs/journal-format.md.
// Plain data; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

// 2: judge lines; 3: `sent` lines (docs/journal-format.md). Readers take versions 1 to 3.
inline constexpr int kJournalFormatVersion = 3;
inline constexpr int kManifestFormatVersion = 1;

/// One step of a cascade or chain as run.json records it.
struct ManifestStep {
  std::string id;         // the journal's `step`: a cascade's member id, a chain's step id
  std::string candidate;  // the single-model candidate that makes the step's calls
  ModelPrice price;       // the price its calls were made at in this run
};

struct ManifestCandidate {
  std::string id;
  std::string provider;       // provider name from providers.yaml
  std::string provider_kind;  // "openai", "anthropic", ...
  std::string model;
  bool baseline = false;
  ModelPrice price;           // the price actually used for this run; a composite's first step's
  Tags tags;                  // the candidate's own tags (optional in run.json)
  // A cascade's or chain's steps, in order (optional in run.json: empty for a single model and
  // in files written before steps were recorded; StepsOf reads those from `model`).
  std::vector<ManifestStep> steps;
};

/// The steps of a composite candidate: `steps` when recorded, else read from `model` ("cascade:
/// a > b", "chain: draft (a) > refine (b)"), with prices unknown (default ModelPrice). Empty
/// for a single model.
std::vector<ManifestStep> StepsOf(const ManifestCandidate& candidate);

struct RunManifest {
  int format_version = kManifestFormatVersion;
  std::string run_id;          // "2026-11-23T10-04-12Z"
  std::string suite_name;
  std::string suite_file;
  std::string suite_hash;      // "sha256:..."
  std::string unit = "task";
  std::string taskcost_version;
  int64_t started_unix_ms = 0;
  int64_t ended_unix_ms = 0;   // 0 while running or when killed
  bool simulated = false;      // outputs came from the bundled simulator
  int repeats = 1;
  std::vector<std::string> sample_ids;  // every sample planned, in suite order
  std::vector<ManifestCandidate> candidates;
  // The LLM judges' models (optional in run.json: only suites with judges), id "judge(<name>)",
  // with the price their calls were charged at (evaluation overhead, docs/scorers.md).
  std::vector<ManifestCandidate> judges;
  HumanAlternative human;
  int64_t volume_per_month = 0;
  RetryPolicy policy;
  std::optional<Money> budget;
  std::string prices_file;
  std::string providers_file;
  Tags tags;  // the suite's tags (optional in run.json)
  // Where the run keeps its results and answers, so that `run --resume` keeps them: absolute
  // paths of the results root, the response cache ("" = --no-cache) and the simulator profile
  // ("" = real providers). Unset in run.json files written before they were recorded.
  std::optional<std::string> results_dir;
  std::optional<std::string> cache_dir;
  std::optional<std::string> simulator_profile;
  // The suite asked the providers to cache its prompt prefix (`prompt.cache:`): the report warns
  // about a candidate that read and wrote nothing from the cache. In run.json only when true.
  bool prompt_cache = false;

  const ManifestCandidate* Baseline() const;
};

std::string ManifestToJson(const RunManifest& manifest);  // pretty, stable key order
Result<RunManifest> ManifestFromJson(std::string_view text, const std::string& file);

/// The journal's first line: {"type":"header","format":"taskcost-journal","version":3,...}.
/// `version` other than the current one only for tests and for recognising an older header.
std::string JournalHeaderLine(const std::string& run_id, int version = kJournalFormatVersion);
/// Checks a header line; refuses versions this build cannot read.
Status CheckJournalHeader(std::string_view line, const std::string& file);
/// Like CheckJournalHeader, and returns the header's run_id (and its version, when `version` is
/// not null).
Result<std::string> ReadJournalHeader(std::string_view line, const std::string& file,
                                      int* version = nullptr);

/// One attempt as one line of compact JSON (no trailing newline), {"type":"attempt",...}.
/// Invalid UTF-8 in any text is written as U+FFFD; usage_raw is embedded compacted.
std::string AttemptToJsonLine(const Attempt& attempt);
/// Errors carry the JSON pointer of the bad field in Error::path and no file (the journal
/// reader adds file:line).
Result<Attempt> AttemptFromJsonLine(std::string_view line);

/// One call to an LLM judge as one line, {"type":"judge",...} (docs/journal-format.md).
std::string JudgeCallToJsonLine(const JudgeCall& call);
/// A call about to go out (journal format 3): its `sent` line is written before the request is
/// sent, so a call whose answer never reached the journal (the run was killed, or interrupted
/// past its grace) is known: its usage is unknown, its cost at most `worst_case`. A model call
/// is answered by the attempt line of the same (sample, candidate, repeat, step, attempt), a
/// judge call by the judge line of the same attempt, check and call.
struct SentCall {
  std::string sample_id;
  std::string candidate_id;
  int repeat = 0;
  std::string step;  // a cascade's or chain's step; "" for a single model
  int attempt = 1;   // the model call's attempt, or the judged attempt's
  // A call to an LLM judge about that attempt: the check judged (set), its name and the judge's
  // call number.
  std::optional<int> check;
  std::string judge;
  int call = 0;
  int64_t started_unix_ms = 0;
  Money worst_case;  // the budget's reservation for the call: the most it can cost
  // Set by the journal reader (and the run loop) on a call that got no answer: nothing of its
  // task was journaled after it, so the task has no outcome (an unfinished task). Not journaled.
  bool last_of_task = false;
};

/// One call about to be sent as one line, {"type":"sent",...} (docs/journal-format.md).
std::string SentCallToJsonLine(const SentCall& call);

/// A journal line after the header: an attempt, a judge call, or a call sent.
using JournalRecord = std::variant<Attempt, JudgeCall, SentCall>;
/// As AttemptFromJsonLine, for either kind of line.
Result<JournalRecord> JournalRecordFromJsonLine(std::string_view line);

}  // namespace taskcost
