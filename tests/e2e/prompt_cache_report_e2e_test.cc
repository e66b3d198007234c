// End to end (issue 14, item 2, the report half): `taskcost report` recomputes the prompt-caching
// figures from a run directory's journal, so a run recorded before the report knew of them (a
// run.json without prompt_cache, attempts whose usage carries cache reads and writes) shows them
// too: in the terminal text, report.json, report.md and the CSV sheet.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/core/loading/run_manifest.h"
#include "tests/e2e/cli_process.h"

namespace taskcost::prompt_cache_report_e2e_test {
namespace {

// One candidate at $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M tokens.
RunManifest Manifest() {
  RunManifest m;
  m.run_id = "2026-12-07T22-00-00Z";
  m.suite_name = "triage";
  m.sample_ids = {"s1", "s2"};
  ManifestCandidate c;
  c.id = "sonnet";
  c.provider = "anthropic";
  c.provider_kind = "anthropic";
  c.model = "claude-sonnet-4-5";
  c.baseline = true;
  c.price.model = c.model;
  c.price.input = Money::FromPicos(3'000'000);
  c.price.cached_input = Money::FromPicos(300'000);
  c.price.cache_write = Money::FromPicos(3'750'000);
  c.price.output = Money::FromPicos(15'000'000);
  c.price.as_of = "2026-11-23";
  c.price.source = "https://example.invalid/prices";
  m.candidates = {c};
  return m;
}

Attempt Call(const std::string& sample, int64_t input, int64_t read, int64_t write, int64_t picos) {
  Attempt a;
  a.sample_id = sample;
  a.candidate_id = "sonnet";
  a.usage.input_tokens = input;
  a.usage.cached_input_tokens = read;
  a.usage.cache_write_tokens = write;
  a.usage.output_tokens = 100;
  a.usage_raw = "{}";
  a.http_status = 200;
  a.cost = Money::FromPicos(picos);
  a.success = true;
  a.output = "{}";
  return a;
}

// s1 writes the prefix, s2 reads it: 500 + 1,000 written + 500 + 8,000 read = 10,000 input.
//   s1: 500 x 3 + 1,000 x 3.75 + 100 x 15 = 6,750 micro-dollars = 6,750,000,000 pUSD
//   s2: 500 x 3 + 8,000 x 0.30 + 100 x 15 = 5,400 micro-dollars = 5,400,000,000 pUSD
// read $0.0024, written $0.00375, uncached 9,000 x $3/1M = $0.027,
// saving 27,000 - 2,400 - 3,750 = 20,850 micro-dollars = $0.02085; 80.0% of input read.
void WriteRun(const TempDir& dir) {
  dir.Write("run/run.json", ManifestToJson(Manifest()));
  dir.Write("run/attempts.jsonl",
            JournalHeaderLine("2026-12-07T22-00-00Z") + "\n" +
                AttemptToJsonLine(Call("s1", 500, 0, 1'000, 6'750'000'000)) + "\n" +
                AttemptToJsonLine(Call("s2", 500, 8'000, 0, 5'400'000'000)) + "\n");
}

TEST_CASE("e2e prompt cache report: an old run's cache reads and writes are recomputed") {
  TempDir dir;
  WriteRun(dir);
  const CliOutcome report = RunCli({"report", "run"}, dir.path());
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  CHECK(report.out.find("\nsonnet               8000             1000             80.0        "
                        "0.0024        0.00375   0.02085\n") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(ReadFileText(dir.path() + "/run/report.json"));
  const nlohmann::json& cache = j["candidates"][0]["prompt_cache"];
  CHECK(cache["read_tokens"] == 8000);
  CHECK(cache["write_tokens"] == 1000);
  CHECK(cache["read_cost_picousd"] == 2'400'000'000);
  CHECK(cache["write_cost_picousd"] == 3'750'000'000);
  CHECK(cache["saving_picousd"] == 20'850'000'000);
  CHECK_FALSE(j["candidates"][0].contains("prompt_cache_warning"));  // not asked for in run.json
  CHECK(ReadFileText(dir.path() + "/run/report.md")
            .find("| sonnet | 8000 | 1000 | 80.0 | 0.0024 | 0.00375 | 0.02085 |") !=
        std::string::npos);

  const CliOutcome csv = RunCli({"report", "run", "--format", "csv", "-o", "-"}, dir.path());
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.find(",state,cache_read_tokens,cache_write_tokens\r\n") != std::string::npos);
  CHECK(csv.out.find("s2,sonnet,0,1,8500,100,0.0054,5400000000,true,,0.0,,succeeded,8000,0\r\n") !=
        std::string::npos);
}

}  // namespace
}  // namespace taskcost::prompt_cache_report_e2e_test
