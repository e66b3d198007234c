// End to end (issue 12, items 1, 3 and 4): `taskcost report` over a journal a hostile hand
// edited. A line nested too deep, a number no double holds or a negative cost is exit 2 naming
// the file and line (before: a crash, or exit 70 unlocated, or a negative total with exit 0);
// costs whose sum passes Money's range print "overflow" (before: -$9,223,372.03).
// Catalogs: tests/e2e/sim_suite.h (m-big $5 / $15 per 1M tokens).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::hostile_journal_e2e_test {
namespace {

const std::string kSuite = TicketSuite("hostile", R"(
policy: {max_attempts: 1, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
)");

const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200}
)";

// A finished run of four tasks (journal: a header, then four attempt lines).
struct HostileRun {
  TempDir dir;
  std::string journal_path;
  std::string journal;
  HostileRun() {
    WriteSimSuite(dir, {kTicketSamples, kTicketSchema, kSuite.c_str(), kProfile});
    const CliOutcome run = RunCli(
        {"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run", "--quiet"}, dir.path());
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    journal_path = dir.path() + "/run/attempts.jsonl";
    journal = ReadFileText(journal_path);
  }
  // Record `n` (1-based; 1 is the header, then the attempt lines, the `sent` lines of calls
  // about to go out not counted) with `from` replaced by `to`, written back. Returns the text
  // "attempts.jsonl:L" of its line in the file, as error messages locate it.
  std::string Edit(int n, const std::string& from, const std::string& to) {
    auto sent = [&](size_t at) {
      return std::string_view(journal).substr(at).starts_with("{\"type\":\"sent\"");
    };
    size_t start = 0;
    for (int i = 1; i < n || sent(start);) {
      if (!sent(start)) ++i;
      start = journal.find('\n', start) + 1;
    }
    const size_t at = journal.find(from, start);
    REQUIRE(at < journal.find('\n', start));
    journal.replace(at, from.size(), to);
    dir.Write("run/attempts.jsonl", journal);
    const auto line = std::count(journal.begin(), journal.begin() + static_cast<long>(at), '\n');
    return "attempts.jsonl:" + std::to_string(line + 1);
  }
  CliOutcome Report() const { return RunCli({"report", "run", "--no-write"}, dir.path()); }
};

// 1,000 in x $5/1M + 200 out x $15/1M = $0.008 a call: 8,000,000,000 pUSD.
const char* const kCost = "\"cost_picousd\":8000000000";

TEST_CASE("e2e hostile journal: a line nested 40k deep is exit 2 at its line, not a crash") {
  HostileRun run;
  const std::string deep = std::string(40'000, '[') + std::string(40'000, ']');
  const std::string at = run.Edit(2, "\"usage_raw\":{", "\"usage_raw\":{\"x\":" + deep + ",");
  const CliOutcome report = run.Report();
  CHECK(report.exit_code == 2);
  CHECK(report.err.find(at + ": invalid JSON: nested deeper than 256 levels at line 1, column ") !=
        std::string::npos);
}

TEST_CASE("e2e hostile journal: a number no double holds is exit 2 at its line") {
  HostileRun run;
  const std::string at = run.Edit(3, "\"latency_us\":", "\"latency_us\":1e999,\"was\":");
  const CliOutcome report = run.Report();
  CHECK(report.exit_code == 2);
  CHECK(report.err.find(at + ": invalid JSON: the number 1e999 is out of range at line 1, column ") !=
        std::string::npos);
  CHECK(report.err.find("internal error") == std::string::npos);
}

TEST_CASE("e2e hostile journal: a negative cost is exit 2 at its line and field") {
  HostileRun run;
  const std::string at = run.Edit(2, kCost, "\"cost_picousd\":-9223372036854775807");
  const CliOutcome report = run.Report();
  CHECK(report.exit_code == 2);
  CHECK(report.err.find(at + ": /cost_picousd: must not be negative") != std::string::npos);
}

TEST_CASE("e2e hostile journal: costs whose sum passes Money's range print overflow") {
  HostileRun run;
  // Four calls of $4,000,000 each: $16,000,000 in all, past the ~$9,223,372.04 Money holds.
  for (int line = 2; line <= 5; ++line) {
    run.Edit(line, kCost, "\"cost_picousd\":4000000000000000000");
  }
  const CliOutcome report = run.Report();
  INFO(report.err);
  CHECK(report.exit_code == 0);
  CHECK(report.out.find("spent this run: $overflow") != std::string::npos);
  CHECK(report.out.find("-9,223,372") == std::string::npos);
  CHECK(report.out.find("-9223372") == std::string::npos);
  // Each task's cost is still exact: the median and the 95th percentile of $4,000,000.
  CHECK(report.out.find("overflow  4000000.00  4000000.00") != std::string::npos);
}

}  // namespace
}  // namespace taskcost::hostile_journal_e2e_test
