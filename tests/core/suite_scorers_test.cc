// The success: and quality: lists of suite.yaml: every scorer kind read, and its problems
// located at file:line:col with the field path.
#include <doctest/doctest.h>

#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_scorers_test {
namespace {

using testing::TempDir;

const char* kInvoiceSuite =
    "suite: s\n"
    "samples:\n"
    "  - {id: a, text: hello, total: 12.5, items: [x, y], vendor: Acme}\n"
    "prompt:\n"
    "  user: \"Read {{text}}\"\n"
    "output:\n"
    "  schema:\n"
    "    type: object\n"
    "    properties:\n"
    "      total: {type: number}\n"
    "      vendor: {type: object, properties: {name: {type: string}}}\n"
    "      line_items: {type: array, items: {type: object, properties: {sku: {type: string}}}}\n"
    "      summary: {type: string}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1}\n";

Result<Suite> LoadWith(const TempDir& dir, const std::string& lists) {
  return LoadSuite(dir.Write("suite.yaml", std::string(kInvoiceSuite) + lists));
}

TEST_CASE("suite_scorers: every kind is read into the suite, success and quality apart") {
  TempDir dir;
  Result<Suite> suite = LoadWith(
      dir,
      "success:\n"
      "  - numeric_within: {field: total, expected: \"{{total}}\", abs: 0.01}\n"
      "  - field_in: {field: vendor.name, values: [Acme, \"{{vendor}}\"], ignore_case: true}\n"
      "  - regex: {field: summary, pattern: '^\\w+'}\n"
      "  - command: [\"python3\", \"scorers/check.py\"]\n"
      "quality:\n"
      "  - list_f1: {field: line_items, expected: \"{{items}}\", key: sku, threshold: 0.8}\n"
      "  - json_subset: {expected: {vendor: {name: \"{{vendor}}\"}}}\n"
      "  - max_words: {field: summary, max: 120}\n"
      "  - contains: {field: summary, value: \"{{vendor}}\"}\n"
      "  - numeric_within: {field: \"line_items[0].sku\", expected: 3, rel: 0.02}\n"
      "  - command: {run: [\"./judge\"], timeout_s: 2.5}\n");
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  REQUIRE(suite->success.size() == 4);
  REQUIRE(suite->quality.size() == 6);
  const SuccessCriterion& within = suite->success[0];
  CHECK(within.kind == "numeric_within");
  CHECK(within.tolerance_e12 == 10'000'000'000);
  CHECK_FALSE(within.relative);
  CHECK_FALSE(within.quality);
  CHECK(within.path == "success[0].numeric_within");
  CHECK(suite->success[1].values == std::vector<std::string>{"Acme", "{{vendor}}"});
  CHECK(suite->success[1].ignore_case);
  CHECK(suite->success[2].pattern == "^\\w+");
  CHECK(suite->success[3].command == std::vector<std::string>{"python3", "scorers/check.py"});
  CHECK(suite->success[3].timeout == std::chrono::milliseconds(10'000));
  CHECK(suite->success[3].dir == dir.path());
  const SuccessCriterion& f1 = suite->quality[0];
  CHECK(f1.quality);
  CHECK(f1.threshold_ppm == 800'000);
  CHECK(f1.key == "sku");
  CHECK(suite->quality[1].expected_json == R"({"vendor":{"name":"{{vendor}}"}})");
  CHECK(suite->quality[2].limit == 120);
  CHECK(suite->quality[3].expected == "{{vendor}}");
  CHECK(suite->quality[4].relative);
  CHECK(suite->quality[4].tolerance_e12 == 20'000'000'000);
  CHECK(suite->quality[5].timeout == std::chrono::milliseconds(2'500));
}

TEST_CASE("suite_scorers: problems name file, line, column and field") {
  TempDir dir;
  Result<Suite> suite = LoadWith(
      dir,
      "success:\n"
      "  - numeric_within: {field: totl, expected: 1}\n"
      "  - numeric_within: {field: total, expected: 1, abs: 0.01, rel: 0.1}\n"
      "  - regex: {field: summary, pattern: '(unclosed'}\n"
      "  - list_f1: {field: line_items, expected: {a: 1}, threshold: 1.5}\n"
      "  - field_in: {field: vendor..name, values: []}\n"
      "  - max_chars: {field: summary, max: -1}\n"
      "  - command: []\n"
      "  - contain: {value: x}\n"
      "quality:\n"
      "  - json_subset: {expected: \"{{nope}}\"}\n"
      "  - list_f1: {field: \"line_items[0].skux\", expected: []}\n");
  REQUIRE_FALSE(suite.ok());
  CHECK(dir.Relative(suite.errors()) ==
        "suite.yaml:17:29: success[0].numeric_within.field: the output schema has no property "
        "\"totl\", did you mean \"total\"?\n"
        "suite.yaml:17:21: success[0].numeric_within: give exactly one tolerance: abs "
        "(absolute, e.g. 0.01) or rel (relative, e.g. 0.02 for 2%)\n"
        "suite.yaml:18:65: success[1].numeric_within.rel: give exactly one tolerance: abs "
        "(absolute, e.g. 0.01) or rel (relative, e.g. 0.02 for 2%)\n"
        "suite.yaml:19:38: success[2].regex.pattern: invalid regular expression "
        "\"(unclosed\": missing ): (unclosed (RE2 syntax)\n"
        "suite.yaml:20:44: success[3].list_f1.expected: expected a list, or a template such as "
        "\"{{expected_items}}\"\n"
        "suite.yaml:20:63: success[3].list_f1.threshold: must be between 0 and 1, got 1.5\n"
        "suite.yaml:21:23: success[4].field_in.field: malformed field path \"vendor..name\"; "
        "write names joined by dots, indices as [0]: line_items[0].sku\n"
        "suite.yaml:21:45: success[4].field_in.values: must list at least one value\n"
        "suite.yaml:22:38: success[5].max_chars.max: must be between 0 and 1000000000, got -1\n"
        "suite.yaml:23:14: success[6].command: expected the program and its arguments, e.g. "
        "[\"python3\", \"scorers/check.py\"]\n"
        "suite.yaml:24:5: success[7]: unknown key \"contain\", did you mean \"contains\"?\n"
        "suite.yaml:27:22: quality[1].list_f1.field: the output schema has no property "
        "\"skux\" under \"line_items[0]\", did you mean \"sku\"?\n"
        "suite.yaml:26:29: quality[0].json_subset.expected: {{nope}} is not a field of any sample");
}

TEST_CASE("suite_scorers: an LLM judge names its model, rubric and threshold") {
  TempDir dir;
  Result<Suite> suite = LoadWith(
      dir,
      "success:\n"
      "  - judge: {provider: openai, model: gpt-4.1, rubric: \"Names {{vendor}} correctly\",\n"
      "            pass_score: 0.75, params: {max_tokens: 300, temperature: 0}}\n"
      "quality:\n"
      "  - judge: {name: tone, provider: anthropic, model: claude-x, price: claude-x-batch,\n"
      "            rubric: Polite and short}\n");
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  REQUIRE(suite->judges.size() == 2);
  const SuccessCriterion& strict = suite->success.at(0);
  CHECK(strict.kind == "judge");
  CHECK(strict.judge == 0);
  CHECK(strict.judge_name == "gpt-4.1");
  CHECK(strict.rubric == "Names {{vendor}} correctly");
  CHECK(strict.pass_ppm == 750'000);
  CHECK(suite->judges[0].id == "judge(gpt-4.1)");
  CHECK(suite->judges[0].provider == "openai");
  CHECK(suite->judges[0].max_tokens == 300);
  CHECK(suite->judges[0].params_json == R"({"temperature":0})");
  const SuccessCriterion& tone = suite->quality.at(0);
  CHECK(tone.judge == 1);
  CHECK(tone.quality);
  CHECK_FALSE(tone.pass_ppm.has_value());
  CHECK(suite->judges[1].id == "judge(tone)");
  CHECK(suite->judges[1].price == "claude-x-batch");
}

TEST_CASE("suite_scorers: a judge's problems are located like any scorer's") {
  TempDir dir;
  Result<Suite> suite =
      LoadWith(dir,
               "success:\n"
               "  - judge: {provider: openai, rubric: \"Uses {{nope}}\", pass_score: 2}\n"
               "quality:\n"
               "  - judge: {provider: openai, model: m, rubric: \" \", name: \"a b\"}\n"
               "  - judge: {provider: openai, model: m, rubric: ok, temperature: 0}\n"
               "  - judge: {provider: openai, model: m, rubric: ok}\n"
               "  - judge: {provider: openai, model: m, rubric: ok}\n");
  REQUIRE_FALSE(suite.ok());
  CHECK(dir.Relative(suite.errors()) ==
        "suite.yaml:17:5: success[0].judge: missing required key \"model\"\n"
        "suite.yaml:17:68: success[0].judge.pass_score: must be between 0 and 1, got 2\n"
        "suite.yaml:19:49: quality[0].judge.rubric: must say what a good answer is, e.g. "
        "\"Polite, and answers the customer's question\"\n"
        "suite.yaml:19:60: quality[0].judge.name: \"a b\" may contain only letters, digits, "
        "'_', '.', ':' and '-'\n"
        "suite.yaml:20:53: quality[1].judge: unknown key \"temperature\"; expected one of: "
        "provider, model, price, params, rubric, name, pass_score\n"
        "suite.yaml:22:12: quality[3].judge: another judge is already named \"m\" (line 21); "
        "give each judge its own name:\n"
        "suite.yaml:17:39: success[0].judge.rubric: {{nope}} is not a field of any sample");
}

TEST_CASE("suite_scorers: a judge's provider and price are checked against the catalogs") {
  TempDir dir;
  Result<Suite> suite =
      LoadWith(dir, "quality:\n  - judge: {provider: opneai, model: gpt-9, rubric: ok}\n");
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  ProviderCatalog providers;
  providers.file = "providers.yaml";
  ProviderConfig openai;
  openai.name = "openai";
  providers.providers.push_back(openai);
  PriceCatalog prices;
  prices.file = "prices.yaml";
  prices.models.push_back(ModelPrice{"gpt-4.1", Money(), Money()});
  Status checked = CheckSuiteAgainstCatalogs(*suite, providers, prices);
  REQUIRE_FALSE(checked.ok());
  CHECK(dir.Relative(checked.errors()) ==
        "suite.yaml:17:23: quality[0].judge.provider: unknown provider \"opneai\", did you mean "
        "\"openai\"?\n"
        "suite.yaml:17:38: quality[0].judge.model: no price for \"gpt-9\" in prices.yaml; add "
        "it there or set quality[0].judge.price");
}

}  // namespace
}  // namespace taskcost::suite_scorers_test
