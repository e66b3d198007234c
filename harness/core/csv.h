// RFC 4180 CSV parsing: a header row and records whose quoted fields may hold commas, doubled
// quotes and line breaks. Each record keeps the line it starts on, for error messages.
// Pure; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace taskcost {

struct CsvRecord {
  int line = 0;                     // 1-based line the record starts on
  std::vector<std::string> fields;  // unquoted values, in column order
};

/// Splits CSV text into records (the header is the first). Accepts LF or CRLF line ends, skips
/// a UTF-8 byte-order mark and blank lines. Fails, naming `file`:line, on a quoted field that is
/// never closed or text right after a closing quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const std::string& file);

}  // namespace taskcost
