// The review files of a run directory: RUN_DIR/review/sheets/<sheet id>.json (the unblinding
// keys) and RUN_DIR/review/imports/<nnnn>.json (one per imported sheet, never overwritten).
// Plain functions over the filesystem; not synchronised (one process at a time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/core/metrics/expert_quality.h"
#include "harness/core/model/result.h"
#include "harness/review/review_key.h"

namespace taskcost {

/// RUN_DIR/review
std::string ReviewDir(const std::string& run_dir);

/// Writes the key as review/sheets/<sheet id>.json; fails when that file exists.
Result<std::string> SaveSheetKey(const std::string& run_dir, const SheetKey& key);
/// Every key of the run, oldest first; none when the run was never exported.
Result<std::vector<SheetKey>> LoadSheetKeys(const std::string& run_dir);

struct StoredImport {
  std::string path;  // review/imports/0001.json
  ImportRecord record;
};

/// Every import record of the run, in import order.
Result<std::vector<StoredImport>> LoadImports(const std::string& run_dir);
/// Writes `record` as the next review/imports/<nnnn>.json and returns its path.
Result<std::string> SaveImport(const std::string& run_dir, const ImportRecord& record);
/// Rewrites a stored record (only to set superseded_by).
Status RewriteImport(const StoredImport& stored);

/// What the report needs: the rubric of the newest sheet and every score of the imports that
/// were not superseded, the latest import winning per reviewer and task. nullopt when the run
/// has no imported score.
Result<std::optional<ExpertInput>> LoadExpertInput(const std::string& run_dir);

}  // namespace taskcost
