// History end to end: three simulated runs of one suite (the first 2, 3 and 4 samples of
// kOneWrongSamples, so their figures differ) indexed into results/history.sqlite by `run`, then
// `history` marks them simulated and, asked to compare them, shows the change between them as
// worked out by hand below; the index is rebuilt from the run directories when deleted,
// damaged (garbage, truncated) or of another shape.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::history_e2e_test {

TEST_CASE("e2e: history across three runs shows the change between them") {
  using nlohmann::json;
  TempDir out;
  WriteSimSuite(out, {kOneWrongSamples, kTicketSchema, TicketSuite("triage", kBigAndSmall).c_str(),
                      kOneWrongProfile});
  const std::string results = out.path() + "/results";
  int n = 0;
  for (const char* limit : {"2", "3", "4"}) {
    // Named run directories: two runs within one second would share a default run id.
    const std::string dir = results + "/triage/run-" + std::to_string(++n);
    CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--quiet",
                             "--no-cache", "--limit", limit, "--results", results, "--out", dir},
                            out.path());
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  REQUIRE(std::filesystem::exists(results + "/history.sqlite"));

  const std::vector<std::string> history_json = {"history", "triage",   "--results",
                                                 results,   "--format", "json",
                                                 "--since", "1d",       "--include-simulated"};
  CliOutcome history = RunCli(history_json, out.path());
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  const json h = json::parse(history.out);
  // Per run (S3 is the one failure; every task one call, sim_suite.h):
  //          tasks  successes  small spent     per success              big spent      per success
  //   run-1    2        2      2 x 1.2e9=2.4e9  2.4e9 / 2 = 1.2e9        2 x 8e9 = 16e9  8e9
  //   run-2    3        2      3.6e9            3.6e9 / 2 = 1.8e9        24e9            12e9
  //   run-3    4        3      4.8e9            4.8e9 / 3 = 1.6e9        32e9            32e9/3
  // Changes, the same for both candidates (their costs scale alike): per success +50% then
  // (1.6 - 1.8) / 1.8 = -11.11%; spent +50% then +33.33%.
  struct Want {
    int64_t tasks, per_success, spent;
    std::optional<double> cost_change, spent_change;
  };
  const std::map<std::string, std::vector<Want>> want = {
      {"small",
       {{2, 1'200'000'000, 2'400'000'000, std::nullopt, std::nullopt},
        {3, 1'800'000'000, 3'600'000'000, 50.0, 50.0},
        {4, 1'600'000'000, 4'800'000'000, -100.0 / 9, 100.0 / 3}}},
      {"big",
       {{2, 8'000'000'000, 16'000'000'000, std::nullopt, std::nullopt},
        {3, 12'000'000'000, 24'000'000'000, 50.0, 50.0},
        {4, 10'666'666'667, 32'000'000'000, -100.0 / 9, 100.0 / 3}}},  // 32e9 / 3, rounded
  };
  for (const auto& [candidate, figures] : want) {
    CAPTURE(candidate);
    std::vector<json> runs;
    for (const json& r : h.at("runs")) {
      if (r.at("candidate") == candidate) runs.push_back(r);
    }
    REQUIRE(runs.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CAPTURE(i);  // runs in the order they started: 2, 3 then 4 tasks
      CHECK(runs[i].at("tasks_run") == figures[i].tasks);
      CHECK(runs[i].at("cost_per_successful_task_picousd") == figures[i].per_success);
      CHECK(runs[i].at("spent_picousd") == figures[i].spent);
      if (!figures[i].cost_change) {
        CHECK(runs[i].at("cost_change_pct").is_null());
        continue;
      }
      CHECK(runs[i].at("cost_change_pct").get<double>() ==
            doctest::Approx(*figures[i].cost_change));
      CHECK(runs[i].at("spent_change_pct").get<double>() ==
            doctest::Approx(*figures[i].spent_change));
    }
  }

  // Without --include-simulated the simulated runs are listed, marked, and compared with nothing.
  CliOutcome plain =
      RunCli({"history", "triage", "--results", results, "--format", "json"}, out.path());
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

  CliOutcome typo = RunCli({"history", "triag", "--results", results}, out.path());
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean \"triage\"?") != std::string::npos);

  // Text and HTML say the same; deleting the index loses nothing.
  CliOutcome text = RunCli({"history", "triage", "--results", results}, out.path());
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

}  // namespace taskcost::history_e2e_test
