// The review files of a run directory (RUN_DIR/review/, docs/review.md): the unblinding key of
// each exported sheet, and the record of each imported sheet with its scores. Plain data and
// their JSON forms; pure functions, not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/core/model/review_spec.h"

namespace taskcost {

/// One row of a sheet: which task's output it shows, behind which neutral labels.
struct SheetRow {
  std::string row_id;        // "<sheet id>-007": printed in the sheet, names no model
  std::string sample_label;  // "Sample 3": the sample's position in the shuffled sheet
  std::string output_label;  // "B": the output's position among the sample's outputs
  std::string sample_id;     // the key: never printed in the sheet
  std::string candidate_id;
  int repeat = 0;
  bool failed = false;  // the task did not succeed
};

/// The unblinding key of one exported sheet (review/sheets/<sheet id>.json).
struct SheetKey {
  std::string sheet_id;  // "s" + 8 lower-case hex digits, random
  std::string run_id;
  std::string reviewer;  // may be empty (then the import names the reviewer)
  std::string format;    // "xlsx" or "csv"
  std::string file;      // where the sheet was written
  int64_t created_unix_ms = 0;
  uint64_t seed = 0;               // the shuffle's seed
  bool failed_included = true;     // failed tasks' outputs are rows of the sheet
  int64_t failed_left_out = 0;     // failed tasks not in the sheet (exclude-failed)
  int64_t no_output_left_out = 0;  // tasks without any answer text, never in a sheet
  ReviewSpec rubric;
  std::vector<SheetRow> rows;

  const SheetRow* Find(const std::string& row_id) const;
};

/// One score read back from a sheet, already checked against the key.
struct ImportedScore {
  std::string row_id;
  std::string sample_id;
  std::string candidate_id;
  int repeat = 0;
  int score = 0;
  std::string comment;
};

/// One imported sheet (review/imports/<nnnn>.json): who scored it, when, from which file.
struct ImportRecord {
  std::string run_id;
  std::string sheet_id;
  std::string reviewer;
  std::string file;    // as given on the command line
  std::string sha256;  // "sha256:<hex>" of the file's bytes
  int64_t imported_unix_ms = 0;
  int64_t rows = 0;           // data rows read
  int64_t blank = 0;          // rows without a score
  int64_t rejected = 0;       // rows with a problem, left out (only with --skip-bad-rows)
  std::string supersedes;     // the import file this one replaces (--replace); "" when none
  std::string superseded_by;  // set on the older record when a later import replaced it
  std::vector<ImportedScore> scores;
};

std::string SheetKeyToJson(const SheetKey& key);
Result<SheetKey> SheetKeyFromJson(std::string_view text, const std::string& file);
std::string ImportRecordToJson(const ImportRecord& record);
Result<ImportRecord> ImportRecordFromJson(std::string_view text, const std::string& file);

}  // namespace taskcost
