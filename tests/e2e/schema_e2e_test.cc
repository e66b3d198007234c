// End to end: hostile answer schemas through `taskcost validate`, the real binary. Each one that
// crashed it (a schema nested 100,000 deep, a $ref to itself) is now exit 2 with its place.
#include <doctest/doctest.h>

#include <string>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"

namespace taskcost::schema_e2e_test {
namespace {

std::string Nested(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += R"({"items":)";
  text += "{}";
  return text + std::string(levels, '}');
}

// A ticket suite whose schema is `schema_json`, in schema.json.
CliOutcome ValidateWithSchema(const std::string& schema_json) {
  TempDir dir;
  dir.Write("samples.jsonl", kTicketSamples);
  dir.Write("schema.json", schema_json);
  dir.Write("providers.yaml", kSimProviders);
  dir.Write("prices.yaml", kSimPrices);
  dir.Write("suite.yaml", TicketSuite("schemas", R"(
candidates:
  - {id: small, provider: sim, model: m-small, price: m-small}
)"));
  // The key set, so that validate warns of nothing and stderr is the error alone.
  return RunCli({"validate", "suite.yaml"}, dir.path(),
                {{"SIM_OPENAI_KEY", "sk-test-1234567890"}});
}

TEST_CASE("schema e2e: a schema nested 100,000 deep is refused at the bracket past 64") {
  CliOutcome deep = ValidateWithSchema(Nested(100'000));
  CHECK(deep.exit_code == 2);
  // Files from users nest at most 64 levels (docs/suite-format.md, Limits): the 65th "{" opens
  // at column 64 x 9 ({"items":) + 1 = 577.
  CHECK(deep.err == "taskcost: error: schema.json:1:577: nested more than 64 levels deep\n");
}

TEST_CASE("schema e2e: a $ref to itself and a pattern RE2 cannot run are refused, located") {
  CliOutcome loop = ValidateWithSchema(
      R"({"type": "object", "properties": {"a": {"$ref": "#/definitions/x"}},
          "definitions": {"x": {"$ref": "#/definitions/x"}}})");
  CHECK(loop.exit_code == 2);
  // suite.yaml line 9 is `output: {schema: schema.json}`; the value starts at column 18.
  CHECK(loop.err ==
        "taskcost: error: suite.yaml:9:18: output.schema: \"schema.json\" is not a usable JSON "
        "Schema: at /definitions/x/$ref: a cycle of references applies the schema to the same "
        "value without end: #/definitions/x -> #/definitions/x\n");
  CliOutcome lookahead = ValidateWithSchema(
      R"js({"type": "object", "properties": {"id": {"type": "string", "pattern": "^(?!x)"}}})js");
  CHECK(lookahead.exit_code == 2);
  CHECK(lookahead.err ==
        "taskcost: error: suite.yaml:9:18: output.schema: \"schema.json\" is not a usable JSON "
        "Schema: at /properties/id/pattern: invalid regular expression \"^(?!x)\": invalid perl "
        "operator: (?! (patterns are matched by RE2, in linear time: no lookaround or "
        "backreferences)\n");
}

}  // namespace
}  // namespace taskcost::schema_e2e_test
