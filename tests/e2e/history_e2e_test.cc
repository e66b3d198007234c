// History end to end: three runs of the example suite (simulated, different sample counts, so
// their figures differ) indexed into results/history.sqlite by `run`, then `history` marks them
// simulated and, asked to compare them, shows the change between them as the three report.json
// files say it should; the index is rebuilt from the run directories when deleted, damaged
// (garbage, truncated) or of another shape.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost {

TEST_CASE("e2e: history across three runs shows the change between them") {
  using nlohmann::json;
  TempDir out;
  const std::string results = out.path() + "/results";
  std::vector<json> reports;
  int n = 0;
  for (const char* limit : {"4", "8", "12"}) {
    // Named run directories: two runs within one second would share a default run id.
    const std::string dir = results + "/support-triage/run-" + std::to_string(++n);
    CliOutcome run = RunCli({"run", "suites/support-triage/suite.yaml", "--simulate", "--quiet",
                             "--no-cache", "--limit", limit, "--results", results, "--out", dir},
                            TASKCOST_SOURCE_DIR);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  REQUIRE(std::filesystem::exists(results + "/history.sqlite"));
  std::vector<std::string> dirs;
  for (const auto& e : std::filesystem::directory_iterator(results + "/support-triage")) {
    dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());  // run-1, run-2, run-3
  REQUIRE(dirs.size() == 3);
  for (const std::string& d : dirs)
    reports.push_back(json::parse(ReadFileText(d + "/report.json")));

  const std::vector<std::string> history_json = {
      "history", "support-triage",     "--results", results, "--format", "json", "--since",
      "1d",      "--include-simulated"};
  CliOutcome history = RunCli(history_json, out.path());
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  const json h = json::parse(history.out);
  const std::string candidate = "gpt-4.1-mini";
  std::vector<json> runs;
  for (const json& r : h.at("runs")) {
    if (r.at("candidate") == candidate) runs.push_back(r);
  }
  REQUIRE(runs.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const json& c = ReportCandidate(reports[i], candidate);
    CHECK(runs[i].at("run_id") == reports[i].at("run_id"));
    CHECK(runs[i].at("tasks_run") == c.at("tasks_run"));
    CHECK(runs[i].at("cost_per_successful_task_picousd") ==
          c.at("cost_per_successful_task_picousd"));
    CHECK(runs[i].at("spent_picousd") == c.at("spent_picousd"));
    if (i == 0) {
      CHECK(runs[i].at("cost_change_pct").is_null());
      continue;
    }
    // The change, recomputed from the two report.json files.
    const double now = c.at("cost_per_successful_task_picousd").get<double>();
    const double was = ReportCandidate(reports[i - 1], candidate)
                           .at("cost_per_successful_task_picousd")
                           .get<double>();
    CHECK(runs[i].at("cost_change_pct").get<double>() == doctest::Approx(100 * (now - was) / was));
    const double spent_now = c.at("spent_picousd").get<double>();
    const double spent_was =
        ReportCandidate(reports[i - 1], candidate).at("spent_picousd").get<double>();
    CHECK(runs[i].at("spent_change_pct").get<double>() ==
          doctest::Approx(100 * (spent_now - spent_was) / spent_was));
    CHECK(spent_now > spent_was);  // more samples: the runs really differ
  }

  // Without --include-simulated the simulated runs are listed, marked, and compared with nothing.
  CliOutcome plain =
      RunCli({"history", "support-triage", "--results", results, "--format", "json"}, out.path());
  REQUIRE(plain.exit_code == 0);
  const json p = json::parse(plain.out);
  CHECK(p.at("include_simulated") == false);
  REQUIRE(p.at("runs").size() == h.at("runs").size());
  for (const json& r : p.at("runs")) {
    CHECK(r.at("simulated") == true);
    CHECK(r.at("compared") == false);
    CHECK(r.at("cost_change_pct").is_null());
  }
  CHECK(p.at("weeks").empty());

  CliOutcome typo = RunCli({"history", "support-triag", "--results", results}, out.path());
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean \"support-triage\"?") != std::string::npos);

  // Text and HTML say the same; deleting the index loses nothing.
  CliOutcome text = RunCli({"history", "support-triage", "--results", results}, out.path());
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("week over week") != std::string::npos);
  CliOutcome html = RunCli({"history", "--results", results, "--format", "html"}, out.path());
  CHECK(html.out.find("data-chart=\"history-cost\"") != std::string::npos);
  const std::string index = results + "/history.sqlite";
  std::filesystem::remove(index);
  CliOutcome rebuilt = RunCli(history_json, out.path());
  CHECK(json::parse(rebuilt.out).at("runs") == h.at("runs"));
  CHECK(json::parse(rebuilt.out).at("weeks") == h.at("weeks"));

  // A damaged index is derived data too: rebuilt, with a warning, to the same figures.
  for (const char* damage : {"garbage bytes", "truncated"}) {
    INFO(damage);
    if (std::string(damage) == "truncated") {
      REQUIRE(std::filesystem::file_size(index) > 1000);
      std::filesystem::resize_file(index, 1000);
    } else {
      std::ofstream(index, std::ios::binary | std::ios::trunc) << std::string(5000, 'Z');
    }
    std::filesystem::remove(index + "-wal");
    std::filesystem::remove(index + "-shm");
    CliOutcome recovered = RunCli(history_json, out.path());
    INFO(recovered.err);
    REQUIRE(recovered.exit_code == 0);
    CHECK(recovered.err.find("taskcost: warning: " + index) != std::string::npos);
    CHECK(recovered.err.find("it holds only derived data: deleted, to be rebuilt from the run "
                             "directories") != std::string::npos);
    CHECK(json::parse(recovered.out).at("runs") == h.at("runs"));
    CHECK(json::parse(recovered.out).at("weeks") == h.at("weeks"));
  }
}

TEST_CASE("e2e: history and summary usage errors") {
  TempDir out;
  CliOutcome since = RunCli({"history", "--since", "soon", "--results", out.path()}, out.path());
  CHECK(since.exit_code == 2);
  CHECK(since.err.find("--since: expected a count and a unit") != std::string::npos);
  CliOutcome format = RunCli({"history", "--format", "pdf", "--results", out.path()}, out.path());
  CHECK(format.exit_code == 2);
  CliOutcome missing = RunCli({"summary", out.path() + "/nowhere"}, out.path());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err ==
        "taskcost: error: no results directory " + out.path() +
            "/nowhere (runs are written to results/<suite>/<run-id>; see --results)\n");
  CHECK_FALSE(std::filesystem::exists(out.path() + "/nowhere"));
  CliOutcome unknown = RunCli({"history", "no-such-suite", "--results", out.path()}, out.path());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "taskcost: error: no run of suite \"no-such-suite\" under " + out.path() + "\n");
}

}  // namespace taskcost
