#include "harness/core/render/report_render.h"

#include <doctest/doctest.h>

#include <sstream>

#include "harness/core/render/report_format.h"
#include "tests/core/report_fixture.h"

namespace taskcost::report_render_test {
namespace {

using E = ErrorClass;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Cells of a GFM table row: splits on '|' not preceded by a backslash, without the outer pipes.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i + 1 < row.size(); ++i) {
    if (row[i] == '|' && row[i - 1] != '\\') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  cells.push_back(cell);
  return cells;
}

bool IsDelimiterCell(const std::string& cell) { return cell == " :--- " || cell == " ---: "; }

// Checks every table in `markdown` is a valid GFM pipe table: a header row, a delimiter row
// with as many cells, body rows with as many cells; returns the number of tables.
int CheckGfmTables(const std::string& markdown) {
  const std::vector<std::string> lines = Lines(markdown);
  int tables = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i][0] != '|') continue;
    INFO("table at line ", i + 1, ": ", lines[i]);
    REQUIRE(i + 1 < lines.size());
    CHECK((i == 0 || lines[i - 1].empty()));  // a table starts its own block
    const size_t columns = Cells(lines[i]).size();
    const std::vector<std::string> delimiter = Cells(lines[i + 1]);
    CHECK(delimiter.size() == columns);
    for (const std::string& cell : delimiter) CHECK(IsDelimiterCell(cell));
    size_t j = i + 2;
    for (; j < lines.size() && !lines[j].empty() && lines[j][0] == '|'; ++j) {
      CHECK(Cells(lines[j]).size() == columns);
      CHECK(lines[j].back() == '|');
    }
    ++tables;
    i = j;
  }
  return tables;
}

Report HandWorkedReport(bool human = true) {
  RunManifest m = testing::TwoCandidateManifest(4);
  if (human) testing::AddHuman(m);
  return ComputeReport(m, testing::HandWorkedJournal());
}

// 100 samples; big passes 97 at $0.0019303 a task ($0.00199 per success), small passes 93 at
// $0.0003906 a task ($0.00042 per success). small fails s1..s7, big fails s8..s10.
Report HundredSampleReport(const ReportOptions& options = {}) {
  RunManifest m = testing::TwoCandidateManifest(100);
  std::vector<Attempt> attempts;
  for (int i = 1; i <= 100; ++i) {
    for (const std::string candidate : {"big", "small"}) {
      const bool fails = candidate == "small" ? i <= 7 : (i >= 8 && i <= 10);
      Attempt a = testing::MakeAttempt(
          {"s" + std::to_string(i), candidate, 1, 0, 0, fails ? E::kIncorrect : E::kNone, 100});
      a.cost = Money::FromPicos(candidate == "big" ? 1'930'300'000 : 390'600'000);
      attempts.push_back(a);
    }
  }
  return ComputeReport(m, attempts, options);
}

}  // namespace

TEST_CASE("report_render: money prints 5 significant digits, at least cents, zeros dropped") {
  auto usd = [](const char* text) { return FormatUsd(Money::ParseUsd(text).value()); };
  CHECK(usd("1.666666666667") == "1.6667");
  CHECK(usd("0.00199") == "0.00199");
  CHECK(usd("0.004666666667") == "0.0046667");
  CHECK(usd("0.0000315") == "0.0000315");
  CHECK(usd("0.000000000001") == "0.000000000001");
  CHECK(usd("2.5") == "2.50");
  CHECK(usd("0") == "0.00");
  CHECK(usd("12345.678") == "12345.68");  // at least cents: more than 5 digits
  CHECK(usd("123.456789") == "123.46");
  CHECK(usd("0.999996") == "1.00");  // 0.99999|6 rounds up to 1.0000, zeros dropped
  CHECK(usd("-0.00042") == "-0.00042");
  CHECK(usd("0.000123455") == "0.00012346");  // half away from zero at the 5th digit
}

TEST_CASE("report_render: other figures have one rounding rule each") {
  CHECK(FormatPercent({93, 100}) == "93.0");
  CHECK(FormatPercent({-789, 1000}, true) == "-78.9");
  CHECK(FormatPercent({1, 8}, true) == "+12.5");
  CHECK(FormatPercent({}) == "n/a");
  CHECK(FormatRatio({111, 100}, 2) == "1.11");
  CHECK(FormatMillis(842'350) == "842.4");
  CHECK(FormatMillis(49) == "0.0");
  CHECK(FormatScaled(-5, 1) == "-0.5");
  CHECK(FormatRoi(Fraction{1'666'666'666'667, 8'000'000'000}) == "208.3x");  // $1.6667 / $0.008
  CHECK(FormatRoi(Fraction{1'666'666'666'667, 171'333'333'334}) == "9.73x");
  CHECK(FormatRoi(Fraction{99'999, 10'000}) == "10.00x");  // 9.9999 is below 10: two decimals
  CHECK(FormatRoi(std::nullopt) == "n/a");
  CHECK(FormatMinutes(200'000) == "0.2");
  CHECK(FormatMinutes(2'000'000) == "2");
}

TEST_CASE("report_render: terminal table of the hand-worked run") {
  const std::string out = RenderTerminal(HandWorkedReport(), false);
  const std::vector<std::string> lines = Lines(out);
  CHECK(lines[0] == "taskcost report: triage, run 2026-11-23T10-04-12Z");
  CHECK(lines[1] == "unit: ticket classified; 4 samples x 1 repeat; baseline big");
  CHECK(lines[2] == "spent this run: $0.01655 (every attempt called its provider)");
  CHECK(lines[4] ==
        "candidate         success  att/task  $/successful task  p50 $/task  p95 $/task  "
        "latency p50    ROI");
  CHECK(lines[5] ==
        "big (baseline)  3/4 75.0%      1.25          0.0046667      0.0035      0.0035     "
        "500.0 ms  9.73x");
  CHECK(lines[6] ==
        "small           3/4 75.0%      1.50   0.00085 (-81.8%)     0.00021     0.00126     "
        "300.0 ms  9.95x");
  CHECK(Contains(out,
                 "small      s2    0.00087         3       3000         700  "
                 "long input, long output, 3 attempts\n"));
  CHECK(Contains(out,
                 "human alternative: 2 min at $50.00/h = $1.6667 per ticket classified; "
                 "review 0.2 min = $0.16667 per task; volume 1000 per month\n"));
  CHECK(Contains(out, "big                 0.17133  9.73x           1495.33           4.6667\n"));
  // Four samples (3 right on both, 1 wrong on both): Newcombe's interval is +-42.7 pp, so the
  // verdict cannot switch (tests/core/report_json_test.cc works it out).
  CHECK(Contains(out,
                 "\nverdict: keep big — no candidate is shown cheaper per successful ticket "
                 "classified without being worse (1 inconclusive)\n"));
  CHECK(Contains(out,
                 "  small: inconclusive — cost per successful ticket classified -81.8% "
                 "($0.00085 vs $0.0046667), success 75.0% vs 75.0% (0.0 pp, 95% CI "
                 "-42.7..42.7 pp, 4 paired samples); success may be more than 5.0 pp worse (CI "
                 "reaches -5.0 pp); if the pattern holds, about 53 paired samples (49 more) "
                 "would settle it, likely as switch\n"));
  CHECK_FALSE(Contains(out, "simulated"));
  CHECK_FALSE(Contains(out, "\033["));
}

TEST_CASE("report_render: colour only when asked") {
  const std::string plain = RenderTerminal(HandWorkedReport(), false);
  const std::string colored = RenderTerminal(HandWorkedReport(), true);
  CHECK_FALSE(Contains(plain, "\033["));
  CHECK(Contains(colored, "\033[1mverdict: keep big"));  // bold
  CHECK(Contains(colored, "\033[1mcandidate "));                 // bold header
}

TEST_CASE("report_render: simulated runs carry the note") {
  RunManifest m = testing::TwoCandidateManifest(4);
  m.simulated = true;
  const Report r = ComputeReport(m, testing::HandWorkedJournal());
  const std::string note =
      "outputs are simulated by the bundled simulator; not a measurement of real models";
  CHECK(Contains(RenderTerminal(r, false), "note: " + note + "\n"));
  CHECK(Contains(RenderMarkdown(r), "> **Note:** " + note + ".\n"));
}

TEST_CASE("report_render: verdict lines state the deciding numbers") {
  SUBCASE("cheaper but possibly worse than the tolerance: inconclusive") {
    // d: seven -100, three +100: mean -4.0 pp, 95% CI -11.12..2.66 (intervals_test works it
    // out); the same pattern settles at 3,873 pairs (verdict_test).
    const Report r = HundredSampleReport();
    CHECK(VerdictLine(r, r.comparisons.at(0)) ==
          "small: inconclusive — cost per successful ticket classified -78.9% ($0.00042 vs "
          "$0.00199), success 93.0% vs 97.0% (-4.0 pp, 95% CI -11.1..2.7 pp, 100 paired "
          "samples); success may be more than 5.0 pp worse (CI reaches -5.0 pp); if the "
          "pattern holds, about 3873 paired samples (3773 more) would settle it, likely as "
          "switch");
    CHECK(OverallLine(r) ==
          "keep big — no candidate is shown cheaper per successful ticket "
          "classified without being worse (1 inconclusive)");
  }
  SUBCASE("with a tolerance of 12 pp the same run is a switch") {
    const Report r = HundredSampleReport({.success_tolerance_pp = 12.0});
    CHECK(VerdictLine(r, r.comparisons.at(0)) ==
          "small: switch — cost per successful ticket classified -78.9% ($0.00042 vs $0.00199), "
          "success 93.0% vs 97.0% (-4.0 pp, 95% CI -11.1..2.7 pp, 100 paired samples)");
  }
  SUBCASE("keep when more expensive") {
    RunManifest m = testing::TwoCandidateManifest(4);
    std::vector<Attempt> attempts = testing::HandWorkedJournal();
    for (Attempt& a : attempts) {
      if (a.candidate_id == "small") a.cost = a.cost.Times(10);  // $0.0085 per success
    }
    const Report r = ComputeReport(m, attempts);
    CHECK(VerdictLine(r, r.comparisons.at(0)) ==
          "small: keep big — cost per successful ticket classified +82.1% ($0.0085 vs "
          "$0.0046667), success 75.0% vs 75.0% (0.0 pp, 95% CI -42.7..42.7 pp, 4 paired "
          "samples)");
  }
  SUBCASE("the paired mean is shown when it differs from the rate difference") {
    // small's failed s4 did not run: 3/3 vs 3/4 = +25.0 pp, but paired over s1..s3 it is 0.
    std::vector<Attempt> attempts = testing::HandWorkedJournal();
    std::erase_if(attempts, [](const Attempt& a) {
      return a.candidate_id == "small" && a.sample_id == "s4";
    });
    const Report r = ComputeReport(testing::TwoCandidateManifest(4), attempts);
    CHECK(Contains(VerdictLine(r, r.comparisons.at(0)),
                   "success 100.0% vs 75.0% (+25.0 pp; paired mean 0.0 pp, 95% CI -56.1..56.1 "
                   "pp, 3 paired samples)"));
  }
}

TEST_CASE("report_render: a candidate with no success renders n/a and keeps the baseline") {
  const std::vector<Attempt> attempts = testing::SmallNeverSucceeds();
  RunManifest m = testing::TwoCandidateManifest(4);
  testing::AddHuman(m);
  const Report r = ComputeReport(m, attempts);
  const std::string out = RenderTerminal(r, false);
  const std::vector<std::string> lines = Lines(out);
  CHECK(lines[6] ==
        "small            0/4 0.0%      1.50                n/a     0.00021     0.00126     "
        "300.0 ms    n/a");
  CHECK(Contains(out,
                 "note: small: no successful ticket classified; cost per successful "
                 "ticket classified is n/a\n"));
  CHECK(Contains(out, "small                   n/a    n/a               n/a              n/a\n"));
  CHECK(Contains(out,
                 "  small: keep big — 0 of 4 tasks succeeded; cost per successful ticket "
                 "classified n/a (baseline $0.0046667)\n"));
  CHECK(Contains(RenderMarkdown(r), "| small | 0/4 0.0% | 1.50 | n/a | 0.00021 |"));
}

TEST_CASE("report_render: tasks not run and fatal stops are reported") {
  std::vector<Attempt> attempts = testing::HandWorkedJournal();
  std::erase_if(attempts, [](const Attempt& a) {
    return a.candidate_id == "small" && (a.sample_id == "s3" || a.sample_id == "s4");
  });
  attempts.push_back(testing::MakeAttempt({"s3", "small", 1, 0, 0, E::kQuota, 50}));
  const Report r = ComputeReport(testing::TwoCandidateManifest(4), attempts);
  const std::string out = RenderTerminal(r, false);
  CHECK(Contains(out, "note: small: stopped by a fatal quota error\n"));
  CHECK(Contains(out,
                 "note: small: 1 of 4 planned tasks not run (budget stop, fatal stop or "
                 "interruption)\n"));
  CHECK(Contains(out,
                 "  small: inconclusive — stopped by a fatal quota error; 1 of 4 tasks not "
                 "run; partial: 3 of 4 tasks finished (baseline 4 of 4)\n"));
  CHECK(Contains(out, "verdict: keep big"));
}

TEST_CASE("report_render: negative ROI is flagged, not hidden") {
  RunManifest m = testing::TwoCandidateManifest(4);
  testing::AddHuman(m);
  m.human.micro_minutes_per_task = 1'000;  // 0.001 min at $50/h = $0.00083333 per task
  m.human.review_micro_minutes_per_task = 0;
  const Report r = ComputeReport(m, testing::HandWorkedJournal());
  const std::string warning =
      "NEGATIVE ROI: big: AI plus review costs $0.0046667 per ticket classified, more than the "
      "human alone ($0.00083333)";
  const std::string out = RenderTerminal(r, true);
  CHECK(Contains(out, "\033[31m" + warning + "\033[0m\n"));
  CHECK(Contains(out, "big               0.0046667  0.18x           -3.8333           4.6667\n"));
  CHECK(Contains(RenderMarkdown(r), "> **NEGATIVE ROI: big: AI plus review costs \\$0.0046667"));
}

TEST_CASE("report_render: Markdown is GitHub-flavoured pipe tables") {
  SUBCASE("the hand-worked run") {
    const std::string md = RenderMarkdown(HandWorkedReport());
    CHECK(CheckGfmTables(md) == 5);  // main, details, failures, outliers, human
    CHECK(md.rfind("### taskcost report: triage, run 2026-11-23T10-04-12Z\n", 0) == 0);
    CHECK(Contains(md,
                   "| big (baseline) | 3/4 75.0% | 1.25 | 0.0046667 | 0.0035 | 0.0035 | "
                   "500.0 ms | 9.73x |\n"));
    CHECK(Contains(md, "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"));
    CHECK(Contains(md,
                   "**Verdict: keep big — no candidate is shown cheaper per successful ticket "
                   "classified without being worse (1 inconclusive)**\n"));
  }
  SUBCASE("pipes and markup in names are escaped") {
    RunManifest m = testing::TwoCandidateManifest(4);
    m.candidates[1].id = "a|b_c*";
    std::vector<Attempt> attempts = testing::HandWorkedJournal();
    for (Attempt& a : attempts) {
      if (a.candidate_id == "small") a.candidate_id = "a|b_c*";
    }
    const std::string md = RenderMarkdown(ComputeReport(m, attempts));
    CHECK(CheckGfmTables(md) == 4);  // no human table
    CHECK(Contains(md, "| a\\|b\\_c\\* | 3/4 75.0% |"));
  }
  SUBCASE("a run without failures or outliers says none") {
    const std::vector<Attempt> attempts =
        testing::MakeAttempts({{"s1", "big", 1, 10, 1}, {"s1", "small", 1, 10, 1}});
    const std::string md =
        RenderMarkdown(ComputeReport(testing::TwoCandidateManifest(1), attempts));
    CHECK(CheckGfmTables(md) == 2);
    CHECK(Contains(md,
                   "#### Failures by class\n\nFailed attempts: every failed call by its own "
                   "class. Failed tasks: each failed task by its last attempt's class.\n\n"
                   "None.\n"));
  }
}

}  // namespace taskcost::report_render_test

namespace taskcost::report_render_test {

TEST_CASE("report_render: spend this run is kept apart from what the tasks cost") {
  std::vector<Attempt> attempts = testing::HandWorkedJournal();
  for (Attempt& a : attempts) a.cached = a.candidate_id == "big";  // big's 5 attempts: $0.014
  const Report r = ComputeReport(testing::TwoCandidateManifest(4), attempts);
  const std::string out = RenderTerminal(r, false);
  CHECK(Lines(out)[2] ==
        "spent this run: $0.00255; the tasks cost $0.01655 (5 of 11 attempts answered by the "
        "response cache, priced at their original usage)");
  // The details table gains the cached attempts and the spend per candidate.
  CHECK(Contains(out, "retries  cached att  spent $\n"));
  CHECK(Contains(out, "900.0 ms        2           0  0.00255\n"));
  CHECK(Contains(out, "600.0 ms        1           5     0.00\n"));
  // Cost per successful task still uses the original usage.
  CHECK(Contains(out, "big (baseline)  3/4 75.0%      1.25          0.0046667"));
  const std::string md = RenderMarkdown(r);
  CHECK(Contains(md, "\n\nspent this run: \\$0.00255; the tasks cost \\$0.01655 (5 of 11"));
  CHECK(CheckGfmTables(md) >= 2);
}

TEST_CASE("report_render: runs with repeats show the spread across repeats") {
  RunManifest m = testing::TwoCandidateManifest(1);
  m.repeats = 2;
  using E = ErrorClass;
  // big: repeat 0 ok ($0.0035), repeat 1 a retry ($0.0035 x 2): $0.0035 and $0.007 per success.
  // small: repeat 0 incorrect, repeat 1 ok: success 0% and 100%, sd 70.7 pp.
  const Report r = ComputeReport(m, testing::MakeAttempts({
                                        {"s1", "big", 1, 1000, 100, E::kNone, 0, 0},
                                        {"s1", "big", 1, 1000, 100, E::kInvalidOutput, 0, 1},
                                        {"s1", "big", 2, 1000, 100, E::kNone, 0, 1},
                                        {"s1", "small", 1, 1000, 100, E::kIncorrect, 0, 0},
                                        {"s1", "small", 1, 1000, 100, E::kNone, 0, 1},
                                    }));
  const std::string out = RenderTerminal(r, false);
  CHECK(Contains(out, "\nrepeat spread (each repeat taken as a run of its own; sd is the sample "
                      "standard deviation over repeats)\n"));
  // sd of $0.0035 and $0.007 = $0.0035 / sqrt(2) = $0.0024749 (rounded to 5 digits).
  CHECK(Contains(out, "candidate  min $/successful task  max $/successful task  "
                      "sd $/successful task  min success  max success  sd success\n"
                      "big                       0.0035                  0.007             "
                      "0.0024749       100.0%       100.0%      0.0 pp\n"
                      "small                    0.00021                0.00021             "
                      "      n/a         0.0%       100.0%     70.7 pp\n"));
  CHECK(Contains(RenderMarkdown(r), "#### Repeat spread"));
  CHECK_FALSE(Contains(RenderTerminal(HandWorkedReport(), false), "repeat spread"));
}

}  // namespace taskcost::report_render_test
