// Cell text for review sheets: readable (JSON pretty-printed, long text cut to what a
// spreadsheet cell holds) and inert (text that a spreadsheet could read as a formula is never
// written as one). Model outputs are untrusted input. Rules: docs/review.md#safety.
// Pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskcost {

/// Excel's limit on the characters of one cell, less room for the truncation note.
inline constexpr size_t kMaxCellChars = 32000;

/// True when a spreadsheet could take `text` for a formula or a command: it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (OWASP's list for CSV injection).
bool LooksLikeFormula(std::string_view text);

/// `text` as indented JSON when it is a JSON object or array, else unchanged.
std::string PrettyIfJson(const std::string& text);

/// Cuts `text` to at most kMaxCellChars code points (never inside a UTF-8 sequence), ending it
/// with "[... N more characters not shown]" when it was cut.
std::string FitCell(const std::string& text);

/// One CSV field: a formula-like text gets a leading `'` (OWASP), then the field is quoted
/// (RFC 4180, quotes doubled) when it holds a comma, quote, CR, LF or the `'` prefix.
std::string CsvField(const std::string& text);

/// Undoes CsvField's `'` prefix on import: "'=1+1" -> "=1+1" when the rest looks like a formula.
std::string UnprefixFormula(const std::string& text);

}  // namespace taskcost
