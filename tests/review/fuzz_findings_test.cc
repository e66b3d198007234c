// Sheets the review_xlsx fuzz target found faults with (tests/fuzz/findings/, docs/fuzzing.md),
// fed through what the target does: the workbook's parts zipped (tests/fuzz/xlsx_parts.h), then
// ReadXlsxTables. And the neighbours of each fault, written by hand.
#include <doctest/doctest.h>

#include <string>

#include "harness/review/sheet_table.h"
#include "tests/core/config_test_util.h"
#include "tests/fuzz/finding.h"
#include "tests/fuzz/xlsx_parts.h"

namespace taskcost::fuzz_findings_test {
namespace {

using testing::TempDir;

// A workbook of one worksheet, "Scores", with `rows` as its sheetData and one shared string,
// "Row ID", in the parts format of the review_xlsx target.
std::string Workbook(const std::string& rows) {
  return "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
         "<sheets><sheet name=\"Scores\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
         "\n@@part@@\n"
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
         "\n@@part@@\n"
         "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
         "<si><t>Row ID</t></si></sst>"
         "\n@@part@@\n"
         "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
         "<sheetData>" +
         rows + "</sheetData></worksheet>";
}

// ReadXlsxTables of the workbook whose parts `text` holds, written to dir/scored.xlsx.
Result<std::vector<SheetTable>> Read(const TempDir& dir, const std::string& text) {
  const std::string path = dir.path() + "/scored.xlsx";
  REQUIRE(fuzz::WriteXlsxParts(text, path));
  return ReadXlsxTables(path);
}

std::string ErrorOf(const TempDir& dir, const std::string& text) {
  Result<std::vector<SheetTable>> tables = Read(dir, text);
  REQUIRE_FALSE(tables.ok());
  return dir.Relative(tables.errors());
}

}  // namespace

TEST_CASE("fuzz finding review_xlsx-row-number-star: a row numbered \"*\" is refused, located") {
  // The worksheet's <row r="*"> made std::stoi throw std::invalid_argument out of
  // ReadXlsxTables: `taskcost review import` ended as an internal error (exit 70).
  TempDir dir;
  CHECK(ErrorOf(dir, fuzz::Finding("review_xlsx-row-number-star")) ==
        "scored.xlsx: worksheet \"Scores\": row number \"*\" is not a row of a spreadsheet "
        "(1 to 1048576)");
}

TEST_CASE("xlsx reader: row numbers are 1 to 1048576, as in a spreadsheet") {
  TempDir dir;
  const std::string last = "<row r=\"1048576\"><c r=\"A1048576\" t=\"s\"><v>0</v></c></row>";
  Result<std::vector<SheetTable>> tables = Read(dir, Workbook(last));
  REQUIRE(tables.ok());
  REQUIRE(tables->at(0).rows.size() == 1);
  CHECK(tables->at(0).rows[0].line == 1'048'576);
  CHECK(tables->at(0).rows[0].cells == std::vector<std::string>{"Row ID"});

  const std::string refused = "is not a row of a spreadsheet (1 to 1048576)";
  // Beyond int: std::stoi threw std::out_of_range here.
  CHECK(ErrorOf(dir, Workbook("<row r=\"99999999999\"/>")) ==
        "scored.xlsx: worksheet \"Scores\": row number \"99999999999\" " + refused);
  CHECK(ErrorOf(dir, Workbook("<row r=\"1048577\"/>")) ==
        "scored.xlsx: worksheet \"Scores\": row number \"1048577\" " + refused);
  CHECK(ErrorOf(dir, Workbook("<row r=\"0\"/>")) ==
        "scored.xlsx: worksheet \"Scores\": row number \"0\" " + refused);
  CHECK(ErrorOf(dir, Workbook("<row r=\"-3\"/>")) ==
        "scored.xlsx: worksheet \"Scores\": row number \"-3\" " + refused);
  // A row without a number follows the one before: after the last row there is none.
  CHECK(ErrorOf(dir, Workbook(last + "<row><c t=\"s\"><v>0</v></c></row>")) ==
        "scored.xlsx: worksheet \"Scores\": row after 1048576 " + refused);
}

TEST_CASE("xlsx reader: a shared string index or column past any sheet is an empty cell") {
  TempDir dir;
  // Index 99999999999999999999 (std::stoul threw std::out_of_range) and index 1 (past the one
  // shared string) are empty cells; 28 letters of column name (past column XFD, 16384) are left
  // out instead of overflowing int, and the cell after them is column B.
  Result<std::vector<SheetTable>> tables =
      Read(dir, Workbook("<row r=\"2\"><c r=\"A2\" t=\"s\"><v>99999999999999999999</v></c>"
                         "<c r=\"B2\" t=\"s\"><v>1</v></c><c r=\"C2\" t=\"s\"><v>0</v></c></row>"
                         "<row r=\"3\"><c r=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAA3\"><v>5</v></c>"
                         "<c r=\"B3\"><v>4</v></c></row>"));
  REQUIRE(tables.ok());
  const std::vector<TableRow>& rows = tables->at(0).rows;
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].cells == std::vector<std::string>{"", "", "Row ID"});
  CHECK(rows[1].cells == std::vector<std::string>{"", "4"});
}

}  // namespace taskcost::fuzz_findings_test
