// The HTML report as a browser sees it: a real run of the example suite (simulated, a few
// samples) rendered with `report --format html`, opened in headless Chromium. Checks that the
// page loads with no console message (the page's CSP turns every attempted network request or
// script into one), that every chart is in the DOM, that the figures in its tables equal those
// in report.json, and keeps screenshots (desktop and phone width) in the artifacts directory.
// Every model output is replaced by a script and an image first: they must show as text.
// The history page of the run is checked the same way. A negative control proves the console
// check sees a blocked request and a blocked script.
// Exit 77 (skipped) when Chromium is missing and CI is unset; in CI a missing Chromium fails.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/core/render/html_report.h"
#include "harness/core/model/money.h"
#include "harness/core/render/report_format.h"
#include "tests/e2e/cli_process.h"

namespace taskcost {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int failures = 0;

// An answer that would log a console error and fetch an image if it ever became markup.
constexpr const char* kHostile =
    "<script>console.error(\"injected\")</script><img src=\"http://127.0.0.1:9/x.png\">";

void Check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

std::string FindChromium() {
  if (const char* env = std::getenv("CHROMIUM"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path == nullptr ? "/usr/bin" : path;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    size_t start = 0;
    while (start <= dirs.size()) {
      const size_t end = dirs.find(':', start);
      const fs::path candidate =
          fs::path(dirs.substr(start, end == std::string::npos ? std::string::npos : end - start)) /
          name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return "";
}

CliOutcome Chromium(const std::string& chromium, const std::vector<std::string>& extra,
                    const std::string& file) {
  std::vector<std::string> args = {
      "--headless=new", "--disable-gpu",           "--no-sandbox", "--disable-dev-shm-usage",
      "--no-first-run", "--enable-logging=stderr", "--v=0",        "--hide-scrollbars"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("file://" + fs::absolute(file).string());
  return RunProgram(chromium, args, fs::temp_directory_path().string());
}

// Console messages Chromium logged while loading the page ("...:INFO:CONSOLE:1] ...").
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string Unescape(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
      text.replace(at, std::string(from).size(), to);
    }
  }
  return text;
}

// The rows (cell texts) of the DOM table `id`, keyed by their first cell.
std::map<std::string, std::vector<std::string>> TableRows(const std::string& dom,
                                                          const std::string& id) {
  std::map<std::string, std::vector<std::string>> rows;
  const size_t table = dom.find("<table id=\"" + id + "\"");
  if (table == std::string::npos) return rows;
  const size_t table_end = dom.find("</table>", table);
  for (size_t tr = dom.find("<tr>", table); tr != std::string::npos && tr < table_end;
       tr = dom.find("<tr>", tr + 1)) {
    const size_t tr_end = dom.find("</tr>", tr);
    std::vector<std::string> cells;
    for (size_t td = dom.find("<td", tr); td != std::string::npos && td < tr_end;
         td = dom.find("<td", td + 1)) {
      const size_t open_end = dom.find('>', td) + 1;
      cells.push_back(Unescape(dom.substr(open_end, dom.find("</td>", open_end) - open_end)));
    }
    if (!cells.empty()) rows[cells[0]] = cells;
  }
  return rows;
}

std::string Usd(const json& picos) {
  return picos.is_null() ? "n/a" : FormatUsd(Money::FromPicos(picos.get<int64_t>()));
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Every figure of report.json the main, detail and human tables print.
void CheckFigures(const std::string& dom, const json& report) {
  const auto main_rows = TableRows(dom, "main-table");
  const auto detail_rows = TableRows(dom, "detail-table");
  const auto human_rows = TableRows(dom, "human-table");
  Check(main_rows.size() == report.at("candidates").size(), "one main-table row per candidate");
  for (const json& c : report.at("candidates")) {
    const std::string id = c.at("id").get<std::string>();
    const std::string label = c.at("baseline").get<bool>() ? id + " (baseline)" : id;
    auto row = main_rows.find(label);
    Check(row != main_rows.end(), "main-table row for " + label);
    if (row == main_rows.end() || row->second.size() < 6) continue;
    const std::vector<std::string>& cells = row->second;
    Check(StartsWith(cells[1], std::to_string(c.at("successes").get<int>()) + "/" +
                                   std::to_string(c.at("tasks_run").get<int>()) + " "),
          id + " success cell " + cells[1]);
    Check(StartsWith(cells[3], Usd(c.at("cost_per_successful_task_picousd"))),
          id + " $/successful task " + cells[3]);
    Check(cells[4] == Usd(c.at("task_cost_p50_picousd")), id + " p50 " + cells[4]);
    Check(cells[5] == Usd(c.at("task_cost_p95_picousd")), id + " p95 " + cells[5]);
    auto detail = detail_rows.find(id);
    Check(detail != detail_rows.end() && detail->second.size() > 5 &&
              detail->second[3] == Usd(c.at("total_cost_picousd")) &&
              detail->second[5] == Usd(c.at("task_cost_max_picousd")),
          id + " detail total and max $/task");
    if (!c.at("roi").is_null()) {
      auto human = human_rows.find(id);
      const json& roi = c.at("roi");
      Check(human != human_rows.end() && human->second.size() > 4 &&
                human->second[1] == Usd(roi.at("effective_cost_per_task_picousd")) &&
                human->second[3] == Usd(roi.at("monthly_saving_picousd")) &&
                human->second[4] == Usd(roi.at("projected_monthly_cost_picousd")),
            id + " human table");
    }
    // The cost-per-success bar is labelled with the same amount.
    const size_t chart = dom.find("data-chart=\"cost-per-success\"");
    const size_t group = dom.find("data-row=\"" + id + "\"", chart);
    Check(group != std::string::npos &&
              dom.find(">$" + Usd(c.at("cost_per_successful_task_picousd")), group) <
                  dom.find("</g>", group),
          id + " cost-per-success bar label");
  }
}

int Main(const std::string& artifacts) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    if (std::getenv("CI") != nullptr) {
      std::fprintf(stderr, "FAIL: chromium not found and CI is set: the browser test must run\n");
      return 1;
    }
    std::fprintf(stderr, "SKIP: chromium not found (install Debian's chromium package)\n");
    return 77;
  }
  TempDir temp;
  const std::string run_dir = temp.path() + "/results/support-triage/run";
  CliOutcome run =
      RunCli({"run", "suites/support-triage/suite.yaml", "--simulate", "--quiet", "--no-cache",
              "--limit", "12", "--results", temp.path() + "/results", "--out", run_dir},
             TASKCOST_SOURCE_DIR);
  if (run.exit_code != 0) {
    std::fprintf(stderr, "FAIL: taskcost run exited %d\n%s\n", run.exit_code, run.err.c_str());
    return 1;
  }
  // Every answer replaced by hostile markup (outputs do not enter any figure): the outliers
  // show it, and it must stay text.
  std::string journal;
  {
    std::istringstream lines(ReadFileText(run_dir + "/attempts.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line);
      if (j.at("type") == "attempt") j["output"] = kHostile;
      journal += j.dump() + "\n";
    }
  }
  std::ofstream(run_dir + "/attempts.jsonl", std::ios::binary | std::ios::trunc) << journal;
  CliOutcome html = RunCli({"report", run_dir, "--format", "html"}, TASKCOST_SOURCE_DIR);
  Check(html.exit_code == 0, "report --format html exits 0: " + html.err);
  const std::string page = run_dir + "/report.html";

  CliOutcome dom = Chromium(chromium, {"--dump-dom"}, page);
  Check(dom.exit_code == 0, "chromium --dump-dom exits 0");
  for (const std::string& line : ConsoleLines(dom.err)) Check(false, "console: " + line);
  Check(dom.out.find("<main>") != std::string::npos, "the DOM has the page's <main>");
  Check(dom.out.find("<script") == std::string::npos, "no script element in the DOM");
  Check(dom.out.find("<img") == std::string::npos, "no img element in the DOM");
  Check(
      dom.out.find("&lt;script&gt;console.error(\"injected\")&lt;/script&gt;") != std::string::npos,
      "the hostile output is on the page as text");
  for (const char* chart : kReportCharts) {
    Check(dom.out.find(std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"") +
                       chart + "\"") != std::string::npos,
          std::string("chart in the DOM: ") + chart);
  }
  CheckFigures(dom.out, json::parse(ReadFileText(run_dir + "/report.json")));

  fs::create_directories(artifacts);
  for (const auto& [name, size] : std::vector<std::pair<std::string, std::string>>{
           {"report.png", "1280,3200"}, {"report-phone.png", "390,3600"}}) {
    const std::string png = (fs::absolute(artifacts) / name).string();
    fs::remove(png);
    CliOutcome shot = Chromium(chromium, {"--screenshot=" + png, "--window-size=" + size}, page);
    Check(shot.exit_code == 0 && fs::exists(png) && fs::file_size(png) > 10'000,
          "screenshot " + png);
    for (const std::string& line : ConsoleLines(shot.err)) Check(false, "console: " + line);
  }
  fs::copy_file(page, fs::path(artifacts) / "report.html", fs::copy_options::overwrite_existing);

  // The history page of the same run: loads cleanly, with its three charts.
  CliOutcome history = RunCli({"history", "--results", temp.path() + "/results", "--format", "html",
                               "-o", temp.path() + "/history.html"},
                              TASKCOST_SOURCE_DIR);
  Check(history.exit_code == 0, "history --format html exits 0: " + history.err);
  CliOutcome history_dom = Chromium(chromium, {"--dump-dom"}, temp.path() + "/history.html");
  for (const std::string& line : ConsoleLines(history_dom.err)) Check(false, "console: " + line);
  for (const char* chart : {"history-cost", "history-success", "history-spent"}) {
    Check(history_dom.out.find(std::string("data-chart=\"") + chart + "\"") != std::string::npos,
          std::string("history chart in the DOM: ") + chart);
  }

  // Negative control: the same checks must see a page that tries to fetch and to run a script.
  const std::string bad = temp.Write(
      "bad.html",
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-"
      "Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
      "</head><body><img src=\"http://127.0.0.1:9/x.png\"><script>1</script></body></html>");
  Check(ConsoleLines(Chromium(chromium, {"--dump-dom"}, bad).err).size() >= 2,
        "the console check reports a blocked request and a blocked script");

  std::fprintf(stderr, "%s: %d failure(s); screenshots in %s\n", failures ? "FAIL" : "ok", failures,
               artifacts.c_str());
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace taskcost

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s ARTIFACTS_DIR\n", argv[0]);
    return 2;
  }
  return taskcost::Main(argv[1]);
}
