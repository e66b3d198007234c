// The demo, checked the way a sceptical finance partner would: every figure the terminal
// prints for the example suite is recomputed here from attempts.jsonl and configs/prices.yaml
// alone, with integer arithmetic written for this test (not the report code), to the last
// printed digit.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/cli_process.h"

namespace taskcost::demo_e2e_test {
namespace {
using nlohmann::json;

// "2.00" USD per 1M tokens -> picodollars per token (= micro-dollars per 1M), exactly.
int64_t PicosPerToken(const std::string& per_million) {
  const size_t dot = per_million.find('.');
  std::string whole = per_million.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : per_million.substr(dot + 1);
  frac.resize(6, '0');
  return std::stoll(whole) * 1'000'000 + std::stoll(frac);
}

struct Price {
  int64_t in = 0, out = 0, cached = 0, write = 0;
};

std::map<std::string, Price> LoadPrices(const std::string& path) {
  std::map<std::string, Price> prices;
  for (const auto& entry : YAML::LoadFile(path)["models"]) {
    const YAML::Node& m = entry.second;
    Price p;
    p.in = PicosPerToken(m["input"].Scalar());
    p.out = PicosPerToken(m["output"].Scalar());
    p.cached = m["cached_input"] ? PicosPerToken(m["cached_input"].Scalar()) : p.in;
    p.write = m["cache_write"] ? PicosPerToken(m["cache_write"].Scalar()) : p.in;
    prices[entry.first.Scalar()] = p;
  }
  return prices;
}

int64_t DivRound(int64_t a, int64_t b) { return (2 * a + b) / (2 * b); }  // a, b >= 0

// The report's documented money rule: 5 significant digits, at least 2 and at most 12
// decimals, half away from zero, trailing zeros after the second decimal dropped.
std::string Usd(int64_t picos) {
  if (picos == 0) return "0.00";
  const int digits = static_cast<int>(std::to_string(picos).size());
  const int decimals = std::clamp(5 - 1 - (digits - 1 - 12), 2, 12);
  int64_t unit = 1;
  for (int i = 0; i < 12 - decimals; ++i) unit *= 10;
  const int64_t scaled = DivRound(picos, unit);
  std::string text = std::to_string(scaled);
  if (static_cast<int>(text.size()) <= decimals) {
    text.insert(0, static_cast<size_t>(decimals) + 1 - text.size(), '0');
  }
  text.insert(text.size() - static_cast<size_t>(decimals), ".");
  while (text.size() - text.find('.') > 3 && text.back() == '0') text.pop_back();
  return text;
}

struct Task {
  int last_attempt = 0;
  bool success = false;
  int64_t cost = 0;
};

struct Figures {
  int64_t total = 0;
  int successes = 0;
  std::vector<int64_t> task_costs;
};

// Nearest rank: the value at 1-based rank ceil(p/100 * n) of the sorted values.
int64_t Percentile(std::vector<int64_t> v, int p) {
  std::sort(v.begin(), v.end());
  const size_t rank = (static_cast<size_t>(p) * v.size() + 99) / 100;
  return v[std::max<size_t>(rank, 1) - 1];
}

std::vector<std::string> TableRow(const std::string& out, const std::string& candidate) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;) cells.push_back(w);
    if (cells.size() > 4 && cells[0] == candidate && cells[1].find('/') != std::string::npos) {
      return cells;
    }
    if (cells.size() > 5 && cells[0] == candidate && cells[1] == "(baseline)") {
      cells.erase(cells.begin() + 1);
      return cells;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("e2e: the demo's printed figures recompute from the journal and the price list") {
  TempDir out;
  const std::string root = TASKCOST_SOURCE_DIR;
  CliOutcome run = RunCli({"run", "suites/support-triage/suite.yaml", "--simulate", "--quiet",
                           "--no-cache", "--out", out.path() + "/run"},
                          root);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  const json manifest = json::parse(ReadFileText(out.path() + "/run/run.json"));
  const std::map<std::string, Price> prices = LoadPrices(root + "/configs/prices.yaml");
  std::map<std::string, std::string> model_of;
  for (const json& c : manifest.at("candidates")) {
    model_of[c.at("id").get<std::string>()] = c.at("model").get<std::string>();
  }

  std::map<std::string, std::map<std::string, Task>> tasks;  // candidate -> sample/repeat -> task
  std::istringstream journal(ReadFileText(out.path() + "/run/attempts.jsonl"));
  std::string line;
  std::getline(journal, line);  // header
  int lines = 0;
  while (std::getline(journal, line)) {
    const json a = json::parse(line);
    if (a.at("type") == "sent") continue;  // a call about to go out; its attempt line follows
    const std::string candidate = a.at("candidate").get<std::string>();
    const Price& p = prices.at(model_of.at(candidate));
    const json& u = a.at("usage");
    const int64_t cost = u.at("input_tokens").get<int64_t>() * p.in +
                         u.at("cached_input_tokens").get<int64_t>() * p.cached +
                         u.at("cache_write_tokens").get<int64_t>() * p.write +
                         u.at("output_tokens").get<int64_t>() * p.out;
    CHECK(cost == a.at("cost_picousd").get<int64_t>());
    Task& t = tasks[candidate][a.at("sample").get<std::string>() + "/" +
                               std::to_string(a.at("repeat").get<int>())];
    t.cost += cost;
    if (a.at("attempt").get<int>() > t.last_attempt) {
      t.last_attempt = a.at("attempt").get<int>();
      t.success = a.at("success").get<bool>();
    }
    ++lines;
  }
  CHECK(lines >= 400);

  const json report = json::parse(ReadFileText(out.path() + "/run/report.json"));
  std::map<std::string, int64_t> per_success;
  for (const json& c : report.at("candidates")) {
    const std::string id = c.at("id").get<std::string>();
    Figures f;
    for (const auto& [key, task] : tasks[id]) {
      f.total += task.cost;
      f.successes += task.success ? 1 : 0;
      f.task_costs.push_back(task.cost);
    }
    REQUIRE(f.task_costs.size() == 100);
    REQUIRE(f.successes > 0);
    per_success[id] = DivRound(f.total, f.successes);
    CHECK(c.at("total_cost_picousd").get<int64_t>() == f.total);
    CHECK(c.at("successes").get<int>() == f.successes);
    CHECK(c.at("cost_per_successful_task_picousd").get<int64_t>() == per_success[id]);

    // The terminal row: success, att/task, $/successful task, p50, p95.
    std::vector<std::string> row = TableRow(run.out, id);
    REQUIRE_MESSAGE(row.size() > 6, id);
    CHECK(row[1] == std::to_string(f.successes) + "/100");
    CHECK(row[4] == Usd(per_success[id]));
    const size_t p50 = c.at("baseline").get<bool>() ? 5 : 6;  // others print (+-x%) after $
    CHECK(row[p50] == Usd(Percentile(f.task_costs, 50)));
    CHECK(row[p50 + 1] == Usd(Percentile(f.task_costs, 95)));
  }

  // The change against the baseline, one decimal, from the rounded per-success figures.
  const std::string baseline = report.at("baseline").get<std::string>();
  for (const auto& [id, value] : per_success) {
    if (id == baseline) continue;
    const int64_t tenths = DivRound(std::abs(value - per_success[baseline]) * 1000,
                                    per_success[baseline]);
    const std::string sign = value < per_success[baseline] ? "-" : "+";
    const std::string change = "(" + sign + std::to_string(tenths / 10) + "." +
                               std::to_string(tenths % 10) + "%)";
    CHECK(TableRow(run.out, id)[5] == change);
  }
}

}  // namespace taskcost::demo_e2e_test
