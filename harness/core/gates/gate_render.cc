// Rendering a GateReport: terminal lines, JUnit XML and a Markdown job summary (gate.h).
#include <cstdio>

#include "harness/core/gates/gate.h"
#include "harness/core/render/html.h"

namespace taskcost {
namespace {

std::string Who(const GateCheck& check) {
  return check.candidate.empty() ? "run" : check.candidate;
}

std::string Verdict(const GateReport& report) {
  const int64_t failed = report.Count(CheckOutcome::kFail);
  const int64_t skipped = report.Count(CheckOutcome::kSkipped);
  std::string text = report.Passed() ? "passed" : "FAILED";
  text += ": " + std::to_string(failed) + " of " + std::to_string(report.checks.size()) +
          " checks failed";
  if (skipped > 0) text += ", " + std::to_string(skipped) + " skipped";
  return text;
}

// Characters XML 1.0 cannot hold are dropped; markup characters are escaped (EscapeHtml's
// entities are XML's too); a newline inside an attribute stays a newline as &#10;.
std::string Xml(const std::string& text) {
  std::string out, run;
  for (char c : text) {
    if (c == '\n') {
      out += EscapeHtml(run) + "&#10;";
      run.clear();
    } else if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
      run += c;
    }
  }
  return out + EscapeHtml(run);
}

// The body of a <failure>: one "key: value" line per figure (escaped as text, not attribute).
std::string FailureBody(const GateCheck& check) {
  std::string body = "candidate: " + Who(check) + "\nbaseline: " + check.baseline +
                     "\nnow: " + check.now + "\nchange: " + check.change +
                     "\nlimit: " + check.limit + "\n";
  if (!check.why.empty()) body += "why: " + check.why + "\n";
  std::string out;
  for (char c : body) out += c == '\n' ? std::string("\n") : Xml(std::string(1, c));
  return out;
}

std::string TestCase(const GateReport& report, const GateCheck& check) {
  std::string out = "    <testcase classname=\"" + Xml(report.suite_name + "." + Who(check)) +
                    "\" name=\"" + Xml(check.title) + "\" time=\"0\"";
  if (check.outcome == CheckOutcome::kPass) return out + "/>\n";
  out += ">\n";
  if (check.outcome == CheckOutcome::kSkipped) {
    out += "      <skipped message=\"" + Xml(check.why) + "\"/>\n";
  } else {
    out += "      <failure message=\"" + Xml(CheckSentence(check)) + "\" type=\"" + Xml(check.id) +
           "\">" + FailureBody(check) + "</failure>\n";
  }
  return out + "    </testcase>\n";
}

std::string Property(const std::string& name, const std::string& value) {
  return "      <property name=\"" + Xml(name) + "\" value=\"" + Xml(value) + "\"/>\n";
}

std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string CheckSentence(const GateCheck& check) {
  return check.title + ": baseline " + check.baseline + ", now " + check.now + ", change " +
         check.change + ", limit " + check.limit;
}

std::string RenderGateText(const GateReport& report) {
  std::string out = "taskcost gate: suite " + report.suite_name + ", run " + report.run_id + " (" +
                    report.run_label + ") against baseline " + report.baseline_run_id + " (" +
                    report.baseline_label + ")\n";
  for (const std::string& note : report.notes) out += "note: " + note + "\n";
  for (const GateCheck& check : report.checks) {
    const char* tag = check.outcome == CheckOutcome::kPass   ? "PASS"
                      : check.outcome == CheckOutcome::kFail ? "FAIL"
                                                             : "SKIP";
    out += std::string(tag) + "  " + Who(check) + "  " + CheckSentence(check);
    if (!check.why.empty()) out += "; " + check.why;
    out += "\n";
  }
  return out + "gate " + Verdict(report) + "\n";
}

std::string RenderGateJUnit(const GateReport& report) {
  const std::string counts = " tests=\"" + std::to_string(report.checks.size()) + "\" failures=\"" +
                             std::to_string(report.Count(CheckOutcome::kFail)) +
                             "\" errors=\"0\" skipped=\"" +
                             std::to_string(report.Count(CheckOutcome::kSkipped)) + "\" time=\"0\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"taskcost gate\"" + counts + ">\n";
  out += "  <testsuite name=\"" + Xml("taskcost gate: " + report.suite_name) + "\"" + counts +
         ">\n    <properties>\n";
  out += Property("run", report.run_label) + Property("run_id", report.run_id);
  out += Property("baseline", report.baseline_label);
  out += Property("baseline_run_id", report.baseline_run_id);
  for (const std::string& note : report.notes) out += Property("note", note);
  out += "    </properties>\n";
  for (const GateCheck& check : report.checks) out += TestCase(report, check);
  return out + "  </testsuite>\n</testsuites>\n";
}

std::string RenderGateMarkdown(const GateReport& report) {
  std::string out = "## taskcost gate: " + report.suite_name + " " + Verdict(report) + "\n\n";
  out += "Run `" + report.run_id + "` (`" + report.run_label + "`) against baseline `" +
         report.baseline_run_id + "` (`" + report.baseline_label + "`).\n\n";
  out += "| result | candidate | check | baseline | now | change | limit |\n";
  out += "|---|---|---|---|---:|---:|---:|\n";
  for (const GateCheck& check : report.checks) {
    const std::string result = check.outcome == CheckOutcome::kFail   ? "**FAIL**"
                               : check.outcome == CheckOutcome::kPass ? "pass"
                                                                      : "skipped";
    out += "| " + result + " | " + Cell(Who(check)) + " | " + Cell(check.title) + " | " +
           Cell(check.baseline) + " | " + Cell(check.now) + " | " + Cell(check.change) + " | " +
           Cell(check.limit) + " |\n";
  }
  std::string reasons;
  for (const GateCheck& check : report.checks) {
    if (check.why.empty() || check.outcome == CheckOutcome::kPass) continue;
    reasons += "- " + Who(check) + ", " + check.title + ": " + check.why + "\n";
  }
  if (!reasons.empty()) out += "\nWhy:\n\n" + reasons;
  if (!report.notes.empty()) {
    out += "\nNotes:\n\n";
    for (const std::string& note : report.notes) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace taskcost
