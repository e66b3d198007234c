// Keeping results/history.sqlite in step with the run directories: `run` indexes its run when
// it ends; `history` and `summary` first backfill every run directory not yet indexed (or
// changed since, e.g. resumed) and forget runs whose directory is gone, so deleting the index
// only costs a rebuild. Not synchronised (one thread per index connection).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/result.h"
#include "harness/edge/history_db.h"

namespace taskcost {

/// Fails with "no results directory DIR ..." unless `results` is a directory.
Status CheckResultsDir(const std::string& results);

/// Every run directory under `results`: results/<suite>/<run-id>/ holding a run.json.
std::vector<std::string> FindRunDirs(const std::string& results);

/// Indexes the run in `dir` (whose report is `report`) into `results`/history.sqlite; a run
/// directory outside `results` (run --out elsewhere) is left out, as a rebuild would. A damaged
/// index is deleted and started anew, with a warning on stderr.
Status IndexRunReport(const std::string& results, const std::string& dir, const Report& report,
                      int64_t started_unix_ms);

/// Opens `results`/history.sqlite after bringing it up to date with the run directories.
/// Runs that cannot be read are skipped with a warning; a damaged index (or one of an older
/// schema) is rebuilt from the run directories with a warning.
Result<std::unique_ptr<HistoryDb>> OpenHistory(const std::string& results,
                                               std::vector<std::string>* warnings);

}  // namespace taskcost
