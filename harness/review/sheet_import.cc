#include "harness/review/sheet_import.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include "harness/review/sheet_layout.h"

namespace taskcost {
namespace {

// Lower-case letters and digits only: "Row ID" -> "rowid", "Score (1-5)" -> "score15".
std::string Normal(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch)) out += static_cast<char>(std::tolower(ch));
  }
  return out;
}

std::string Trim(const std::string& text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find_last_not_of(" \t\r\n") - start + 1);
}

struct Columns {
  size_t header_index = 0;  // index of the header row in table.rows
  int row_id = -1, score = -1, comment = -1, run_id = -1;
};

std::optional<Columns> FindColumns(const SheetTable& table) {
  for (size_t r = 0; r < table.rows.size() && r < 20; ++r) {
    Columns c;
    c.header_index = r;
    const std::vector<std::string>& cells = table.rows[r].cells;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string name = Normal(cells[i]);
      const int at = static_cast<int>(i);
      if (name == Normal(kColumnRowId) && c.row_id < 0) c.row_id = at;
      if (name.rfind("score", 0) == 0 && c.score < 0) c.score = at;
      if (name == Normal(kColumnComment) && c.comment < 0) c.comment = at;
      if (name == Normal(kColumnRunId) && c.run_id < 0) c.run_id = at;
    }
    if (c.row_id >= 0 && c.score >= 0) return c;
  }
  return std::nullopt;
}

std::string Cell(const TableRow& row, int column) {
  if (column < 0 || static_cast<size_t>(column) >= row.cells.size()) return "";
  return row.cells[column];
}

std::string SheetOf(const std::string& row_id) {
  const size_t dash = row_id.rfind('-');
  return dash == std::string::npos ? "" : row_id.substr(0, dash);
}

// The score as a whole number on the scale, or the problem with it.
std::optional<int> ParseScore(const std::string& text, const ReviewSpec& rubric,
                              std::string* problem) {
  const std::string scale =
      std::to_string(rubric.scale_min) + "-" + std::to_string(rubric.scale_max);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value)) {
    *problem = "score \"" + text + "\" is not a number; expected a whole number " + scale;
    return std::nullopt;
  }
  if (std::fabs(value - std::round(value)) > 1e-9) {
    *problem = "score " + text + " is not a whole number; expected " + scale;
    return std::nullopt;
  }
  const double rounded = std::round(value);
  if (rounded < rubric.scale_min || rounded > rubric.scale_max) {
    *problem = "score " + text + " is off the scale " + scale;
    return std::nullopt;
  }
  return static_cast<int>(rounded);
}

std::string Where(const std::string& file, const SheetTable& table, int line) {
  if (table.name.empty()) return file + ":" + std::to_string(line);
  return file + ": " + table.name + " row " + std::to_string(line);
}

}  // namespace

std::string RowProblem::ToString() const {
  return where + ": " + (row_id.empty() ? "" : "row " + row_id + ": ") + message;
}

Result<SheetScores> ReadScores(const std::vector<SheetTable>& tables, const std::string& file,
                               const std::string& run_id, const std::vector<SheetKey>& keys) {
  const SheetTable* table = nullptr;
  Columns columns;
  for (const SheetTable& t : tables) {
    if (std::optional<Columns> found = FindColumns(t)) {
      table = &t;
      columns = *found;
      break;
    }
  }
  if (table == nullptr) {
    return MakeError(file + ": no scores table found (a header row with \"" +
                     std::string(kColumnRowId) + "\" and \"Score\" columns)");
  }
  std::map<std::string, const SheetKey*> by_id;
  for (const SheetKey& key : keys) by_id[key.sheet_id] = &key;
  const std::vector<TableRow> rows(table->rows.begin() + columns.header_index + 1,
                                   table->rows.end());
  // Which run and which sheet: by the Run ID column, then by the row ids' sheet part.
  std::map<std::string, int64_t> runs, sheets;
  for (const TableRow& row : rows) {
    const std::string run = Trim(Cell(row, columns.run_id));
    if (!run.empty()) ++runs[run];
    const std::string sheet = SheetOf(Trim(Cell(row, columns.row_id)));
    if (by_id.count(sheet) > 0) ++sheets[sheet];
  }
  if (!runs.empty() && runs.count(run_id) == 0) {
    return MakeError(file + ": the sheet is from run " + runs.begin()->first +
                     ", not from this run (" + run_id + "); import it into that run's directory");
  }
  if (sheets.empty()) {
    return MakeError(file + ": no row is from a sheet exported from this run (" + run_id +
                     "); was it exported from another run?");
  }
  std::string sheet_id;
  for (const auto& [id, count] : sheets) {
    if (sheet_id.empty() || count > sheets[sheet_id]) sheet_id = id;
  }
  const SheetKey& key = *by_id[sheet_id];
  SheetScores out;
  out.sheet_id = sheet_id;
  std::map<std::string, std::string> seen;  // row id -> where it was first
  for (const TableRow& row : rows) {
    const std::string row_id = Trim(Cell(row, columns.row_id));
    const std::string score = Trim(Cell(row, columns.score));
    const std::string comment = Trim(Cell(row, columns.comment));
    const std::string run = Trim(Cell(row, columns.run_id));
    if (row_id.empty() && score.empty() && comment.empty()) continue;
    ++out.rows;
    const std::string where = Where(file, *table, row.line);
    auto problem = [&](const std::string& message) {
      out.problems.push_back(RowProblem{where, row_id, message});
    };
    if (row_id.empty()) {
      problem("no row id; the row cannot be matched to an output");
      continue;
    }
    if (!run.empty() && run != run_id) {
      problem("is from run " + run + ", not from this run (" + run_id + ")");
      continue;
    }
    const SheetRow* known = key.Find(row_id);
    if (known == nullptr) {
      const std::string other = SheetOf(row_id);
      problem(by_id.count(other) > 0 && other != sheet_id
                  ? "belongs to sheet " + other + ", not " + sheet_id +
                        " (import each sheet file on its own)"
                  : "is not a row of sheet " + sheet_id + " of this run");
      continue;
    }
    auto [first, inserted] = seen.emplace(row_id, where);
    if (!inserted) {
      problem("duplicate of " + first->second + "; only the first is kept");
      continue;
    }
    if (score.empty()) {
      ++out.blank;
      continue;
    }
    std::string why;
    std::optional<int> value = ParseScore(score, key.rubric, &why);
    if (!value) {
      problem(why);
      continue;
    }
    out.scores.push_back(ImportedScore{row_id, known->sample_id, known->candidate_id, known->repeat,
                                       *value, comment});
  }
  return out;
}

}  // namespace taskcost
