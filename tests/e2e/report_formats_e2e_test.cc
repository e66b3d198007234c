// report --format csv and html through the real binary: the CSV's rows are the tasks' figures
// worked out by hand, the page goes where -o says, and a format the verb does not know is a
// usage error.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/core/formats/csv.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::report_formats_e2e_test {

TEST_CASE("e2e: report --format csv has one row per task with its hand-worked figures") {
  TempDir dir;
  WriteSimSuite(dir, {kOneWrongSamples, kTicketSchema, TicketSuite("csv", kBigAndSmall).c_str(),
                      kOneWrongProfile});
  RunSimulated(dir);
  CliOutcome csv = RunCli({"report", "run", "--format", "csv"}, dir.path());
  INFO(csv.err);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.err.find("wrote run/report.csv") != std::string::npos);
  Result<std::vector<CsvRecord>> rows =
      ParseCsv(ReadFileText(dir.path() + "/run/report.csv"), "report.csv");
  REQUIRE(rows.ok());
  // One call a task (sim_suite.h, kOneWrongSamples): big 1,000 + 200 tokens = $0.008, small
  // 1,000 + 100 = $0.0012; S3 answered wrong (incorrect). latency_ms (column 10) is measured,
  // so left out; no quality scorer, so quality is empty.
  const std::vector<std::vector<std::string>> want = {
      {"sample", "candidate", "repeat", "attempts", "input_tokens", "output_tokens", "cost_usd",
       "cost_picousd", "success", "failure_class", "quality", "state"},
      {"S1", "big", "0", "1", "1000", "200", "0.008", "8000000000", "true", "", "", "succeeded"},
      {"S2", "big", "0", "1", "1000", "200", "0.008", "8000000000", "true", "", "", "succeeded"},
      {"S3", "big", "0", "1", "1000", "200", "0.008", "8000000000", "false", "incorrect", "",
       "failed"},
      {"S4", "big", "0", "1", "1000", "200", "0.008", "8000000000", "true", "", "", "succeeded"},
      {"S1", "small", "0", "1", "1000", "100", "0.0012", "1200000000", "true", "", "", "succeeded"},
      {"S2", "small", "0", "1", "1000", "100", "0.0012", "1200000000", "true", "", "", "succeeded"},
      {"S3", "small", "0", "1", "1000", "100", "0.0012", "1200000000", "false", "incorrect", "",
       "failed"},
      {"S4", "small", "0", "1", "1000", "100", "0.0012", "1200000000", "true", "", "", "succeeded"},
  };
  std::vector<std::vector<std::string>> got;
  for (const CsvRecord& row : *rows) {
    REQUIRE(row.fields.size() == 13);
    std::vector<std::string> fields = row.fields;
    fields.erase(fields.begin() + 10);  // latency_ms
    got.push_back(fields);
  }
  CHECK(got == want);
}

TEST_CASE("e2e: report --format html -o - prints the page, unknown formats are refused") {
  TempDir out;
  CliOutcome run = RunCli({"run", "suites/support-triage/suite.yaml", "--simulate", "--quiet",
                           "--no-cache", "--limit", "2", "--out", out.path() + "/run"},
                          TASKCOST_SOURCE_DIR);
  REQUIRE(run.exit_code == 0);
  CliOutcome page =
      RunCli({"report", out.path() + "/run", "--format", "html", "-o", "-"}, TASKCOST_SOURCE_DIR);
  CHECK(page.exit_code == 0);
  CHECK(page.out.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.out.find("verdict: ") != std::string::npos);
  CliOutcome pdf = RunCli({"report", out.path() + "/run", "--format", "pdf"}, TASKCOST_SOURCE_DIR);
  CHECK(pdf.exit_code == 2);
  CHECK(pdf.err == "taskcost: error: --format: expected text, html or csv, got \"pdf\"\n");
}

}  // namespace taskcost::report_formats_e2e_test
