// End to end: the files a user hands taskcost, read by the real binary. Hostile files (alias
// bombs, deep nesting, 200k CSV columns, FIFOs and devices, bad bytes, a second YAML document,
// numbers past a double) end with exit 2 and a location, in bounded memory (the child's peak RSS
// from wait4); runs do not depend on the working directory; `--resume` keeps the run's own
// settings; the verbs with subcommands print their whole help.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::inputs_e2e_test {
namespace {

namespace fs = std::filesystem;

struct Measured {
  int exit_code = -1;
  std::string err;
  long peak_kb = 0;  // the child's maximum resident set size
};

// Runs TASKCOST_BINARY with `args` in `cwd`, stderr to a file, and reads the child's own peak
// memory from wait4 (RUSAGE_CHILDREN would mix in every earlier child).
Measured RunMeasured(const std::vector<std::string>& args, const std::string& cwd) {
  const std::string err_path = cwd + "/stderr.txt";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("OPENAI_API_KEY", "k", 1);  // set: no warning for it after the error
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null = ::open("/dev/null", O_RDWR);
    if (err < 0 || null < 0 || chdir(cwd.c_str()) != 0) _exit(127);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    std::vector<char*> argv = {const_cast<char*>(TASKCOST_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(TASKCOST_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  Measured m;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.err = ReadFileText(err_path);
  m.peak_kb = usage.ru_maxrss;
  return m;
}

// A valid suite whose samples, schema and candidate params are given, in 10 lines:
//   1 suite: s           4   user: "Say {{text}}"   7 candidates:         10     model: gpt-4.1
//   2 samples: SAMPLES   5 output:                  8   - id: one          11...  PARAMS
//   3 prompt:            6   schema: SCHEMA         9     provider: openai
std::string BombSuite(const std::string& samples, const std::string& schema,
                      const std::string& params = "") {
  return "suite: s\nsamples: " + samples + "\nprompt:\n  user: \"Say {{text}}\"\noutput:\n" +
         "  schema: " + schema + "\ncandidates:\n  - id: one\n    provider: openai\n" +
         "    model: gpt-4.1\n" + params;
}

const char* kInlineSchema = "{type: object, properties: {answer: {type: string}}}";

// "x0: &a0 [v x 10]" then "xk: &ak [*a(k-1) x 10]": 10^9 scalars once expanded.
std::string Laughs(const std::string& indent, const std::string& open, const std::string& close) {
  std::string out = indent + "x0: &a0 " + open + "v, v, v, v, v, v, v, v, v, v" + close + "\n";
  for (int level = 1; level < 9; ++level) {
    out += indent + "x" + std::to_string(level) + ": &a" + std::to_string(level) + " " + open;
    for (int i = 0; i < 10; ++i) out += (i ? ", *a" : "*a") + std::to_string(level - 1);
    out += close + "\n";
  }
  return out;
}

struct BombDir {
  TempDir dir;
  BombDir() {
    dir.Write("providers.yaml", kOpenAiProviders);
    dir.Write("prices.yaml", kGpt41Prices);
    dir.Write("rows.jsonl", "{\"id\": \"a\", \"text\": \"hi\"}\n");
  }
  Measured Validate() const {
    return RunMeasured(
        {"validate", "suite.yaml", "--providers", "providers.yaml", "--prices", "prices.yaml"},
        dir.path());
  }
};

// 200 MB: the bound the issue sets for every hostile input. The binary alone peaks near 18 MB.
constexpr long kMaxPeakKb = 200 * 1024;

void CheckRefused(const BombDir& b, const std::string& error) {
  const Measured m = b.Validate();
  INFO(m.err);
  CHECK(m.exit_code == 2);
  CHECK(m.err == "taskcost: error: " + error + "\n");
  MESSAGE("peak memory " << m.peak_kb << " KB");
  CHECK(m.peak_kb < kMaxPeakKb);
}

}  // namespace

TEST_CASE("e2e inputs: hostile files end in exit 2 at their place, in bounded memory") {
  BombDir b;
  SUBCASE("billion laughs in params") {
    // Counted in file order (as in tests/core/user_files_test.cc): lines 1-11 hold 32 values;
    // x0..x3 (lines 12-15) bring it to 12,380, x4's list opens at 12,382 and each *a3 adds
    // 11,111: the 8th passes 100,000. "      x4: &a4 [" is 15 bytes: aliases at columns 16,
    // 21, ..., the 8th at 51.
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", kInlineSchema,
                                        "    params:\n" + Laughs("      ", "[", "]")));
    CheckRefused(b,
                 "suite.yaml:16:51: the file holds more than 100000 values (aliases counted "
                 "at every use)");
  }
  SUBCASE("billion laughs in an inline schema") {
    std::string schema =
        "\n    type: object\n    properties:\n" + Laughs("      ", "{allOf: [", "]}");
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", schema));
    const Measured m = b.Validate();
    CHECK(m.exit_code == 2);
    CHECK(m.err.find("the file holds more than 100000 values (aliases counted at every use)") !=
          std::string::npos);
    CHECK(m.peak_kb < kMaxPeakKb);
  }
  SUBCASE("a sample of 20,000 nested objects (120 KB)") {
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", kInlineSchema));
    std::string row = "{\"id\": \"a\", \"text\": \"hi\", \"a\": ";
    for (int i = 0; i < 20000; ++i) row += "{\"a\": ";
    row += "1" + std::string(20001, '}') + "\n";
    b.dir.Write("rows.jsonl", row);
    // The row's object is level 1; the first nested {"a": (6 bytes each) opens level 2 at byte
    // 31, so level 65 opens at byte 31 + 63 x 6 = 409, column 410.
    CheckRefused(b, "rows.jsonl:1:410: nested more than 64 levels deep");
  }
  SUBCASE("a sample line of 100,000 nested arrays") {
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", kInlineSchema));
    b.dir.Write("rows.jsonl", "{\"id\": \"a\", \"text\": " + std::string(100000, '[') +
                                  std::string(100000, ']') + "}\n");
    // {"id": "a", "text": is 20 bytes; the 64th '[' (level 65) is byte 83, column 84.
    CheckRefused(b, "rows.jsonl:1:84: nested more than 64 levels deep");
  }
  SUBCASE("a schema file 20,000 levels deep") {
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", "schema.json"));
    b.dir.Write(
        "schema.json", "{\"items\": " + [] {
          std::string s;
          for (int i = 0; i < 20000; ++i) s += "{\"items\": ";
          return s + "{}" + std::string(20001, '}');
        }());
    // {"items": is 10 bytes: level k opens at byte 10 (k - 1), level 65 at 640, column 641.
    CheckRefused(b, "schema.json:1:641: nested more than 64 levels deep");
  }
  SUBCASE("a schema whose $ref refers to itself") {
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", "schema.json"));
    b.dir.Write("schema.json", R"({"$ref": "#"})");
    CheckRefused(b,
                 "suite.yaml:6:11: output.schema: \"schema.json\" is not a usable JSON "
                 "Schema: at /$ref: a cycle of references applies the schema to the same value "
                 "without end: # -> #");
  }
  SUBCASE("a CSV samples file of 200,000 columns") {
    b.dir.Write("suite.yaml", BombSuite("rows.csv", kInlineSchema));
    std::string header = "id,text", row = "a,hi";
    for (int i = 0; i < 200000; ++i) {
      header += ",c" + std::to_string(i);
      row += ",x";
    }
    b.dir.Write("rows.csv", header + "\n" + row + "\n");
    CheckRefused(b, "rows.csv:1: line 1 has more than 1000 fields");
  }
  SUBCASE("/dev/zero as the samples file") {
    b.dir.Write("suite.yaml", BombSuite("zero.jsonl", kInlineSchema));
    REQUIRE(symlink("/dev/zero", (b.dir.path() + "/zero.jsonl").c_str()) == 0);
    CheckRefused(b,
                 "suite.yaml:2:10: samples: zero.jsonl: cannot read file (it is a character "
                 "device, not a regular file)");
  }
  SUBCASE("a FIFO as the samples file and as the schema") {
    b.dir.Write("suite.yaml", BombSuite("fifo.jsonl", "schema.json"));
    REQUIRE(mkfifo((b.dir.path() + "/fifo.jsonl").c_str(), 0600) == 0);
    REQUIRE(mkfifo((b.dir.path() + "/schema.json").c_str(), 0600) == 0);
    // Neither waits for a writer; both are listed in the one round.
    const Measured m = b.Validate();
    CHECK(m.exit_code == 2);
    CHECK(m.err ==
          "taskcost: error: suite.yaml:2:10: samples: fifo.jsonl: cannot read file (it is a FIFO, "
          "not a regular file)\n"
          "taskcost: error: suite.yaml:6:11: output.schema: schema.json: cannot read file (it is "
          "a FIFO, not a regular file)\n");
  }
  SUBCASE("invalid UTF-8, a NUL byte and a second document in suite.yaml") {
    b.dir.Write("suite.yaml",
                "suite: s\nunit: caf\xE9\n" + BombSuite("rows.jsonl", kInlineSchema).substr(9));
    CheckRefused(b, "suite.yaml:2:10: not valid UTF-8 (byte 0xE9); save the file as UTF-8");
    b.dir.Write("suite.yaml", std::string("suite: s\0\n", 10));
    CheckRefused(b, "suite.yaml:1:9: a NUL byte (0x00) in the text; a YAML file holds text only");
    b.dir.Write("suite.yaml", BombSuite("rows.jsonl", kInlineSchema) + "---\nsuite: other\n");
    CheckRefused(b,
                 "suite.yaml:11:1: a second YAML document starts here; the file must hold one "
                 "document (remove the --- line or what follows it)");
  }
  SUBCASE("numbers past a double in a sample and in params") {
    b.dir.Write("suite.yaml",
                BombSuite("rows.jsonl", kInlineSchema, "    params: {temperature: 1e999}\n"));
    b.dir.Write("rows.jsonl", "{\"id\": \"a\", \"text\": \"hi\", \"n\": -1e999}\n");
    const Measured m = b.Validate();
    CHECK(m.exit_code == 2);
    CHECK(m.err ==
          "taskcost: error: rows.jsonl:1:32: the number -1e999 is too large to hold\n"
          "taskcost: error: suite.yaml:11:27: candidates[0].params.temperature: the number 1e999 "
          "is too large to hold\n");
  }
}

namespace {

// A project laid out as a team would: the default catalogs and the simulator profile in
// project/configs/, a suite that names none of them in project/suites/t/.
const char* kProjectSuite = R"(suite: t
unit: ticket
samples: samples.jsonl
prompt: {system: "Classify the ticket.", user: "Ticket: {{text}}"}
output: {schema: schema.json}
success:
  - field_equals: {field: category, expected: "{{expected}}"}
policy: {max_attempts: 2, timeout_s: 10}
candidates:
  - {id: big, provider: sim, model: m-big, baseline: true}
  - {id: small, provider: sim-anthropic, model: m-small}
)";

const char* kProjectProfile = R"(seed: 5
answers: {samples: ../suites/t/samples.jsonl, key_field: text, fields: {category: expected}}
models:
  m-big: {accuracy: 1, input_tokens: 100, output_tokens: 10, latency_ms: 1}
  m-small: {accuracy: 1, input_tokens: 100, output_tokens: 10, latency_ms: 1}
)";

struct Project {
  TempDir root;
  Project() {
    root.Write("project/configs/providers.yaml", kSimProviders);
    root.Write("project/configs/prices.yaml", kSimPrices);
    root.Write("project/configs/simulator.yaml", kProjectProfile);
    root.Write("project/suites/t/suite.yaml", kProjectSuite);
    root.Write("project/suites/t/samples.jsonl", kTicketSamples);
    root.Write("project/suites/t/schema.json", kTicketSchema);
    root.Write("a/.keep", "");
    root.Write("b/.keep", "");
  }
  std::string Path(const std::string& relative) const { return root.path() + "/" + relative; }
  CliOutcome Cli(const std::string& dir, const std::vector<std::string>& args) const {
    return RunCli(args, Path(dir));
  }
  nlohmann::json Manifest(const std::string& run) const {
    return nlohmann::json::parse(ReadFileText(Path(run) + "/run.json"));
  }
};

// The journal's lines but its `sent` lines (a call about to go out, then its attempt line).
std::vector<std::string> RecordLines(const std::string& journal) {
  std::vector<std::string> lines;
  std::istringstream in(journal);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("{\"type\":\"sent\"")) lines.push_back(line);
  }
  return lines;
}

// The one run directory under RESULTS/t/ (the default layout).
std::string OnlyRun(const std::string& results) {
  std::vector<std::string> runs;
  for (const auto& entry : fs::directory_iterator(results + "/t")) runs.push_back(entry.path());
  REQUIRE(runs.size() == 1);
  return runs.front();
}

}  // namespace

TEST_CASE("e2e inputs: a run does not depend on the working directory") {
  Project p;
  // Run from a/, a sibling of the project: the catalogs and the profile are found above the
  // suite (project/configs), not in the working directory.
  CliOutcome run = p.Cli("a", {"run", "../project/suites/t/suite.yaml", "--simulate", "--out",
                               "run", "--results", "res", "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.find("simulated run: outputs come from the bundled simulator (" +
                     p.Path("project/configs/simulator.yaml") + ")") != std::string::npos);
  const nlohmann::json manifest = p.Manifest("a/run");
  CHECK(manifest.at("suite_file") == p.Path("project/suites/t/suite.yaml"));
  CHECK(manifest.at("providers_file") == p.Path("project/configs/providers.yaml"));
  CHECK(manifest.at("prices_file") == p.Path("project/configs/prices.yaml"));
  CHECK(manifest.at("simulator_profile") == p.Path("project/configs/simulator.yaml"));
  CHECK(manifest.at("results_dir") == p.Path("a/res"));
  CHECK(manifest.at("cache_dir") == p.Path("a/res/.cache"));
  SUBCASE("validate and plan from another directory find the same files") {
    CliOutcome v = p.Cli("b", {"validate", "../project/suites/t/suite.yaml"});
    CHECK(v.exit_code == 0);
    CHECK(v.out.find("providers " + p.Path("project/configs/providers.yaml") + ", prices " +
                     p.Path("project/configs/prices.yaml")) != std::string::npos);
    CHECK(p.Cli("b", {"plan", "../project/suites/t/suite.yaml", "--simulate"}).exit_code == 0);
  }
  SUBCASE("report from another directory shows the inputs") {
    p.root.Write("b/deeper/.keep", "");
    CliOutcome html = p.Cli("b/deeper", {"report", p.Path("a/run"), "--format", "html", "-o", "-"});
    CHECK(html.exit_code == 0);
    CHECK(html.out.find("inputs not shown") == std::string::npos);
    // A run.json of before held the path as given, relative to where the run started; from
    // elsewhere the report could not show the inputs (and still cannot, for a run written with
    // --out outside the default layout).
    nlohmann::json old = manifest;
    old["suite_file"] = "../project/suites/t/suite.yaml";
    p.root.Write("a/run/run.json", old.dump(2));
    CHECK(p.Cli("b/deeper", {"report", p.Path("a/run"), "--format", "html", "-o", "-"})
              .out.find("suite file ../project/suites/t/suite.yaml could not be read from here") !=
          std::string::npos);
    // In the default layout, RESULTS/<suite>/<run-id>, the directory the run started in is
    // known: three levels above the run's.
    REQUIRE(p.Cli("a", {"run", "../project/suites/t/suite.yaml", "--simulate", "--results", "res",
                        "--quiet"})
                .exit_code == 0);
    const std::string run = OnlyRun(p.Path("a/res"));
    p.root.Write(fs::path(run).lexically_relative(p.root.path()).string() + "/run.json",
                 old.dump(2));
    CHECK(p.Cli("b/deeper", {"report", run, "--format", "html", "-o", "-"})
              .out.find("inputs not shown") == std::string::npos);
  }
  SUBCASE("the search goes on past the suite's parents: the source tree comes last") {
    fs::remove_all(p.Path("project/configs"));
    CliOutcome v = p.Cli("b", {"validate", "../project/suites/t/suite.yaml"});
    CHECK(v.exit_code == 2);  // the source tree's catalog has no provider "sim"
    CHECK(v.err.find("candidates[0].provider: unknown provider \"sim\" (" +
                     std::string(TASKCOST_SOURCE_DIR) + "/configs/providers.yaml defines:") !=
          std::string::npos);
  }
}

TEST_CASE("e2e inputs: --resume keeps the run's own cache, results and simulator settings") {
  Project p;
  CliOutcome first = p.Cli("a", {"run", "../project/suites/t/suite.yaml", "--simulate",
                                 "--no-cache", "--results", "res", "--quiet"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::string run = OnlyRun(p.Path("a/res"));
  const std::string journal_path = run + "/attempts.jsonl";
  const std::string relative = fs::path(journal_path).lexically_relative(p.root.path()).string();
  // Keep the header and the first two attempts: six of the eight tasks are left to do.
  const std::vector<std::string> records = RecordLines(ReadFileText(journal_path));
  REQUIRE(records.size() == 9);  // the header and 4 samples x 2 candidates
  const std::string kept = records[0] + "\n" + records[1] + "\n" + records[2] + "\n";
  p.root.Write(relative, kept);
  fs::remove(p.Path("a/res/history.sqlite"));

  // Resumed from b/ with no flag but --resume: the simulator, --no-cache and --results are the
  // run's own.
  CliOutcome resumed = p.Cli("b", {"run", "--resume", run, "--quiet"});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(RecordLines(ReadFileText(journal_path)).size() == 9);
  CHECK_FALSE(fs::exists(p.Path("a/res/.cache")));    // --no-cache held: nothing written
  CHECK_FALSE(fs::exists(p.Path("b/results")));       // neither cache nor history in b/
  CHECK(fs::exists(p.Path("a/res/history.sqlite")));  // the run's own results root
  SUBCASE("a flag given on resume still wins") {
    p.root.Write(relative, kept);
    CliOutcome cached = p.Cli("b", {"run", "--resume", run, "--cache-dir", "cache", "--quiet"});
    CHECK(cached.exit_code == 0);
    CHECK(fs::exists(p.Path("b/cache")));
  }
}

TEST_CASE("e2e inputs: the verbs with subcommands print their whole help") {
  CliOutcome prices = RunCli({"prices", "--help"}, TASKCOST_SOURCE_DIR);
  CHECK(prices.exit_code == 0);
  CHECK(prices.out.find("usage: taskcost prices import-litellm FILE [--prices CURRENT] [-o OUT] "
                        "[options]") != std::string::npos);
  CHECK(prices.out.find("import-litellm import-litellm") == std::string::npos);
  CHECK(prices.out.find("--batch") != std::string::npos);
  CliOutcome baseline = RunCli({"baseline", "--help"}, TASKCOST_SOURCE_DIR);
  CHECK(baseline.exit_code == 0);
  CHECK(baseline.out.find("usage: taskcost baseline save RUN_DIR [-o FILE]") != std::string::npos);
  CHECK(baseline.out.find("--output") != std::string::npos);
  CliOutcome review = RunCli({"review", "--help"}, TASKCOST_SOURCE_DIR);
  CHECK(review.exit_code == 0);
  CHECK(review.out.find("usage: taskcost review export RUN_DIR [options]") != std::string::npos);
  CHECK(review.out.find("usage: taskcost review import RUN_DIR SHEET... [options]") !=
        std::string::npos);
  CHECK(review.out.find("--skip-bad-rows") != std::string::npos);
  CHECK(review.out.find("--exclude-failed") != std::string::npos);
}

}  // namespace taskcost::inputs_e2e_test
