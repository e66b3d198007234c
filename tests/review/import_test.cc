// Import: scored sheets back in as CSV (scored by hand) and XLSX (as Excel or LibreOffice save
// it), per-row problems, sheets from another run, re-imports, and what the report then reads.
#include <doctest/doctest.h>
#include <zip.h>

#include <cstdlib>
#include <filesystem>

#include "harness/core/formats/csv.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/edge/run_dir.h"
#include "harness/review/cell_text.h"
#include "harness/review/review_import.h"
#include "harness/review/review_store.h"
#include "harness/review/sheet_build.h"
#include "harness/review/sheet_writers.h"
#include "tests/review/review_fixture.h"

namespace taskcost::import_test {
namespace {

using testing::ReadText;
using testing::ReviewRun;
using testing::ReviewTempDir;

// Exports a sheet of the run (seed 3, reviewer ann) and saves its key, as `review export` does.
SheetKey Export(const std::string& run_dir, Sheet* out = nullptr,
                const std::string& reviewer = "ann") {
  Result<LoadedRun> run = LoadRunDir(run_dir);
  REQUIRE(run.ok());
  Result<Suite> suite = LoadSuite(run->manifest.suite_file);
  REQUIRE(suite.ok());
  SheetOptions options;
  options.seed = 3;
  options.reviewer = reviewer;
  options.now_unix_ms = 1795428400000 + static_cast<int64_t>(reviewer.size());
  Result<Sheet> sheet = BuildSheet(run->manifest, run->attempts, *suite, options);
  REQUIRE(sheet.ok());
  REQUIRE(SaveSheetKey(run_dir, sheet->key).ok());
  if (out != nullptr) *out = *sheet;
  return sheet->key;
}

// The exported CSV with `score(row)` typed into the Score column, saved again.
template <class ScoreOf>
std::string ScoreCsv(const std::string& csv, ScoreOf score) {
  Result<std::vector<CsvRecord>> records = ParseCsv(csv, "sheet.csv");
  REQUIRE(records.ok());
  std::string out;
  for (size_t r = 0; r < records->size(); ++r) {
    std::vector<std::string> fields = (*records)[r].fields;
    if (r > 0) fields[5] = score(fields[0]);
    for (size_t i = 0; i < fields.size(); ++i) {
      out += (i == 0 ? "" : ",") + CsvField(UnprefixFormula(fields[i]));
    }
    out += "\n";
  }
  return out;
}

Result<ImportOutcome> Import(const std::string& run_dir, const std::string& file,
                             const std::string& reviewer = "", bool replace = false,
                             bool skip = false) {
  return ImportSheet(
      {run_dir, "2026-11-23T10-04-12Z", file, reviewer, replace, skip, 1795428500000});
}

// The scores a key's row ids stand for: big gets 5, small 4.
std::string ByCandidate(const SheetKey& key, const std::string& row_id) {
  const SheetRow* row = key.Find(row_id);
  REQUIRE(row != nullptr);
  return row->candidate_id == "big" ? "5" : "4";
}

TEST_CASE("import: a CSV scored by hand comes back to the right outputs") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  Sheet sheet;
  const SheetKey key = Export(run, &sheet);
  const std::string scored = dir.Write(
      "scored.csv",
      ScoreCsv(SheetToCsv(sheet), [&](const std::string& id) { return ByCandidate(key, id); }));
  Result<ImportOutcome> outcome = Import(run, scored);
  REQUIRE_MESSAGE(outcome.ok(), FormatErrors(outcome.ok() ? Errors{} : outcome.errors()));
  CHECK(outcome->recorded);
  CHECK(outcome->problems.empty());
  CHECK(outcome->record.reviewer == "ann");
  CHECK(outcome->record.scores.size() == 8);
  CHECK(outcome->record.sha256.rfind("sha256:", 0) == 0);
  CHECK(std::filesystem::exists(run + "/review/imports/0001.json"));

  Result<std::optional<ExpertInput>> input = LoadExpertInput(run);
  REQUIRE(input.ok());
  REQUIRE(input->has_value());
  CHECK((*input)->scores.size() == 8);
  for (const ExpertScore& s : (*input)->scores) {
    CHECK(s.score == (s.candidate_id == "big" ? 5 : 4));
    CHECK(s.reviewer == "ann");
  }
  CHECK((*input)->tolerance_milli == 500);
}

TEST_CASE("import: the Automatic checks column is ignored, and older sheets without it import") {
  ReviewTempDir dir;
  ReviewRun fixture;
  fixture.edits[{"s1", "small"}] = [](Attempt& a) {
    a.error = ErrorClass::kIncorrect;
    a.success = false;
    a.checks = {{"regex", false, "Score: 5, Comment: none"}};
  };
  const std::string run = fixture.Write(dir);
  Sheet sheet;
  const SheetKey key = Export(run, &sheet);
  const auto score = [&](const std::string& id) { return ByCandidate(key, id); };
  const std::string scored = ScoreCsv(SheetToCsv(sheet), score);
  CHECK(scored.find("Score: 5, Comment: none") != std::string::npos);
  // The same sheet as exported before the column existed: its last field dropped.
  std::string old;
  Result<std::vector<CsvRecord>> records = ParseCsv(scored, "scored.csv");
  REQUIRE(records.ok());
  for (const CsvRecord& record : *records) {
    REQUIRE(record.fields.size() == 9);
    CHECK(record.fields.back() != "");  // every row has its checks, the header its name
    for (size_t i = 0; i + 1 < record.fields.size(); ++i) {
      old += (i == 0 ? "" : ",") + CsvField(record.fields[i]);
    }
    old += "\n";
  }
  for (const std::string& text : {scored, old}) {
    Result<ImportOutcome> outcome =
        Import(run, dir.Write(text == old ? "old.csv" : "new.csv", text), "", true);
    REQUIRE_MESSAGE(outcome.ok(), FormatErrors(outcome.ok() ? Errors{} : outcome.errors()));
    CHECK(outcome->problems.empty());
    REQUIRE(outcome->record.scores.size() == 8);
    for (const ImportedScore& s : outcome->record.scores) {
      CHECK(s.score == (s.candidate_id == "big" ? 5 : 4));
      CHECK(s.comment.empty());
    }
  }
}

TEST_CASE("import: a hand-typed CSV with only some columns, in another order") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  const SheetKey key = Export(run);
  std::string csv = "Comment,score,row id\n";
  csv += "\"too terse, but right\",3," + key.rows[0].row_id + "\n";
  csv += "," + std::string("4.0,") + key.rows[1].row_id + "\n";
  csv += ",," + key.rows[2].row_id + "\n";  // left blank
  Result<ImportOutcome> outcome = Import(run, dir.Write("hand.csv", csv), "bob");
  REQUIRE(outcome.ok());
  CHECK(outcome->record.reviewer == "bob");
  REQUIRE(outcome->record.scores.size() == 2);
  CHECK(outcome->record.scores[0].score == 3);
  CHECK(outcome->record.scores[0].comment == "too terse, but right");
  CHECK(outcome->record.scores[1].score == 4);
  CHECK(outcome->record.blank == 1);
  CHECK(outcome->record.rows == 3);
}

TEST_CASE("import: every problem is reported by row and nothing is guessed") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  const SheetKey key = Export(run);
  const std::string& a = key.rows[0].row_id;
  std::string csv = "Row ID,Score (1-5),Comment,Run ID\n";
  csv += a + ",4,,2026-11-23T10-04-12Z\n";                      // line 2: fine
  csv += key.rows[1].row_id + ",7,,2026-11-23T10-04-12Z\n";     // line 3: off the scale
  csv += key.rows[2].row_id + ",2.5,,2026-11-23T10-04-12Z\n";   // line 4: not whole
  csv += key.rows[3].row_id + ",good,,2026-11-23T10-04-12Z\n";  // line 5: not a number
  csv += a + ",5,,2026-11-23T10-04-12Z\n";                      // line 6: duplicate
  csv += key.sheet_id + "-999,3,,2026-11-23T10-04-12Z\n";       // line 7: no such row
  csv += "sdeadbeef-001,3,,2026-11-23T10-04-12Z\n";             // line 8: another sheet
  csv += key.rows[4].row_id + ",3,,2025-01-01T00-00-00Z\n";     // line 9: another run
  csv += key.rows[5].row_id + ",,,2026-11-23T10-04-12Z\n";      // line 10: blank
  const std::string file = dir.Write("bad.csv", csv);
  Result<ImportOutcome> outcome = Import(run, file);
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome->recorded);
  CHECK_FALSE(std::filesystem::exists(run + "/review/imports"));
  std::vector<std::string> problems;
  for (const RowProblem& p : outcome->problems) {
    problems.push_back(p.ToString().substr(file.size()));
  }
  const std::string s = key.sheet_id;
  CHECK(problems ==
        std::vector<std::string>{
            ":3: row " + key.rows[1].row_id + ": score 7 is off the scale 1-5",
            ":4: row " + key.rows[2].row_id + ": score 2.5 is not a whole number; expected 1-5",
            ":5: row " + key.rows[3].row_id +
                ": score \"good\" is not a number; expected a whole number 1-5",
            ":6: row " + a + ": duplicate of " + file + ":2; only the first is kept",
            ":7: row " + s + "-999: is not a row of sheet " + s + " of this run",
            ":8: row sdeadbeef-001: is not a row of sheet " + s + " of this run",
            ":9: row " + key.rows[4].row_id +
                ": is from run 2025-01-01T00-00-00Z, not from this run "
                "(2026-11-23T10-04-12Z)"});
  CHECK(outcome->record.blank == 1);
  CHECK(outcome->record.scores.size() == 1);

  SUBCASE("--skip-bad-rows records the good rows and counts the rest") {
    Result<ImportOutcome> kept = Import(run, file, "", false, true);
    REQUIRE(kept.ok());
    CHECK(kept->recorded);
    CHECK(kept->record.scores.size() == 1);
    CHECK(kept->record.rejected == 7);
  }
}

TEST_CASE("import: a sheet from another run is refused whole") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  Sheet sheet;
  Export(run, &sheet);
  ReviewTempDir other_dir;
  ReviewRun other;
  other.run_id = "2026-12-01T08-00-00Z";
  const std::string other_run = other.Write(other_dir);
  Sheet other_sheet;
  Export(other_run, &other_sheet);
  const std::string file = dir.Write(
      "other.csv", ScoreCsv(SheetToCsv(other_sheet), [](const std::string&) { return "4"; }));
  Result<ImportOutcome> outcome = Import(run, file);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().message ==
        file +
            ": the sheet is from run 2026-12-01T08-00-00Z, not from this run "
            "(2026-11-23T10-04-12Z); import it into that run's directory");

  SUBCASE("even with its Run ID column deleted") {
    std::string csv = "Row ID,Score\n" + other_sheet.key.rows[0].row_id + ",4\n";
    Result<ImportOutcome> bare = Import(run, dir.Write("bare.csv", csv));
    REQUIRE_FALSE(bare.ok());
    CHECK(bare.error().message.find("no row is from a sheet exported from this run") !=
          std::string::npos);
  }
}

TEST_CASE("import: re-imports are detected, a changed sheet replaces only when asked") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  Sheet sheet;
  const SheetKey key = Export(run, &sheet);
  const std::string csv = SheetToCsv(sheet);
  const std::string first =
      dir.Write("first.csv", ScoreCsv(csv, [](const std::string&) { return "4"; }));
  REQUIRE(Import(run, first).ok());

  Result<ImportOutcome> again = Import(run, first);
  REQUIRE(again.ok());
  CHECK(again->already_imported);
  CHECK_FALSE(again->recorded);
  CHECK_FALSE(std::filesystem::exists(run + "/review/imports/0002.json"));

  const std::string second =
      dir.Write("second.csv", ScoreCsv(csv, [](const std::string&) { return "2"; }));
  Result<ImportOutcome> refused = Import(run, second);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("was already imported from " + first) != std::string::npos);
  CHECK(refused.error().message.find("pass --replace") != std::string::npos);

  SUBCASE("another reviewer's scores of the same sheet sit beside ann's") {
    Result<ImportOutcome> bob = Import(run, second, "bob");
    REQUIRE(bob.ok());
    CHECK(bob->recorded);
    Result<std::optional<ExpertInput>> input = LoadExpertInput(run);
    CHECK((*input)->scores.size() == 16);
    CHECK((*input)->imports == 2);
  }
  SUBCASE("--replace supersedes the earlier import, which is kept") {
    Result<ImportOutcome> replaced = Import(run, second, "", true);
    REQUIRE(replaced.ok());
    CHECK(replaced->record.supersedes == run + "/review/imports/0001.json");
    Result<std::vector<StoredImport>> stored = LoadImports(run);
    REQUIRE(stored->size() == 2);
    CHECK((*stored)[0].record.superseded_by == run + "/review/imports/0002.json");
    Result<std::optional<ExpertInput>> input = LoadExpertInput(run);
    CHECK((*input)->imports == 1);
    for (const ExpertScore& s : (*input)->scores) CHECK(s.score == 2);
  }
}

TEST_CASE("import: a sheet exported without a reviewer needs --reviewer") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  Sheet sheet;
  Export(run, &sheet, "");
  const std::string file =
      dir.Write("anon.csv", ScoreCsv(SheetToCsv(sheet), [](const std::string&) { return "3"; }));
  Result<ImportOutcome> outcome = Import(run, file);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().message.find("say who scored it with --reviewer NAME") !=
        std::string::npos);
  CHECK(Import(run, file, "carol").ok());
}

// An XLSX as another program writes it, built part by part: the scores sheet renamed and second,
// columns reordered, shared strings with rich-text runs, an inline string, numbers "4.0", "3",
// "5E0" and a score typed as text.
std::string HandMadeXlsx(const std::string& path, const SheetKey& key) {
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::string workbook =
      "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
      "spreadsheetml/2006/main\" xmlns:r=\"" +
      rel +
      "\"><sheets>"
      "<sheet name=\"Notes\" sheetId=\"1\" r:id=\"rId7\"/>"
      "<sheet name=\"Bewertung\" sheetId=\"2\" r:id=\"rId3\"/></sheets></workbook>";
  const std::string rels =
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
      "2006/relationships\"><Relationship Id=\"rId3\" Type=\"" +
      rel +
      "/worksheet\" "
      "Target=\"worksheets/data.xml\"/><Relationship Id=\"rId7\" Type=\"" +
      rel + "/worksheet\" Target=\"/xl/worksheets/notes.xml\"/></Relationships>";
  const std::string shared =
      "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
      "2006/main\"><si><t>Punkte</t></si><si><r><t>Sc</t></r><r><rPr><b/></rPr><t>ore</t></r>"
      "<rPh><t>x</t></rPh></si><si><t>Row ID</t></si><si><t>" +
      key.rows[0].row_id + "</t></si><si><t>" + key.rows[1].row_id +
      "</t></si><si><t>fine_x000D_ok</t></si></sst>";
  auto cell_s = [](const char* ref, int index) {
    return std::string("<c r=\"") + ref + "\" t=\"s\"><v>" + std::to_string(index) + "</v></c>";
  };
  const std::string data =
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
      "spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\">" +
      cell_s("B1", 1) + "<c r=\"C1\" t=\"inlineStr\"><is><t>Comment</t></is></c>" +
      cell_s("D1", 2) +
      "</row>"
      "<row r=\"2\"><c r=\"B2\"><v>4.0</v></c><c r=\"C2\" t=\"s\"><v>5</v></c>" +
      cell_s("D2", 3) + "</row><row r=\"3\"><c r=\"B3\" t=\"n\"><v>5E0</v></c>" + cell_s("D3", 4) +
      "</row>"
      "<row r=\"5\"><c r=\"B5\" t=\"inlineStr\"><is><t>3</t></is></c><c r=\"D5\" "
      "t=\"inlineStr\"><is><t>" +
      key.rows[2].row_id +
      "</t></is></c></row>"
      "</sheetData></worksheet>";
  const std::string notes =
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
      "spreadsheetml/2006/main\"><sheetData><row r=\"1\">" +
      cell_s("A1", 0) + "</row></sheetData></worksheet>";
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  REQUIRE(zip != nullptr);
  std::vector<std::string> keep;  // zip_source_buffer reads the bytes at zip_close
  keep.reserve(5);
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"xl/workbook.xml", workbook},
                                                        {"xl/_rels/workbook.xml.rels", rels},
                                                        {"xl/sharedStrings.xml", shared},
                                                        {"xl/worksheets/data.xml", data},
                                                        {"xl/worksheets/notes.xml", notes}}) {
    keep.push_back(text);
    zip_source_t* source = zip_source_buffer(zip, keep.back().data(), keep.back().size(), 0);
    REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) >= 0);
  }
  REQUIRE(zip_close(zip) == 0);
  return path;
}

TEST_CASE("import: an XLSX with renamed, reordered sheets, shared and inline strings") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  const SheetKey key = Export(run);
  const std::string file = HandMadeXlsx(dir.path() + "/resaved.xlsx", key);
  Result<ImportOutcome> outcome = Import(run, file);
  REQUIRE_MESSAGE(outcome.ok(), FormatErrors(outcome.ok() ? Errors{} : outcome.errors()));
  CHECK(outcome->problems.empty());
  REQUIRE(outcome->record.scores.size() == 3);
  CHECK(outcome->record.scores[0].row_id == key.rows[0].row_id);
  CHECK(outcome->record.scores[0].score == 4);
  CHECK(outcome->record.scores[0].comment == "fine\rok");
  CHECK(outcome->record.scores[1].score == 5);
  CHECK(outcome->record.scores[2].score == 3);
}

TEST_CASE("import: an exported XLSX round trip, and a file that is no spreadsheet") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  Sheet sheet;
  Export(run, &sheet);
  const std::string path = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, path).ok());
  Result<ImportOutcome> blank = Import(run, path);
  REQUIRE_FALSE(blank.ok());
  CHECK(blank.error().message ==
        path + ": no score in sheet " + sheet.key.sheet_id + " (8 rows blank); nothing recorded");
  const std::string junk = dir.Write("junk.xlsx", "PK\x03\x04 not really a zip");
  Result<ImportOutcome> bad = Import(run, junk);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find(junk + ": not a readable XLSX file") == 0);
}

// LibreOffice headless: our XLSX opened and saved again; and our XLSX read into CSV (where the
// crafted formula must still be text), scored, converted back to XLSX by LibreOffice, imported.
TEST_CASE("import: sheets opened and saved by LibreOffice") {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) {
    const char* ci = std::getenv("CI");
    if (ci == nullptr || *ci == '\0') {
      MESSAGE("soffice not installed; skipped (install libreoffice-calc-nogui)");
      std::exit(77);
    }
    FAIL("soffice is required in CI (scripts/install-deps installs libreoffice-calc-nogui)");
  }
  ReviewTempDir dir;
  ReviewRun fixture;
  fixture.outputs[{"s1", "small"}] = "=HYPERLINK(\"http://x\",\"y\")";
  fixture.outputs[{"s2", "small"}] = "@SUM(A1)";
  const std::string run = fixture.Write(dir);
  Sheet sheet;
  const SheetKey key = Export(run, &sheet);
  const std::string xlsx = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, xlsx).ok());
  const std::string soffice =
      "soffice -env:UserInstallation=file://" + dir.path() + "/profile --headless ";
  auto convert = [&](const std::string& to, const std::string& out, const std::string& in) {
    const std::string command = soffice + "--convert-to '" + to + "' --outdir " + out + " " + in +
                                " >" + dir.path() + "/soffice.log 2>&1";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, ReadText(dir.path() + "/soffice.log"));
  };

  SUBCASE("saved again as XLSX: read back, every row matched, no score yet") {
    convert("xlsx", dir.path() + "/resaved", xlsx);
    const std::string resaved = dir.path() + "/resaved/sheet.xlsx";
    REQUIRE(std::filesystem::exists(resaved));
    CHECK(ReadText(resaved) != ReadText(xlsx));
    Result<ImportOutcome> outcome = Import(run, resaved);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().message ==
          resaved + ": no score in sheet " + key.sheet_id + " (8 rows blank); nothing recorded");
  }
  SUBCASE("read into CSV, scored, written back to XLSX by LibreOffice, imported") {
    // Filter options: comma, double quote, UTF-8, from row 1, ..., every sheet to its own file.
    convert("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            dir.path() + "/csv", xlsx);
    const std::string scores_csv = ReadText(dir.path() + "/csv/sheet-Scores.csv");
    REQUIRE_FALSE(scores_csv.empty());
    // LibreOffice shows the crafted formulas as the text they are, not as their result.
    CHECK(scores_csv.find("\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"") != std::string::npos);
    CHECK(scores_csv.find("@SUM(A1)") != std::string::npos);
    const std::string scored = dir.Write(
        "lo/scored.csv",
        ScoreCsv(scores_csv, [&](const std::string& id) { return ByCandidate(key, id); }));
    convert("xlsx", dir.path() + "/lo-xlsx", scored);
    Result<ImportOutcome> outcome = Import(run, dir.path() + "/lo-xlsx/scored.xlsx");
    REQUIRE_MESSAGE(outcome.ok(), FormatErrors(outcome.ok() ? Errors{} : outcome.errors()));
    CHECK(outcome->problems.empty());
    CHECK(outcome->record.scores.size() == 8);
    for (const ImportedScore& s : outcome->record.scores) {
      CHECK(s.score == (s.candidate_id == "big" ? 5 : 4));
    }
  }
}

}  // namespace
}  // namespace taskcost::import_test
