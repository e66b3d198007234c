#include "harness/core/render/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

#include "harness/core/render/charts.h"
#include "harness/core/render/html.h"
#include "harness/core/render/report_expert.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_render.h"
#include "harness/core/render/report_tables.h"
#include "harness/core/render/svg.h"

namespace taskcost {
namespace {

std::string MoneyTick(int64_t picos) { return FormatUsd(Money::FromPicos(picos)); }
std::string UsdText(const std::optional<Money>& m) { return m ? "$" + FormatUsd(*m) : "n/a"; }

std::string DecisionClass(Decision d) { return std::string(DecisionName(d)); }

std::string Figure(std::string_view id, std::string_view caption, std::string_view svg,
                   std::string_view extra = "") {
  return "<figure id=\"chart-" + EscapeHtml(id) + "\">\n" + std::string(svg) + std::string(extra) +
         "<figcaption>" + EscapeHtml(caption) + "</figcaption>\n</figure>\n";
}

// A chart that has nothing to draw still appears, with the reason in its caption.
std::string EmptyChart(std::string_view id, std::string_view title, std::string_view why) {
  Svg svg(id, 640, 60, title);
  svg.Text(320, 35, why, "muted", TextAnchor::kMiddle);
  return Figure(id, std::string(title) + ": " + std::string(why), svg.Finish());
}

std::string VerdictSection(const Report& report) {
  std::string out = "<section id=\"verdict\" class=\"verdict " +
                    DecisionClass(report.overall.decision) + "\">\n<p class=\"overall\">" +
                    EscapeHtml("verdict: " + OverallLine(report)) + "</p>\n";
  if (!report.comparisons.empty()) {
    out += "<ul>\n";
    for (const Comparison& c : report.comparisons) {
      out += "<li class=\"" + DecisionClass(c.decision) + "\">" +
             EscapeHtml(VerdictLine(report, c)) + "</li>\n";
    }
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

std::string CostPerSuccessChart(const Report& report) {
  std::vector<BarRow> rows;
  for (const CandidateMetrics& c : report.candidates) {
    Bar bar{c.cost_per_success ? c.cost_per_success->picos() : 0,
            UsdText(c.cost_per_success) + (c.baseline ? " (baseline)" : ""),
            c.baseline ? "bar baseline" : "bar", c.id + ": cost per successful task"};
    rows.push_back({c.id, {bar}});
  }
  const std::string title = "Cost per successful " + report.unit + " by candidate";
  return Figure("cost-per-success", title + " (the baseline in purple)",
                HBarChart("cost-per-success", title, rows, MoneyTick));
}

std::string DistributionChart(const Report& report) {
  std::map<std::string, std::vector<const TaskFigures*>> by_candidate;
  for (const TaskFigures& t : report.tasks) {  // finished tasks: the percentiles' own
    if (t.state == TaskState::kSucceeded || t.state == TaskState::kFailed) {
      by_candidate[t.candidate_id].push_back(&t);
    }
  }
  std::vector<StripRow> rows;
  for (const CandidateMetrics& c : report.candidates) {
    if (!c.task_cost_p50) continue;
    StripRow row{c.id,
                 {},
                 {},
                 c.task_cost_p50->picos(),
                 c.task_cost_p95->picos(),
                 "p50 " + FormatUsd(*c.task_cost_p50) + " · p95 " + FormatUsd(*c.task_cost_p95)};
    const Money threshold = c.task_cost_p50->Times(report.outlier_cost_factor);
    for (const TaskFigures* t : by_candidate[c.id]) {
      row.values.push_back(t->cost.picos());
      row.outlier.push_back(t->cost > threshold);
    }
    rows.push_back(std::move(row));
  }
  std::string title =
      "Cost per task: every task, p50 (black) and p95 (amber); outliers "
      "(more than " +
      std::to_string(report.outlier_cost_factor) + "x the median) in red";
  if (report.Partial()) title += "; finished tasks only (partial run)";
  if (rows.empty()) return EmptyChart("cost-distribution", title, "no task finished");
  return Figure("cost-distribution", title,
                StripChart("cost-distribution", title, rows, MoneyTick));
}

std::string FailuresChart(const Report& report) {
  std::vector<StackRow> rows;
  std::vector<ErrorClass> seen;
  for (const CandidateMetrics& c : report.candidates) {
    int64_t failed = 0;
    for (const ClassCount& f : c.attempt_failures) failed += f.count;
    StackRow row{
        c.id, {}, std::to_string(c.attempts) + " attempts, " + std::to_string(failed) + " failed"};
    row.segments.push_back({c.attempts - failed, "c-ok", "succeeded attempts"});
    for (const ClassCount& f : c.attempt_failures) {
      const std::string name(ErrorClassName(f.error));
      row.segments.push_back({f.count, "c-" + name, name + ": " + std::to_string(f.count)});
      if (std::find(seen.begin(), seen.end(), f.error) == seen.end()) seen.push_back(f.error);
    }
    rows.push_back(std::move(row));
  }
  std::sort(seen.begin(), seen.end());
  std::string legend = "<div class=\"legend\"><span><i class=\"c-ok\"></i>succeeded</span>";
  for (ErrorClass e : seen) {
    const std::string name(ErrorClassName(e));
    legend += "<span><i class=\"c-" + name + "\"></i>" + EscapeHtml(name) + "</span>";
  }
  legend += "</div>\n";
  const std::string title = "Attempts by outcome: succeeded, and failed by class";
  return Figure("attempts-failures", title, StackedBarChart("attempts-failures", title, rows),
                legend);
}

// The quality axis: the mean expert score (in thousandths, on the rubric's scale) once review
// sheets were imported, else the success rate (in basis points).
// The quality axis: expert scores when imported, else the suite's quality: scorers' mean score
// (0-1) when any candidate has one, else the success rate.
struct QualityAxis {
  bool expert = false;
  bool scorer = false;
  int64_t min = 0, max = 10000;

  explicit QualityAxis(const Report& report) {
    if (report.expert) {
      expert = true;
      min = report.expert->scale_min * 1000;
      max = report.expert->scale_max * 1000;
      return;
    }
    for (const CandidateMetrics& c : report.candidates) scorer = scorer || c.quality_score;
  }
  std::optional<int64_t> Of(const CandidateMetrics& c) const {
    if (scorer) {
      if (!c.quality_score) return std::nullopt;
      return std::llround(*c.quality_score * 10000);
    }
    if (!expert) return c.SuccessRate().Rounded(10000);
    if (!c.expert_quality || !c.expert_quality->mean) return std::nullopt;
    return std::llround(*c.expert_quality->mean * 1000);
  }
  std::string Name() const {
    return expert ? "expert quality" : scorer ? "quality score" : "success";
  }
  std::string Tick(int64_t y) const {
    if (scorer) return FormatScore(static_cast<double>(y) / 10000);
    return expert ? FormatQuality(static_cast<double>(y) / 1000)
                  : FormatPercent(Fraction{y, 10000}) + "%";
  }
  std::string Text(const CandidateMetrics& c) const {
    if (scorer) return "quality score " + FormatScore(c.quality_score);
    return expert ? "expert quality " + ExpertQualityCell(c)
                  : FormatPercent(c.SuccessRate()) + "% success";
  }
};

std::string QualityChart(const Report& report) {
  const QualityAxis axis(report);
  std::vector<ScatterPoint> points;
  std::vector<std::pair<int64_t, int64_t>> cost_quality;
  for (const CandidateMetrics& c : report.candidates) {
    const std::optional<int64_t> quality = axis.Of(c);
    if (!c.cost_per_success || !quality) continue;
    points.push_back(
        {c.id, c.cost_per_success->picos(), *quality, c.baseline ? "pt baseline" : "pt",
         c.id + ": $" + FormatUsd(*c.cost_per_success) + " per successful task, " + axis.Text(c)});
    cost_quality.push_back({c.cost_per_success->picos(), *quality});
  }
  const std::string title = "Quality (" + axis.Name() + ") against cost per successful " +
                            report.unit +
                            "; green: the cheapest candidates not worse on both (Pareto front)";
  if (points.empty()) return EmptyChart("quality-cost", title, "no candidate to place");
  const std::vector<bool> front = ParetoFront(cost_quality);
  int64_t low = axis.max;
  for (size_t i = 0; i < points.size(); ++i) {
    if (front[i]) points[i].cls = "pt front";
    low = std::min(low, points[i].y);
  }
  // Success rates: from the nearest 10% below the lowest; expert scores: the whole scale.
  const int64_t y_min = axis.expert ? axis.min : std::max<int64_t>(0, (low - 500) / 1000 * 1000);
  return Figure("quality-cost", title,
                ScatterChart(
                    "quality-cost", title, points, front, "$ per successful task", MoneyTick,
                    axis.Name(), [&axis](int64_t y) { return axis.Tick(y); }, y_min, axis.max));
}

std::string ExpertSection(const Report& report) {
  if (!report.expert) return "";
  return HtmlSection(
      "expert", "Expert quality",
      HtmlParagraph(ExpertSummary(report)) + HtmlTable(ExpertQualityTable(report), "expert-table"));
}

std::string HumanChart(const Report& report) {
  const std::string title = "Human cost per " + report.unit +
                            " against the AI's effective cost (cost per successful task + review)";
  if (!report.human.present) {
    return EmptyChart("human-vs-ai", title, "the suite has no human: block");
  }
  std::vector<BarRow> rows;
  for (const CandidateMetrics& c : report.candidates) {
    BarRow row{c.id, {}};
    row.bars.push_back({report.human_cost_per_task.picos(),
                        "human $" + FormatUsd(report.human_cost_per_task), "bar human",
                        "human cost per task"});
    if (c.roi) {
      row.bars.push_back(
          {c.roi->effective_cost_per_task.picos(),
           "AI $" + FormatUsd(c.roi->effective_cost_per_task) + " · ROI " + FormatRoi(c.roi->roi),
           c.roi->negative ? "bar neg" : (c.baseline ? "bar baseline" : "bar"),
           "effective AI cost per task"});
    } else {
      row.bars.push_back({0, "AI n/a (no success)", "bar", "no successful task"});
    }
    rows.push_back(std::move(row));
  }
  return Figure("human-vs-ai", title, HBarChart("human-vs-ai", title, rows, MoneyTick));
}

std::string MonthlyChart(const Report& report) {
  const std::string title = "Projected AI cost per month at " +
                            std::to_string(report.volume_per_month) + " " + report.unit +
                            " (volume x cost per successful task)";
  if (report.volume_per_month <= 0) {
    return EmptyChart("monthly-cost", "Projected AI cost per month",
                      "the suite gives no volume_per_month");
  }
  if (!report.human.present) {
    std::vector<BarRow> rows;
    for (const CandidateMetrics& c : report.candidates) {
      std::optional<Money> monthly;
      if (c.cost_per_success) {
        const Money per = *c.cost_per_success;
        if (per.picos() <= INT64_MAX / report.volume_per_month) {
          monthly = per.Times(report.volume_per_month);
        }
      }
      rows.push_back({c.id,
                      {{monthly ? monthly->picos() : 0, UsdText(monthly),
                        c.baseline ? "bar baseline" : "bar", c.id}}});
    }
    return Figure("monthly-cost", title, HBarChart("monthly-cost", title, rows, MoneyTick));
  }
  std::vector<BarRow> rows;
  for (const CandidateMetrics& c : report.candidates) {
    const std::optional<Money> monthly = c.roi ? c.roi->monthly_ai_cost : std::nullopt;
    std::string text = UsdText(monthly);
    if (c.roi && c.roi->monthly_saving) text += " · saves $" + FormatUsd(*c.roi->monthly_saving);
    rows.push_back(
        {c.id,
         {{monthly ? monthly->picos() : 0, text, c.baseline ? "bar baseline" : "bar", c.id}}});
  }
  return Figure("monthly-cost", title, HBarChart("monthly-cost", title, rows, MoneyTick));
}

std::string OutlierSection(const Report& report, const ReportEvidence& evidence) {
  std::string out = HtmlParagraph(
      "Tasks costing more than " + std::to_string(report.outlier_cost_factor) +
          "x their candidate's median task cost, costliest first (at most " +
          std::to_string(kOutliersShown) + " per candidate here; all in report.json).",
      "note");
  if (!evidence.note.empty()) out += HtmlParagraph(evidence.note, "note");
  bool any = false;
  for (const CandidateMetrics& c : report.candidates) {
    const size_t shown = std::min(kOutliersShown, c.outliers.size());
    for (size_t i = 0; i < shown; ++i) {
      const Outlier& o = c.outliers[i];
      any = true;
      std::string reasons;
      for (const std::string& r : o.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
      out += "<div class=\"outlier\" data-candidate=\"" + EscapeHtml(c.id) + "\">\n<h3>" +
             EscapeHtml(c.id + " · " + TaskName(report, o.sample_id, o.repeat) + " · $" +
                        FormatUsd(o.cost)) +
             "</h3>\n";
      std::string why = "why: " + (reasons.empty() ? std::string("no single cause") : reasons);
      why += " (" + std::to_string(o.input_tokens) + " input and " +
             std::to_string(o.output_tokens) + " output tokens in " + std::to_string(o.attempts) +
             (o.attempts == 1 ? " attempt" : " attempts") +
             "; the candidate's median task costs $" + FormatUsd(*c.task_cost_p50) + ")";
      out += HtmlParagraph(why);
      auto found = evidence.tasks.find(EvidenceKey(c.id, o.sample_id, o.repeat));
      const TaskEvidence* e = found == evidence.tasks.end() ? nullptr : &found->second;
      out += "<p>input</p><pre>" +
             EscapeHtml(e != nullptr && !e->input.empty() ? e->input : "(not available)") +
             "</pre>\n<p>output of the last attempt</p><pre>" +
             EscapeHtml(e != nullptr && !e->output.empty() ? e->output : "(empty)") + "</pre>\n";
      if (e != nullptr && !e->error.empty()) out += HtmlParagraph("failed: " + e->error, "warn");
      out += "</div>\n";
    }
    if (c.outliers.size() > shown) {
      out += HtmlParagraph(
          c.id + ": " + std::to_string(c.outliers.size() - shown) + " more in report.json", "note");
    }
  }
  if (!any) out += HtmlParagraph("None.");
  return out;
}

std::string HumanSection(const Report& report) {
  if (!report.human.present) return "";
  std::string inner =
      HtmlParagraph(HumanSummary(report)) + HtmlTable(HumanTable(report), "human-table");
  for (const std::string& w : NegativeRoiWarnings(report)) inner += HtmlParagraph(w, "warn");
  return HtmlSection("human", "Human alternative and ROI", inner);
}

}  // namespace

std::vector<bool> ParetoFront(const std::vector<std::pair<int64_t, int64_t>>& cost_quality) {
  std::vector<bool> front(cost_quality.size(), true);
  for (size_t i = 0; i < cost_quality.size(); ++i) {
    const auto [cost, quality] = cost_quality[i];
    for (size_t j = 0; j < cost_quality.size() && front[i]; ++j) {
      const auto [other_cost, other_quality] = cost_quality[j];
      if (j != i && other_cost <= cost && other_quality >= quality &&
          (other_cost < cost || other_quality > quality)) {
        front[i] = false;
      }
    }
  }
  return front;
}

std::string RenderHtml(const Report& report, const ReportEvidence& evidence) {
  std::string body = "<header>\n<h1>" + EscapeHtml(report.suite_name) + "</h1>\n";
  body += HtmlParagraph("run " + report.run_id + " · unit: " + report.unit + " · " +
                            std::to_string(report.samples) + " samples x " +
                            std::to_string(report.repeats) +
                            (report.repeats == 1 ? " repeat" : " repeats") + " · baseline " +
                            (report.baseline_id.empty() ? "none" : report.baseline_id),
                        "meta");
  body += HtmlParagraph(SpendLine(report), "meta");
  if (report.calls_in_flight > 0) body += HtmlParagraph(InFlightLine(report), "warn");
  if (report.simulated) body += HtmlParagraph("note: " + std::string(kSimulatedNote), "warn");
  if (report.Partial()) body += HtmlParagraph(PartialBanner(report), "warn partial");
  body += "</header>\n" + VerdictSection(report);

  std::string tables = HtmlTable(MainTable(report), "main-table") + "<h3>Details</h3>\n" +
                       HtmlTable(DetailTable(report), "detail-table");
  for (const std::string& note : NotRunNotes(report))
    tables += HtmlParagraph("note: " + note, "note");
  const ReportTable spread = RepeatSpreadTable(report);
  if (!spread.rows.empty())
    tables += "<h3>Repeat spread</h3>\n" + HtmlTable(spread, "spread-table");
  body += HtmlSection("candidates", "Candidates", tables);

  body += HtmlSection("charts", "Charts",
                      "<div class=\"charts\">\n" + CostPerSuccessChart(report) +
                          DistributionChart(report) + FailuresChart(report) + QualityChart(report) +
                          HumanChart(report) + MonthlyChart(report) + "</div>\n");

  const ReportTable failures = FailureTable(report);
  body += HtmlSection(
      "failures", "Failures by class",
      HtmlParagraph("Failed attempts: every failed call by its own class. Failed "
                    "tasks: each failed task by its last attempt's class.",
                    "note") +
          (failures.rows.empty() ? HtmlParagraph("None.") : HtmlTable(failures, "failure-table")));
  const ReportTable cascades = CascadeTable(report);
  if (!cascades.rows.empty()) {
    body += HtmlSection("cascades", "Cascades and chains",
                        HtmlParagraph("Past step 1: tasks a cascade escalated, or a chain took to "
                                      "its second step; each step's calls and share of the "
                                      "candidate's cost.",
                                      "note") +
                            HtmlTable(cascades, "cascade-table"));
  }
  const ReportTable scorers = ScorerTable(report);
  if (!scorers.rows.empty()) {
    std::string inner = HtmlParagraph(
        "Each task's last answer; scorer errors are not the model's failures.", "note");
    inner += HtmlTable(scorers, "scorer-table");
    for (const std::string& note : UnjudgedNotes(report)) inner += HtmlParagraph(note, "note");
    body += HtmlSection("scorers", "Scorers", inner);
  }
  if (const ReportTable judges = JudgeTable(report); !judges.rows.empty()) {
    body +=
        HtmlSection("judges", "LLM judges",
                    HtmlParagraph(JudgeTableNote(true), "note") + HtmlTable(judges, "judge-table"));
  }
  const ReportTable cache = PromptCacheTable(report);
  const std::vector<std::string> cache_warnings = PromptCacheWarnings(report);
  if (!cache.rows.empty() || !cache_warnings.empty()) {
    std::string inner;
    if (!cache.rows.empty()) {
      inner += HtmlParagraph(PromptCacheNote(true), "note") + HtmlTable(cache, "cache-table");
    }
    for (const std::string& w : cache_warnings) inner += HtmlParagraph("warning: " + w, "note");
    body += HtmlSection("prompt-cache", "Prompt caching", inner);
  }
  body += ExpertSection(report);
  body += HumanSection(report);
  body += HtmlSection("outliers", "Outlier tasks", OutlierSection(report, evidence));
  body +=
      "<footer>taskcost report · every figure is computed from run.json and attempts.jsonl "
      "and equals report.json (definitions: docs/report-format.md)</footer>\n";
  return HtmlPage("taskcost: " + report.suite_name + " " + report.run_id, body);
}

}  // namespace taskcost
