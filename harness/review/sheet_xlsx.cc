// The XLSX review sheet through libxlsxwriter. Every cell goes through worksheet_write_string
// (a shared-string cell): nothing is ever written as a formula, whatever the text starts with.
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "harness/review/sheet_layout.h"
#include "harness/review/sheet_writers.h"

namespace taskcost {
namespace {

struct Formats {
  lxw_format* title = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* header = nullptr;
  lxw_format* wrap = nullptr;   // long text: wrapped, top-aligned, kept as text on edit
  lxw_format* label = nullptr;  // short labels, top-aligned
  lxw_format* score = nullptr;  // the reviewer's column: highlighted
  lxw_format* muted = nullptr;  // the run id column
};

Formats MakeFormats(lxw_workbook* book) {
  Formats f;
  f.title = workbook_add_format(book);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  f.bold = workbook_add_format(book);
  format_set_bold(f.bold);
  format_set_align(f.bold, LXW_ALIGN_VERTICAL_TOP);
  f.header = workbook_add_format(book);
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xD9E1F2);
  format_set_bottom(f.header, LXW_BORDER_THIN);
  f.wrap = workbook_add_format(book);
  format_set_text_wrap(f.wrap);
  format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
  format_set_num_format(f.wrap, "@");
  f.label = workbook_add_format(book);
  format_set_align(f.label, LXW_ALIGN_VERTICAL_TOP);
  format_set_num_format(f.label, "@");
  f.score = workbook_add_format(book);
  format_set_align(f.score, LXW_ALIGN_VERTICAL_TOP);
  format_set_align(f.score, LXW_ALIGN_CENTER);
  format_set_bg_color(f.score, 0xFFF2CC);
  format_set_border(f.score, LXW_BORDER_THIN);
  f.muted = workbook_add_format(book);
  format_set_align(f.muted, LXW_ALIGN_VERTICAL_TOP);
  format_set_font_color(f.muted, 0x808080);
  format_set_num_format(f.muted, "@");
  return f;
}

// Lines `text` takes in a column `width` characters wide, roughly.
double LinesIn(const std::string& text, double width) {
  double lines = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines += std::max(1.0, static_cast<double>((end - start + static_cast<size_t>(width) - 1) /
                                               static_cast<size_t>(width)));
    start = end + 1;
  }
  return lines;
}

class XlsxWriter {
 public:
  explicit XlsxWriter(lxw_workbook* book) : book_(book), f_(MakeFormats(book)) {}

  // Text, never a formula: every cell is a string cell.
  void Text(lxw_worksheet* ws, int row, int col, const std::string& text, lxw_format* format) {
    const lxw_error e = worksheet_write_string(ws, static_cast<lxw_row_t>(row),
                                               static_cast<lxw_col_t>(col), text.c_str(), format);
    if (e != LXW_NO_ERROR && error_.empty()) error_ = lxw_strerror(e);
  }

  void Instructions(const Sheet& sheet) {
    lxw_worksheet* ws = workbook_add_worksheet(book_, "Instructions");
    worksheet_set_column(ws, 0, 0, 22, f_.bold);
    worksheet_set_column(ws, 1, 1, kInstructionsWidth, f_.wrap);
    const SheetKey& key = sheet.key;
    const ReviewSpec& rubric = key.rubric;
    int r = 0;
    Text(ws, r, 0, "Expert review: " + sheet.suite_name, f_.title);
    r += 2;
    auto pair = [&](const std::string& name, const std::string& value) {
      Text(ws, r, 0, name, f_.bold);
      Text(ws, r, 1, value, f_.wrap);
      SetHeight(ws, r, LinesIn(value, kInstructionsWidth));
      ++r;
    };
    pair("What to do",
         "Each row of the 'Scores' sheet shows one input and one answer to it. Score every answer "
         "in the Score column, a whole number from " +
             std::to_string(rubric.scale_min) + " to " + std::to_string(rubric.scale_max) +
             ", using the rubric below. Leave the score blank when you cannot judge an answer. "
             "Add a comment when it helps. Several answers to the same sample are labelled A, B, "
             "C in a random order; nothing in the sheet says which system wrote which answer. "
             "Do not change the Row ID or Run ID columns. The last column, Automatic checks, "
             "shows what taskcost's own checks said of each answer (the answer's format and "
             "the suite's scorers); score the answer on your own judgement.");
    if (!rubric.instructions.empty()) pair("Instructions", rubric.instructions);
    Text(ws, r, 0, "Rubric", f_.bold);
    for (int score = rubric.scale_max; score >= rubric.scale_min; --score) {
      auto label = rubric.labels.find(score);
      Text(ws, r, 1,
           std::to_string(score) + ": " +
               (label != rubric.labels.end() ? label->second
                : score == rubric.scale_max  ? "best"
                : score == rubric.scale_min  ? "worst"
                                             : "(between)"),
           f_.wrap);
      ++r;
    }
    pair("Unit", sheet.unit);
    pair("Failed tasks",
         key.failed_included
             ? "included: answers that failed the automatic checks are in the sheet, unmarked"
             : "left out: " + std::to_string(key.failed_left_out) +
                   " answers that failed the automatic checks are not in the sheet");
    if (key.no_output_left_out > 0) {
      pair("No answer", std::to_string(key.no_output_left_out) +
                            " tasks produced no answer text and are not in the sheet");
    }
    pair("Rows", std::to_string(key.rows.size()));
    if (!key.reviewer.empty()) pair("Reviewer", key.reviewer);
    pair("Run ID", key.run_id);
    pair("Sheet ID", key.sheet_id);
    if (!sheet.system_prompt.empty()) pair("System prompt", sheet.system_prompt);
  }

  void Scores(const Sheet& sheet) {
    lxw_worksheet* ws = workbook_add_worksheet(book_, "Scores");
    const SheetKey& key = sheet.key;
    const double input_width = 60, answer_width = 70;
    worksheet_set_column(ws, 0, 0, 14, f_.label);
    worksheet_set_column(ws, 1, 1, 11, f_.label);
    worksheet_set_column(ws, 2, 2, 8, f_.label);
    worksheet_set_column(ws, 3, 3, input_width, f_.wrap);
    worksheet_set_column(ws, 4, 4, answer_width, f_.wrap);
    worksheet_set_column(ws, 5, 5, 12, f_.score);
    worksheet_set_column(ws, 6, 6, 40, f_.wrap);
    worksheet_set_column(ws, 7, 7, 24, f_.muted);
    worksheet_set_column(ws, 8, 8, kChecksWidth, f_.wrap);
    const std::vector<std::string> header = {kColumnRowId,   kColumnSample, kColumnOutput,
                                             kColumnInput,   kColumnAnswer, ScoreHeader(key.rubric),
                                             kColumnComment, kColumnRunId,  kColumnChecks};
    for (size_t c = 0; c < header.size(); ++c)
      Text(ws, 0, static_cast<int>(c), header[c], f_.header);
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t i = 0; i < key.rows.size(); ++i) {
      const int r = static_cast<int>(i) + 1;
      const SheetRow& row = key.rows[i];
      const SheetLine& line = sheet.lines[i];
      Text(ws, r, 0, row.row_id, f_.label);
      Text(ws, r, 1, row.sample_label, f_.label);
      Text(ws, r, 2, row.output_label, f_.label);
      Text(ws, r, 3, line.input, f_.wrap);
      Text(ws, r, 4, line.answer, f_.wrap);
      worksheet_write_blank(ws, static_cast<lxw_row_t>(r), 5, f_.score);
      Text(ws, r, 7, key.run_id, f_.muted);
      Text(ws, r, 8, line.checks, f_.wrap);
      const double lines =
          std::max({LinesIn(line.input, input_width), LinesIn(line.answer, answer_width),
                    LinesIn(line.checks, kChecksWidth)});
      SetHeight(ws, r, lines);
    }
    if (key.rows.empty()) return;
    lxw_data_validation validation = {};
    validation.validate = LXW_VALIDATION_TYPE_INTEGER;
    validation.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    validation.minimum_number = key.rubric.scale_min;
    validation.maximum_number = key.rubric.scale_max;
    const std::string range = "a whole number from " + std::to_string(key.rubric.scale_min) +
                              " to " + std::to_string(key.rubric.scale_max) +
                              " (leave blank when you cannot judge)";
    const std::string title = "Score";
    validation.input_title = const_cast<char*>(title.c_str());
    validation.input_message = const_cast<char*>(range.c_str());
    validation.error_title = const_cast<char*>(title.c_str());
    validation.error_message = const_cast<char*>(range.c_str());
    worksheet_data_validation_range(ws, 1, 5, static_cast<lxw_row_t>(key.rows.size()), 5,
                                    &validation);
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr double kInstructionsWidth = 100;
  static constexpr double kChecksWidth = 50;

  // Row heights are not recomputed by every reader on load: set them from the wrapped lines.
  static void SetHeight(lxw_worksheet* ws, int row, double lines) {
    worksheet_set_row(ws, static_cast<lxw_row_t>(row), std::min(409.0, 15.0 * lines), nullptr);
  }

  lxw_workbook* book_;
  Formats f_;
  std::string error_;
};

}  // namespace

Status WriteSheetXlsx(const Sheet& sheet, const std::string& path) {
  const std::string temp = path + ".tmp";
  lxw_workbook* book = workbook_new(temp.c_str());
  if (book == nullptr) return MakeError(path + ": cannot create the workbook");
  XlsxWriter writer(book);
  writer.Instructions(sheet);
  writer.Scores(sheet);
  const lxw_error closed = workbook_close(book);
  std::error_code ec;
  if (closed != LXW_NO_ERROR || !writer.error().empty()) {
    std::filesystem::remove(temp, ec);
    return MakeError(path + ": cannot write the workbook: " +
                     (writer.error().empty() ? lxw_strerror(closed) : writer.error()));
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return MakeError(path + ": " + ec.message());
  return OkStatus();
}

}  // namespace taskcost
