#include "harness/core/history/history.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace taskcost::history_test {
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

}  // namespace taskcost::history_test

namespace taskcost::history_test {

TEST_CASE("history: partial and simulated runs are marked and left out of comparisons") {
  // small, three weeks:
  //   r1 (week 1): 10 tasks, 8 successes, $0.04 -> $0.005 per success
  //   r2 (week 1): budget-stopped: 7 of 10 planned tasks run (3 not run), 2 of them unfinished:
  //                5 finished, 4 successes (80.0%), $0.03 spent -> $0.03 / 4 = $0.0075
  //   r3 (week 2): simulated: 10 tasks, 10 successes, $0.01 -> $0.001
  //   r4 (week 3): 10 tasks, 9 successes, $0.045 -> $0.005
  // By default r2 and r3 are listed but not compared: r4's change is against r1: 0.0%, +10.0 pp
  // (90% vs 80%). Weeks: week 1 is r1 alone, week 2 has no compared run, week 3 against week 1.
  std::vector<HistoryPoint> points = {
      Point("r1", kMonday + kDay, "small", 10, 8, 40'000'000'000),
      Point("r2", kMonday + 2 * kDay, "small", 7, 4, 30'000'000'000),
      Point("r3", kMonday + 8 * kDay, "small", 10, 10, 10'000'000'000),
      Point("r4", kMonday + 15 * kDay, "small", 10, 9, 45'000'000'000)};
  points[1].tasks_unfinished = 2;
  points[1].tasks_not_run = 3;
  points[2].simulated = true;
  CHECK(points[1].SuccessRate().Rounded(1000) == 800);  // 4 of 5 finished

  const std::vector<PeriodFigures> runs = ByRun(points);
  REQUIRE(runs.size() == 4);
  CHECK(runs[1].partial);
  CHECK_FALSE(runs[1].compared);
  CHECK_FALSE(runs[1].cost_change);
  CHECK(runs[2].simulated);
  CHECK_FALSE(runs[2].compared);
  CHECK(runs[3].cost_change->Rounded(1000) == 0);       // $0.005 vs r1's $0.005
  CHECK(runs[3].success_change->Rounded(1000) == 100);  // 90% vs 80%
  const std::vector<PeriodFigures> weeks = ByWeek(points);
  REQUIRE(weeks.size() == 2);
  CHECK(weeks[0].runs == 1);
  CHECK(weeks[1].label == "2026-12-07");
  CHECK(weeks[1].cost_change->Rounded(1000) == 0);

  SUBCASE("--include-partial and --include-simulated compare them") {
    HistoryFilter all{true, true};
    const std::vector<PeriodFigures> every = ByRun(points, all);
    // r2 against r1: $0.0075 vs $0.005 = +50.0%; 80% vs 80% = 0.0 pp.
    CHECK(every[1].compared);
    CHECK(every[1].cost_change->Rounded(1000) == 500);
    CHECK(every[1].success_change->Rounded(1000) == 0);
    // Week 1 sums r1 and r2: 10 + 5 = 15 finished tasks, 8 + 4 = 12 successes,
    // $0.04 + $0.03 = $0.07: $0.07 / 12 = $0.005833333333.
    const std::vector<PeriodFigures> all_weeks = ByWeek(points, all);
    REQUIRE(all_weeks.size() == 3);
    CHECK(all_weeks[0].cost_per_success->picos() == 5'833'333'333);
    CHECK(all_weeks[0].tasks_unfinished == 2);
  }

  HistoryView view{"triage", "results/history.sqlite", 0, points};
  const std::string text = RenderHistoryText(view);
  CHECK(text.find("note: 1 partial run and 1 simulated run left out of changes and week over "
                  "week (--include-partial, --include-simulated to compare them)") !=
        std::string::npos);
  std::istringstream row(text.substr(text.find("triage  small      r2")));
  std::vector<std::string> words(6);
  for (std::string& w : words) row >> w;
  CHECK(words == std::vector<std::string>{"triage", "small", "r2", "partial", "(not", "compared)"});
  const nlohmann::json j = nlohmann::json::parse(HistoryToJson(view));
  CHECK(j.at("include_partial") == false);
  CHECK(j.at("runs")[1].at("partial") == true);
  CHECK(j.at("runs")[1].at("compared") == false);
  CHECK(j.at("runs")[1].at("tasks_unfinished") == 2);
  CHECK(j.at("runs")[1].at("success_rate") == 0.8);
  CHECK(j.at("runs")[2].at("simulated") == true);
  CHECK(j.at("weeks").size() == 2);
  const std::string html = RenderHistoryHtml(view);
  CHECK(html.find("left out of changes and week over week") != std::string::npos);
  CHECK(html.find("class=\"s0 hollow\"") != std::string::npos);  // r2, r3 drawn open
}

}  // namespace taskcost::history_test
