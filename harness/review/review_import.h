// One scored sheet into a run: read it (XLSX or CSV), check every row against the run's sheet
// keys, refuse a sheet from another run, detect a re-import, and record the scores as a new
// review/imports/<nnnn>.json. Rules: docs/review.md#import. Not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/review/review_key.h"
#include "harness/review/sheet_import.h"

namespace taskcost {

struct ImportRequest {
  std::string run_dir;
  std::string run_id;
  std::string file;            // the scored sheet: .xlsx (or any zip) or .csv
  std::string reviewer;        // overrides the reviewer the sheet was exported for; may be empty
  bool replace = false;        // replace an earlier import of this sheet by this reviewer
  bool skip_bad_rows = false;  // record the good rows even when some rows have problems
  int64_t now_unix_ms = 0;
};

struct ImportOutcome {
  bool recorded = false;          // a new import record was written
  bool already_imported = false;  // the same file (by hash) was imported before: nothing done
  std::string record_path;        // the record written, or the earlier one when already imported
  ImportRecord record;
  std::vector<RowProblem> problems;  // per row; nothing is recorded unless skip_bad_rows
};

/// Imports one sheet. Errors (nothing recorded): unreadable file, no scores table, a sheet of
/// another run, no reviewer known, an earlier different import of the same sheet and reviewer
/// without `replace`. Row problems come back in the outcome.
Result<ImportOutcome> ImportSheet(const ImportRequest& request);

}  // namespace taskcost
