#include <doctest/doctest.h>

#include "harness/mock/simulator.h"
#include "tests/mock/mock_client.h"

namespace taskcost::profile_test {
namespace {

using testing::ReadText;
using testing::SourcePath;

std::string ErrorsOf(const std::string& yaml, const std::string& file = "p.yaml") {
  auto profile = ParseSimulatorProfile(yaml, file);
  REQUIRE_FALSE(profile.ok());
  return FormatErrors(profile.errors());
}

TEST_CASE("simulator profile: the demo profile loads with its four candidates") {
  // The demo text, placed where ../suites/support-triage/samples.jsonl is the test fixture.
  const std::string text = ReadText(SourcePath("configs/simulator.yaml"));
  auto profile = ParseSimulatorProfile(text, SourcePath("tests/data/mock/demo/simulator.yaml"));
  REQUIRE_MESSAGE(profile.ok(), FormatErrors(profile.errors()));
  CHECK(profile->seed == 42);
  REQUIRE(profile->models.size() == 4);
  // Every candidate model of suites/support-triage is modelled, in its own wire format; the
  // figures themselves are the demo's to tune.
  for (const char* model : {"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"}) {
    REQUIRE_MESSAGE(profile->FindModel(model) != nullptr, model);
    CHECK(profile->FindModel(model)->api == SimulatorApi::kOpenAi);
  }
  REQUIRE(profile->FindModel("claude-haiku-4-5") != nullptr);
  CHECK(profile->FindModel("claude-haiku-4-5")->api == SimulatorApi::kAnthropic);
  // The cheaper models are the less accurate ones, as the demo's story needs.
  CHECK(profile->FindModel("gpt-4.1-nano")->accuracy < profile->FindModel("gpt-4.1")->accuracy);
  REQUIRE(profile->answers.present);
  CHECK(profile->answers.key_field == "text");
  CHECK(profile->answers.fields.at("category") == "expected_category");
  REQUIRE(profile->answers.samples.size() == 6);
  CHECK(profile->answers.samples[0].key == "I was charged twice for my March invoice.");
  CHECK(profile->answers.samples[0].expected.at("priority") == "\"high\"");
}

TEST_CASE("simulator profile: fixed numbers for hand-computed tests") {
  auto profile = ParseSimulatorProfile(
      "models:\n"
      "  m:\n"
      "    latency_ms: 0\n"
      "    input_tokens: 1000\n"
      "    output_tokens: 200\n"
      "    accuracy: 1\n"
      "    faults: {rate_limit: 1, retry_after_s: 3}\n"
      "    fault_attempts: [1, 3]\n"
      "  all-defaults:\n",
      "p.yaml");
  REQUIRE_MESSAGE(profile.ok(), FormatErrors(profile.errors()));
  const ModelProfile& m = profile->models.at(0);
  CHECK_FALSE(m.input_tokens.chars_div_4);
  CHECK(m.input_tokens.fixed == 1000);
  CHECK(m.output_tokens.kind == OutputTokenModel::Kind::kFixed);
  CHECK(m.output_tokens.fixed == 200);
  CHECK(m.faults.rate_limit == 1);
  CHECK(m.faults.retry_after_s == 3);
  CHECK(m.fault_attempts == std::vector<int>{1, 3});
  CHECK_FALSE(profile->answers.present);
  CHECK(profile->FindModel("all-defaults")->accuracy == 1);
}

TEST_CASE("simulator profile: errors name file:line:col and the field path") {
  SUBCASE("accuracy out of range") {
    CHECK(ErrorsOf("models:\n  gpt-4.1:\n    accuracy: 1.5\n") ==
          "p.yaml:3:15: models.gpt-4.1.accuracy: expected a number between 0 and 1");
  }
  SUBCASE("a misspelt key gets a suggestion") {
    CHECK(ErrorsOf("models:\n  m:\n    acuracy: 0.5\n") ==
          "p.yaml:3:5: models.m.acuracy: unknown key \"acuracy\", did you mean \"accuracy\"?");
  }
  SUBCASE("fault probabilities cannot add up to more than 1") {
    CHECK(ErrorsOf("models:\n  m:\n    faults: {rate_limit: 0.7, reset: 0.6}\n") ==
          "p.yaml:3:13: models.m.faults: fault probabilities add up to 1.3, more than 1");
  }
  SUBCASE("token counts") {
    CHECK(ErrorsOf("models:\n  m:\n    input_tokens: lots\n") ==
          "p.yaml:3:19: models.m.input_tokens: expected chars_div_4 or a whole number >= 0");
    CHECK(ErrorsOf("models:\n  m:\n    output_tokens: {words: [9, 3]}\n") ==
          "p.yaml:3:28: models.m.output_tokens.words: expected [min, max] with min <= max <= "
          "10000");
  }
  SUBCASE("fault_attempts are 1-based") {
    CHECK(ErrorsOf("models:\n  m:\n    fault_attempts: [0]\n") ==
          "p.yaml:3:22: models.m.fault_attempts[0]: expected a whole number >= 1");
  }
  SUBCASE("every error is reported, not only the first") {
    CHECK(ErrorsOf("models:\n  m:\n    accuracy: -1\n    api: grpc\n") ==
          "p.yaml:3:15: models.m.accuracy: expected a number between 0 and 1\n"
          "p.yaml:4:10: models.m.api: expected openai, anthropic or any");
  }
  SUBCASE("a model named twice") {
    CHECK(ErrorsOf("models:\n  m: {}\n  m: {}\n") == "p.yaml:3:3: models.m: duplicate model");
  }
  SUBCASE("models are required") {
    CHECK(ErrorsOf("seed: 1\n") == "p.yaml:1:1: models: missing: the models the simulator serves");
  }
  SUBCASE("YAML syntax errors point at their cause") {
    CHECK(ErrorsOf("models:\n  m: {accuracy: 1\n") ==
          "p.yaml:2:6: this { is never closed (yaml-cpp: end of map flow not found at line 3, "
          "column 1)");
  }
}

TEST_CASE("simulator profile: the answers file is checked where the profile names it") {
  const std::string profile_file = SourcePath("tests/data/mock/fixture.yaml");
  SUBCASE("a missing file is a located error") {
    auto profile = ParseSimulatorProfile("answers:\n  samples: nowhere.jsonl\nmodels:\n  m: {}\n",
                                         profile_file);
    REQUIRE_FALSE(profile.ok());
    CHECK(FormatErrors(profile.errors()) == profile_file + ":2:12: answers.samples: cannot read " +
                                                SourcePath("tests/data/mock/nowhere.jsonl") +
                                                ": No such file or directory");
  }
  SUBCASE("a mapped field no sample has") {
    auto profile = ParseSimulatorProfile(
        "answers:\n  samples: suites/support-triage/samples.jsonl\n"
        "  fields: {category: expected_categry}\nmodels:\n  m: {}\n",
        profile_file);
    REQUIRE_FALSE(profile.ok());
    CHECK(FormatErrors(profile.errors()) ==
          profile_file + ":3:22: answers.fields.category: no sample in " +
              SourcePath("tests/data/mock/suites/support-triage/samples.jsonl") +
              " has a field \"expected_categry\"");
  }
  SUBCASE("a row without the key field names its line") {
    auto profile = ParseSimulatorProfile(
        "answers:\n  samples: suites/support-triage/samples.jsonl\n  key_field: body\n"
        "models:\n  m: {}\n",
        profile_file);
    REQUIRE_FALSE(profile.ok());
    CHECK(profile.errors().size() == 6);
    CHECK(profile.error().ToString() ==
          SourcePath("tests/data/mock/suites/support-triage/samples.jsonl") +
              ":1: row has no \"body\" field (answers.key_field)");
  }
}

TEST_CASE("simulator profile: LoadSimulatorProfile reads a file and says when it cannot") {
  auto missing = LoadSimulatorProfile("/nonexistent/simulator.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().ToString() ==
        "/nonexistent/simulator.yaml: cannot read simulator profile: No such file or directory");
}

}  // namespace
}  // namespace taskcost::profile_test
