// `taskcost init DIR` as a new user meets it, through the real binary: the suite it writes
// passes `validate` as written and runs with `run --simulate --limit 2` from another directory;
// `--from-csv` turns a hand-written spreadsheet export into the samples and the prompt; every
// refusal is exit 2 with its exact, located message, and leaves nothing behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/cli_process.h"

namespace taskcost::init_e2e_test {
namespace {

namespace fs = std::filesystem;

// Validates, then runs 2 samples on the simulator, from `cwd` (an absolute directory other
// than the suite's); checks what a user reads, and that the run wrote its report.
void InitCheckRuns(const std::string& cwd, const std::string& suite_path, const std::string& suite,
                   const std::string& counts) {
  CliOutcome v = RunCli({"validate", suite_path}, cwd, {{"OPENAI_API_KEY", ""}});
  INFO(v.err);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find(suite_path + ": ok: suite \"" + suite + "\", " + counts +
                   ", 2 candidates (baseline gpt-4.1)") == 0);
  CliOutcome r =
      RunCli({"run", suite_path, "--simulate", "--limit", "2", "--quiet", "--results", "res"}, cwd,
             {{"OPENAI_API_KEY", ""}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2 samples x 1 repeat; baseline gpt-4.1") != std::string::npos);
  std::vector<fs::path> runs;
  for (const auto& entry : fs::directory_iterator(cwd + "/res/" + suite)) {
    runs.push_back(entry.path());
  }
  REQUIRE(runs.size() == 1);
  CHECK(fs::is_regular_file(runs.front() / "report.json"));
  CHECK(fs::is_regular_file(runs.front() / "attempts.jsonl"));
}

// A spreadsheet export: a ticket_id column, a quoted comma, doubled quotes, the answer column.
const char* kTicketsCsv =
    "ticket_id,subject,body,expected_category\n"
    "T1,Refund,\"I was charged twice, refund one\",billing\n"
    "T2,Crash,\"The app crashes on \"\"Reports\"\"\",technical\n"
    "T3,Hello,Do you ship to Norway?,other\n";

}  // namespace

TEST_CASE("e2e init: the new suite validates as written and runs --simulate from elsewhere") {
  TempDir root;
  fs::create_directories(root.path() + "/elsewhere");
  CliOutcome init = RunCli({"init", "team/new-suite"}, root.path());
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  CHECK(init.out ==
        "wrote team/new-suite/suite.yaml, team/new-suite/schema.json and "
        "team/new-suite/samples.jsonl\n"
        "next: fill it in, then\n"
        "  taskcost validate team/new-suite/suite.yaml\n"
        "  taskcost run team/new-suite/suite.yaml --simulate\n");
  const std::string yaml = ReadFileText(root.path() + "/team/new-suite/suite.yaml");
  // Every top-level key of docs/suite-format.md is there, written or commented out, each under a
  // comment line saying what it is.
  for (const char* key :
       {"suite:", "unit:", "description:", "samples:", "prompt:", "output:", "success:",
        "# quality:", "human:", "volume_per_month:", "policy:", "budget_usd:", "# tags:",
        "# providers:", "# prices:", "# gate:", "# review:", "candidates:"}) {
    INFO(key);
    const size_t at = yaml.find(std::string("\n") + key);
    REQUIRE(at != std::string::npos);
    const size_t line_before = yaml.rfind('\n', at - 1);
    CHECK(yaml.compare(line_before + 1, 2, "# ") == 0);
  }
  CHECK(yaml.find("\nsuite: new-suite\n") != std::string::npos);
  // Three rows, one JSON object each.
  const std::string samples = ReadFileText(root.path() + "/team/new-suite/samples.jsonl");
  CHECK(std::count(samples.begin(), samples.end(), '\n') == 3);
  CHECK(samples.find("{\"id\": \"m-3\", ") != std::string::npos);
  InitCheckRuns(root.path() + "/elsewhere", "../team/new-suite/suite.yaml", "new-suite",
                "3 samples");
}

TEST_CASE("e2e init: --from-csv takes a spreadsheet's rows and columns") {
  TempDir root;
  root.Write("exports/tickets.csv", kTicketsCsv);
  fs::create_directories(root.path() + "/elsewhere");

  SUBCASE("no id column: refused, naming the likely one; nothing written") {
    CliOutcome init = RunCli({"init", "s", "--from-csv", "exports/tickets.csv"}, root.path());
    CHECK(init.exit_code == 2);
    CHECK(init.err ==
          "taskcost: error: exports/tickets.csv:1: the header has no \"id\" column; name the "
          "column that identifies each row with --id-column (\"ticket_id\"?)\n");
    CHECK(!fs::exists(root.path() + "/s"));
  }
  SUBCASE("--id-column: the column becomes \"id\", every other one is in the prompt") {
    CliOutcome init =
        RunCli({"init", "s", "--from-csv", "exports/tickets.csv", "--id-column", "ticket_id"},
               root.path());
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    // The header renamed, the rows byte for byte.
    CHECK(ReadFileText(root.path() + "/s/samples.csv") ==
          "id,subject,body,expected_category\n"
          "T1,Refund,\"I was charged twice, refund one\",billing\n"
          "T2,Crash,\"The app crashes on \"\"Reports\"\"\",technical\n"
          "T3,Hello,Do you ship to Norway?,other\n");
    const std::string yaml = ReadFileText(root.path() + "/s/suite.yaml");
    CHECK(yaml.find("\nsamples: samples.csv\n") != std::string::npos);
    CHECK(yaml.find("# Copied from exports/tickets.csv (3 rows); its column \"ticket_id\" is "
                    "\"id\" here.\n") != std::string::npos);
    // The answer column is not shown to the model; it is offered as a commented criterion.
    CHECK(yaml.find("  # Left out: expected_category (the right answer, for the success "
                    "criteria below).\n"
                    "  user: \"Row {{id}}:\\nsubject: {{subject}}\\nbody: {{body}}\"\n") !=
          std::string::npos);
    const std::string offered =
        "# success:\n#   - field_equals: {field: category, expected: \"{{expected_category}}\"}\n";
    REQUIRE(yaml.find(offered) != std::string::npos);
    CHECK(ReadFileText(root.path() + "/s/schema.json") ==
          "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"category\": {\n"
          "      \"type\": \"string\"\n    }\n  },\n  \"required\": [\n    \"category\"\n  ],\n"
          "  \"additionalProperties\": false\n}\n");
    InitCheckRuns(root.path() + "/elsewhere", "../s/suite.yaml", "s", "3 samples");

    // Uncommented as offered, the criterion fits the schema: validate still passes.
    std::string scored = yaml;
    scored.replace(scored.find(offered), offered.size(),
                   "success:\n  - field_equals: {field: category, expected: "
                   "\"{{expected_category}}\"}\n");
    root.Write("s/suite.yaml", scored);
    CliOutcome v = RunCli({"validate", "s/suite.yaml"}, root.path(), {{"OPENAI_API_KEY", "k"}});
    INFO(v.err);
    CHECK(v.exit_code == 0);
  }
  SUBCASE("an id column: the file is copied byte for byte, CRLF and all") {
    const std::string crlf = "id,question\r\nq1,What is 2+2?\r\nq2,Name a colour\r\nq3,Why?\r\n";
    root.Write("q.csv", crlf);
    CliOutcome init = RunCli({"init", "quiz", "--from-csv", "q.csv"}, root.path());
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(ReadFileText(root.path() + "/quiz/samples.csv") == crlf);
    const std::string yaml = ReadFileText(root.path() + "/quiz/suite.yaml");
    CHECK(yaml.find("  user: \"Row {{id}}:\\nquestion: {{question}}\"\n") != std::string::npos);
    // No expected_ column: a one-property answer, and the criterion left to the user.
    CHECK(yaml.find("\n# success:\n") != std::string::npos);
    CHECK(ReadFileText(root.path() + "/quiz/schema.json").find("\"answer\"") != std::string::npos);
    InitCheckRuns(root.path() + "/elsewhere", "../quiz/suite.yaml", "quiz", "3 samples");
  }
}

TEST_CASE("e2e init: each refusal is exit 2 with its located message, and writes nothing") {
  TempDir root;
  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::string err;
  };
  root.Write("full/notes.txt", "mine\n");
  root.Write("a-file", "x\n");
  root.Write("empty.csv", "");
  root.Write("dup.csv", "id,text,text\n1,a,b\n");
  root.Write("head.csv", std::string(10 << 20, 'x') + "\n1\n");       // one 10 MiB header cell
  root.Write("bin.csv", std::string("id,text\n1,ok\n2,a\0b\n", 19));  // a NUL: line 3, column 4
  root.Write("latin1.csv", "id,text\n1,caf\xE9\n");                   // Latin-1 e-acute, not UTF-8
  root.Write("only-header.csv", "id,text\n");
  root.Write("unclosed.csv", "id,text\n1,\"never closed\n");
  root.Write("t.csv", kTicketsCsv);
  const std::vector<Case> cases = {
      {"a non-empty directory",
       {"init", "full"},
       "taskcost: error: full: the directory is not empty; init writes a new suite only into a "
       "new or empty directory (--force writes suite.yaml, schema.json and the samples file over "
       "what is there)\n"},
      {"a file",
       {"init", "a-file"},
       "taskcost: error: a-file: exists and is not a directory; init writes a new suite into a "
       "directory\n"},
      {"no directory",
       {"init", ""},
       "taskcost: error: init needs a directory to write the suite into: taskcost init DIR\n"},
      {"--id-column alone",
       {"init", "n", "--id-column", "x"},
       "taskcost: error: --id-column needs --from-csv\n"},
      {"an empty CSV",
       {"init", "n", "--from-csv", "empty.csv"},
       "taskcost: error: empty.csv: the file has no header row naming the columns\n"},
      {"a column twice",
       {"init", "n", "--from-csv", "dup.csv"},
       "taskcost: error: dup.csv:1: column \"text\" appears twice in the header\n"},
      {"a 10 MiB line",
       {"init", "n", "--from-csv", "head.csv"},
       "taskcost: error: head.csv:1: column 1 of the header, \"" + std::string(60, 'x') +
           "...\", is 10485760 bytes long; a column name may have at most 100 (is the first line "
           "a header?)\n"},
      {"binary",
       {"init", "n", "--from-csv", "bin.csv"},
       "taskcost: error: bin.csv:3:4: not UTF-8 text (byte 0x00); --from-csv reads a CSV export "
       "saved as UTF-8\n"},
      {"another encoding",
       {"init", "n", "--from-csv", "latin1.csv"},
       "taskcost: error: latin1.csv:2:6: not UTF-8 text (byte 0xE9); --from-csv reads a CSV "
       "export saved as UTF-8\n"},
      {"a header and no rows",
       {"init", "n", "--from-csv", "only-header.csv"},
       "taskcost: error: only-header.csv: the file has no rows under its header\n"},
      {"a quote never closed",
       {"init", "n", "--from-csv", "unclosed.csv"},
       "taskcost: error: unclosed.csv:2: the quoted field opened on line 2 is never closed\n"},
      {"a misspelt --id-column",
       {"init", "n", "--from-csv", "t.csv", "--id-column", "ticketid"},
       "taskcost: error: t.csv:1: --id-column \"ticketid\": the header has no such column, did "
       "you mean \"ticket_id\"?\n"},
      {"a FIFO-like device",
       {"init", "n", "--from-csv", "/dev/zero"},
       "taskcost: error: /dev/zero: cannot read file (it is a character device, not a regular "
       "file)\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CliOutcome init = RunCli(c.args, root.path());
    CHECK(init.exit_code == 2);
    CHECK(init.err == c.err);
    CHECK(init.out.empty());
    CHECK(!fs::exists(root.path() + "/n"));
  }
  CHECK(ReadFileText(root.path() + "/full/notes.txt") == "mine\n");

  // --force writes the suite's files beside what is there, and leaves the rest alone.
  CliOutcome forced = RunCli({"init", "full", "--force"}, root.path());
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK(fs::is_regular_file(root.path() + "/full/suite.yaml"));
  CHECK(ReadFileText(root.path() + "/full/notes.txt") == "mine\n");
  CHECK(ReadFileText(root.path() + "/full/suite.yaml").find("\nsuite: full\n") !=
        std::string::npos);

  // The suite is named after the directory, however it is written.
  REQUIRE(RunCli({"init", "deeper/My Suite!/"}, root.path()).exit_code == 0);
  CHECK(ReadFileText(root.path() + "/deeper/My Suite!/suite.yaml").find("\nsuite: My-Suite-\n") !=
        std::string::npos);
}

}  // namespace taskcost::init_e2e_test
