// Export: blinded, shuffled rows; a readable XLSX with the rubric; and model outputs crafted as
// formulas that stay inert text in XLSX (string cells, no <f>) and CSV (quoted ' prefix).
#include <doctest/doctest.h>
#include <zip.h>

#include <algorithm>
#include <map>
#include <set>

#include "harness/core/loading/suite_loader.h"
#include "harness/edge/run_dir.h"
#include "harness/review/cell_text.h"
#include "harness/review/sheet_build.h"
#include "harness/review/sheet_table.h"
#include "harness/review/sheet_writers.h"
#include "tests/review/review_fixture.h"

namespace taskcost::sheet_test {
namespace {

using testing::ReviewRun;
using testing::ReviewTempDir;

Sheet Build(const std::string& run_dir, SheetOptions options = {}) {
  Result<LoadedRun> run = LoadRunDir(run_dir);
  REQUIRE(run.ok());
  Result<Suite> suite = LoadSuite(run->manifest.suite_file);
  REQUIRE_MESSAGE(suite.ok(), FormatErrors(suite.ok() ? Errors{} : suite.errors()));
  Result<Sheet> sheet = BuildSheet(run->manifest, run->attempts, *suite, options);
  REQUIRE_MESSAGE(sheet.ok(), FormatErrors(sheet.ok() ? Errors{} : sheet.errors()));
  return std::move(sheet).value();
}

// Every part of an XLSX archive by name.
std::map<std::string, std::string> ZipParts(const std::string& path) {
  std::map<std::string, std::string> parts;
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  REQUIRE(zip != nullptr);
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t stat;
    zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &stat);
    zip_file_t* file = zip_fopen_index(zip, static_cast<zip_uint64_t>(i), 0);
    std::string bytes(stat.size, '\0');
    zip_fread(file, bytes.data(), stat.size);
    zip_fclose(file);
    parts[stat.name] = bytes;
  }
  zip_discard(zip);
  return parts;
}

TEST_CASE("sheet: one row per output, blinded behind neutral labels, shuffled by the seed") {
  ReviewTempDir dir;
  const std::string run = ReviewRun{}.Write(dir);
  SheetOptions options;
  options.seed = 11;
  options.now_unix_ms = 1795428400000;
  const Sheet sheet = Build(run, options);
  const SheetKey& key = sheet.key;
  REQUIRE(key.rows.size() == 8);  // 4 samples x 2 candidates
  CHECK(key.run_id == "2026-11-23T10-04-12Z");
  CHECK(key.seed == 11);
  std::set<std::pair<std::string, std::string>> tasks;
  std::map<std::string, std::set<std::string>> labels_of_sample;
  for (size_t i = 0; i < key.rows.size(); ++i) {
    const SheetRow& row = key.rows[i];
    tasks.insert({row.sample_id, row.candidate_id});
    labels_of_sample[row.sample_label].insert(row.output_label);
    CHECK(row.row_id.rfind(key.sheet_id + "-", 0) == 0);
    // A sample's outputs are next to each other, A then B.
    if (i % 2 == 1) CHECK(key.rows[i - 1].sample_label == row.sample_label);
  }
  CHECK(tasks.size() == 8);
  for (const auto& [sample, labels] : labels_of_sample) {
    CHECK(labels == std::set<std::string>{"A", "B"});
  }
  // Nothing a reviewer sees names a candidate or a model.
  const std::string csv = SheetToCsv(sheet);
  for (const char* name : {"big", "small", "m-big", "m-small", "baseline"}) {
    CHECK_MESSAGE(csv.find(name) == std::string::npos, name);
  }
  CHECK(csv.find("Ticket: ticket number 3") != std::string::npos);

  SUBCASE("the same seed gives the same sheet, another seed another order") {
    const Sheet again = Build(run, options);
    std::vector<std::string> order, other_order;
    for (size_t i = 0; i < key.rows.size(); ++i) {
      order.push_back(key.rows[i].sample_id + "/" + key.rows[i].candidate_id);
      CHECK(again.key.rows[i].sample_id == key.rows[i].sample_id);
      CHECK(again.key.rows[i].candidate_id == key.rows[i].candidate_id);
    }
    std::set<std::vector<std::string>> orders;
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      options.seed = seed;
      const Sheet other = Build(run, options);
      std::vector<std::string> o;
      for (const SheetRow& r : other.key.rows) o.push_back(r.sample_id + "/" + r.candidate_id);
      orders.insert(o);
    }
    CHECK(orders.size() > 1);
  }
  SUBCASE("the baseline is not always output A") {
    std::set<std::string> baseline_labels;
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      options.seed = seed;
      for (const SheetRow& row : Build(run, options).key.rows) {
        if (row.candidate_id == "big") baseline_labels.insert(row.output_label);
      }
    }
    CHECK(baseline_labels == std::set<std::string>{"A", "B"});
  }
}

TEST_CASE("sheet: --samples keeps whole samples, failed tasks in or out, and counted") {
  ReviewTempDir dir;
  ReviewRun fixture;
  fixture.samples = 6;
  fixture.failed[{"s2", "small"}] = true;
  fixture.outputs[{"s3", "small"}] = "";  // no answer at all: never a row
  const std::string run = fixture.Write(dir);

  SheetOptions three;
  three.samples = 3;
  three.seed = 5;
  const Sheet some = Build(run, three);
  std::set<std::string> samples;
  for (const SheetRow& row : some.key.rows) samples.insert(row.sample_id);
  CHECK(samples.size() == 3);

  const Sheet with_failed = Build(run);
  CHECK(with_failed.key.failed_included);
  CHECK(with_failed.key.rows.size() == 11);  // 12 outputs less the one without an answer
  CHECK(with_failed.key.no_output_left_out == 1);
  int failed = 0;
  for (const SheetRow& row : with_failed.key.rows) failed += row.failed ? 1 : 0;
  CHECK(failed == 1);

  SheetOptions exclude;
  exclude.include_failed = false;
  const Sheet without = Build(run, exclude);
  CHECK(without.key.rows.size() == 10);
  CHECK(without.key.failed_left_out == 1);
  for (const SheetRow& row : without.key.rows) {
    CHECK_FALSE((row.sample_id == "s2" && row.candidate_id == "small"));
  }
}

// Outputs crafted to run as formulas or commands when a spreadsheet opens the sheet.
const char* kHostile[] = {"=HYPERLINK(\"http://x\",\"y\")",
                          "@SUM(A1)",
                          "+1",
                          "-1",
                          "\tTAB=1+1",
                          "\r=1+2",
                          "=cmd|' /C calc'!A0"};

ReviewRun HostileRun() {
  ReviewRun fixture;
  fixture.samples = 7;
  for (int i = 0; i < 7; ++i) {
    fixture.outputs[{"s" + std::to_string(i + 1), "small"}] = kHostile[i];
  }
  return fixture;
}

TEST_CASE("safety: formula-like outputs are inert string cells in the XLSX") {
  ReviewTempDir dir;
  const Sheet sheet = Build(HostileRun().Write(dir));
  const std::string path = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, path).ok());
  const auto parts = ZipParts(path);
  for (const auto& [name, xml] : parts) {
    CHECK_MESSAGE(xml.find("<f>") == std::string::npos, name);
    CHECK_MESSAGE(xml.find("<f ") == std::string::npos, name);
  }
  const std::string& shared = parts.at("xl/sharedStrings.xml");
  CHECK(shared.find("<t>=HYPERLINK(\"http://x\",\"y\")</t>") != std::string::npos);
  CHECK(shared.find("@SUM(A1)") != std::string::npos);
  // Every Answer cell (column E) of the scores sheet is a shared-string cell.
  const std::string& scores = parts.at("xl/worksheets/sheet2.xml");
  size_t answers = 0;
  for (size_t at = scores.find("<c r=\"E"); at != std::string::npos;
       at = scores.find("<c r=\"E", at + 1)) {
    const std::string cell = scores.substr(at, scores.find('>', at) - at);
    CHECK_MESSAGE(cell.find("t=\"s\"") != std::string::npos, cell);
    ++answers;
  }
  CHECK(answers == 15);  // the header and 14 rows
  // Read back, each hostile text is exactly what the model wrote.
  Result<std::vector<SheetTable>> tables = ReadXlsxTables(path);
  REQUIRE(tables.ok());
  std::set<std::string> texts;
  for (const TableRow& row : (*tables)[1].rows) {
    if (row.cells.size() > 4) texts.insert(row.cells[4]);
  }
  for (const char* hostile : kHostile) CHECK_MESSAGE(texts.count(hostile) == 1, hostile);
}

TEST_CASE("safety: formula-like outputs get a quoted ' prefix in the CSV") {
  ReviewTempDir dir;
  const std::string csv = SheetToCsv(Build(HostileRun().Write(dir)));
  CHECK(csv.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") != std::string::npos);
  CHECK(csv.find(",\"'@SUM(A1)\",") != std::string::npos);
  CHECK(csv.find(",\"'+1\",") != std::string::npos);
  CHECK(csv.find(",\"'-1\",") != std::string::npos);
  CHECK(csv.find(",\"'\tTAB=1+1\",") != std::string::npos);
  CHECK(csv.find(",\"'\r=1+2\",") != std::string::npos);
  // No field of the file starts with a formula character, quoted or not.
  for (const char* bad : {",=", ",+", ",-", ",@", ",\"=", ",\"+", ",\"-", ",\"@"}) {
    CHECK_MESSAGE(csv.find(bad) == std::string::npos, bad);
  }
}

TEST_CASE("cell text: what counts as a formula, and how CSV fields are written") {
  for (const char* text : {"=1", "+1", "-1", "@A", "\tx", "\rx"}) CHECK(LooksLikeFormula(text));
  for (const char* text : {"", "1", "a=1", " =1", "'=1"}) CHECK_FALSE(LooksLikeFormula(text));
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("=1+1") == "\"'=1+1\"");
  CHECK(UnprefixFormula("'=1+1") == "=1+1");
  CHECK(UnprefixFormula("'quoted") == "'quoted");
  CHECK(PrettyIfJson("{\"a\":1,\"b\":[1,2]}") ==
        "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}");
  CHECK(PrettyIfJson("not json {") == "not json {");
  const std::string cut = FitCell(std::string(kMaxCellChars + 5, 'x'));
  CHECK(cut.find("[... 5 more characters not shown]") != std::string::npos);
  CHECK(cut.size() < 32767);
}

TEST_CASE("xlsx: frozen header, score validation, rubric on the instructions sheet, no key") {
  ReviewTempDir dir;
  SheetOptions options;
  options.reviewer = "ann";
  const Sheet sheet = Build(ReviewRun{}.Write(dir), options);
  const std::string path = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, path).ok());
  const auto parts = ZipParts(path);
  const std::string& scores = parts.at("xl/worksheets/sheet2.xml");
  CHECK(scores.find("ySplit=\"1\"") != std::string::npos);
  CHECK(scores.find("state=\"frozen\"") != std::string::npos);
  CHECK(scores.find("<dataValidation type=\"whole\"") != std::string::npos);
  CHECK(scores.find("sqref=\"F2:F9\"") != std::string::npos);
  CHECK(scores.find("<formula1>1</formula1><formula2>5</formula2>") != std::string::npos);
  CHECK(parts.at("xl/workbook.xml").find("name=\"Instructions\"") != std::string::npos);
  const std::string& shared = parts.at("xl/sharedStrings.xml");
  CHECK(shared.find("5: correct and complete") != std::string::npos);
  CHECK(shared.find("1: wrong") != std::string::npos);
  CHECK(shared.find("Judge the category only.") != std::string::npos);
  CHECK(shared.find("Score (1-5)") != std::string::npos);
  CHECK(shared.find(sheet.key.sheet_id) != std::string::npos);
  CHECK(shared.find("2026-11-23T10-04-12Z") != std::string::npos);
  CHECK(shared.find("included") != std::string::npos);
  for (const auto& [name, xml] : parts) {
    for (const char* secret : {"big", "small", "m-big", "m-small"}) {
      CHECK_MESSAGE(xml.find(secret) == std::string::npos, name << ": " << secret);
    }
  }
}

}  // namespace
namespace {

// s1: small fails numeric_within, big passes and has a quality score; s2: small's answer breaks
// the schema twice; big's was cut off, and the provider's message names the model.
ReviewRun CheckedRun() {
  ReviewRun run;
  run.samples = 2;
  run.edits[{"s1", "small"}] = [](Attempt& a) {
    a.error = ErrorClass::kIncorrect;
    a.success = false;
    a.checks = {{"numeric_within(total)", false, "1234.52 is not within 0.01 of 1234.5"}};
  };
  run.edits[{"s1", "big"}] = [](Attempt& a) {
    a.checks = {{"numeric_within(total)", true, "1234.5 is within 0.01 of 1234.5"},
                {"json_subset", true, "3 of 4 expected values", 0.75, true}};
  };
  run.edits[{"s2", "small"}] = [](Attempt& a) {
    a.error = ErrorClass::kInvalidOutput;
    a.success = false;
    a.validation_errors = {"/category: expected a string, got 7", "/note: not allowed"};
  };
  run.edits[{"s2", "big"}] = [](Attempt& a) {
    a.error = ErrorClass::kTruncated;
    a.success = false;
    a.error_message = "m-big stopped at max_tokens";
  };
  return run;
}

}  // namespace

TEST_CASE("sheet: an Automatic checks column gives each output's check results and reasons") {
  ReviewTempDir dir;
  const Sheet sheet = Build(CheckedRun().Write(dir));
  std::map<std::pair<std::string, std::string>, std::string> checks;
  REQUIRE(sheet.lines.size() == 4);
  for (size_t i = 0; i < sheet.lines.size(); ++i) {
    checks[{sheet.key.rows[i].sample_id, sheet.key.rows[i].candidate_id}] = sheet.lines[i].checks;
  }
  CHECK(checks[{"s1", "small"}] ==
        "schema: pass; numeric_within(total): fail \u2014 1234.52 is not within 0.01 of 1234.5");
  CHECK(checks[{"s1", "big"}] ==
        "schema: pass; numeric_within(total): pass; json_subset: score 0.75 \u2014 3 of 4 "
        "expected values");
  CHECK(checks[{"s2", "small"}] ==
        "schema: fail \u2014 /category: expected a string, got 7 (and 1 more)");
  CHECK(checks[{"s2", "big"}] == "not checked: truncated");

  // The CSV: the column is last, after Run ID; nothing names a candidate or a model.
  const std::string csv = SheetToCsv(sheet);
  CHECK(csv.find("Comment,Run ID,Automatic checks\r\n") != std::string::npos);
  CHECK(csv.find(",schema: pass; numeric_within(total): fail \u2014 1234.52 is not within 0.01 "
                 "of 1234.5\r\n") != std::string::npos);
  for (const char* name : {"big", "small", "m-big", "m-small"}) {
    CHECK_MESSAGE(csv.find(name) == std::string::npos, name);
  }
  // The XLSX: column I, a string cell on every row, never a formula.
  const std::string path = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, path).ok());
  const auto parts = ZipParts(path);
  const std::string& scores = parts.at("xl/worksheets/sheet2.xml");
  size_t cells = 0;
  for (size_t at = scores.find("<c r=\"I"); at != std::string::npos;
       at = scores.find("<c r=\"I", at + 1)) {
    CHECK(scores.substr(at, scores.find('>', at) - at).find("t=\"s\"") != std::string::npos);
    ++cells;
  }
  CHECK(cells == 5);  // the header and 4 rows
  CHECK(parts.at("xl/sharedStrings.xml").find("<t>Automatic checks</t>") != std::string::npos);
  for (const auto& [name, xml] : parts) {
    CHECK_MESSAGE(xml.find("m-big") == std::string::npos, name);
  }
}

TEST_CASE("sheet: a check reason that reads as a formula stays inert text") {
  ReviewTempDir dir;
  ReviewRun run;
  run.samples = 1;
  run.edits[{"s1", "small"}] = [](Attempt& a) {
    a.validation_errors = {"=HYPERLINK(\"http://x\",\"y\")"};
    a.error = ErrorClass::kInvalidOutput;
    a.success = false;
  };
  const Sheet sheet = Build(run.Write(dir));
  const std::string csv = SheetToCsv(sheet);
  CHECK(csv.find(",\"schema: fail \u2014 =HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n") !=
        std::string::npos);
  const std::string path = dir.path() + "/sheet.xlsx";
  REQUIRE(WriteSheetXlsx(sheet, path).ok());
  for (const auto& [name, xml] : ZipParts(path)) {
    CHECK_MESSAGE(xml.find("<f>") == std::string::npos, name);
  }
}

TEST_CASE("sheet: a chain's row shows its last step's answer, not an earlier step's") {
  // The draft needed two attempts, the refine one: the refine's answer (attempt 1) is the task's.
  ReviewTempDir dir;
  const std::string run_dir = ReviewRun{}.Write(dir);
  Result<LoadedRun> run = LoadRunDir(run_dir);
  REQUIRE(run.ok());
  std::vector<Attempt> attempts;
  for (const Attempt& a : run->attempts) {
    if (a.candidate_id != "small") attempts.push_back(a);
  }
  for (const char* sample : {"s1", "s2", "s3", "s4"}) {
    Attempt draft;
    draft.sample_id = sample;
    draft.candidate_id = "small";
    draft.step = "draft";
    draft.error = ErrorClass::kInvalidOutput;
    draft.output = "draft one";
    attempts.push_back(draft);
    draft.attempt = 2;
    draft.error = ErrorClass::kNone;
    draft.success = draft.partial = true;
    draft.output = "draft two";
    attempts.push_back(draft);
    Attempt refine = draft;
    refine.attempt = 1;
    refine.step = "refine";
    refine.partial = false;
    refine.output = "{\"category\":\"refined\"}";
    attempts.push_back(refine);
  }
  Result<Suite> suite = LoadSuite(run->manifest.suite_file);
  REQUIRE(suite.ok());
  Result<Sheet> sheet = BuildSheet(run->manifest, attempts, *suite, {});
  REQUIRE(sheet.ok());
  int refined = 0;
  for (size_t i = 0; i < sheet->lines.size(); ++i) {
    if (sheet->key.rows[i].candidate_id != "small") continue;
    CHECK(sheet->lines[i].answer.find("refined") != std::string::npos);
    CHECK_FALSE(sheet->key.rows[i].failed);
    ++refined;
  }
  CHECK(refined == 4);
}

}  // namespace taskcost::sheet_test
