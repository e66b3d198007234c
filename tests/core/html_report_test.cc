#include "harness/core/render/html_report.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <tuple>

#include "harness/core/metrics/expert_quality.h"
#include "harness/core/render/html.h"
#include "harness/core/render/report_csv.h"
#include "harness/core/render/report_evidence.h"
#include "harness/core/render/svg.h"
#include "tests/core/report_fixture.h"

namespace taskcost::html_report_test {
namespace {

using testing::HandWorkedJournal;
using testing::TwoCandidateManifest;

Report KeptReport(const RunManifest& manifest, const std::vector<Attempt>& attempts) {
  ReportOptions options;
  options.keep_tasks = true;
  return ComputeReport(manifest, attempts, options);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return text;
}

// The <svg> element whose data-chart is `name`.
std::string Chart(const std::string& page, const std::string& name) {
  const size_t start = page.find("data-chart=\"" + name + "\"");
  REQUIRE(start != std::string::npos);
  return page.substr(start, page.find("</svg>", start) - start);
}

// The text of the <tr> of table `id` whose first cell is `first`.
std::string Row(const std::string& page, const std::string& id, const std::string& first) {
  const size_t table = page.find("<table id=\"" + id + "\"");
  REQUIRE(table != std::string::npos);
  const size_t row = page.find("<tr><td>" + first + "</td>", table);
  REQUIRE(row != std::string::npos);
  return page.substr(row, page.find("</tr>", row) - row);
}

}  // namespace

TEST_CASE("html: escaping makes markup inert") {
  CHECK(EscapeHtml("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(EscapeHtml("plain £ text") == "plain £ text");
}

TEST_CASE("html: nice ticks are 1-2-5 steps from 0 past the maximum") {
  CHECK(NiceTicks(7, 5) == std::vector<int64_t>{0, 2, 4, 6, 8});
  CHECK(NiceTicks(10, 5) == std::vector<int64_t>{0, 2, 4, 6, 8, 10});
  CHECK(NiceTicks(3'500'000'000, 4) ==
        std::vector<int64_t>{0, 1'000'000'000, 2'000'000'000, 3'000'000'000, 4'000'000'000});
  CHECK(NiceTicks(0, 4) == std::vector<int64_t>{0, 1});
}

TEST_CASE("html: the Pareto front keeps the cheapest candidates not worse on both") {
  // (cost, quality): b is cheaper than a but worse; c is dominated by b; d ties a exactly.
  const std::vector<bool> front =
      ParetoFront({{100, 9000}, {50, 8000}, {60, 7000}, {100, 9000}, {200, 9500}});
  CHECK(front == std::vector<bool>{true, true, false, true, true});
  CHECK(ParetoFront({{10, 5000}, {10, 6000}}) == std::vector<bool>{false, true});
}

TEST_CASE("html report: the page prints report.json's figures and every chart") {
  RunManifest manifest = TwoCandidateManifest(4);
  testing::AddHuman(manifest);
  const Report report = KeptReport(manifest, HandWorkedJournal());
  const std::string page = RenderHtml(report, {});

  SUBCASE("self-contained: a CSP that forbids fetching, nothing to fetch, no script") {
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(page.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"") !=
          std::string::npos);
    CHECK(page.find("name=\"viewport\"") != std::string::npos);
    CHECK(page.find("@media print") != std::string::npos);
    const std::string lower = Lower(page);
    for (const char* fetch : {"<script", "src=", "href=", "url(", "@import", "<link"}) {
      INFO(fetch);
      CHECK(lower.find(fetch) == std::string::npos);
    }
  }
  SUBCASE("the verdict comes before the tables") {
    const size_t verdict = page.find("verdict: keep big");
    REQUIRE(verdict != std::string::npos);
    CHECK(verdict < page.find("<table id=\"main-table\""));
  }
  SUBCASE("hand-worked figures: big $0.014 / 3 successes, small $0.00255 / 3") {
    CHECK(Row(page, "main-table", "big (baseline)").find("<td class=\"num\">0.0046667</td>") !=
          std::string::npos);
    CHECK(Row(page, "main-table", "small").find("<td class=\"num\">0.00085 (-81.8%)</td>") !=
          std::string::npos);
    CHECK(Row(page, "main-table", "small").find("<td class=\"num\">3/4 75.0%</td>") !=
          std::string::npos);
    // The bar labels carry the same amounts.
    CHECK(Chart(page, "cost-per-success").find("$0.0046667 (baseline)") != std::string::npos);
    CHECK(Chart(page, "cost-per-success").find(">$0.00085<") != std::string::npos);
    // Human: 2 min at $50/h = $1.6667; small's effective cost 0.00085 + 0.16667 = $0.16752.
    CHECK(Chart(page, "human-vs-ai").find("human $1.6667") != std::string::npos);
    CHECK(Chart(page, "human-vs-ai").find("AI $0.16752") != std::string::npos);
    // 1,000 tasks a month x $0.00085 = $0.85.
    CHECK(Chart(page, "monthly-cost").find(">$0.85 ") != std::string::npos);
  }
  SUBCASE("every chart is drawn") {
    for (const char* name : kReportCharts) {
      INFO(name);
      CHECK(Count(page, std::string("data-chart=\"") + name + "\"") == 1);
    }
  }
  SUBCASE("the distribution has one dot per task, small's two outliers in red") {
    const std::string chart = Chart(page, "cost-distribution");
    CHECK(Count(chart, "class=\"dot\"") == 6);
    CHECK(Count(chart, "class=\"dot outlier\"") == 2);
    CHECK(Count(chart, "class=\"p50\"") == 2);
    CHECK(Count(chart, "class=\"p95\"") == 2);
  }
  SUBCASE("small is as good and cheaper: the front is small alone") {
    const std::string chart = Chart(page, "quality-cost");
    const std::string small = chart.substr(chart.find("data-row=\"small\""));
    CHECK(small.find("class=\"pt front\"") != std::string::npos);
    const std::string big = chart.substr(chart.find("data-row=\"big\""));
    CHECK(big.substr(0, big.find("</g>")).find("front") == std::string::npos);
  }
  SUBCASE("attempts by class: big 5 attempts, 2 failed (rate_limit, incorrect)") {
    const std::string chart = Chart(page, "attempts-failures");
    CHECK(chart.find("5 attempts, 2 failed") != std::string::npos);
    CHECK(chart.find("class=\"c-rate_limit\"") != std::string::npos);
    CHECK(chart.find("6 attempts, 3 failed") != std::string::npos);  // small
  }
}

TEST_CASE("html report: with expert scores, quality is the mean expert score") {
  RunManifest manifest = TwoCandidateManifest(4);
  Report report = KeptReport(manifest, HandWorkedJournal());
  // big: 5, 4, 5, 4 -> 4.50; small: 4, (4 + 4 + 5) / 3, 5, 4 -> 4.33.
  ExpertInput input;
  input.imports = 1;
  for (const auto& [sample, big, small] : std::vector<std::tuple<std::string, int, int>>{
           {"s1", 5, 4}, {"s2", 4, 4}, {"s3", 5, 5}, {"s4", 4, 4}}) {
    input.scores.push_back({sample, "big", 0, "alice", big});
    input.scores.push_back({sample, "small", 0, "alice", small});
  }
  input.scores.push_back({"s2", "small", 0, "bob", 4});
  input.scores.push_back({"s2", "small", 0, "carol", 5});
  ApplyExpertReview(report, input);
  const std::string page = RenderHtml(report, {});
  CHECK(page.find("<table id=\"expert-table\"") != std::string::npos);
  const std::string chart = Chart(page, "quality-cost");
  CHECK(chart.find("Quality (expert quality)") != std::string::npos);
  CHECK(chart.find("expert quality 4.50") != std::string::npos);
  CHECK(chart.find("expert quality 4.33") != std::string::npos);
  // small is cheaper, big is better: both are on the front.
  CHECK(Count(chart, "class=\"pt front\"") == 2);

  AddExpertScores(report, input);
  const std::string csv = ReportToCsv(report);
  CHECK(csv.find("s2,small,0,3,3000,700,0.00087,870000000,true,,900.0,4.33,succeeded\r\n") !=
        std::string::npos);
  CHECK(csv.find("s1,big,0,1,1000,100,0.0035,3500000000,true,,400.0,5.00,succeeded\r\n") !=
        std::string::npos);
}

TEST_CASE("html report: with quality: scorers and no expert scores, quality is their mean") {
  Report report = KeptReport(TwoCandidateManifest(4), HandWorkedJournal());
  report.candidates[0].quality_score = 0.9;   // set as the scorers' metrics would
  report.candidates[0].quality_tasks = 4;
  report.candidates[1].quality_score = 0.75;  // cheaper and worse: both on the front
  report.candidates[1].quality_tasks = 4;
  const std::string page = RenderHtml(report, {});
  const std::string chart = Chart(page, "quality-cost");
  CHECK(chart.find("Quality (quality score)") != std::string::npos);
  CHECK(chart.find("quality score 0.90") != std::string::npos);
  CHECK(chart.find("quality score 0.75") != std::string::npos);
  CHECK(Count(chart, "class=\"pt front\"") == 2);
  // The scorer table the terminal prints is on the page too.
  CHECK(Row(page, "scorer-table", "big").find("0.90 over 4 tasks") != std::string::npos);
}

TEST_CASE("html report: a model's output with markup stays text") {
  RunManifest manifest = TwoCandidateManifest(4);
  std::vector<Attempt> attempts = HandWorkedJournal();
  for (Attempt& a : attempts) {
    if (a.candidate_id == "small" && a.sample_id == "s4") {
      a.output = "<script>fetch('http://evil.invalid/')</script><img src=x onerror=alert(1)>";
    }
  }
  const Report report = KeptReport(manifest, attempts);
  Sample s4{"s4", {}, R"({"id":"s4","text":"</pre><b>bold</b>"})", {}};
  EvidenceCollector collector(report, {s4});
  for (const Attempt& a : attempts) collector.Add(a);
  const std::string page = RenderHtml(report, collector.Finish());

  CHECK(page.find("&lt;script&gt;fetch(&#39;http://evil.invalid/&#39;)&lt;/script&gt;"
                  "&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(page.find("text: &lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
  const std::string lower = Lower(page);
  CHECK(lower.find("<script") == std::string::npos);
  CHECK(lower.find("<img") == std::string::npos);
  CHECK(lower.find("<b>") == std::string::npos);
  // The outlier says why it cost what it cost.
  CHECK(page.find(
            "why: long input (8000 input and 100 output tokens in 1 attempt; the candidate&#39;s "
            "median task costs $0.00021)") != std::string::npos);
  CHECK(page.find("failed: incorrect") != std::string::npos);
}

TEST_CASE("report evidence: the last attempt's output, the sample as input") {
  const RunManifest manifest = TwoCandidateManifest(4);
  std::vector<Attempt> attempts = HandWorkedJournal();
  for (Attempt& a : attempts) a.output = "out " + std::to_string(a.attempt);
  const Report report = KeptReport(manifest, attempts);
  Sample s2{"s2", {}, R"({"id":"s2"})", {}};
  EvidenceCollector collector(report, {s2});
  for (const Attempt& a : attempts) collector.Add(a);
  const ReportEvidence evidence = collector.Finish();
  // small's outliers are s4 and s2 (hand-worked); big has none.
  REQUIRE(evidence.tasks.size() == 2);
  const TaskEvidence& s2e = evidence.tasks.at(EvidenceKey("small", "s2", 0));
  CHECK(s2e.input == "id: s2\n");
  CHECK(ReadableSample(R"({"id":"a","text":"two\nlines","n":3,"tags":["x"]})") ==
        "id: a\ntext: two\nlines\nn: 3\ntags: [\"x\"]\n");
  CHECK(ReadableSample("not json") == "not json");
  CHECK(s2e.output == "out 3");
  CHECK(s2e.error == "");
  const TaskEvidence& s4e = evidence.tasks.at(EvidenceKey("small", "s4", 0));
  CHECK(s4e.input == "");
  CHECK(s4e.error == "incorrect");
  CHECK(Abbreviate("abcdef", 4) == "abcd … (2 more bytes)");
  CHECK(Abbreviate("aé", 2) == "a … (2 more bytes)");  // never cuts inside a character
}

}  // namespace taskcost::html_report_test
