// Hostile journals and reports (issue 12, items 1, 3 and 4): a journal line nested too deep, a
// number no double holds, costs and counts no run writes; report sums past Money's range; the
// per-candidate note for implausible usage. Each is a located error or an explicit figure,
// never a crash, an exit 70 or a wrapped number.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_tables.h"
#include "harness/core/loading/run_manifest.h"
#include "tests/core/report_fixture.h"

namespace taskcost::hostile_journal_test {
namespace {

using testing::MakeAttempts;
using testing::TwoCandidateManifest;

Attempt OneAttempt() {
  Attempt a;
  a.sample_id = "s1";
  a.candidate_id = "big";
  a.http_status = 200;
  a.usage = Usage{.input_tokens = 1000, .output_tokens = 100};
  a.usage_raw = R"({"prompt_tokens":1000,"completion_tokens":100})";
  a.cost = Money::FromPicos(3'500'000'000);
  a.output = "{}";
  a.success = true;
  return a;
}

// The journal line of OneAttempt with `from` (which must be in it) replaced by `to`.
std::string LineWith(const std::string& from, const std::string& to) {
  std::string line = AttemptToJsonLine(OneAttempt());
  const size_t at = line.find(from);
  REQUIRE(at != std::string::npos);
  return line.replace(at, from.size(), to);
}

std::string ReadError(const std::string& line) {
  Result<Attempt> read = AttemptFromJsonLine(line);
  REQUIRE_FALSE(read.ok());
  return read.error().ToString();
}

TEST_CASE("hostile journal: a line nested too deep is an error, not a crash of report") {
  // usage_raw 40k deep (the issue's case): refused where level 257 opens.
  const std::string raw = R"("usage_raw":{"prompt_tokens":1000,"completion_tokens":100})";
  const std::string deep = std::string(40'000, '[') + std::string(40'000, ']');
  const std::string line = LineWith(raw, "\"usage_raw\":" + deep);
  // The line is an object (level 1); usage_raw's first '[' is level 2, so level 257 is its
  // 256th '[', at the column after the prefix plus 255.
  const size_t first = line.find("\"usage_raw\":[") + 13;  // 1-based column of the first '['
  CHECK(ReadError(line) == "invalid JSON: nested deeper than 256 levels at line 1, column " +
                               std::to_string(first + 255));
}

TEST_CASE("hostile journal: a number no double holds is an error at its column") {
  const std::string line = LineWith("\"latency_us\":0", "\"latency_us\":1e999");
  const size_t column = line.find("1e999") + 1;
  CHECK(ReadError(line) == "invalid JSON: the number 1e999 is out of range at line 1, column " +
                               std::to_string(column));
  // In run.json alike, read as every user file is (user_json.h): file, line and column.
  Result<RunManifest> manifest = ManifestFromJson("{\n  \"format\": 1e999\n}", "run.json");
  REQUIRE_FALSE(manifest.ok());
  CHECK(manifest.error().ToString() == "run.json:2:13: the number 1e999 is too large to hold");
}

TEST_CASE("hostile journal: costs and counts no run writes are refused, by field") {
  CHECK(ReadError(LineWith("\"cost_picousd\":3500000000", "\"cost_picousd\":-3500000000")) ==
        "/cost_picousd: must not be negative");
  CHECK(ReadError(LineWith("\"input_tokens\":1000", "\"input_tokens\":1000000000000")) ==
        "/usage/input_tokens: must be a count from 0 to 100000000 (a call's bound)");
  CHECK(ReadError(LineWith("\"output_tokens\":100", "\"output_tokens\":-1")) ==
        "/usage/output_tokens: must be a count from 0 to 100000000 (a call's bound)");
  // A huge cost (no run writes one past the overflow amount) is read: sums show "overflow".
  Result<Attempt> huge = AttemptFromJsonLine(
      LineWith("\"cost_picousd\":3500000000", "\"cost_picousd\":9223372036854775807"));
  REQUIRE(huge.ok());
  CHECK(huge->cost.overflowed());
}

TEST_CASE("hostile journal: usage_flag is written only when set and read back") {
  Attempt flagged = OneAttempt();
  flagged.usage_flag = "prompt_tokens 1000000000000 is above the per-call bound of 100000000";
  const std::string line = AttemptToJsonLine(flagged);
  CHECK(line.find(R"(,"usage_flag":"prompt_tokens 1000000000000 is above the per-call bound )"
                  R"(of 100000000","cost_picousd":)") != std::string::npos);
  Result<Attempt> read = AttemptFromJsonLine(line);
  REQUIRE(read.ok());
  CHECK(read->usage_flag == flagged.usage_flag);
  CHECK(AttemptToJsonLine(OneAttempt()).find("usage_flag") == std::string::npos);
}

TEST_CASE("hostile journal: report sums past Money's range show the overflow amount") {
  // big: three tasks at $4,000,000 each; $12M passes the ~$9.22M range. small: $1 each.
  std::vector<Attempt> attempts = MakeAttempts({{"s1", "big"},
                                                {"s2", "big"},
                                                {"s3", "big"},
                                                {"s1", "small"},
                                                {"s2", "small"},
                                                {"s3", "small"}});
  for (Attempt& a : attempts) {
    a.cost = Money::ParseUsd(a.candidate_id == "big" ? "4000000" : "1").value();
  }
  const Report r = ComputeReport(TwoCandidateManifest(3), attempts);
  const CandidateMetrics& big = r.candidates[0];
  CHECK(big.total_cost == Money::Overflow());
  CHECK(big.total_cost.ToFixed(2) == "overflow");
  REQUIRE(big.cost_per_success.has_value());
  CHECK(big.cost_per_success->overflowed());  // $12M / 3 is not $3.07M: the total is unknown
  CHECK(big.task_cost_max == Money::ParseUsd("4000000").value());  // each task is held
  const CandidateMetrics& small = r.candidates[1];
  CHECK(small.total_cost == Money::ParseUsd("3").value());
  CHECK(small.cost_per_success == Money::ParseUsd("1").value());
}

TEST_CASE("hostile journal: attempts with implausible usage are counted and noted per candidate") {
  std::vector<Attempt> attempts =
      MakeAttempts({{"s1", "big", 1, 48, 200}, {"s2", "big", 1, 1000, 100}, {"s1", "small"}});
  attempts[0].usage_flag = "prompt_tokens 1000000000000 is above the per-call bound of 100000000";
  const Report r = ComputeReport(TwoCandidateManifest(2), attempts);
  CHECK(r.candidates[0].implausible_usage == 1);
  CHECK(r.candidates[1].implausible_usage == 0);
  const std::vector<std::string> notes = NotRunNotes(r);
  CHECK(std::count(notes.begin(), notes.end(),
                   "big: 1 of 2 answers reported implausible usage (journaled as usage_flag); "
                   "each is priced at the larger of its counts and the worst case reserved for "
                   "it") == 1);
}

TEST_CASE("hostile journal: the spread over repeats of an overflowed figure is the overflow") {
  // Repeat 0: three tasks at $4,000,000 ($12M, past the range); repeat 1: three at $1.
  std::vector<Attempt> attempts;
  for (int repeat = 0; repeat < 2; ++repeat) {
    for (const char* sample : {"s1", "s2", "s3"}) {
      Attempt a = testing::MakeAttempt({sample, "big", 1, 0, 0, ErrorClass::kNone, 0, repeat});
      a.cost = Money::ParseUsd(repeat == 0 ? "4000000" : "1").value();
      attempts.push_back(a);
    }
  }
  RunManifest manifest = TwoCandidateManifest(3);
  manifest.repeats = 2;
  const Report r = ComputeReport(manifest, attempts);
  REQUIRE(r.candidates[0].repeat_spread.has_value());
  const RepeatSpread& spread = *r.candidates[0].repeat_spread;
  CHECK(spread.cost_per_success_max == Money::Overflow());
  CHECK(spread.cost_per_success_min == Money::ParseUsd("1").value());
  CHECK(spread.cost_per_success_sd == Money::Overflow());  // not a figure made up of 9.2e18
}

}  // namespace
}  // namespace taskcost::hostile_journal_test
