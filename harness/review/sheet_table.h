// A spreadsheet read back as plain text cells: what the importer looks at, whatever the file
// was (XLSX from taskcost, Excel or LibreOffice; CSV). Plain data; not synchronised.
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost {

struct TableRow {
  int line = 0;                    // the spreadsheet's row number (CSV: the record's line)
  std::vector<std::string> cells;  // by column, from A; missing cells are ""
};

struct SheetTable {
  std::string name;            // the worksheet's name; "" for CSV
  std::vector<TableRow> rows;  // rows that hold at least one cell, in order
};

/// Every worksheet of an XLSX file, in workbook order, cells as text: shared and inline strings
/// as written, numbers as stored ("4", "4.0", "4E0"), booleans TRUE/FALSE, a formula's cached
/// value. Fails when the file is not a readable XLSX (zip of SpreadsheetML).
Result<std::vector<SheetTable>> ReadXlsxTables(const std::string& path);

/// The CSV text as one table (ParseCsv: RFC 4180, BOM and CRLF accepted).
Result<SheetTable> ReadCsvTable(const std::string& text, const std::string& file);

}  // namespace taskcost
