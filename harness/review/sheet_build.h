// Building a blinded review sheet from a run: which outputs become rows, in which shuffled
// order, behind which neutral labels; and the unblinding key that stays in the run directory.
// Pure: plain data in, plain data out; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/core/model/suite.h"
#include "harness/review/review_key.h"

namespace taskcost {

struct SheetOptions {
  std::vector<std::string> candidates;  // candidate ids; empty = every candidate of the run
  std::optional<int64_t> samples;       // at most this many samples (drawn with the seed)
  std::string reviewer;
  uint64_t seed = 0;
  bool include_failed = true;
  std::string format = "xlsx";
  int64_t now_unix_ms = 0;
};

/// The texts the reviewer reads on one row (its labels are in Sheet::key.rows, same index).
struct SheetLine {
  std::string input;   // the rendered user prompt (pretty JSON when it is JSON)
  std::string answer;  // the output (pretty JSON when it is JSON)
  std::string checks;  // the automatic checks of that output (ChecksSummary)
};

struct Sheet {
  SheetKey key;
  std::string system_prompt;  // shown once on the instructions sheet
  std::string suite_name;
  std::string unit;
  std::vector<SheetLine> lines;  // same order as key.rows
};

/// The sheet of a run. `suite` supplies the inputs (the user prompt rendered per sample) and
/// the rubric; a sample missing from it shows "(sample not in the suite file)". Fails on an
/// unknown candidate id or a --samples below 1.
/// Order: the run's samples with an output to score are shuffled with Rng(seed), the first
/// `samples` kept; within each sample the candidates' outputs are shuffled with the same Rng
/// and labelled A, B, C...
Result<Sheet> BuildSheet(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                         const Suite& suite, const SheetOptions& options);

/// The automatic checks of one answer, for the sheet's "Automatic checks" column:
/// "schema: pass; numeric_within(total): fail — 1234.52 is not within 0.01 of 1234.5". A
/// failed check and a quality score carry their reason; a failed schema its first violation;
/// an attempt without a checked answer (truncated, refused, ...) reads "not checked: truncated",
/// never the provider's message, which may name the model (blinding).
std::string ChecksSummary(const Attempt& attempt);

/// The sheet id: "s" and 8 hex digits drawn from the run id, reviewer, time and seed (a letter
/// first, so that no spreadsheet reads a row id as a number or a date).
std::string NewSheetId(const std::string& run_id, const std::string& reviewer, int64_t unix_ms,
                       uint64_t seed);

}  // namespace taskcost
