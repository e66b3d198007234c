#include "harness/core/render/report_csv.h"

#include <doctest/doctest.h>

#include "harness/core/formats/csv.h"
#include "tests/core/report_fixture.h"

namespace taskcost::report_csv_test {

TEST_CASE("csv: fields are quoted by RFC 4180 and never read as formulas") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("=HYPERLINK(\"http://x.invalid\")") ==
        "\"'=HYPERLINK(\"\"http://x.invalid\"\")\"");
  CHECK(CsvField("+1") == "'+1");
  CHECK(CsvField("-2") == "'-2");
  CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(CsvField("\tx") == "'\tx");
  CHECK(CsvField("\rx") == "\"'\rx\"");
  CHECK(CsvField("a=b") == "a=b");
  CHECK(CsvField("") == "");
}

TEST_CASE("csv report: one row per task, figures worked out by hand") {
  ReportOptions options;
  options.keep_tasks = true;
  const Report report =
      ComputeReport(testing::TwoCandidateManifest(4), testing::HandWorkedJournal(), options);
  const std::string csv = ReportToCsv(report);
  CHECK(csv ==
        "sample,candidate,repeat,attempts,input_tokens,output_tokens,cost_usd,cost_picousd,"
        "success,failure_class,latency_ms,quality,state\r\n"
        "s1,big,0,1,1000,100,0.0035,3500000000,true,,400.0,,succeeded\r\n"
        "s2,big,0,1,1000,100,0.0035,3500000000,true,,500.0,,succeeded\r\n"
        "s3,big,0,2,1000,100,0.0035,3500000000,true,,500.0,,succeeded\r\n"
        "s4,big,0,1,1000,100,0.0035,3500000000,false,incorrect,600.0,,failed\r\n"
        "s1,small,0,1,1000,100,0.00021,210000000,true,,300.0,,succeeded\r\n"
        "s2,small,0,3,3000,700,0.00087,870000000,true,,900.0,,succeeded\r\n"
        "s3,small,0,1,1000,100,0.00021,210000000,true,,300.0,,succeeded\r\n"
        "s4,small,0,1,8000,100,0.00126,1260000000,false,incorrect,300.0,,failed\r\n");
}

TEST_CASE("csv report: hostile sample ids survive a round trip through a CSV reader") {
  RunManifest manifest = testing::TwoCandidateManifest(0);
  manifest.sample_ids = {"=cmd|' /C calc'!A0", "a,\"b\"\nc"};
  std::vector<Attempt> attempts = testing::MakeAttempts(
      {{manifest.sample_ids[0], "big", 1, 10, 1}, {manifest.sample_ids[1], "big", 1, 10, 1}});
  ReportOptions options;
  options.keep_tasks = true;
  const std::string csv = ReportToCsv(ComputeReport(manifest, attempts, options));
  Result<std::vector<CsvRecord>> parsed = ParseCsv(csv, "report.csv");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 5);  // the header, big's two tasks, small's two not run
  CHECK((*parsed)[1].fields[0] == "'=cmd|' /C calc'!A0");
  CHECK((*parsed)[2].fields[0] == "a,\"b\"\nc");
  CHECK((*parsed)[4].fields[0] == "a,\"b\"\nc");
  CHECK((*parsed)[1].fields.size() == 13);
}

}  // namespace taskcost::report_csv_test
