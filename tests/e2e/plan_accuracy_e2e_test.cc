// End to end: `taskcost plan` counts what is sent. On both example suites and on a prompt-mode
// copy of the triage suite, each candidate's expected cost is within 10% of what a clean
// simulated run (the suite's own simulator profile without its faults, so one attempt a task,
// as the expected figure assumes) actually costs; a cascade's actual cost lies between its best
// case (no task escalates) and every task escalating. The ratios are printed.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_process.h"

namespace taskcost::plan_accuracy_e2e_test {
namespace {

namespace fs = std::filesystem;

std::string Emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return std::string(out.c_str()) + "\n";
}

// The profile at `path` without faults, its answers file made absolute.
std::string CleanProfile(const std::string& path) {
  YAML::Node profile = YAML::LoadFile(path);
  const fs::path samples = fs::path(path).parent_path() / profile["answers"]["samples"].Scalar();
  profile["answers"]["samples"] = samples.lexically_normal().string();
  for (auto model : profile["models"]) {
    model.second.remove("faults");
    model.second.remove("fault_attempts");
  }
  return Emit(profile);
}

// The triage suite answering in prompt mode (the schema in the prompt), its files absolute.
std::string PromptModeSuite() {
  const std::string dir = std::string(TASKCOST_SOURCE_DIR) + "/suites/support-triage/";
  YAML::Node suite = YAML::LoadFile(dir + "suite.yaml");
  suite["suite"] = "support-triage-prompt";
  suite["output"]["mode"] = "prompt";
  suite["output"]["schema"] = dir + "schema.json";
  suite["samples"] = dir + "samples.jsonl";
  suite["providers"] = std::string(TASKCOST_SOURCE_DIR) + "/configs/providers.yaml";
  suite["prices"] = std::string(TASKCOST_SOURCE_DIR) + "/configs/prices.yaml";
  return Emit(suite);
}

struct Planned {
  double expected = 0;   // USD
  double escalated = 0;  // a cascade: every task through every step
};

// The candidates' expected $ from plan's table ("name ... expected worst" rows up to "total"),
// and a cascade's "($X if every task went through every step)" note.
std::map<std::string, Planned> ParsePlan(const std::string& text) {
  std::map<std::string, Planned> out;
  std::istringstream lines(text);
  std::string line;
  bool table = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (!w.empty() && w[0] == "candidate") {
      table = true;
      continue;
    }
    if (table && !w.empty() && w[0] == "total") table = false;
    if (table && w.size() >= 6) out[w[0]].expected = std::stod(w[w.size() - 2]);
    const size_t note = line.find(" if every task went through every step");
    if (note != std::string::npos) {
      const size_t dollar = line.rfind("($", note);
      out[line.substr(0, line.find(':'))].escalated =
          std::stod(line.substr(dollar + 2, note - dollar - 2));
    }
  }
  return out;
}

// What each candidate spent, from the journal (exact picodollars, in USD).
std::map<std::string, double> Spent(const std::string& journal) {
  std::map<std::string, int64_t> picos;
  std::istringstream lines(journal);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record.value("type", "") != "attempt") continue;
    picos[record.at("candidate").get<std::string>()] += record.at("cost_picousd").get<int64_t>();
  }
  std::map<std::string, double> usd;
  for (const auto& [id, p] : picos) usd[id] = static_cast<double>(p) / 1e12;
  return usd;
}

void CheckPlanAgainstRun(const std::string& suite, const std::string& profile_path) {
  TempDir dir;
  dir.Write("clean.yaml", CleanProfile(profile_path));
  // Every sample (100 a suite): the rules describe the suite, not its first rows.
  const std::vector<std::string> what = {suite, "--simulate", "clean.yaml", "--no-cache"};
  std::vector<std::string> plan_args = {"plan"}, run_args = {"run"};
  plan_args.insert(plan_args.end(), what.begin(), what.end());
  run_args.insert(run_args.end(), what.begin(), what.end());
  run_args.insert(run_args.end(), {"--out", "run", "--quiet"});
  CliOutcome plan = RunCli(plan_args, dir.path());
  REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
  CliOutcome run = RunCli(run_args, dir.path());
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::map<std::string, Planned> planned = ParsePlan(plan.out);
  const std::map<std::string, double> spent =
      Spent(ReadFileText(dir.path() + "/run/attempts.jsonl"));
  REQUIRE(planned.size() == spent.size());
  for (const auto& [id, actual] : spent) {
    REQUIRE(planned.count(id) == 1);
    const Planned& p = planned.at(id);
    MESSAGE(suite << ": " << id << ": expected $" << p.expected << ", actual $" << actual
                  << ", ratio " << p.expected / actual);
    if (p.escalated > 0) {  // a cascade: between no task escalating and every task escalating
      CHECK(p.expected <= actual);
      CHECK(actual <= p.escalated);
    } else {
      CHECK(p.expected / actual >= 0.9);
      CHECK(p.expected / actual <= 1.1);
    }
  }
}

}  // namespace

TEST_CASE("e2e plan: the expected cost is within 10% of a clean simulated run") {
  const std::string root = TASKCOST_SOURCE_DIR;
  SUBCASE("support-triage (native structured output, OpenAI and Anthropic)") {
    CheckPlanAgainstRun(root + "/suites/support-triage/suite.yaml",
                        root + "/configs/simulator.yaml");
  }
  SUBCASE("invoice-extraction (a larger schema, a cascade)") {
    CheckPlanAgainstRun(root + "/suites/invoice-extraction/suite.yaml",
                        root + "/suites/invoice-extraction/simulator.yaml");
  }
  SUBCASE("support-triage in prompt mode (instructions and schema in the prompt)") {
    TempDir dir;
    const std::string suite = dir.Write("suite.yaml", PromptModeSuite());
    CheckPlanAgainstRun(suite, root + "/configs/simulator.yaml");
  }
}

}  // namespace taskcost::plan_accuracy_e2e_test
