// End to end: `taskcost review export`, a sheet scored by hand, `review import`, then `report`
// and `gate` reading the expert quality, through the real binary and a simulated run.
// Catalogs: tests/e2e/sim_suite.h; both models always right, but four samples cannot show that
// small (cheaper) is no worse: on success alone the verdict is inconclusive; the expert scores,
// clearly worse, make it a keep.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/core/formats/csv.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::review_e2e_test {
namespace {
using nlohmann::json;

const std::string kSuite = TicketSuite("tiny-review", R"(
policy: {max_attempts: 2, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim-anthropic, model: m-small}
review:
  scale: [1, 5]
  labels: {5: "right category, nothing to fix", 1: "wrong or unusable"}
  tolerance: 0.5
)");

const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, output_tokens: 100}
  m-small: {accuracy: 1, output_tokens: 100}
)";

struct ReviewDir {
  TempDir dir;
  ReviewDir() {
    WriteSimSuite(dir, {kTicketSamples, kTicketSchema, kSuite.c_str(), kProfile});
    CliOutcome run =
        Cli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run", "--quiet"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  }
  CliOutcome Cli(const std::vector<std::string>& args) const {
    return RunCli(args, dir.path(), {{"GITHUB_STEP_SUMMARY", ""}});
  }
  std::string Read(const std::string& name) const { return ReadFileText(dir.path() + "/" + name); }
  // The one key under run/review/sheets.
  json Key() const {
    for (const auto& entry :
         std::filesystem::directory_iterator(dir.path() + "/run/review/sheets")) {
      return json::parse(ReadFileText(entry.path().string()));
    }
    FAIL("no sheet key");
    return {};
  }
};

// The exported CSV with the reviewer's scores typed in: `big` and `small` per candidate.
std::string Scored(const std::string& csv, const json& key, const std::string& big,
                   const std::string& small) {
  Result<std::vector<CsvRecord>> records = ParseCsv(csv, "sheet.csv");
  REQUIRE(records.ok());
  std::string out = "Row ID,Score (1-5),Comment\n";
  for (size_t r = 1; r < records->size(); ++r) {
    const std::string& id = (*records)[r].fields[0];
    for (const json& row : key.at("rows")) {
      if (row.at("row_id") == id)
        out += id + "," + (row.at("candidate") == "big" ? big : small) + ",\n";
    }
  }
  return out;
}

TEST_CASE("e2e review: export, score by hand, import, and the report decides on quality") {
  ReviewDir r;
  CliOutcome before = r.Cli({"report", "run", "--no-write"});
  REQUIRE(before.exit_code == 0);
  CHECK(before.out.find("  small: inconclusive — ") != std::string::npos);
  CHECK(before.out.find("verdict: keep big") != std::string::npos);
  CHECK(before.out.find("expert quality") == std::string::npos);

  CliOutcome exported = r.Cli({"review", "export", "run", "--format", "csv", "--reviewer", "ann",
                               "--seed", "9", "-o", "sheet.csv"});
  INFO(exported.out, exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.find("wrote sheet.csv: 8 rows, shuffled with seed 9; failed tasks included") !=
        std::string::npos);
  const std::string csv = r.Read("sheet.csv");
  CHECK(csv.find("small") == std::string::npos);
  CHECK(csv.find("m-big") == std::string::npos);
  const json key = r.Key();
  CHECK(key.at("seed") == 9);
  CHECK(key.at("reviewer") == "ann");

  // ann: big 5 everywhere, small 3 everywhere: d = -2 on all four samples; SS = 0, so the
  // variance floor gives s^2 = 2 / 5 and a half width t(3) 3.1824 x 0.6325 / 2 = 1.006:
  // CI -3.01..-0.99, wholly below -0.5.
  r.dir.Write("ann.csv", Scored(csv, key, "5", "3"));
  CliOutcome imported = r.Cli({"review", "import", "run", "ann.csv"});
  INFO(imported.out, imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("reviewer ann: 8 scores, 0 blank, 0 rows with problems -> "
                          "run/review/imports/0001.json") != std::string::npos);
  CliOutcome again = r.Cli({"review", "import", "run", "ann.csv"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already imported as run/review/imports/0001.json") != std::string::npos);

  // bob scores a copy of the same sheet identically: perfect agreement.
  r.dir.Write("bob.csv", Scored(csv, key, "5", "3") + "\n");
  REQUIRE(r.Cli({"review", "import", "run", "bob.csv", "--reviewer", "bob"}).exit_code == 0);

  CliOutcome report = r.Cli({"report", "run"});
  INFO(report.out);
  REQUIRE(report.exit_code == 0);
  CHECK(report.out.find("verdict: keep big") != std::string::npos);
  CHECK(report.out.find("expert quality 3.00 vs 5.00 (-2.00, 95% CI -3.01..-0.99, 4 paired "
                        "samples); quality is clearly worse (whole CI below -0.5)") !=
        std::string::npos);
  CHECK(report.out.find("2 reviewers (ann, bob), 2 sheets imported, 16 scores; agreement "
                        "(Krippendorff's alpha, interval) 1.000 over 8 outputs") !=
        std::string::npos);
  const json j = json::parse(r.Read("run/report.json"));
  CHECK(ReportCandidate(j, "small").at("expert_quality").at("mean") == 3.0);
  CHECK(ReportCandidate(j, "small").at("expert_quality").at("samples") == 4);
  CHECK(ReportCandidate(j, "big").at("expert_quality").at("mean") == 5.0);
  CHECK(j.at("comparisons").at(0).at("decision") == "keep");
  CHECK(j.at("comparisons").at(0).at("reason") == "quality_clearly_worse");
  CHECK(j.at("comparisons").at(0).at("paired_expert_quality").at("ci95_high").get<double>() ==
        doctest::Approx(-0.9936).epsilon(1e-3));
  CHECK(j.at("expert_review").at("tolerance") == 0.5);
  CHECK(j.at("expert_review").at("alpha_interval") == 1.0);
  CHECK(r.Read("run/report.md").find("#### Expert quality") != std::string::npos);

  SUBCASE("gate: the minimum quality check reads the scores") {
    REQUIRE(r.Cli({"baseline", "save", "run", "-o", "b.json"}).exit_code == 0);
    CHECK(json::parse(r.Read("b.json")).at("candidates").at(1).at("quality") == "3");
    CliOutcome gate = r.Cli({"gate", "run", "--baseline", "b.json", "--min-quality", "4.5"});
    INFO(gate.out, gate.err);
    CHECK(gate.exit_code == 1);
    CHECK(
        gate.out.find("FAIL  small  minimum quality: baseline 3, now 3, change 0, limit >= 4.5") !=
        std::string::npos);
    CHECK(gate.out.find("PASS  big  minimum quality: baseline 5, now 5") != std::string::npos);
  }
}

TEST_CASE("e2e review: bad input exits 2 and records nothing") {
  ReviewDir r;
  CHECK(r.Cli({"review", "export", "run", "--format", "ods"}).exit_code == 2);
  CHECK(r.Cli({"review", "export", "run", "--candidates", "smal"})
            .err.find("unknown candidate \"smal\", did you mean \"small\"?") != std::string::npos);
  CHECK(r.Cli({"review", "import", "run", "nothing.csv"}).exit_code == 2);  // nothing exported

  CliOutcome exported = r.Cli({"review", "export", "run", "--reviewer", "ann"});
  REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
  const json key = r.Key();
  const std::string xlsx =
      "run/review/sheet-" + key.at("sheet_id").get<std::string>() + "-ann.xlsx";
  CHECK(std::filesystem::exists(r.dir.path() + "/" + xlsx));

  const std::string id = key.at("rows").at(0).at("row_id").get<std::string>();
  r.dir.Write("bad.csv", "Row ID,Score\n" + id + ",9\n");
  CliOutcome bad = r.Cli({"review", "import", "run", "bad.csv"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.csv:2: row " + id + ": score 9 is off the scale 1-5") !=
        std::string::npos);
  CHECK(bad.err.find("nothing recorded") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(r.dir.path() + "/run/review/imports"));
}

TEST_CASE("e2e review: --skip-bad-rows records the good rows and succeeds") {
  ReviewDir r;
  REQUIRE(r.Cli({"review", "export", "run", "--format", "csv", "-o", "sheet.csv"}).exit_code == 0);
  const json key = r.Key();
  // The first row scored 9, off the 1-5 scale; every other row 4.
  std::string scored = "Row ID,Score (1-5),Comment\n";
  const std::string bad_id = key.at("rows").at(0).at("row_id").get<std::string>();
  for (const json& row : key.at("rows")) {
    const std::string id = row.at("row_id").get<std::string>();
    scored += id + "," + (id == bad_id ? "9" : "4") + ",\n";
  }
  r.dir.Write("scored.csv", scored);
  CliOutcome imported =
      r.Cli({"review", "import", "run", "scored.csv", "--reviewer", "ann", "--skip-bad-rows"});
  INFO(imported.err);
  CHECK(imported.exit_code == 0);  // the rows asked for were recorded
  CHECK(imported.err == "taskcost: warning: skipped: scored.csv:2: row " + bad_id +
                            ": score 9 is off the scale 1-5\n");
  CHECK(imported.out.find("7 scores, 0 blank, 1 rows with problems") != std::string::npos);
  CHECK(std::filesystem::exists(r.dir.path() + "/run/review/imports"));
}

}  // namespace
}  // namespace taskcost::review_e2e_test
