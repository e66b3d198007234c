#include "harness/core/history/summary.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "harness/core/render/charts.h"
#include "harness/core/render/html.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_render.h"

namespace taskcost {
namespace {

std::string TagOf(const RunManifest& manifest, const ManifestCandidate* candidate,
                  const std::string& name) {
  if (candidate != nullptr) {
    auto own = candidate->tags.find(name);
    if (own != candidate->tags.end()) return own->second;
  }
  auto suite = manifest.tags.find(name);
  return suite == manifest.tags.end() ? "" : suite->second;
}

std::string Usd(const std::optional<Money>& m) { return m ? FormatUsd(*m) : "n/a"; }

// amount x count, unset past Money's range.
std::optional<Money> Times(Money amount, int64_t count) {
  try {
    return amount.Times(count);
  } catch (const std::overflow_error&) {
    return std::nullopt;
  }
}

void Combine(FeatureSummary& f) {
  bool complete = true, all_volume = true;
  Money ai_total, human_total, saving;
  for (const SuiteSummary& s : f.suites) {
    f.volume_per_month += s.volume_per_month;
    complete = complete && s.ai_cost_per_task && s.human_cost_per_task;
    all_volume = all_volume && s.volume_per_month > 0;
    if (!s.ai_cost_per_task || !s.human_cost_per_task) continue;
    const auto ai = Times(*s.ai_cost_per_task, s.volume_per_month);
    const auto human = Times(*s.human_cost_per_task, s.volume_per_month);
    if (!ai || !human) {
      complete = false;
      continue;
    }
    ai_total += *ai;
    human_total += *human;
  }
  if (f.suites.size() == 1) {
    f.ai_cost_per_task = f.suites[0].ai_cost_per_task;
    f.human_cost_per_task = f.suites[0].human_cost_per_task;
  } else if (complete && all_volume) {
    f.ai_cost_per_task = ai_total.DividedBy(f.volume_per_month);
    f.human_cost_per_task = human_total.DividedBy(f.volume_per_month);
  }
  if (!f.ai_cost_per_task || !f.human_cost_per_task) return;
  f.negative_roi = *f.ai_cost_per_task > *f.human_cost_per_task;
  // The multiple of the volume-weighted totals when there is volume, else of the per-task costs.
  const bool weighted = complete && all_volume && f.volume_per_month > 0;
  const int64_t human = weighted ? human_total.picos() : f.human_cost_per_task->picos();
  const int64_t ai = weighted ? ai_total.picos() : f.ai_cost_per_task->picos();
  if (ai > 0) f.roi = Fraction{human, ai};
  if (weighted) f.monthly_saving = human_total - ai_total;
}

// The flag column: "NEGATIVE ROI", "partial run", both, or "".
std::string Flags(bool negative_roi, bool partial) {
  std::string text = negative_roi ? "NEGATIVE ROI" : "";
  if (partial) text += text.empty() ? "partial run" : ", partial run";
  return text;
}

bool AnyPartial(const FeatureSummary& f) {
  return std::any_of(f.suites.begin(), f.suites.end(),
                     [](const SuiteSummary& s) { return s.partial; });
}

ReportTable SummaryTable(const std::vector<FeatureSummary>& features) {
  ReportTable t;
  t.header = {"feature",   "suite",        "team", "candidate",        "tasks/month",
              "AI $/task", "human $/task", "ROI",  "monthly saving $", ""};
  t.right_aligned = {false, false, false, false, true, true, true, true, true, false};
  for (const FeatureSummary& f : features) {
    const std::string flag = Flags(f.negative_roi, AnyPartial(f));
    if (f.suites.size() > 1) {
      t.rows.push_back({f.feature, "(" + std::to_string(f.suites.size()) + " suites)", "", "",
                        std::to_string(f.volume_per_month), Usd(f.ai_cost_per_task),
                        Usd(f.human_cost_per_task), FormatRoi(f.roi), Usd(f.monthly_saving), flag});
    }
    for (const SuiteSummary& s : f.suites) {
      FeatureSummary one{s.feature, {s}};
      Combine(one);
      t.rows.push_back({f.suites.size() > 1 ? "" : f.feature, s.suite, s.team,
                        s.candidate + (s.switched ? " (switch)" : ""),
                        std::to_string(s.volume_per_month), Usd(one.ai_cost_per_task),
                        Usd(one.human_cost_per_task), FormatRoi(one.roi), Usd(one.monthly_saving),
                        f.suites.size() > 1 ? Flags(one.negative_roi, s.partial) : flag});
    }
  }
  return t;
}

std::vector<std::string> Warnings(const std::vector<FeatureSummary>& features) {
  std::vector<std::string> out;
  for (const FeatureSummary& f : features) {
    for (const SuiteSummary& s : f.suites) {
      if (!s.partial) continue;
      out.push_back("PARTIAL RUN: " + s.suite + ": run " + s.run_id + " left " +
                    std::to_string(s.tasks_unfinished) + " tasks unfinished and " +
                    std::to_string(s.tasks_not_run) +
                    " not run; its figures cover its finished tasks (taskcost run --resume "
                    "finishes it)");
    }
  }
  for (const FeatureSummary& f : features) {
    if (!f.negative_roi) continue;
    out.push_back("NEGATIVE ROI: " + f.feature + ": AI plus review costs $" +
                  Usd(f.ai_cost_per_task) + " per task, more than the human alone ($" +
                  Usd(f.human_cost_per_task) + ")");
  }
  return out;
}

}  // namespace

SuiteSummary SummariseRun(const Report& report, const RunManifest& manifest) {
  SuiteSummary s;
  s.suite = report.suite_name;
  s.run_id = report.run_id;
  s.candidate = report.overall.candidate_id;
  s.switched = report.overall.decision == Decision::kSwitch;
  const ManifestCandidate* chosen = nullptr;
  for (const ManifestCandidate& c : manifest.candidates) {
    if (c.id == s.candidate) chosen = &c;
  }
  s.feature = TagOf(manifest, chosen, "feature");
  if (s.feature.empty()) s.feature = s.suite;
  s.team = TagOf(manifest, chosen, "team");
  s.volume_per_month = report.volume_per_month;
  s.partial = report.Partial();
  for (const CandidateMetrics& c : report.candidates) {
    s.tasks_unfinished += c.tasks_unfinished;
    s.tasks_not_run += c.tasks_not_run;
  }
  if (report.human.present) s.human_cost_per_task = report.human_cost_per_task;
  if (const CandidateMetrics* m = report.Find(s.candidate); m != nullptr && m->cost_per_success) {
    s.ai_cost_per_task = *m->cost_per_success + report.review_cost_per_task;
  }
  return s;
}

std::vector<FeatureSummary> ByFeature(const std::vector<SuiteSummary>& suites) {
  std::map<std::string, FeatureSummary> by_name;
  for (const SuiteSummary& s : suites) {
    FeatureSummary& f = by_name[s.feature];
    f.feature = s.feature;
    f.suites.push_back(s);
  }
  std::vector<FeatureSummary> out;
  for (auto& [name, f] : by_name) {
    std::sort(f.suites.begin(), f.suites.end(),
              [](const SuiteSummary& a, const SuiteSummary& b) { return a.suite < b.suite; });
    Combine(f);
    out.push_back(std::move(f));
  }
  return out;
}

std::string RenderSummaryText(const std::vector<FeatureSummary>& features,
                              const std::string& results) {
  std::string out = "taskcost summary: " + results +
                    ", the latest run of each suite; AI $/task = "
                    "cost per successful task of the chosen candidate + human review\n\n";
  if (features.empty()) return out + "no runs found\n";
  out += RenderTerminalTable(SummaryTable(features), false);
  for (const std::string& w : Warnings(features)) out += w + "\n";
  return out;
}

std::string RenderSummaryHtml(const std::vector<FeatureSummary>& features,
                              const std::string& results) {
  std::string body = "<header>\n<h1>Cost per task across features</h1>\n" +
                     HtmlParagraph(results +
                                       ": the latest run of each suite; AI $/task = cost "
                                       "per successful task of the chosen candidate + human review",
                                   "meta") +
                     "</header>\n";
  for (const std::string& w : Warnings(features)) body += HtmlParagraph(w, "warn");
  std::vector<BarRow> rows;
  for (const FeatureSummary& f : features) {
    BarRow row{f.feature, {}};
    if (f.human_cost_per_task) {
      row.bars.push_back({f.human_cost_per_task->picos(), "human $" + Usd(f.human_cost_per_task),
                          "bar human", "human cost per task"});
    }
    row.bars.push_back({f.ai_cost_per_task ? f.ai_cost_per_task->picos() : 0,
                        "AI $" + Usd(f.ai_cost_per_task) + " · ROI " + FormatRoi(f.roi),
                        f.negative_roi ? "bar neg" : "bar", "AI cost per task"});
    rows.push_back(std::move(row));
  }
  const std::string title = "Human against AI cost per task, by feature";
  body +=
      HtmlSection("features", "Features",
                  HtmlTable(SummaryTable(features), "summary-table") +
                      "<div class=\"charts\">\n<figure id=\"chart-summary-cost\">\n" +
                      HBarChart("summary-cost", title, rows,
                                [](int64_t p) { return FormatUsd(Money::FromPicos(p)); }) +
                      "<figcaption>" + EscapeHtml(title) + "</figcaption>\n</figure>\n</div>\n");
  return HtmlPage("taskcost summary", body);
}

}  // namespace taskcost
