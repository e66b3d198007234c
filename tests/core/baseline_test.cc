#include "harness/core/gates/baseline.h"

#include <doctest/doctest.h>

#include "tests/core/report_fixture.h"

namespace taskcost::baseline_test {
namespace {

using testing::HandWorkedJournal;
using testing::TwoCandidateManifest;

// The hand-worked run of report_fixture.h, with the prices its journal was costed at.
RunManifest PricedManifest() {
  RunManifest m = TwoCandidateManifest(4);
  m.suite_file = "suites/triage/suite.yaml";
  m.suite_hash = "sha256:0123";
  m.simulated = true;
  m.candidates[0].price.model = "big-model";
  m.candidates[0].price.input = Money::FromPicos(testing::kBigIn);
  m.candidates[0].price.output = Money::FromPicos(testing::kBigOut);
  m.candidates[0].price.as_of = "2026-11-01";
  m.candidates[0].price.source = "https://example.invalid/big";
  m.candidates[1].price.model = "small-model";
  m.candidates[1].price.input = Money::FromPicos(testing::kSmallIn);
  m.candidates[1].price.cached_input = Money::FromPicos(75'000);
  m.candidates[1].price.output = Money::FromPicos(testing::kSmallOut);
  m.candidates[1].price.batch_discount_percent = 50;
  m.candidates[1].price.as_of = "2026-11-23";
  return m;
}

RunFigures HandWorkedFigures() {
  const RunManifest m = PricedManifest();
  return FiguresOf(m, ComputeReport(m, HandWorkedJournal()));
}

// Every figure worked out in report_fixture.h; token sums: big 4 x 1,000 in (the rate-limited
// attempt has none) and 400 out over 5 attempts; small 5 x 1,000 + 8,000 = 13,000 in and
// 100 + 300 + 300 + 100 + 100 + 100 = 1,000 out over 6 attempts.
const char* kHandWorkedJson = R"({
  "format": "taskcost-baseline",
  "version": 2,
  "suite": "triage",
  "suite_file": "suites/triage/suite.yaml",
  "suite_hash": "sha256:0123",
  "run_id": "2026-11-23T10-04-12Z",
  "simulated": true,
  "partial": false,
  "samples": 4,
  "repeats": 1,
  "prices_as_of": "2026-11-23",
  "total_cost_usd": "0.01655",
  "candidates": [
    {
      "id": "big",
      "model": "big-model",
      "tasks": 4,
      "tasks_unfinished": 0,
      "tasks_not_run": 0,
      "successes": 3,
      "success_rate_pct": "75.0",
      "attempts": 5,
      "unfinished_attempts": 0,
      "attempts_per_task": "1.25",
      "input_tokens": 4000,
      "output_tokens": 400,
      "input_tokens_per_task": "1000.0",
      "output_tokens_per_task": "100.0",
      "total_cost_usd": "0.014",
      "cost_per_successful_task_usd": "0.004666666667",
      "p95_cost_per_task_usd": "0.0035",
      "quality": null,
      "price": {
        "key": "big-model",
        "as_of": "2026-11-01",
        "input_per_1m_usd": "2.50",
        "cached_input_per_1m_usd": null,
        "cache_write_per_1m_usd": null,
        "output_per_1m_usd": "10.00",
        "reasoning_per_1m_usd": null,
        "batch_discount_percent": 0
      }
    },
    {
      "id": "small",
      "model": "small-model",
      "tasks": 4,
      "tasks_unfinished": 0,
      "tasks_not_run": 0,
      "successes": 3,
      "success_rate_pct": "75.0",
      "attempts": 6,
      "unfinished_attempts": 0,
      "attempts_per_task": "1.50",
      "input_tokens": 13000,
      "output_tokens": 1000,
      "input_tokens_per_task": "3250.0",
      "output_tokens_per_task": "250.0",
      "total_cost_usd": "0.00255",
      "cost_per_successful_task_usd": "0.00085",
      "p95_cost_per_task_usd": "0.00126",
      "quality": null,
      "price": {
        "key": "small-model",
        "as_of": "2026-11-23",
        "input_per_1m_usd": "0.15",
        "cached_input_per_1m_usd": "0.075",
        "cache_write_per_1m_usd": null,
        "output_per_1m_usd": "0.60",
        "reasoning_per_1m_usd": null,
        "batch_discount_percent": 50
      }
    }
  ]
}
)";

std::string ReadErrors(const std::string& text) {
  Result<RunFigures> read = BaselineFromJson(text, "base.json");
  return read.ok() ? "ok" : FormatErrors(read.errors());
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("baseline: a run's figures are written with fixed keys and exact decimals") {
  const RunFigures figures = HandWorkedFigures();
  CHECK(BaselineToJson(figures) == kHandWorkedJson);

  SUBCASE("the file names no price page, no machine path and no key") {
    const std::string json = BaselineToJson(figures);
    CHECK(json.find("example.invalid") == std::string::npos);
    CHECK(json.find("/tmp") == std::string::npos);
  }
  SUBCASE("the same run writes the same bytes") {
    CHECK(BaselineToJson(HandWorkedFigures()) == BaselineToJson(figures));
  }
}

TEST_CASE("baseline: a baseline reads back to the same figures") {
  Result<RunFigures> read = BaselineFromJson(kHandWorkedJson, "base.json");
  REQUIRE_MESSAGE(read.ok(), FormatErrors(read.ok() ? Errors{} : read.errors()));
  const RunFigures& f = read.value();
  CHECK(f.suite_name == "triage");
  CHECK(f.total_cost == Money::FromPicos(16'550'000'000));
  REQUIRE(f.candidates.size() == 2);
  const CandidateFigures& big = f.candidates[0];
  CHECK(big.cost_per_success == Money::FromPicos(4'666'666'667));
  CHECK(big.task_cost_p95 == Money::FromPicos(3'500'000'000));
  CHECK(big.SuccessRate().num == 3);
  CHECK(big.input_tokens == 4000);
  CHECK(big.price.input == Money::FromPicos(2'500'000));
  CHECK_FALSE(big.price.cached_input.has_value());
  CHECK(f.candidates[1].price.cached_input == Money::FromPicos(75'000));
  CHECK(f.candidates[1].price.batch_discount_percent == 50);
  CHECK(BaselineToJson(f) == kHandWorkedJson);
}

TEST_CASE("baseline: unreadable baselines are refused with the field's JSON pointer") {
  CHECK(ReadErrors("{\"runs\": []}") ==
        "base.json: not a taskcost baseline (expected \"format\": \"taskcost-baseline\"); save "
        "one with: taskcost baseline save RUN_DIR -o FILE");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "\"version\": 2", "\"version\": 3")) ==
        "base.json: /version: baseline format version 3 is newer than this taskcost reads (2); "
        "upgrade taskcost");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "\"successes\": 3", "\"successes\": \"3\"")) ==
        "base.json: /candidates/0/successes: expected a whole number >= 0, got \"3\"");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "\"total_cost_usd\": \"0.014\"",
                           "\"total_cost_usd\": 0.014")) ==
        "base.json: /candidates/0/total_cost_usd: expected an exact decimal string such as "
        "\"0.0084\", got 0.014");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "\"successes\": 3", "\"successes\": 5")) ==
        "base.json: /candidates/0/successes: more successes than finished tasks (4)");
  CHECK(
      ReadErrors(Replace(kHandWorkedJson, "\"tasks_unfinished\": 0", "\"tasks_unfinished\": 2")) ==
      "base.json: /candidates/0/successes: more successes than finished tasks (2)\n"
      "base.json: /partial: says false, but its candidates' unfinished and not-run tasks say "
      "true");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "\"id\": \"small\"", "\"id\": \"big\"")) ==
        "base.json: /candidates/1/id: candidate \"big\" is listed twice");
  CHECK(ReadErrors(Replace(kHandWorkedJson, "      \"quality\": null,\n", "")) ==
        "base.json: /candidates/0: missing key \"quality\"");
  CHECK(ReadErrors("{\"format\": ") ==
        "base.json:1:12: not valid JSON: syntax error while parsing "
        "value - unexpected end of input; expected '[', '{', or a "
        "literal");
}

TEST_CASE("baseline: a partial run is recorded, and a version 1 file still reads") {
  // The budget-stopped small of the hand-worked journal: s2's retries and s4 were cut.
  const RunManifest m = PricedManifest();
  std::vector<Attempt> journal;
  for (const Attempt& a : HandWorkedJournal()) {
    const bool cut = a.candidate_id == "small" &&
                     ((a.sample_id == "s2" && a.attempt > 1) || a.sample_id == "s4");
    if (!cut) journal.push_back(a);
  }
  // small: s1 ok, s2 invalid_output at attempt 1 (unfinished, $0.00033), s3 ok, s4 not run:
  // 2 finished, 2 successes; 3 attempts, 1 of them unfinished.
  const RunFigures f = FiguresOf(m, ComputeReport(m, journal));
  const std::string json = BaselineToJson(f);
  CHECK(json.find("\"partial\": true,") != std::string::npos);
  CHECK(json.find("      \"tasks\": 3,\n      \"tasks_unfinished\": 1,\n      "
                  "\"tasks_not_run\": 1,\n      \"successes\": 2,\n      \"success_rate_pct\": "
                  "\"100.0\",\n      \"attempts\": 3,\n      \"unfinished_attempts\": 1,\n      "
                  "\"attempts_per_task\": \"1.00\"") != std::string::npos);
  Result<RunFigures> read = BaselineFromJson(json, "base.json");
  REQUIRE(read.ok());
  CHECK(read->Partial());
  CHECK(read->candidates[1].tasks_unfinished == 1);
  CHECK(read->candidates[1].tasks_not_run == 1);

  // Version 1 had no partial keys: its planned tasks without a line were not run.
  std::string v1 = Replace(kHandWorkedJson, "\"version\": 2", "\"version\": 1");
  v1 = Replace(v1, "  \"partial\": false,\n", "");
  for (int i = 0; i < 2; ++i) {
    v1 = Replace(v1, "      \"tasks_unfinished\": 0,\n      \"tasks_not_run\": 0,\n", "");
    v1 = Replace(v1, "      \"unfinished_attempts\": 0,\n", "");
  }
  v1 = Replace(v1, "\"tasks\": 4", "\"tasks\": 3");  // big ran 3 of 4 planned
  v1 = Replace(v1, "\"successes\": 3", "\"successes\": 2");
  Result<RunFigures> old = BaselineFromJson(v1, "old.json");
  REQUIRE_MESSAGE(old.ok(), FormatErrors(old.ok() ? Errors{} : old.errors()));
  CHECK(old->candidates[0].tasks_not_run == 1);
  CHECK(old->candidates[0].tasks_unfinished == 0);
  CHECK(old->Partial());
}

TEST_CASE("baseline: recorded suite paths are relative and name no machine directory") {
  CHECK(PortablePath("suites/x/suite.yaml", "/home/a/repo") == "suites/x/suite.yaml");
  CHECK(PortablePath("./suites/x/../x/suite.yaml", "/home/a/repo") == "suites/x/suite.yaml");
  CHECK(PortablePath("/home/a/repo/suites/x/suite.yaml", "/home/a/repo") == "suites/x/suite.yaml");
  CHECK(PortablePath("/home/a/repo/suites/x/suite.yaml", "/home/a/repo/") == "suites/x/suite.yaml");
  CHECK(PortablePath("/tmp/build-7/suite.yaml", "/home/a/repo") == "suite.yaml");
  CHECK(PortablePath("../other/suite.yaml", "/home/a/repo") == "../other/suite.yaml");
}

}  // namespace taskcost::baseline_test
