// RFC 4180 CSV parsing: a header row and records whose quoted fields may hold commas, doubled
// quotes and line breaks. Each record keeps the line it starts on, for error messages.
// Pure; safe to call from any thread.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost {

struct CsvRecord {
  int line = 0;                     // 1-based line the record starts on
  std::vector<std::string> fields;  // unquoted values, in column order
};

/// Splits CSV text into records (the header is the first). Accepts LF or CRLF line ends, skips
/// a UTF-8 byte-order mark and blank lines. Fails, naming `file`:line, on a quoted field that is
/// never closed or text right after a closing quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const std::string& file);

/// ParseCsv one record at a time, none kept: `each` gets every record in order and returns false
/// to stop. A record of more than `max_fields` fields fails at its line ("line 1 has more than
/// 1000 fields") as soon as its field max_fields + 1 starts.
Status ForEachCsvRecord(std::string_view text, const std::string& file, size_t max_fields,
                        const std::function<bool(CsvRecord&&)>& each);

}  // namespace taskcost
