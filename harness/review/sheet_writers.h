// Writing a review sheet: CSV text, or an XLSX workbook through libxlsxwriter (an instructions
// sheet with the rubric, then the scores sheet). Every cell is written as text, never as a
// formula (docs/review.md#safety). Not synchronised.
#pragma once

#include <string>

#include "harness/core/model/result.h"
#include "harness/review/sheet_build.h"

namespace taskcost {

/// The sheet as CSV: UTF-8 with a byte-order mark, CRLF line ends, a header row, one row per
/// output; formula-like cells prefixed with `'` and quoted (CsvField).
std::string SheetToCsv(const Sheet& sheet);

/// Writes the sheet as an XLSX workbook at `path` (through a temporary file and rename).
Status WriteSheetXlsx(const Sheet& sheet, const std::string& path);

}  // namespace taskcost
