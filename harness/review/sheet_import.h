// Reading scores out of a returned review sheet and checking each row against the unblinding
// keys of the run: a row from another run or sheet, a duplicate, a score off the scale are
// problems named by row; a blank score is counted, never guessed. Rules: docs/review.md#import.
// Pure; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/review/review_key.h"
#include "harness/review/sheet_table.h"

namespace taskcost {

struct RowProblem {
  std::string where;  // "scored.xlsx: Scores row 12" or "scored.csv:12"
  std::string row_id;
  std::string message;

  std::string ToString() const;  // "scored.csv:12: row 1a2b3c4d-003: score 7 is off the scale 1-5"
};

struct SheetScores {
  std::string sheet_id;  // the sheet of this run the rows belong to
  int64_t rows = 0;      // data rows read (rows with a row id or any content)
  int64_t blank = 0;     // rows of the sheet without a score
  std::vector<ImportedScore> scores;
  std::vector<RowProblem> problems;
};

/// Finds the scores table in `tables` (the first with a "Row ID" and a "Score..." header, in any
/// column order) and checks it against `keys`, the sheets exported from run `run_id`. Fails
/// (the whole file) when no table has those headers, when the sheet names another run, or when
/// no row belongs to a sheet of this run.
Result<SheetScores> ReadScores(const std::vector<SheetTable>& tables, const std::string& file,
                               const std::string& run_id, const std::vector<SheetKey>& keys);

}  // namespace taskcost
