// Broken suites, as a user meets them: `taskcost validate` and `taskcost run` exit 2 before
// anything is sent, with one message per problem naming file:line:col and the field.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::validate_e2e_test {
namespace {

const char* kSchema = R"({"type": "object", "properties": {"category": {"type": "string"}},
 "required": ["category"]})";

// Each line of the suite is numbered in the comments so the expected locations are checkable.
const char* kBroken =
    "suite: broken\n"                                                   // 1
    "samples: rows.jsonl\n"                                             // 2
    "prompt: {user: \"{{text}}\"}\n"                                    // 3
    "output: {schema: schema.json}\n"                                   // 4
    "policy: {max_attemps: 3}\n"                                        // 5
    "candidates:\n"                                                     // 6
    "  - {id: a, provider: opnai, model: gpt-4.1, baseline: true}\n"    // 7
    "  - {id: b, provider: openai, model: gpt-5-mega}\n";               // 8

}  // namespace

TEST_CASE("e2e: a broken suite gets one located message per problem and exit 2") {
  TempDir dir;
  dir.Write("providers.yaml", kOpenAiProviders);
  dir.Write("prices.yaml", kGpt41Prices);
  dir.Write("schema.json", kSchema);
  dir.Write("rows.jsonl", "{\"id\": \"r1\", \"text\": \"hi\"}\n{\"id\": \"r1\", \"text\": \"again\"}\n");
  dir.Write("suite.yaml", kBroken);
  const std::vector<std::string> flags = {"--providers", "providers.yaml", "--prices",
                                          "prices.yaml"};

  SUBCASE("validate") {
    std::vector<std::string> args = {"validate", "suite.yaml"};
    args.insert(args.end(), flags.begin(), flags.end());
    CliOutcome v = RunCli(args, dir.path());
    INFO(v.err);
    CHECK(v.exit_code == 2);
    CHECK(v.out.empty());
    CHECK(v.err.find("suite.yaml:5:10: policy: unknown key \"max_attemps\", did you mean "
                     "\"max_attempts\"?") != std::string::npos);
    CHECK(v.err.find("rows.jsonl:2: duplicate sample id \"r1\" (first used at line 1)") !=
          std::string::npos);
  }
  SUBCASE("one round: catalog problems beside the suite's, a missing field beside a duplicate") {
    // Row 2 repeats r1's id; row 3 lacks the "text" the prompt uses. Every problem is listed at
    // once: the samples', the suite's own, the catalogs', and a warning for the unset key.
    dir.Write("rows.jsonl", "{\"id\": \"r1\", \"text\": \"hi\"}\n"
                            "{\"id\": \"r1\", \"text\": \"again\"}\n"
                            "{\"id\": \"r3\"}\n");
    std::vector<std::string> args = {"validate", "suite.yaml"};
    args.insert(args.end(), flags.begin(), flags.end());
    CliOutcome v = RunCli(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    CHECK(v.exit_code == 2);
    CHECK(v.err ==
          "taskcost: error: rows.jsonl:2: duplicate sample id \"r1\" (first used at line 1)\n"
          "taskcost: error: suite.yaml:5:10: policy: unknown key \"max_attemps\", did you mean "
          "\"max_attempts\"?\n"
          "taskcost: error: rows.jsonl:3: sample \"r3\" has no field \"text\" (used in "
          "prompt.user)\n"
          "taskcost: error: suite.yaml:7:23: candidates[0].provider: unknown provider \"opnai\", "
          "did you mean \"openai\"?\n"
          "taskcost: error: suite.yaml:8:38: candidates[1].model: no price for \"gpt-5-mega\" in "
          "prices.yaml; add it there or set candidates[1].price\n"
          "taskcost: warning: environment variable OPENAI_API_KEY is not set (needed by b); run "
          "refuses to start without it (--simulate needs no key)\n");
  }
  SUBCASE("run refuses the same suite before anything is sent") {
    dir.Write("rows.jsonl", "{\"id\": \"r1\", \"text\": \"hi\"}\n");
    dir.Write("suite.yaml", std::string(kBroken).replace(std::string(kBroken).find("max_attemps"),
                                                         11, "max_attempts"));
    std::vector<std::string> args = {"run", "suite.yaml", "--out", "run"};
    args.insert(args.end(), flags.begin(), flags.end());
    CliOutcome r = RunCli(args, dir.path(), {{"OPENAI_API_KEY", "k"}});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("suite.yaml:7:23: candidates[0].provider: unknown provider \"opnai\", did "
                     "you mean \"openai\"?") != std::string::npos);
    CHECK(r.err.find("candidates[1].model: no price for \"gpt-5-mega\" in prices.yaml") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/run"));  // no run directory, no journal
  }
  SUBCASE("a key variable that is not set is a warning of a valid suite") {
    dir.Write("rows.jsonl", "{\"id\": \"r1\", \"text\": \"hi\"}\n");
    dir.Write("suite.yaml", "suite: s\nsamples: rows.jsonl\nprompt: {user: \"{{text}}\"}\n"
                            "output: {schema: schema.json}\n"
                            "candidates:\n  - {id: a, provider: openai, model: gpt-4.1}\n");
    std::vector<std::string> args = {"validate", "suite.yaml"};
    args.insert(args.end(), flags.begin(), flags.end());
    CliOutcome v = RunCli(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    CHECK(v.exit_code == 0);
    CHECK(v.err == "taskcost: warning: environment variable OPENAI_API_KEY is not set (needed by "
                   "a); run refuses to start without it (--simulate needs no key)\n");
    CHECK(RunCli(args, dir.path(), {{"OPENAI_API_KEY", "k"}}).err.empty());
  }
  SUBCASE("a missing samples file names the path as written") {
    dir.Write("suite.yaml", "suite: s\nsamples: nowhere.jsonl\nprompt: {user: hi}\n"
                            "output: {schema: schema.json}\n"
                            "candidates:\n  - {id: a, provider: openai, model: gpt-4.1}\n");
    CliOutcome v = RunCli({"validate", "suite.yaml", "--providers", "providers.yaml", "--prices",
                           "prices.yaml"},
                          dir.path());
    CHECK(v.exit_code == 2);
    CHECK(v.err.find("suite.yaml:2:10: samples: file \"nowhere.jsonl\" not found") !=
          std::string::npos);
  }
}

TEST_CASE("e2e: the example suite validates") {
  CliOutcome v = RunCli({"validate", "suites/support-triage/suite.yaml"}, TASKCOST_SOURCE_DIR);
  INFO(v.err);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("100 samples, 4 candidates (baseline gpt-4.1)") != std::string::npos);
}

TEST_CASE("e2e: unknown verbs and options get a suggestion") {
  CliOutcome verb = RunCli({"rnu"}, TASKCOST_SOURCE_DIR);
  CHECK(verb.exit_code == 2);
  CHECK(verb.err == "taskcost: error: unknown verb 'rnu', did you mean 'run'? (see 'taskcost "
                    "--help')\n");
  CliOutcome option = RunCli({"run", "x.yaml", "--concurency", "4"}, TASKCOST_SOURCE_DIR);
  CHECK(option.exit_code == 2);
  CHECK(option.err.find("unknown option --concurency, did you mean --concurrency?") !=
        std::string::npos);
}

}  // namespace taskcost::validate_e2e_test
