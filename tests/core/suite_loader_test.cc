#include "harness/core/loading/suite_loader.h"

#include <doctest/doctest.h>

#include "harness/core/formats/content_hash.h"
#include "harness/core/formats/user_files.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_loader_test {
namespace {

using testing::FixturePath;
using testing::TempDir;

const char* const kMinimal = testing::kMinimalSuite;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// Loads `yaml` as dir/suite.yaml; "ok" or every error with the directory prefix removed.
std::string LoadErrors(const TempDir& dir, const std::string& yaml) {
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", yaml));
  return suite.ok() ? "ok" : dir.Relative(suite.errors());
}

std::string LoadErrors(const std::string& yaml) { return LoadErrors(TempDir(), yaml); }

Suite Load(const TempDir& dir, const std::string& yaml) {
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", yaml));
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  return suite.value();
}

}  // namespace

TEST_CASE("suite_loader: a complete suite loads with every field") {
  const std::string path = FixturePath("triage/suite.yaml");
  Result<Suite> loaded = LoadSuite(path);
  REQUIRE_MESSAGE(loaded.ok(), FormatErrors(loaded.ok() ? Errors{} : loaded.errors()));
  const Suite& suite = loaded.value();
  CHECK(suite.name == "support-triage");
  CHECK(suite.unit == "ticket classified");
  CHECK(suite.file == path);
  CHECK(suite.prompt.system == "You triage support tickets for {{product}}.");
  CHECK(suite.prompt.user == "Ticket from {{customer.name}}: {{text}}");
  CHECK(suite.output.schema_name == "triage");
  CHECK(suite.output.mode == OutputMode::kNative);
  CHECK(suite.output.schema_json.rfind(R"({"type":"object","properties":{"category":)", 0) == 0);
  REQUIRE(suite.success.size() == 1);
  CHECK(suite.success[0].kind == "field_equals");
  CHECK(suite.success[0].field == "category");
  CHECK(suite.success[0].expected == "{{expected_category}}");
  CHECK(suite.success[0].where.line == 14);
  CHECK(suite.human.present);
  CHECK(suite.human.micro_minutes_per_task == 2'000'000);
  CHECK(suite.human.hourly_rate == Money::ParseUsd("50").value());
  CHECK(suite.human.review_micro_minutes_per_task == 200'000);
  CHECK(suite.volume_per_month == 50000);
  CHECK(suite.policy.max_attempts == 4);
  CHECK(suite.policy.retry_on == std::vector<ErrorClass>{ErrorClass::kRateLimit,
                                                         ErrorClass::kServer,
                                                         ErrorClass::kInvalidOutput});
  CHECK(suite.policy.timeout == std::chrono::milliseconds(12'500));
  CHECK(suite.policy.backoff_initial == std::chrono::milliseconds(250));
  CHECK(suite.policy.backoff_max == std::chrono::milliseconds(8'000));
  CHECK(suite.budget == Money::ParseUsd("2.00").value());
  CHECK(suite.providers_file == FixturePath("providers.yaml"));
  CHECK(suite.prices_file == FixturePath("prices.yaml"));
}

TEST_CASE("suite_loader: candidates, params and the baseline") {
  Suite suite = LoadSuite(FixturePath("triage/suite.yaml")).value();
  REQUIRE(suite.candidates.size() == 2);
  const Candidate& gpt = suite.candidates[0];
  CHECK(gpt.id == "gpt-4.1");
  CHECK(gpt.provider == "openai");
  CHECK(gpt.model == "gpt-4.1");
  CHECK(gpt.price == "gpt-4.1");  // defaults to the model
  CHECK_FALSE(gpt.price_given);
  CHECK(gpt.baseline);
  CHECK(gpt.max_tokens == 300);  // moved out of params
  CHECK(gpt.params_json == R"({"temperature":0})");
  CHECK(gpt.where.line == 27);
  const Candidate& haiku = suite.candidates[1];
  CHECK(haiku.model == "claude-haiku-4-5-20251001");
  CHECK(haiku.price == "claude-haiku-4-5");
  CHECK(haiku.price_given);
  CHECK_FALSE(haiku.baseline);
  CHECK(haiku.max_tokens == 1024);  // the default
  // Numbers stay numbers, quoted "0" stays a string, booleans stay booleans.
  CHECK(haiku.params_json ==
        R"({"temperature":0.2,"top_p":1,"stop":["\n\n"],"seed":"0","json":true})");
  CHECK(suite.Baseline() == &suite.candidates[0]);

  SUBCASE("a lone candidate is the baseline without saying so") {
    TempDir dir;
    CHECK(Load(dir, kMinimal).candidates[0].baseline);
  }
}

TEST_CASE("suite_loader: samples from JSONL, with flattened fields and row locations") {
  Suite suite = LoadSuite(FixturePath("triage/suite.yaml")).value();
  REQUIRE(suite.samples.size() == 3);
  const Sample& second = suite.samples[1];
  CHECK(second.id == "2");  // an integer id becomes a string
  CHECK(second.where.file == FixturePath("triage/samples.jsonl"));
  CHECK(second.where.line == 3);  // line 2 is blank
  CHECK(second.fields.at("customer.name") == "Bo");
  CHECK(second.fields.at("customer.tier") == "1");
  CHECK(second.fields.at("tags") == R"(["login","urgent"])");
  CHECK(second.json.rfind(R"({"id":2,"product":"Acme Mail",)", 0) == 0);
}

TEST_CASE("suite_loader: samples from CSV and inline lists") {
  TempDir dir;
  SUBCASE("CSV with quoted commas and line breaks") {
    dir.Write("rows.csv", "id,text\nr1,\"Hello, there\"\nr2,\"two\nlines\"\n");
    Suite suite = Load(dir, Replace(kMinimal,
                                    "samples:\n  - {id: a, text: hello}\n"
                                    "  - {id: b, text: world}\n",
                                    "samples: rows.csv\n"));
    REQUIRE(suite.samples.size() == 2);
    CHECK(suite.samples[0].fields.at("text") == "Hello, there");
    CHECK(suite.samples[1].fields.at("text") == "two\nlines");
    CHECK(suite.samples[1].where.line == 3);
  }
  SUBCASE("inline samples are located in suite.yaml") {
    Suite suite = Load(dir, kMinimal);
    REQUIRE(suite.samples.size() == 2);
    CHECK(suite.samples[1].id == "b");
    CHECK(suite.samples[1].json == R"({"id":"b","text":"world"})");
    CHECK(suite.samples[1].where.file == dir.path() + "/suite.yaml");
    CHECK(suite.samples[1].where.line == 4);
    CHECK(suite.samples[1].where.column == 5);
  }
}

TEST_CASE("suite_loader: defaults of the optional sections") {
  TempDir dir;
  Suite suite = Load(dir, kMinimal);
  CHECK(suite.unit == "task");
  CHECK(suite.prompt.system.empty());
  CHECK(suite.output.schema_name == "answer");
  CHECK(suite.output.mode == OutputMode::kNative);
  CHECK(suite.output.schema_json ==
        R"({"type":"object","properties":{"answer":{"type":"string"}}})");
  CHECK(suite.success.empty());
  CHECK_FALSE(suite.human.present);
  CHECK(suite.volume_per_month == 0);
  CHECK(suite.policy.max_attempts == 3);
  CHECK(suite.policy.retry_on == RetryPolicy().retry_on);
  CHECK(suite.policy.timeout == std::chrono::seconds(60));
  CHECK_FALSE(suite.budget.has_value());
  CHECK(suite.providers_file.empty());
  CHECK(suite.prices_file.empty());
}

TEST_CASE("suite_loader: the content hash covers suite.yaml, the samples and the schema") {
  const std::string dir = FixturePath("triage/");
  Suite suite = LoadSuite(dir + "suite.yaml").value();
  CHECK(suite.content_hash == ContentHash({ReadUserFile(dir + "suite.yaml").value(),
                                           ReadUserFile(dir + "samples.jsonl").value(),
                                           ReadUserFile(dir + "schema.json").value()}));
  SUBCASE("changing a sample changes the hash") {
    TempDir temp;
    const std::string yaml = Replace(kMinimal,
                                     "samples:\n  - {id: a, text: hello}\n"
                                     "  - {id: b, text: world}\n",
                                     "samples: rows.jsonl\n");
    temp.Write("rows.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n");
    std::string before = Load(temp, yaml).content_hash;
    temp.Write("rows.jsonl", "{\"id\": \"a\", \"text\": \"y\"}\n");
    CHECK(Load(temp, yaml).content_hash != before);
    CHECK(before.rfind("sha256:", 0) == 0);
    CHECK(before.size() == 7 + 64);
  }
}

TEST_CASE("suite_loader: all problems are collected, each with file:line:col and path") {
  const std::string yaml =
      "suite: s\n"
      "samples:\n"
      "  - {id: a, text: hello}\n"
      "prompt:\n"
      "  user: \"Say {{text}}\"\n"
      "output:\n"
      "  schema: {type: object}\n"
      "volume_per_month: abc\n"
      "budget_usd: 0\n"
      "policy: {max_attempts: 25, timeout_s: fast}\n"
      "candidtes:\n"
      "  - {id: one, provider: openai, model: gpt-4.1}\n";
  CHECK(LoadErrors(yaml) ==
        "suite.yaml:11:1: unknown key \"candidtes\", did you mean \"candidates\"?\n"
        "suite.yaml:8:19: volume_per_month: expected an integer, got \"abc\"\n"
        "suite.yaml:9:13: budget_usd: must be greater than 0 (leave budget_usd out for no cap)\n"
        "suite.yaml:10:24: policy.max_attempts: must be between 1 and 20, got 25\n"
        "suite.yaml:10:39: policy.timeout_s: expected a number, got \"fast\"\n"
        "suite.yaml:1:1: missing required key \"candidates\"");
}

TEST_CASE("suite_loader: a YAML syntax error stops the load at its place") {
  // The [ of line 2 is never closed; yaml-cpp notices on line 3, the error points at the [.
  CHECK(LoadErrors("suite: s\ncandidates: [{id: a}\n") ==
        "suite.yaml:2:13: this [ is never closed (yaml-cpp: end of sequence flow not found at "
        "line 3, column 1)");
  CHECK(LoadErrors("") == "suite.yaml: expected a mapping, got an empty value");
}

TEST_CASE("suite_loader: missing required keys") {
  CHECK(LoadErrors("prompt: {system: hi}\noutput: {}\ncandidates: []\n") ==
        "suite.yaml:1:1: missing required key \"suite\"\n"
        "suite.yaml:1:1: missing required key \"samples\"\n"
        "suite.yaml:1:1: prompt: missing required key \"user\"\n"
        "suite.yaml:2:1: output: missing required key \"schema\"\n"
        "suite.yaml:3:13: candidates: needs at least one candidate, e.g. {id: gpt-4.1, provider: "
        "openai, model: gpt-4.1}");
}

TEST_CASE("suite_loader: candidate problems") {
  const std::string yaml =
      Replace(kMinimal, "  - {id: one, provider: openai, model: gpt-4.1}\n",
              "  - {id: one, provider: openai, model: gpt-4.1, baseline: true}\n"
              "  - {id: one, provider: openai, modle: gpt-4.1}\n"
              "  - {id: \"two words\", provider: openai, model: m, baseline: true, params: "
              "{max_tokens: 0}}\n"
              "  - {id: three, provider: openai, model: m, baseline: maybe, params: [1]}\n");
  CHECK(
      LoadErrors(yaml) ==
      "suite.yaml:11:33: candidates[1]: unknown key \"modle\", did you mean \"model\"?\n"
      "suite.yaml:11:5: candidates[1]: missing required key \"model\"\n"
      "suite.yaml:12:10: candidates[2].id: \"two words\" may contain only letters, digits, '_', "
      "'.', ':' and '-'\n"
      "suite.yaml:12:88: candidates[2].params.max_tokens: must be between 1 and 2147483647, "
      "got 0\n"
      "suite.yaml:13:55: candidates[3].baseline: expected true or false, got \"maybe\"\n"
      "suite.yaml:13:70: candidates[3].params: expected a mapping, got a list\n"
      "suite.yaml:11:10: candidates[1].id: duplicate candidate id \"one\" (first used at line 10)\n"
      "suite.yaml:12:61: candidates[2].baseline: only one candidate may be the baseline, and "
      "\"one\" (line 10) already is");
  SUBCASE("no baseline among several candidates") {
    CHECK(LoadErrors(Replace(kMinimal, "  - {id: one, provider: openai, model: gpt-4.1}\n",
                             "  - {id: one, provider: openai, model: gpt-4.1}\n"
                             "  - {id: two, provider: openai, model: gpt-4.1-mini}\n")) ==
          "suite.yaml:10:3: candidates: no candidate is the baseline; mark the incumbent model "
          "with baseline: true (e.g. on \"one\")");
  }
}

TEST_CASE("suite_loader: retry_on may list only retryable error classes") {
  CHECK(LoadErrors(std::string(kMinimal) +
                   "policy:\n  retry_on: [rate_limit, ratelimit, auth, quota, incorrect, none]\n"
                   "  backoff_initial_ms: 500\n  backoff_max_ms: 100\n") ==
        "suite.yaml:12:26: policy.retry_on[1]: unknown error class \"ratelimit\", did you mean "
        "\"rate_limit\"?\n"
        "suite.yaml:12:37: policy.retry_on[2]: \"auth\" is fatal (it stops the candidate) and is "
        "never retried; remove it\n"
        "suite.yaml:12:43: policy.retry_on[3]: \"quota\" is fatal (it stops the candidate) and is "
        "never retried; remove it\n"
        "suite.yaml:12:50: policy.retry_on[4]: \"incorrect\" (a valid answer that fails a success "
        "criterion) ends the task and is never retried; remove it\n"
        "suite.yaml:12:61: policy.retry_on[5]: unknown error class \"none\"; expected some of: "
        "rate_limit, server, timeout, network, invalid_output, truncated, refusal\n"
        "suite.yaml:14:19: policy.backoff_max_ms: must be at least backoff_initial_ms (500), got "
        "100");
}

TEST_CASE("suite_loader: policy.max_wait_s, the longest wait a provider may ask for") {
  TempDir dir;
  CHECK(Load(dir, kMinimal).policy.max_wait == std::chrono::milliseconds(120'000));
  CHECK(Load(dir, std::string(kMinimal) + "policy: {max_wait_s: 2.5}\n").policy.max_wait ==
        std::chrono::milliseconds(2'500));
  CHECK(LoadErrors(std::string(kMinimal) + "policy: {max_wait_s: 0}\n") ==
        "suite.yaml:11:22: policy.max_wait_s: must be greater than 0");
  CHECK(LoadErrors(std::string(kMinimal) + "policy: {max_wait_s: 86400.001}\n") ==
        "suite.yaml:11:22: policy.max_wait_s: must be at most 86400 (a day)");
}

TEST_CASE("suite_loader: output name, mode and success criteria") {
  const std::string yaml = Replace(
      kMinimal, "  schema: {type: object, properties: {answer: {type: string}}}\n",
      "  schema: {type: object, properties: {answer: {type: string}, customer: {type: object, "
      "properties: {name: {type: string}}}}}\n"
      "  name: my answer\n"
      "  mode: nativ\n"
      "success:\n"
      "  - field_equals: {field: answr, expected: x}\n"
      "  - field_equals: {field: customer.nmae, expected: x}\n"
      "  - field_equal: {field: answer, expected: x}\n"
      "  - {field_equals: {field: answer}, extra: 1}\n"
      "  - field_equals: {field: answer}\n");
  CHECK(LoadErrors(yaml) ==
        "suite.yaml:9:9: output.name: \"my answer\" must be 1 to 64 letters, digits, '_' or '-' "
        "(providers name the answer with it)\n"
        "suite.yaml:10:9: output.mode: unknown mode \"nativ\", did you mean \"native\"?\n"
        "suite.yaml:12:27: success[0].field_equals.field: the output schema has no property "
        "\"answr\", did you mean \"answer\"?\n"
        "suite.yaml:13:27: success[1].field_equals.field: the output schema has no property "
        "\"nmae\" under \"customer\", did you mean \"name\"?\n"
        "suite.yaml:14:5: success[2]: unknown key \"field_equal\", did you mean \"field_equals\"?\n"
        "suite.yaml:15:5: success[3]: expected one criterion per list item, such as "
        "field_equals: {field: category, expected: \"{{expected_category}}\"}\n"
        "suite.yaml:16:5: success[4].field_equals: missing required key \"expected\"");
}

TEST_CASE("suite_loader: missing and unreadable files name the path as written and resolved") {
  TempDir dir;
  const std::string yaml =
      Replace(Replace(kMinimal, "samples:\n  - {id: a, text: hello}\n  - {id: b, text: world}\n",
                      "samples: data/rows.jsonl\n"),
              "  schema: {type: object, properties: {answer: {type: string}}}\n",
              "  schema: ../schemas/answer.json\n") +
      "providers: ../../configs/providers.yaml\n"
      "prices: ../../configs/prices.yaml\n";
  dir.Write("configs/prices.yaml", "models: {}\n");
  Result<Suite> r = LoadSuite(dir.Write("suites/x/suite.yaml", yaml));
  REQUIRE_FALSE(r.ok());
  CHECK(dir.Relative(r.errors()) ==
        "suites/x/suite.yaml:9:12: providers: file \"../../configs/providers.yaml\" not found "
        "(looked for configs/providers.yaml)\n"
        "suites/x/suite.yaml:2:10: samples: file \"data/rows.jsonl\" not found (looked for "
        "suites/x/data/rows.jsonl)\n"
        "suites/x/suite.yaml:6:11: output.schema: file \"../schemas/answer.json\" not found "
        "(looked for suites/schemas/answer.json)");
  SUBCASE("the suite file itself") {
    Result<Suite> missing = LoadSuite(dir.path() + "/nope.yaml");
    REQUIRE_FALSE(missing.ok());
    CHECK(dir.Relative(missing.errors()) ==
          "nope.yaml: cannot read file (No such file or directory)");
  }
  SUBCASE("a samples file of another kind") {
    CHECK(LoadErrors(Replace(kMinimal,
                             "samples:\n  - {id: a, text: hello}\n"
                             "  - {id: b, text: world}\n",
                             "samples: rows.txt\n")) ==
          "suite.yaml:2:10: samples: \"rows.txt\" must be a .jsonl or .csv file, or an inline "
          "list of samples");
  }
}

TEST_CASE("suite_loader: a schema file that is not JSON or not a schema object") {
  TempDir dir;
  const std::string yaml =
      Replace(kMinimal, "  schema: {type: object, properties: {answer: {type: string}}}\n",
              "  schema: schema.json\n");
  dir.Write("schema.json", "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}\n");
  CHECK(LoadErrors(dir, yaml) ==
        "schema.json:3:18: not valid JSON: syntax error while parsing object key - unexpected "
        "','; expected string literal");
  dir.Write("schema.json", "[1, 2]");
  CHECK(LoadErrors(dir, yaml) ==
        "suite.yaml:8:11: output.schema: schema.json must hold a JSON Schema object, got an array");
}

TEST_CASE("suite_loader: sample rows with problems are reported at their file:line") {
  TempDir dir;
  const std::string yaml =
      Replace(kMinimal, "samples:\n  - {id: a, text: hello}\n  - {id: b, text: world}\n",
              "samples: rows.jsonl\n");
  dir.Write("rows.jsonl",
            "{\"id\": \"a\", \"text\": \"x\"}\n"
            "{\"text\": \"y\"}\n"
            "{\"id\": \"a\", \"text\": \"z\"}\n");
  CHECK(LoadErrors(dir, yaml) ==
        "rows.jsonl:2: sample has no \"id\" field\n"
        "rows.jsonl:3: duplicate sample id \"a\" (first used at line 1)");
  SUBCASE("an empty samples file") {
    dir.Write("rows.jsonl", "\n");
    CHECK(LoadErrors(dir, yaml) == "suite.yaml:2:10: samples: rows.jsonl holds no samples");
  }
  SUBCASE("an empty inline list") {
    CHECK(LoadErrors(Replace(kMinimal, "samples:\n  - {id: a, text: hello}\n  - {id: b, text: world}\n",
                             "samples: []\n")) ==
          "suite.yaml:2:10: samples: the list holds no samples");
  }
  SUBCASE("inline samples") {
    CHECK(LoadErrors(Replace(kMinimal, "  - {id: b, text: world}\n",
                             "  - {id: a, text: world}\n  - {text: 3}\n  - [x]\n")) ==
          "suite.yaml:5:5: samples[2]: sample has no \"id\" field\n"
          "suite.yaml:6:5: samples[3]: expected a mapping, got a list\n"
          "suite.yaml:4:5: duplicate sample id \"a\" (first used at line 3)");
  }
}

TEST_CASE("suite_loader: one round: a missing field is listed beside a duplicate id") {
  TempDir dir;
  dir.Write("rows.jsonl",
            "{\"id\": \"a\", \"text\": \"x\"}\n"
            "{\"id\": \"a\", \"text\": \"y\"}\n"
            "{\"id\": \"c\"}\n");
  CHECK(LoadErrors(
            dir, Replace(kMinimal, "samples:\n  - {id: a, text: hello}\n  - {id: b, text: world}\n",
                         "samples: rows.jsonl\n")) ==
        "rows.jsonl:2: duplicate sample id \"a\" (first used at line 1)\n"
        "rows.jsonl:3: sample \"c\" has no field \"text\" (used in prompt.user)");
}

TEST_CASE("suite_loader: a schema that cannot be followed is refused before it is compiled") {
  TempDir dir;
  const std::string yaml =
      Replace(kMinimal, "  schema: {type: object, properties: {answer: {type: string}}}\n",
              "  schema: schema.json\n");
  dir.Write("schema.json", R"({"definitions": {"a": {"$ref": "#/definitions/b"},)"
                           R"( "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"})");
  CHECK(LoadErrors(dir, yaml) ==
        "suite.yaml:8:11: output.schema: \"schema.json\" is not a usable JSON Schema: at "
        "/definitions/a/$ref: a cycle of references applies the schema to the same value without "
        "end: #/definitions/a -> #/definitions/b -> #/definitions/a");
  // A schema that refers to itself below a keyword is a recursive schema, and fine.
  dir.Write("schema.json", R"({"type": "object", "properties": {"kids": {"type": "array",)"
                           R"( "items": {"$ref": "#"}}}})");
  CHECK(LoadErrors(dir, yaml) == "ok");
  dir.Write("schema.json", std::string(30000, '[') + std::string(30000, ']'));
  CHECK(LoadErrors(dir, yaml) == "schema.json:1:65: nested more than 64 levels deep");
}

TEST_CASE("suite_loader: every {{field}} must exist in every sample") {
  TempDir dir;
  SUBCASE("a field no sample has is reported once, at the template") {
    CHECK(LoadErrors(Replace(kMinimal, "Say {{text}}", "Say {{txt}}")) ==
          "suite.yaml:6:9: prompt.user: {{txt}} is not a field of any sample, did you mean "
          "\"text\"?");
  }
  SUBCASE("a field some samples lack is reported at each of those samples") {
    dir.Write("rows.jsonl",
              "{\"id\": \"a\", \"text\": \"x\", \"expected\": \"1\"}\n"
              "{\"id\": \"b\", \"text\": \"y\"}\n");
    std::string yaml = Replace(kMinimal,
                               "samples:\n  - {id: a, text: hello}\n"
                               "  - {id: b, text: world}\n",
                               "samples: rows.jsonl\n") +
                       "success:\n  - field_equals: {field: answer, expected: \"{{expected}}\"}\n";
    CHECK(LoadErrors(dir, yaml) ==
          "rows.jsonl:2: sample \"b\" has no field \"expected\" (used in "
          "success[0].field_equals.expected)");
  }
  SUBCASE("template syntax") {
    CHECK(LoadErrors(Replace(kMinimal, "Say {{text}}", "Say {{text")) ==
          "suite.yaml:6:9: prompt.user: unclosed \"{{\" at \"{{text\"");
  }
}

TEST_CASE("suite_loader: catalog checks name the candidate's field") {
  Suite suite = LoadSuite(FixturePath("triage/suite.yaml")).value();
  ProviderCatalog providers = LoadProviderCatalog(FixturePath("providers.yaml")).value();
  PriceCatalog prices = LoadPriceCatalog(FixturePath("prices.yaml")).value();
  CHECK(CheckSuiteAgainstCatalogs(suite, providers, prices).ok());

  suite.candidates[0].provider = "opnai";
  suite.candidates[0].price = "gpt-41";
  suite.candidates[1].provider = "vertex";
  suite.candidates[1].price = "gpt-5-mega";
  Status status = CheckSuiteAgainstCatalogs(suite, providers, prices);
  REQUIRE_FALSE(status.ok());
  const std::string file = FixturePath("triage/suite.yaml");
  CHECK(FormatErrors(status.errors()) ==
        file +
            ":27:29: candidates[0].provider: unknown provider \"opnai\", did you mean "
            "\"openai\"?\n" +
            file + ":27:44: candidates[0].model: no price for \"gpt-41\" in " + prices.file +
            " (did you mean \"gpt-4.1\"?); add it there or set candidates[0].price\n" + file +
            ":29:15: candidates[1].provider: unknown provider \"vertex\" (" + providers.file +
            " defines: openai, anthropic, local, azure)\n" + file +
            ":31:12: candidates[1].price: no price for \"gpt-5-mega\" in " + prices.file +
            "; add it there or correct candidates[1].price");
}

}  // namespace taskcost::suite_loader_test

namespace taskcost::suite_loader_test {

TEST_CASE("suite_loader: a schema that does not compile is located in the suite") {
  const std::string schema_line =
      "  schema: {type: object, properties: {answer: {type: string}}}\n";
  SUBCASE("inline: at the offending keyword") {
    CHECK(LoadErrors(Replace(kMinimal, schema_line,
                             "  schema:\n"
                             "    type: object\n"
                             "    properties:\n"
                             "      answer: {type: strnig}\n"
                             "      score: {minimum: 0, type: float}\n")) ==
          "suite.yaml:11:22: output.schema: not a usable JSON Schema: at "
          "/properties/answer/type: unknown type \"strnig\", did you mean \"string\"?\n"
          "suite.yaml:12:33: output.schema: not a usable JSON Schema: at /properties/score/type: "
          "unknown type \"float\", did you mean \"number\"?");
  }
  SUBCASE("from a file: at the schema field, naming the file") {
    TempDir dir;
    dir.Write("schema.json", R"({"type": "object", "properties": {"n": {"type": "int"}}})");
    CHECK(LoadErrors(dir, Replace(kMinimal, schema_line, "  schema: schema.json\n")) ==
          "suite.yaml:8:11: output.schema: \"schema.json\" is not a usable JSON Schema: at "
          "/properties/n/type: unknown type \"int\", did you mean \"integer\"?");
  }
}

}  // namespace taskcost::suite_loader_test

namespace taskcost::suite_loader_test {

TEST_CASE("suite_loader: the gate block sets the gate's limits") {
  SUBCASE("without a gate block: +10% cost, -5 pp success, nothing else") {
    Suite suite = Load(TempDir(), kMinimal);
    CHECK(suite.gate.max_cost_increase_bp == 1000);
    CHECK(suite.gate.max_success_drop_bp == 500);
    CHECK_FALSE(suite.gate.min_success_bp.has_value());
    CHECK_FALSE(suite.gate.max_p95_cost.has_value());
    CHECK_FALSE(suite.gate.max_total_cost.has_value());
    CHECK_FALSE(suite.gate.min_quality_milli.has_value());
    CHECK(suite.gate.candidates.empty());
  }
  SUBCASE("every key, exact") {
    Suite suite = Load(TempDir(), std::string(kMinimal) +
                                      "gate:\n"
                                      "  max_cost_increase_pct: 7.5\n"
                                      "  max_success_drop_pp: 2\n"
                                      "  min_success_pct: 90\n"
                                      "  max_p95_cost_usd: 0.0025\n"
                                      "  max_total_cost_usd: 1.50\n"
                                      "  min_quality: 4.25\n"
                                      "  candidates: [one]\n");
    CHECK(suite.gate.max_cost_increase_bp == 750);
    CHECK(suite.gate.max_success_drop_bp == 200);
    CHECK(suite.gate.min_success_bp == 9000);
    CHECK(suite.gate.max_p95_cost == Money::FromPicos(2'500'000'000));
    CHECK(suite.gate.max_total_cost == Money::ParseUsd("1.5").value());
    CHECK(suite.gate.min_quality_milli == 4250);
    CHECK(suite.gate.candidates == std::vector<std::string>{"one"});
    CHECK(suite.gate.where.line == 11);
  }
  SUBCASE("off or null switches a default limit off") {
    Suite suite = Load(TempDir(), std::string(kMinimal) + "gate: {max_cost_increase_pct: off, "
                                                          "max_success_drop_pp: ~}\n");
    CHECK_FALSE(suite.gate.max_cost_increase_bp.has_value());
    CHECK_FALSE(suite.gate.max_success_drop_bp.has_value());
  }
  SUBCASE("problems are located") {
    CHECK(LoadErrors(std::string(kMinimal) +
                     "gate:\n"
                     "  max_cost_increse_pct: 5\n"
                     "  min_success_pct: 120\n"
                     "  max_p95_cost_usd: $0.01\n"
                     "  min_quality: high\n"
                     "  candidates: [one, tow]\n") ==
          "suite.yaml:12:3: gate: unknown key \"max_cost_increse_pct\", did you mean "
          "\"max_cost_increase_pct\"?\n"
          "suite.yaml:13:20: gate.min_success_pct: must be at most 100, got 120\n"
          "suite.yaml:14:21: gate.max_p95_cost_usd: write the amount without the $ sign: 0.01\n"
          "suite.yaml:15:16: gate.min_quality: expected a number, got \"high\"\n"
          "suite.yaml:16:21: gate.candidates[1]: unknown candidate \"tow\"; the suite has: one");
  }
}

}  // namespace taskcost::suite_loader_test
