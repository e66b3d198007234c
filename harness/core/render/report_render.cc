#include "harness/core/render/report_render.h"

#include <algorithm>

#include "harness/core/render/report_expert.h"
#include "harness/core/render/report_format.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kReset = "\033[0m";
constexpr const char* kRepeatSpreadIntro =
    "each repeat taken as a run of its own; sd is the sample standard deviation over repeats";

std::string Paint(const std::string& text, const char* code, bool color) {
  return color ? code + text + kReset : text;
}

const char* DecisionColor(Decision d) {
  switch (d) {
    case Decision::kSwitch:
      return kGreen;
    case Decision::kKeep:
      return kBold;
    case Decision::kInconclusive:
      return kYellow;
  }
  return kBold;
}

// Display width of UTF-8 text: code points (the report prints no wide characters).
size_t Width(const std::string& text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
}

std::string Pad(const std::string& text, size_t width, bool right) {
  const std::string fill(width > Width(text) ? width - Width(text) : 0, ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string RenderTerminalTable(const ReportTable& t, bool color) {
  std::vector<size_t> widths(t.header.size(), 0);
  for (size_t i = 0; i < t.header.size(); ++i) widths[i] = Width(t.header[i]);
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += (i == 0 ? "" : "  ") + Pad(cells[i], widths[i], t.right_aligned[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = Paint(line(t.header), kBold, color);
  for (const auto& row : t.rows) out += line(row);
  return out;
}

namespace {

std::string Heading(const Report& report) {
  std::string text = "taskcost report: " + report.suite_name;
  if (!report.run_id.empty()) text += ", run " + report.run_id;
  return text;
}

std::string RunLine(const Report& report) {
  return "unit: " + report.unit + "; " + std::to_string(report.samples) + " samples x " +
         std::to_string(report.repeats) + (report.repeats == 1 ? " repeat" : " repeats") +
         "; baseline " + (report.baseline_id.empty() ? "none" : report.baseline_id);
}

}  // namespace

std::string RenderTerminal(const Report& report, bool color) {
  std::string out = Paint(Heading(report), kBold, color) + "\n" + RunLine(report) + "\n" +
                    SpendLine(report) + "\n";
  if (report.calls_in_flight > 0) out += Paint(InFlightLine(report), kYellow, color) + "\n";
  if (report.simulated) out += Paint("note: " + std::string(kSimulatedNote), kYellow, color) + "\n";
  if (report.Partial()) out += Paint(PartialBanner(report), kYellow, color) + "\n";
  out += "\n" + RenderTerminalTable(MainTable(report), color);
  out += "\n" + RenderTerminalTable(DetailTable(report), color);
  for (const std::string& note : NotRunNotes(report))
    out += Paint("note: " + note, kYellow, color) + "\n";
  for (const std::string& note : TimePricedNotes(report)) out += "note: " + note + "\n";
  const ReportTable spread = RepeatSpreadTable(report);
  if (!spread.rows.empty()) {
    out += "\n" + Paint("repeat spread", kBold, color) + " (" + kRepeatSpreadIntro + ")\n";
    out += RenderTerminalTable(spread, color);
  }

  const ReportTable failures = FailureTable(report);
  out += "\n" + Paint("failures", kBold, color) +
         " (failed attempts: every failed call by its own class; failed tasks: each failed task "
         "by its last attempt's class)\n";
  out += failures.rows.empty() ? "none\n" : RenderTerminalTable(failures, color);

  const ReportTable cascades = CascadeTable(report);
  if (!cascades.rows.empty()) {
    out += "\n" + Paint("cascades and chains", kBold, color) +
           " (past step 1: tasks a cascade escalated, or a chain took to its second step; each "
           "step's calls and share of the candidate's cost)\n";
    out += RenderTerminalTable(cascades, color);
  }
  const ReportTable scorers = ScorerTable(report);
  if (!scorers.rows.empty()) {
    out += "\n" + Paint("scorers", kBold, color) +
           " (each task's last answer; scorer errors are not the model's failures)\n";
    out += RenderTerminalTable(scorers, color);
  }
  for (const std::string& note : UnjudgedNotes(report)) {
    out += Paint("note: " + note, kYellow, color) + "\n";
  }
  if (const ReportTable judges = JudgeTable(report); !judges.rows.empty()) {
    out += "\n" + Paint("LLM judges", kBold, color) + " (" + JudgeTableNote(false) + ")\n";
    out += RenderTerminalTable(judges, color);
  }
  if (const ReportTable cache = PromptCacheTable(report); !cache.rows.empty()) {
    out += "\n" + Paint("prompt caching", kBold, color) + " (" + PromptCacheNote(false) + ")\n";
    out += RenderTerminalTable(cache, color);
  }
  for (const std::string& w : PromptCacheWarnings(report)) {
    out += Paint("warning: " + w, kYellow, color) + "\n";
  }

  const ReportTable outliers = OutlierTable(report, kOutliersShown);
  out += "\n" + Paint("outliers", kBold, color) + " (tasks costing more than " +
         std::to_string(report.outlier_cost_factor) + "x their candidate's median task cost)\n";
  out += outliers.rows.empty() ? "none\n" : RenderTerminalTable(outliers, color);

  if (report.human.present) {
    out += "\n" + Paint("human alternative", kBold, color) + ": " + HumanSummary(report) + "\n";
    out += RenderTerminalTable(HumanTable(report), color);
    for (const std::string& w : NegativeRoiWarnings(report)) out += Paint(w, kRed, color) + "\n";
  }
  if (report.expert) {
    out += "\n" + Paint("expert quality", kBold, color) + ": " + ExpertSummary(report) + "\n";
    out += RenderTerminalTable(ExpertQualityTable(report), color);
  }

  out += "\n" +
         Paint("verdict: " + OverallLine(report), DecisionColor(report.overall.decision), color) +
         "\n";
  for (const Comparison& c : report.comparisons) {
    out += "  " + Paint(VerdictLine(report, c), DecisionColor(c.decision), color) + "\n";
  }
  return out;
}

namespace {

// Backslash-escapes the characters GFM would read as markup or as a cell boundary.
std::string EscapeMarkdown(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (std::string_view("\\|*_`<>[]#$").find(ch) != std::string_view::npos) out += '\\';
    out += ch;
  }
  return out;
}

std::string MarkdownTable(const ReportTable& t) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& cell : cells) out += " " + EscapeMarkdown(cell) + " |";
    return out + "\n";
  };
  std::string out = line(t.header) + "|";
  for (bool right : t.right_aligned) out += right ? " ---: |" : " :--- |";
  out += "\n";
  for (const auto& row : t.rows) out += line(row);
  return out;
}

std::string MarkdownSection(const std::string& title, const std::string& intro,
                            const ReportTable& t) {
  std::string out = "\n#### " + title + "\n\n";
  if (!intro.empty()) out += intro + "\n\n";
  return out + (t.rows.empty() ? "None.\n" : MarkdownTable(t));
}

}  // namespace

std::string RenderMarkdown(const Report& report) {
  std::string out = "### " + EscapeMarkdown(Heading(report)) + "\n\n" +
                    EscapeMarkdown(RunLine(report)) + "\n\n" + EscapeMarkdown(SpendLine(report)) +
                    "\n\n";
  if (report.calls_in_flight > 0) out += EscapeMarkdown(InFlightLine(report)) + "\n\n";
  if (report.simulated) out += "> **Note:** " + std::string(kSimulatedNote) + ".\n\n";
  if (report.Partial()) out += "> **" + EscapeMarkdown(PartialBanner(report)) + ".**\n\n";
  out += "**Verdict: " + EscapeMarkdown(OverallLine(report)) + "**\n\n";
  for (const Comparison& c : report.comparisons) {
    out += "- " + EscapeMarkdown(VerdictLine(report, c)) + "\n";
  }
  if (!report.comparisons.empty()) out += "\n";
  out += MarkdownTable(MainTable(report));
  out += MarkdownSection("Details", "", DetailTable(report));
  std::vector<std::string> notes = NotRunNotes(report);
  for (std::string& note : TimePricedNotes(report)) notes.push_back(std::move(note));
  if (!notes.empty()) out += "\n";
  for (const std::string& note : notes) out += "- " + EscapeMarkdown(note) + "\n";
  const ReportTable spread = RepeatSpreadTable(report);
  if (!spread.rows.empty()) {
    out += MarkdownSection("Repeat spread", std::string(kRepeatSpreadIntro) + ".", spread);
  }
  out += MarkdownSection("Failures by class",
                         "Failed attempts: every failed call by its own class. Failed tasks: each "
                         "failed task by its last attempt's class.",
                         FailureTable(report));
  const ReportTable cascades = CascadeTable(report);
  if (!cascades.rows.empty()) {
    out += MarkdownSection("Cascades and chains",
                           "Past step 1: tasks a cascade escalated, or a chain took to its second "
                           "step. Each step's calls and share of the candidate's cost.",
                           cascades);
  }
  const ReportTable scorers = ScorerTable(report);
  if (!scorers.rows.empty()) {
    out += MarkdownSection("Scorers",
                           "Each task's last answer. Scorer errors are not the model's failures.",
                           scorers);
  }
  for (const std::string& note : UnjudgedNotes(report)) {
    out += "\n> " + EscapeMarkdown(note) + "\n";
  }
  if (const ReportTable judges = JudgeTable(report); !judges.rows.empty()) {
    out += MarkdownSection("LLM judges", JudgeTableNote(true), judges);
  }
  if (const ReportTable cache = PromptCacheTable(report); !cache.rows.empty()) {
    out += MarkdownSection("Prompt caching", PromptCacheNote(true), cache);
  }
  const std::vector<std::string> cache_warnings = PromptCacheWarnings(report);
  if (!cache_warnings.empty()) out += "\n";
  for (const std::string& w : cache_warnings) out += "> **Warning:** " + EscapeMarkdown(w) + "\n";
  out +=
      MarkdownSection("Outliers",
                      "Tasks costing more than " + std::to_string(report.outlier_cost_factor) +
                          "x their candidate's median task cost (at most " +
                          std::to_string(kOutliersShown) + " per candidate; all in report.json).",
                      OutlierTable(report, kOutliersShown));
  if (report.human.present) {
    out += MarkdownSection("Human alternative", EscapeMarkdown(HumanSummary(report)) + ".",
                           HumanTable(report));
    const std::vector<std::string> warnings = NegativeRoiWarnings(report);
    if (!warnings.empty()) out += "\n";
    for (const std::string& w : warnings) out += "> **" + EscapeMarkdown(w) + "**\n";
  }
  if (report.expert) {
    out += MarkdownSection("Expert quality", EscapeMarkdown(ExpertSummary(report)) + ".",
                           ExpertQualityTable(report));
  }
  return out;
}

}  // namespace taskcost
