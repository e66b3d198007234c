#include "harness/review/cell_text.h"
#include "harness/review/sheet_layout.h"
#include "harness/review/sheet_writers.h"

namespace taskcost {

std::string SheetToCsv(const Sheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out += (i == 0 ? "" : ",") + CsvField(cells[i]);
    out += "\r\n";
  };
  line({kColumnRowId, kColumnSample, kColumnOutput, kColumnInput, kColumnAnswer,
        ScoreHeader(sheet.key.rubric), kColumnComment, kColumnRunId, kColumnChecks});
  for (size_t i = 0; i < sheet.key.rows.size(); ++i) {
    const SheetRow& row = sheet.key.rows[i];
    line({row.row_id, row.sample_label, row.output_label, sheet.lines[i].input,
          sheet.lines[i].answer, "", "", sheet.key.run_id, sheet.lines[i].checks});
  }
  return out;
}

}  // namespace taskcost
