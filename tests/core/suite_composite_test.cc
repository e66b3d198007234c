// Cascade and chain candidates in suite.yaml: what loads, and problems located in the file.
#include <doctest/doctest.h>

#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_composite_test {
namespace {

using testing::TempDir;

const char* kBase =
    "suite: s\n"
    "samples:\n"
    "  - {id: a, text: hello}\n"
    "prompt:\n"
    "  user: \"Say {{text}}\"\n"
    "output:\n"
    "  schema: {type: object, properties: {answer: {type: string}}}\n"
    "candidates:\n"
    "  - {id: big, provider: openai, model: gpt-4.1, baseline: true}\n"
    "  - {id: small, provider: openai, model: gpt-4.1-nano}\n";

Result<Suite> LoadWith(const TempDir& dir, const std::string& more) {
  return LoadSuite(dir.Write("suite.yaml", std::string(kBase) + more));
}

// The errors of the suite with `more` candidates, paths relative to `dir`; "" when it loads.
std::string ErrorsWith(const TempDir& dir, const std::string& more) {
  Result<Suite> suite = LoadWith(dir, more);
  return suite.ok() ? "" : dir.Relative(suite.errors());
}

TEST_CASE("suite_composite: cascades and chains name the candidates they call") {
  TempDir dir;
  Result<Suite> suite = LoadWith(
      dir,
      "  - {id: small-then-big, cascade: [small, big]}\n"
      "  - id: draft-refine\n"
      "    chain:\n"
      "      - {id: draft, candidate: small}\n"
      "      - {id: refine, candidate: big, prompt: {user: \"{{text}}: {{steps.draft.output}}\"}}\n");
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  const Candidate& cascade = suite->candidates[2];
  CHECK(cascade.IsCascade());
  CHECK(cascade.cascade == std::vector<std::string>{"small", "big"});
  const Candidate& chain = suite->candidates[3];
  CHECK(chain.IsChain());
  REQUIRE(chain.chain.size() == 2);
  CHECK(chain.chain[0].id == "draft");
  CHECK(chain.chain[0].prompt.user.empty());  // the suite's prompt
  CHECK(chain.chain[1].candidate == "big");
  CHECK(chain.chain[1].prompt.user == "{{text}}: {{steps.draft.output}}");
}

TEST_CASE("suite_composite: problems are located at the step") {
  TempDir dir;
  CHECK(ErrorsWith(
            dir,
            "  - {id: c1, cascade: [smal, big], model: x}\n"
            "  - {id: c2, cascade: [small]}\n"
            "  - id: ch\n"
            "    chain:\n"
            "      - {id: draft, candidate: small, prompt: {user: \"{{steps.refine.output}}\"}}\n"
            "      - {id: refine, candidate: c1,\n"
            "         prompt: {user: \"{{txt}} {{steps.draft.output}}\"}}\n") ==
        "suite.yaml:11:43: candidates[2].model: a cascade takes its models from its steps; "
        "remove model\n"
        "suite.yaml:12:23: candidates[3].cascade: a cascade needs at least two steps, e.g. "
        "[gpt-4.1-nano, gpt-4.1]\n"
        "suite.yaml:15:54: candidates[4].chain[0].prompt.user: {{steps.refine.output}} must "
        "name an earlier step's output: the first step has none\n"
        "suite.yaml:11:24: candidates[2].cascade[0]: unknown candidate \"smal\", did you mean "
        "\"small\"?\n"
        "suite.yaml:16:33: candidates[4].chain[1].candidate: unknown candidate \"c1\"; a step "
        "names a single-model candidate of this suite: big, small\n"
        "suite.yaml:17:25: candidates[4].chain[1].prompt.user: {{txt}} is not a field of any "
        "sample, did you mean \"text\"?");
}

}  // namespace
}  // namespace taskcost::suite_composite_test

namespace taskcost::suite_composite_test {
namespace {

const char* kShapedChain =
    "  - id: ch\n"
    "    chain:\n"
    "      - {id: draft, candidate: small, output: text}\n"
    "      - {id: notes, candidate: small, schema: notes.json}\n"
    "      - {id: critic, candidate: small, schema: {type: object, required: [ok]}}\n"
    "      - {id: final, candidate: big, prompt: {user: \"{{steps.critic.output}}\"}}\n";

}  // namespace

TEST_CASE("suite_composite: a chain step may answer in free text or in its own schema") {
  TempDir dir;
  dir.Write("notes.json", "{\"type\": \"array\"}\n");
  Result<Suite> suite = LoadWith(dir, kShapedChain);
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? Errors{} : suite.errors()));
  const std::vector<ChainStep>& steps = suite->candidates[2].chain;
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].schema_json == std::optional<std::string>(""));  // free text
  CHECK(steps[1].schema_json == std::optional<std::string>(R"({"type":"array"})"));
  CHECK(steps[2].schema_json ==
        std::optional<std::string>(R"({"type":"object","required":["ok"]})"));
  CHECK_FALSE(steps[3].schema_json.has_value());  // the suite's

  // A step's schema file is part of the suite's content hash, like the suite's schema file.
  const std::string hash = suite->content_hash;
  dir.Write("notes.json", "{\"type\": \"object\"}\n");
  Result<Suite> edited = LoadWith(dir, kShapedChain);
  REQUIRE(edited.ok());
  CHECK(edited->content_hash != hash);
}

TEST_CASE("suite_composite: a step's output problems are located at the step") {
  TempDir dir;
  CHECK(ErrorsWith(dir,
                   "  - id: ch\n"
                   "    chain:\n"
                   "      - {id: a, candidate: small, output: json}\n"
                   "      - {id: b, candidate: small, output: text, schema: {type: object}}\n"
                   "      - {id: c, candidate: small, schema: missing.json}\n"
                   "      - {id: d, candidate: big, output: text}\n") ==
        "suite.yaml:13:43: candidates[2].chain[0].output: unknown output \"json\"; expected "
        "text (a free-text answer), or give the step a schema:\n"
        "suite.yaml:14:43: candidates[2].chain[1].output: give the step either output: text or "
        "a schema:, not both\n"
        "suite.yaml:15:43: candidates[2].chain[2].schema: file \"missing.json\" not found "
        "(looked for missing.json)\n"
        "suite.yaml:16:41: candidates[2].chain[3].output: the last step's answer is the task's: "
        "it is validated against the suite's output.schema and scored; remove output (only "
        "earlier steps may answer in another shape)");
}

}  // namespace taskcost::suite_composite_test
