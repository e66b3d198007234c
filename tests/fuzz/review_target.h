// What the two review-sheet targets (review_csv, review_xlsx) share: the unblinding key of one
// exported sheet, and the importer's row checks (review/sheet_import.h, ReadScores) over the
// tables a sheet file gave. Seeds under corpus/review_*/ carry this key's sheet and run ids, so
// their rows reach the score checks. Test-only.
#pragma once

#include <string>
#include <vector>

#include "harness/review/review_key.h"
#include "harness/review/sheet_import.h"

namespace taskcost::fuzz {

inline constexpr const char* kReviewRunId = "2026-11-23T10-04-12Z";
inline constexpr const char* kReviewSheetId = "s0a1b2c3d";

/// The key of sheet s0a1b2c3d of run 2026-11-23T10-04-12Z: rows -001 to -004, samples s1 and
/// s2 answered by candidates big and small, scored 1 to 5.
inline const std::vector<SheetKey>& ReviewKeys() {
  static const std::vector<SheetKey> keys = [] {
    SheetKey key;
    key.sheet_id = kReviewSheetId;
    key.run_id = kReviewRunId;
    key.reviewer = "ann";
    key.format = "xlsx";
    int n = 0;
    for (const char* sample : {"s1", "s2"}) {
      for (const char* candidate : {"big", "small"}) {
        ++n;
        key.rows.push_back(SheetRow{std::string(kReviewSheetId) + "-00" + std::to_string(n),
                                    "Sample " + std::string(sample + 1), n % 2 ? "A" : "B", sample,
                                    candidate, 0, false});
      }
    }
    return std::vector<SheetKey>{key};
  }();
  return keys;
}

/// The importer's checks over `tables`, read from `file`.
inline void ImportTables(const std::vector<SheetTable>& tables, const std::string& file) {
  (void)ReadScores(tables, file, kReviewRunId, ReviewKeys());
}

}  // namespace taskcost::fuzz
