#include <doctest/doctest.h>

#include "harness/core/loading/run_manifest.h"
#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_tags_test {
namespace {

const char* kTagged =
    "suite: s\n"
    "tags: {team: support, feature: triage}\n"
    "samples:\n"
    "  - {id: a, text: hello}\n"
    "prompt:\n"
    "  user: \"Say {{text}}\"\n"
    "output:\n"
    "  schema: {type: object}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1, baseline: true}\n"
    "  - {id: two, provider: openai, model: gpt-4.1-mini, tags: {team: platform}}\n";

std::string TagErrors(const std::string& tags_line) {
  testing::TempDir dir;
  std::string yaml = kTagged;
  yaml.replace(yaml.find("tags: {team: support, feature: triage}"), 38, tags_line);
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", yaml));
  return suite.ok() ? "ok" : dir.Relative(suite.errors());
}

}  // namespace

TEST_CASE("suite tags: suites and candidates carry tags, recorded in run.json") {
  testing::TempDir dir;
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", kTagged));
  REQUIRE(suite.ok());
  CHECK(suite->tags == Tags{{"feature", "triage"}, {"team", "support"}});
  CHECK(suite->candidates[0].tags.empty());
  CHECK(suite->candidates[1].tags == Tags{{"team", "platform"}});

  RunManifest m;
  m.run_id = "r";
  m.tags = suite->tags;
  ManifestCandidate c;
  c.id = "two";
  c.tags = suite->candidates[1].tags;
  m.candidates = {c};
  const std::string json = ManifestToJson(m);
  CHECK(json.find("\"tags\": {\n    \"feature\": \"triage\",\n    \"team\": \"support\"\n  }") !=
        std::string::npos);
  Result<RunManifest> back = ManifestFromJson(json, "run.json");
  REQUIRE(back.ok());
  CHECK(back->tags == m.tags);
  CHECK(back->candidates[0].tags == Tags{{"team", "platform"}});
  // Without tags nothing is written, and older files without the key still read.
  m.tags.clear();
  m.candidates[0].tags.clear();
  CHECK(ManifestToJson(m).find("tags") == std::string::npos);
}

TEST_CASE("suite tags: errors name the file, line and field") {
  CHECK(TagErrors("tags: [support]") == "suite.yaml:2:7: tags: expected a mapping, got a list");
  CHECK(TagErrors("tags: {team: \"\"}") == "suite.yaml:2:14: tags.team: must not be empty");
  CHECK(TagErrors("tags: {team: {name: x}}") ==
        "suite.yaml:2:14: tags.team: expected a text value, e.g. team: support");
  CHECK(TagErrors("tags: {\"my team\": x}") ==
        "suite.yaml:2:19: tags.my team: tag name \"my team\" may contain only letters, digits, "
        "'_', '.' and '-'");
  CHECK(TagErrors("tags: {team: a, team: b}") ==
        "suite.yaml:2:17: tags: duplicate key \"team\" (first at line 2)");
  CHECK(TagErrors("tag: {team: a}") ==
        "suite.yaml:2:1: unknown key \"tag\", did you mean \"tags\"?");
}

}  // namespace taskcost::suite_tags_test
