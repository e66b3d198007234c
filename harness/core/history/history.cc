#include "harness/core/history/history.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/core/render/charts.h"
#include "harness/core/render/html.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_render.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kWeekMs = 7 * kDayMs;

// (this - previous) / previous over two money amounts; unset when either is unknown or 0.
std::optional<Fraction> Change(const std::optional<Money>& now, const std::optional<Money>& was) {
  if (!now || !was || was->picos() == 0) return std::nullopt;
  return Fraction{now->picos() - was->picos(), was->picos()};
}

int64_t Finished(const PeriodFigures& f) { return f.tasks_run - f.tasks_unfinished; }

std::optional<Fraction> RateChange(const PeriodFigures& now, const PeriodFigures& was) {
  const int64_t n = Finished(now), w = Finished(was);
  if (n == 0 || w == 0) return std::nullopt;
  return Fraction{now.successes * w - was.successes * n, n * w};
}

void AddPoint(const HistoryPoint& p, PeriodFigures& f) {
  f.suite = p.suite;
  f.candidate = p.candidate;
  ++f.runs;
  f.tasks_run += p.tasks_run;
  f.successes += p.successes;
  f.total_cost += p.total_cost;
  f.spent += p.spent;
  f.tasks_unfinished += p.tasks_unfinished;
  f.tasks_not_run += p.tasks_not_run;
  f.partial = f.partial || p.Partial();
  f.simulated = f.simulated || p.simulated;
}

// Groups points into periods per (suite, candidate), keyed by `period_of`, then fills changes
// between the periods the filter compares. A point outside the filter is its own period, kept
// (compared = false) only with `keep_left_out`.
template <class PeriodOf>
std::vector<PeriodFigures> Periods(const std::vector<HistoryPoint>& points, PeriodOf period_of,
                                   const HistoryFilter& filter, bool keep_left_out) {
  std::vector<std::pair<std::string, std::string>> order;  // (suite, candidate), first seen
  std::map<std::pair<std::string, std::string>,
           std::map<std::pair<int64_t, std::string>, PeriodFigures>>
      groups;
  for (const HistoryPoint& p : points) {
    const bool compared = filter.Compares(p);
    if (!compared && !keep_left_out) continue;
    const auto key = std::make_pair(p.suite, p.candidate);
    if (!groups.count(key)) order.push_back(key);
    const auto [start, label] = period_of(p);
    PeriodFigures& f = groups[key][{start, label}];
    f.label = label;
    f.start_unix_ms = start;
    f.compared = compared;
    AddPoint(p, f);
  }
  std::vector<PeriodFigures> out;
  for (const auto& key : order) {
    std::optional<size_t> previous;  // index into out
    for (auto& [when, f] : groups[key]) {
      if (f.successes > 0) f.cost_per_success = f.total_cost.DividedBy(f.successes);
      if (!f.compared) {
        out.push_back(f);
        continue;
      }
      if (previous) {
        const PeriodFigures& was = out[*previous];
        f.cost_change = Change(f.cost_per_success, was.cost_per_success);
        f.success_change = RateChange(f, was);
        f.spent_change = Change(f.spent, was.spent);
      }
      out.push_back(f);
      previous = out.size() - 1;
    }
  }
  return out;
}

std::string Pct(const std::optional<Fraction>& f) {
  return f ? FormatPercent(*f, true) + "%" : "-";
}

std::string Pp(const std::optional<Fraction>& f) {
  return f ? FormatScaled(f->Rounded(1000), 1, true) + " pp" : "-";
}

std::string Rate(const PeriodFigures& f) {
  const Fraction rate{f.successes, Finished(f)};
  return rate.defined() ? FormatPercent(rate) + "%" : "n/a";
}

// "partial", "simulated", "partial, simulated" or "".
std::string Marks(const PeriodFigures& f) {
  std::string text = f.partial ? "partial" : "";
  if (f.simulated) text += text.empty() ? "simulated" : ", simulated";
  return text;
}

// With a "kind" column after the period when some period is marked.
ReportTable PeriodTable(const std::vector<PeriodFigures>& periods, const std::string& period) {
  ReportTable t;
  t.header = {"suite",  "candidate", period,   "runs",    "$/successful task",
              "change", "success",   "change", "spent $", "change"};
  t.right_aligned = {false, false, false, true, true, true, true, true, true, true};
  const bool marks = std::any_of(periods.begin(), periods.end(),
                                 [](const PeriodFigures& f) { return !Marks(f).empty(); });
  if (marks) {
    t.header.insert(t.header.begin() + 3, "kind");
    t.right_aligned.insert(t.right_aligned.begin() + 3, false);
  }
  for (const PeriodFigures& f : periods) {
    t.rows.push_back({f.suite, f.candidate, f.label, std::to_string(f.runs),
                      f.cost_per_success ? FormatUsd(*f.cost_per_success) : "n/a",
                      Pct(f.cost_change), Rate(f), Pp(f.success_change), FormatUsd(f.spent),
                      Pct(f.spent_change)});
    if (marks) {
      t.rows.back().insert(t.rows.back().begin() + 3,
                           Marks(f) + (f.compared || Marks(f).empty() ? "" : " (not compared)"));
    }
  }
  return t;
}

// Runs with a candidate the filter leaves out, by reason: "2 partial runs, 1 simulated run left
// out of changes and week over week (--include-partial, --include-simulated)"; "" when none.
std::string LeftOutLine(const HistoryView& view) {
  std::map<std::string, bool> partial, simulated;
  for (const HistoryPoint& p : view.points) {
    const std::string run = p.suite + "/" + p.run_id;
    if (!view.filter.include_partial && p.Partial()) partial[run] = true;
    if (!view.filter.include_simulated && p.simulated) simulated[run] = true;
  }
  std::vector<std::string> parts, flags;
  auto count = [&](size_t n, const char* kind, const char* flag) {
    if (n == 0) return;
    parts.push_back(std::to_string(n) + " " + kind + (n == 1 ? " run" : " runs"));
    flags.push_back(flag);
  };
  count(partial.size(), "partial", "--include-partial");
  count(simulated.size(), "simulated", "--include-simulated");
  if (parts.empty()) return "";
  std::string text = parts[0] + (parts.size() > 1 ? " and " + parts[1] : "") +
                     " left out of changes and week over week (";
  return text + flags[0] + (flags.size() > 1 ? ", " + flags[1] : "") + " to compare them)";
}

std::string Heading(const HistoryView& view) {
  std::string text = "taskcost history: " + view.title + " (" + view.source + "), ";
  std::map<std::string, bool> runs;
  for (const HistoryPoint& p : view.points) runs[p.suite + "/" + p.run_id] = true;
  text += std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs");
  if (view.since_unix_ms > 0) text += " since " + DateOf(view.since_unix_ms);
  return text;
}

void OptionalMoney(Json& j, const std::string& name, const std::optional<Money>& m) {
  j[name + "_picousd"] = m ? Json(m->picos()) : Json(nullptr);
  j[name + "_usd"] = m ? Json(m->ToUsdDouble()) : Json(nullptr);
}

Json PeriodJson(const PeriodFigures& f, const char* label_key) {
  Json j;
  j["suite"] = f.suite;
  j["candidate"] = f.candidate;
  j[label_key] = f.label;
  j["start_unix_ms"] = f.start_unix_ms;
  j["runs"] = f.runs;
  j["tasks_run"] = f.tasks_run;
  j["tasks_unfinished"] = f.tasks_unfinished;
  j["tasks_not_run"] = f.tasks_not_run;
  j["partial"] = f.partial;
  j["simulated"] = f.simulated;
  j["compared"] = f.compared;
  j["successes"] = f.successes;
  const Fraction rate{f.successes, Finished(f)};
  j["success_rate"] = rate.defined() ? Json(rate.ToDouble()) : Json(nullptr);
  OptionalMoney(j, "total_cost", f.total_cost);
  OptionalMoney(j, "spent", f.spent);
  OptionalMoney(j, "cost_per_successful_task", f.cost_per_success);
  j["cost_change_pct"] = f.cost_change ? Json(f.cost_change->ToDouble() * 100) : Json(nullptr);
  j["success_change_pp"] =
      f.success_change ? Json(f.success_change->ToDouble() * 100) : Json(nullptr);
  j["spent_change_pct"] = f.spent_change ? Json(f.spent_change->ToDouble() * 100) : Json(nullptr);
  return j;
}

// One line chart of a figure per (suite, candidate) over runs.
template <class Value>
std::string HistoryChart(const std::string& name, const std::string& title,
                         const std::vector<PeriodFigures>& runs, Value value,
                         const TickLabel& y_tick, bool several_suites) {
  std::vector<LineSeries> series;
  std::map<std::string, size_t> index;
  for (const PeriodFigures& f : runs) {
    const std::optional<int64_t> y = value(f);
    if (!y) continue;
    const std::string key = several_suites ? f.suite + "/" + f.candidate : f.candidate;
    if (!index.count(key)) {
      index[key] = series.size();
      series.push_back({key, {}});
    }
    const std::string marks = Marks(f);
    series[index[key]].points.push_back(
        {f.start_unix_ms, *y, key + " " + f.label + (marks.empty() ? "" : " (" + marks + ")"),
         !f.compared});
  }
  // Dates, or dates and times when the runs span less than three days.
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const PeriodFigures& f : runs) {
    first = std::min(first, f.start_unix_ms);
    last = std::max(last, f.start_unix_ms);
  }
  const bool times = last - first < 3 * kDayMs;
  const TickLabel x_tick = [times](int64_t ms) {
    if (!times) return DateOf(ms);
    const int64_t minutes = (ms % kDayMs + kDayMs) % kDayMs / 60'000;
    char clock[16];
    std::snprintf(clock, sizeof clock, " %02d:%02d", static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return DateOf(ms) + clock;
  };
  return "<figure id=\"chart-" + name + "\">\n" + LineChart(name, title, series, x_tick, y_tick) +
         "<figcaption>" + EscapeHtml(title) + "</figcaption>\n</figure>\n";
}

}  // namespace

std::vector<HistoryPoint> HistoryPointsOf(const Report& report, int64_t started_unix_ms,
                                          const std::string& run_dir) {
  std::vector<HistoryPoint> points;
  for (const CandidateMetrics& c : report.candidates) {
    points.push_back({report.suite_name, report.run_id, run_dir, started_unix_ms, report.simulated,
                      c.id, c.baseline, c.tasks_run, c.successes, c.attempts, c.total_cost, c.spent,
                      c.tasks_unfinished, c.tasks_not_run});
  }
  return points;
}

Result<int64_t> ParseSince(const std::string& text) {
  const Error bad =
      MakeError("--since: expected a count and a unit (h, d or w), e.g. 30d, got \"" + text + "\"");
  if (text.size() < 2) return Errors{bad};
  const char unit = text.back();
  const int64_t per = unit == 'h' ? kDayMs / 24 : unit == 'd' ? kDayMs : unit == 'w' ? kWeekMs : 0;
  const std::string digits = text.substr(0, text.size() - 1);
  if (per == 0 || digits.size() > 6 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return Errors{bad};
  }
  return std::stoll(digits) * per;
}

int64_t WeekStart(int64_t unix_ms) {
  // 1970-01-01 was a Thursday: Monday 1969-12-29 is day -3.
  const int64_t day = (unix_ms >= 0 ? unix_ms : unix_ms - kDayMs + 1) / kDayMs;
  const int64_t since_monday = ((day + 3) % 7 + 7) % 7;
  return (day - since_monday) * kDayMs;
}

std::string DateOf(int64_t unix_ms) {
  // Civil date from days since the epoch (Howard Hinnant's algorithm).
  int64_t z = (unix_ms >= 0 ? unix_ms : unix_ms - kDayMs + 1) / kDayMs + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buffer;
}

std::vector<PeriodFigures> ByRun(const std::vector<HistoryPoint>& points,
                                 const HistoryFilter& filter) {
  return Periods(
      points, [](const HistoryPoint& p) { return std::make_pair(p.started_unix_ms, p.run_id); },
      filter, true);
}

std::vector<PeriodFigures> ByWeek(const std::vector<HistoryPoint>& points,
                                  const HistoryFilter& filter) {
  return Periods(
      points,
      [](const HistoryPoint& p) {
        const int64_t week = WeekStart(p.started_unix_ms);
        return std::make_pair(week, DateOf(week));
      },
      filter, false);
}

std::string RenderHistoryText(const HistoryView& view) {
  std::string out = Heading(view) + "\n";
  if (view.points.empty()) return out + "no runs indexed in this period\n";
  if (const std::string left_out = LeftOutLine(view); !left_out.empty()) {
    out += "note: " + left_out + "\n";
  }
  out += "\nby run (change: against the candidate's previous compared run)\n" +
         RenderTerminalTable(PeriodTable(ByRun(view.points, view.filter), "run"), false);
  const std::vector<PeriodFigures> weeks = ByWeek(view.points, view.filter);
  out += "\nweek over week (weeks start Monday 00:00 UTC; a week sums its compared runs)\n";
  out += weeks.empty() ? "no compared run in this period\n"
                       : RenderTerminalTable(PeriodTable(weeks, "week"), false);
  return out;
}

std::string HistoryToJson(const HistoryView& view) {
  Json j;
  j["format"] = "taskcost-history";
  j["version"] = 1;
  j["title"] = view.title;
  j["since_unix_ms"] = view.since_unix_ms > 0 ? Json(view.since_unix_ms) : Json(nullptr);
  j["include_partial"] = view.filter.include_partial;
  j["include_simulated"] = view.filter.include_simulated;
  j["runs"] = Json::array();
  for (const PeriodFigures& f : ByRun(view.points, view.filter)) {
    j["runs"].push_back(PeriodJson(f, "run_id"));
  }
  j["weeks"] = Json::array();
  for (const PeriodFigures& f : ByWeek(view.points, view.filter)) {
    j["weeks"].push_back(PeriodJson(f, "week"));
  }
  return j.dump(2) + "\n";
}

std::string RenderHistoryHtml(const HistoryView& view) {
  std::string body = "<header>\n<h1>" + EscapeHtml("history: " + view.title) + "</h1>\n" +
                     HtmlParagraph(Heading(view), "meta") + "</header>\n";
  if (view.points.empty()) {
    body += HtmlParagraph("No runs indexed in this period.");
    return HtmlPage("taskcost history: " + view.title, body);
  }
  const std::vector<PeriodFigures> runs = ByRun(view.points, view.filter);
  const std::string left_out = LeftOutLine(view);
  if (!left_out.empty()) {
    body += HtmlParagraph(left_out + "; their points are drawn hollow and not joined", "warn");
  }
  bool several = false;
  for (const HistoryPoint& p : view.points) several = several || p.suite != view.points[0].suite;
  const auto money = [](int64_t picos) { return FormatUsd(Money::FromPicos(picos)); };
  std::string charts = "<div class=\"charts\">\n";
  charts += HistoryChart(
      "history-cost", "Cost per successful task over time", runs,
      [](const PeriodFigures& f) -> std::optional<int64_t> {
        if (!f.cost_per_success) return std::nullopt;
        return f.cost_per_success->picos();
      },
      money, several);
  charts += HistoryChart(
      "history-success", "Success rate over time", runs,
      [](const PeriodFigures& f) -> std::optional<int64_t> {
        if (Finished(f) == 0) return std::nullopt;
        return Fraction{f.successes, Finished(f)}.Rounded(10000);
      },
      [](int64_t bp) {
        return FormatPercent(Fraction{bp, 10000}) + "%";
      },
      several);
  charts += HistoryChart(
      "history-spent", "Spend per run", runs,
      [](const PeriodFigures& f) -> std::optional<int64_t> { return f.spent.picos(); }, money,
      several);
  body += HtmlSection("charts", "Over time", charts + "</div>\n");
  body +=
      HtmlSection("runs", "By run",
                  HtmlParagraph("change: against the candidate's previous compared run", "note") +
                      HtmlTable(PeriodTable(runs, "run"), "runs-table"));
  const std::vector<PeriodFigures> weeks = ByWeek(view.points, view.filter);
  body += HtmlSection(
      "weeks", "Week over week",
      HtmlParagraph("weeks start Monday 00:00 UTC; a week sums its compared runs", "note") +
          (weeks.empty() ? HtmlParagraph("No compared run in this period.")
                         : HtmlTable(PeriodTable(weeks, "week"), "weeks-table")));
  return HtmlPage("taskcost history: " + view.title, body);
}

}  // namespace taskcost
