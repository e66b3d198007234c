// libFuzzer target: a returned review sheet in CSV (review/sheet_table.h, ReadCsvTable), then
// the importer's row checks against the sheet's key (review_target.h).
#include <cstddef>
#include <cstdint>

#include "harness/review/sheet_table.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/review_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > (64 << 10)) return -1;
  Result<SheetTable> table = ReadCsvTable(std::string(fuzz::Text(data, size)), "scored.csv");
  if (table.ok()) fuzz::ImportTables({table.value()}, "scored.csv");
  return 0;
}
