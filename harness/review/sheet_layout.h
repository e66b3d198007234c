// The columns of a review sheet, shared by the writers (CSV, XLSX) and the importer, which
// finds them by their header text wherever they are. Layout: docs/review.md#the-sheet.
#pragma once

#include <string>

#include "harness/core/model/review_spec.h"

namespace taskcost {

inline constexpr const char* kColumnRowId = "Row ID";
inline constexpr const char* kColumnSample = "Sample";
inline constexpr const char* kColumnOutput = "Output";
inline constexpr const char* kColumnInput = "Input";
inline constexpr const char* kColumnAnswer = "Answer";
inline constexpr const char* kColumnComment = "Comment";
inline constexpr const char* kColumnRunId = "Run ID";
// After Run ID: what the automatic checks said of the answer; never read back on import.
inline constexpr const char* kColumnChecks = "Automatic checks";
inline constexpr int kColumnCount = 9;

/// "Score (1-5)": the score column's header; the importer matches any header starting "Score".
inline std::string ScoreHeader(const ReviewSpec& rubric) {
  return "Score (" + std::to_string(rubric.scale_min) + "-" + std::to_string(rubric.scale_max) +
         ")";
}

}  // namespace taskcost
