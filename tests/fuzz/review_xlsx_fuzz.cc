// libFuzzer target: a returned review sheet in XLSX (review/sheet_table.h, ReadXlsxTables), then
// the importer's row checks against the sheet's key (review_target.h). An input that starts
// with "PK" is the file itself (a zip archive: mostly the archive's structure is exercised, its
// members being compressed and checksummed). Any other input is the text of the workbook's
// parts (xlsx_parts.h), zipped here uncompressed, so that mutations reach the XML readers.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "harness/review/sheet_table.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/review_target.h"
#include "tests/fuzz/xlsx_parts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > (64 << 10)) return -1;
  const std::string_view text = fuzz::Text(data, size);
  std::string path;
  if (text.substr(0, 2) == "PK") {
    path = fuzz::WriteScratch("scored.xlsx", text);
  } else {
    path = fuzz::ScratchDir() + "/scored.xlsx";
    if (!fuzz::WriteXlsxParts(text, path)) throw std::runtime_error("cannot write " + path);
  }
  Result<std::vector<SheetTable>> tables = ReadXlsxTables(path);
  if (tables.ok()) fuzz::ImportTables(tables.value(), path);
  return 0;
}
