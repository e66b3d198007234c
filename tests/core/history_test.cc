#include "harness/core/history.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace taskcost {
namespace {

constexpr int64_t kDay = 86'400'000;
// 2026-11-23 was a Monday: 20,780 days after 1970-01-01.
constexpr int64_t kMonday = 20'780 * kDay;

HistoryPoint Point(const std::string& run, int64_t at, const std::string& candidate, int64_t tasks,
                   int64_t successes, int64_t cost_picos) {
  HistoryPoint p;
  p.suite = "triage";
  p.run_id = run;
  p.run_dir = "triage/" + run;
  p.started_unix_ms = at;
  p.candidate = candidate;
  p.tasks_run = tasks;
  p.successes = successes;
  p.attempts = tasks;
  p.total_cost = Money::FromPicos(cost_picos);
  p.spent = p.total_cost;
  return p;
}

}  // namespace

TEST_CASE("history: dates and weeks are UTC, weeks start on Monday") {
  CHECK(DateOf(0) == "1970-01-01");
  CHECK(DateOf(kMonday) == "2026-11-23");
  CHECK(DateOf(kMonday + 6 * kDay + kDay - 1) == "2026-11-29");
  CHECK(WeekStart(kMonday) == kMonday);
  CHECK(WeekStart(kMonday + 6 * kDay + 3'600'000) == kMonday);  // Sunday 01:00
  CHECK(WeekStart(kMonday - 1) == kMonday - 7 * kDay);          // Sunday 23:59:59.999
  CHECK(WeekStart(0) == -3 * kDay);                             // Thursday -> Monday 12-29
}

TEST_CASE("history: --since takes hours, days or weeks") {
  CHECK(ParseSince("30d").value() == 30 * kDay);
  CHECK(ParseSince("12h").value() == 12 * 3'600'000);
  CHECK(ParseSince("2w").value() == 14 * kDay);
  for (const char* bad : {"30", "d", "-3d", "3m", "1.5d", ""}) {
    INFO(bad);
    REQUIRE_FALSE(ParseSince(bad).ok());
    CHECK(ParseSince(bad).error().message ==
          "--since: expected a count and a unit (h, d or w), e.g. 30d, got \"" + std::string(bad) +
              "\"");
  }
}

TEST_CASE("history: change against the previous run and week over week") {
  // Run 1 (week 1): 10 tasks, 8 successes, $0.04 -> $0.005 per success.
  // Run 2 (week 1, later): 10 tasks, 9 successes, $0.036 -> $0.004 (-20.0%), +10.0 pp.
  // Run 3 (week 2): 10 tasks, 10 successes, $0.05 -> $0.005 (+25.0%), +10.0 pp.
  // Week 1 sums runs 1-2: 20 tasks, 17 successes, $0.076 -> $0.0044706 (0.076/17);
  // week 2 vs week 1: (0.005 - 0.004470588235) / 0.004470588235 = +11.8%.
  const std::vector<HistoryPoint> points = {
      Point("r1", kMonday + kDay, "small", 10, 8, 40'000'000'000),
      Point("r2", kMonday + 2 * kDay, "small", 10, 9, 36'000'000'000),
      Point("r3", kMonday + 8 * kDay, "small", 10, 10, 50'000'000'000)};
  const std::vector<PeriodFigures> runs = ByRun(points);
  REQUIRE(runs.size() == 3);
  CHECK_FALSE(runs[0].cost_change);
  CHECK(runs[1].cost_per_success->picos() == 4'000'000'000);
  CHECK(runs[1].cost_change->Rounded(1000) == -200);
  CHECK(runs[1].success_change->Rounded(1000) == 100);
  CHECK(runs[2].cost_change->Rounded(1000) == 250);
  const std::vector<PeriodFigures> weeks = ByWeek(points);
  REQUIRE(weeks.size() == 2);
  CHECK(weeks[0].label == "2026-11-23");
  CHECK(weeks[0].runs == 2);
  CHECK(weeks[0].cost_per_success->picos() == 4'470'588'235);
  CHECK(weeks[1].label == "2026-11-30");
  CHECK(weeks[1].cost_change->Rounded(1000) == 118);

  HistoryView view{"triage", "results/history.sqlite", 0, points};
  const std::string text = RenderHistoryText(view);
  CHECK(text.find("3 runs") != std::string::npos);
  // The r2 row, word by word: suite, candidate, run, runs, $/success, change, success, change,
  // spent, change.
  std::istringstream row(text.substr(text.find("triage  small      r2")));
  std::vector<std::string> words(10);
  for (std::string& w : words) row >> w;
  CHECK(words == std::vector<std::string>{"triage", "small", "r2", "1", "0.004", "-20.0%", "90.0%",
                                          "+10.0", "pp", "0.036"});
  const nlohmann::json j = nlohmann::json::parse(HistoryToJson(view));
  CHECK(j.at("runs").size() == 3);
  CHECK(j.at("runs")[1].at("cost_per_successful_task_picousd") == 4'000'000'000);
  CHECK(j.at("weeks").size() == 2);
  const std::string html = RenderHistoryHtml(view);
  for (const char* chart : {"history-cost", "history-success", "history-spent"}) {
    CHECK(html.find(std::string("data-chart=\"") + chart + "\"") != std::string::npos);
  }
}

}  // namespace taskcost
