// report --format csv and html through the real binary: the CSV's rows add up to report.json,
// the page goes where -o says, and a format the verb does not know is a usage error.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "harness/core/formats/csv.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost {

TEST_CASE("e2e: report --format csv has one row per task that adds up to report.json") {
  using nlohmann::json;
  TempDir out;
  CliOutcome run = RunCli({"run", "suites/support-triage/suite.yaml", "--simulate", "--quiet",
                           "--no-cache", "--limit", "10", "--out", out.path() + "/run"},
                          TASKCOST_SOURCE_DIR);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CliOutcome csv = RunCli({"report", out.path() + "/run", "--format", "csv"}, TASKCOST_SOURCE_DIR);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.err.find("wrote " + out.path() + "/run/report.csv") != std::string::npos);
  Result<std::vector<CsvRecord>> rows =
      ParseCsv(ReadFileText(out.path() + "/run/report.csv"), "report.csv");
  REQUIRE(rows.ok());
  const json report = json::parse(ReadFileText(out.path() + "/run/report.json"));
  REQUIRE(rows->size() == 1 + 10 * report.at("candidates").size());
  const std::vector<std::string>& header = (*rows)[0].fields;
  REQUIRE(header.size() == 13);
  CHECK(header[1] == "candidate");
  CHECK(header[7] == "cost_picousd");
  CHECK(header[8] == "success");
  CHECK(header[12] == "state");
  std::map<std::string, int64_t> cost, successes, attempts;
  for (size_t i = 1; i < rows->size(); ++i) {
    const std::vector<std::string>& f = (*rows)[i].fields;
    cost[f[1]] += std::stoll(f[7]);
    successes[f[1]] += f[8] == "true" ? 1 : 0;
    attempts[f[1]] += std::stoll(f[3]);
    CHECK((f[8] == "true") == f[9].empty());  // a failure class exactly when it failed
    // A complete run: every task succeeded or failed.
    CHECK(f[12] == (f[8] == "true" ? "succeeded" : "failed"));
  }
  for (const json& c : report.at("candidates")) {
    const std::string id = c.at("id").get<std::string>();
    CHECK(cost[id] == c.at("total_cost_picousd").get<int64_t>());
    CHECK(successes[id] == c.at("successes").get<int64_t>());
    CHECK(attempts[id] == c.at("attempts").get<int64_t>());
  }
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

}  // namespace taskcost
