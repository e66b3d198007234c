// A command scorer in a real run: it judges one ticket, hangs on one, crashes on one and answers
// garbage on one. The three it could not judge are scorer errors: reported and counted apart,
// never model failures and never retried as model attempts. The four run at once (scorers run on
// a pool off the run loop), so a loaded machine's slow Python starts get a 5 s timeout.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::scorer_e2e_test {
namespace {
using nlohmann::json;

const std::string kSuite = std::string(R"(suite: judged
samples: samples.jsonl
providers: providers.yaml
prices: prices.yaml
prompt:
  user: "Ticket: {{text}}"
output: {schema: schema.json}
success:
  - command: {run: ["python3", ")") +
                           TASKCOST_SOURCE_DIR +
                           R"(/tests/e2e/scripts/moody_scorer.py"], timeout_s: 5}
quality:
  - max_words: {field: category, max: 1}
policy: {max_attempts: 3, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big}
)";

const char* kProfile = R"(seed: 7
answers: {samples: samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 1000, output_tokens: 200}
)";

}  // namespace

TEST_CASE("e2e: a command scorer that hangs, crashes or talks garbage leaves tasks unjudged") {
  TempDir dir;
  WriteSimSuite(dir, {kTicketSamples, kTicketSchema, kSuite.c_str(), kProfile});
  CliOutcome run = RunCli({"run", "suite.yaml", "--simulate", "profile.yaml", "--out", "run",
                           "--quiet", "--no-cache"},
                          dir.path());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(ReadFileText(dir.path() + "/run/report.json"));
  const json& big = ReportCandidate(report, "big");
  CHECK(big.at("attempts") == 4);  // one call a task: a scorer error is never retried
  CHECK(big.at("successes") == 1);
  CHECK(big.at("unjudged_tasks") == 3);
  CHECK(big.at("failures_by_task").at("scorer_error") == 3);
  CHECK(big.at("failures_by_task").value("incorrect", 0) == 0);
  CHECK(big.at("failures_by_task").value("invalid_output", 0) == 0);
  const json& command = big.at("scorers").at(0);
  CHECK(command.at("name") == "command(moody_scorer.py)");
  CHECK(command.at("scorer_errors") == 3);
  CHECK(command.at("failed_tasks") == 0);
  // The quality scorer still scored every valid answer: one word each.
  CHECK(big.at("quality_tasks") == 4);
  CHECK(big.at("quality_score").get<double>() == doctest::Approx(1.0));

  const std::string journal = ReadFileText(dir.path() + "/run/attempts.jsonl");
  CHECK(journal.find("timed out after 5 s") != std::string::npos);
  CHECK(journal.find("crashed (signal 9, Killed)") != std::string::npos);
  CHECK(journal.find("answered \\\"LGTM\\\"") != std::string::npos);
  CHECK(run.out.find("3 task(s) of big were left unjudged") != std::string::npos);
}

}  // namespace taskcost::scorer_e2e_test
