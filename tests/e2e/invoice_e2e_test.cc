// The invoice-extraction example, run offline with a bare --simulate (which picks the suite's
// own simulator.yaml), checked against figures recomputed here from the journal and the
// samples file with code written for this test: totals within a cent in integer cents,
// line-item F1 by description, and the report's failures by scorer and quality scores.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/e2e/cli_process.h"

namespace taskcost::invoice_e2e_test {
namespace {
using nlohmann::json;

int64_t Cents(const json& amount) { return std::llround(amount.get<double>() * 100); }

// F1 of the descriptions in `got` against `want`, each description counted once per
// occurrence.
double DescriptionF1(const json& got, const json& want) {
  std::multiset<std::string> left;
  for (const json& item : want) left.insert(item.at("description").get<std::string>());
  double hits = 0;
  for (const json& item : got) {
    auto it = left.find(item.value("description", std::string("\x01")));
    if (it != left.end()) {
      left.erase(it);
      ++hits;
    }
  }
  const double p = got.empty() ? 0 : hits / static_cast<double>(got.size());
  const double r = hits / static_cast<double>(want.size());
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

const json* Check(const json& attempt, const std::string& name) {
  for (const json& c : attempt.at("checks")) {
    if (c.at("name") == name) return &c;
  }
  return nullptr;
}

TEST_CASE("e2e: invoice extraction runs offline and its scorers recompute from the journal") {
  TempDir out;
  const std::string root = TASKCOST_SOURCE_DIR;
  CliOutcome run = RunCli({"run", "suites/invoice-extraction/suite.yaml", "--simulate",
                           "--quiet", "--no-cache", "--out", out.path() + "/run"},
                          root);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.find("suites/invoice-extraction/simulator.yaml") != std::string::npos);
  CHECK(run.out.find("numeric_within(total)") != std::string::npos);

  std::map<std::string, json> expected;  // sample id -> row
  std::istringstream samples(ReadFileText(root + "/suites/invoice-extraction/samples.jsonl"));
  for (std::string line; std::getline(samples, line);) {
    json row = json::parse(line);
    expected[row.at("id").get<std::string>()] = row;
  }
  REQUIRE(expected.size() == 100);

  // The last attempt of every task (journal order; attempt numbers only grow within a task).
  std::map<std::string, std::map<std::string, json>> last;  // candidate -> sample -> attempt
  std::istringstream journal(ReadFileText(out.path() + "/run/attempts.jsonl"));
  std::string line;
  std::getline(journal, line);  // header
  while (std::getline(journal, line)) {
    json a = json::parse(line);
    if (a.at("type") == "sent") continue;  // a call about to go out; its attempt line follows
    last[a.at("candidate").get<std::string>()][a.at("sample").get<std::string>()] = a;
  }

  const json report = json::parse(ReadFileText(out.path() + "/run/report.json"));
  for (const json& c : report.at("candidates")) {
    const std::string id = c.at("id").get<std::string>();
    CAPTURE(id);
    REQUIRE(last[id].size() == 100);
    int64_t total_failures = 0, f1_failures = 0, scored = 0;
    double quality_sum = 0;
    for (const auto& [sample, a] : last[id]) {
      if (!a.at("validation_errors").empty() || a.at("output").get<std::string>().empty()) {
        continue;  // never reached the scorers
      }
      const json output = json::parse(a.at("output").get<std::string>());
      const json& want = expected.at(sample);
      // Within a cent, in integer cents.
      const bool total_ok =
          std::llabs(Cents(output.at("total")) - Cents(want.at("expected_total"))) <= 1;
      const json* total_check = Check(a, "numeric_within(total)");
      REQUIRE(total_check != nullptr);
      CHECK(total_check->at("pass").get<bool>() == total_ok);
      total_failures += total_ok ? 0 : 1;
      // Line items by description, passing at F1 >= 0.8.
      const double f1 = DescriptionF1(output.at("line_items"), want.at("expected_line_items"));
      const json* f1_check = Check(a, "list_f1(line_items)");
      REQUIRE(f1_check != nullptr);
      CHECK(f1_check->at("pass").get<bool>() == (f1 >= 0.8));
      f1_failures += f1 >= 0.8 ? 0 : 1;
      // Quality: the mean of the task's quality scores.
      double sum = 0;
      int n = 0;
      for (const json& check : a.at("checks")) {
        if (!check.value("quality", false)) continue;
        sum += check.at("score").get<double>();
        ++n;
      }
      REQUIRE(n == 2);
      quality_sum += sum / n;
      ++scored;
    }
    std::map<std::string, int64_t> failed;
    for (const json& s : c.at("scorers")) {
      if (s.at("list") == "success") {
        failed[s.at("name").get<std::string>()] = s.at("failed_tasks").get<int64_t>();
      }
      CHECK(s.at("scorer_errors").get<int64_t>() == 0);
    }
    CHECK(failed["numeric_within(total)"] == total_failures);
    CHECK(failed["list_f1(line_items)"] == f1_failures);
    CHECK(c.at("quality_tasks").get<int64_t>() == scored);
    CHECK(c.at("quality_score").get<double>() == doctest::Approx(quality_sum / scored));
  }
  // The simulated models differ as the profile says: more accurate, more successes.
  const json& cs = report.at("candidates");
  CHECK(cs.at(0).at("successes").get<int>() > cs.at(1).at("successes").get<int>());
  CHECK(cs.at(1).at("successes").get<int>() > cs.at(2).at("successes").get<int>());
}

}  // namespace
}  // namespace taskcost::invoice_e2e_test
