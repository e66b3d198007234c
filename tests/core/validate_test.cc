#include "harness/core/validate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace taskcost {
namespace {

using Lines = std::vector<std::string>;

const char* const kTriageSchema = R"({
  "type": "object",
  "properties": {
    "category": {"type": "string", "enum": ["billing", "account", "bug"]},
    "priority": {"type": "integer", "minimum": 1, "maximum": 4},
    "tags": {"type": "array", "items": {
      "type": "object",
      "properties": {"name": {"type": "string"}, "weight": {"type": "number"}},
      "required": ["name"]
    }}
  },
  "required": ["category", "priority"],
  "additionalProperties": false
})";

SchemaValidator Triage() {
  Result<SchemaValidator> compiled = SchemaValidator::Compile(kTriageSchema);
  REQUIRE(compiled.ok());
  return std::move(compiled).value();
}

TEST_CASE("validate: a valid output has no errors") {
  SchemaValidator validator = Triage();
  CHECK(validator.Validate(R"({"category":"billing","priority":2})").empty());
  CHECK(validator.Validate(R"({"category":"bug","priority":4,"tags":[{"name":"ui"}]})").empty());
}

TEST_CASE("validate: errors name the JSON Pointer path, leaf errors first") {
  SchemaValidator validator = Triage();
  SUBCASE("enum") {
    CHECK(validator.Validate(R"({"category":"refund","priority":2})") ==
          Lines{"/category: Failed to match against any enum values.",
                "/: Failed to validate against schema associated with property name "
                "'category'."});
  }
  SUBCASE("required") {
    CHECK(validator.Validate(R"({"category":"billing"})") ==
          Lines{"/: Missing required property 'priority'."});
  }
  SUBCASE("type and range") {
    Lines errors = validator.Validate(R"({"category":"billing","priority":"high"})");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == "/priority: Value type not permitted by 'type' constraint.");
    Lines too_high = validator.Validate(R"({"category":"billing","priority":9})");
    REQUIRE_FALSE(too_high.empty());
    CHECK(too_high[0].rfind("/priority: Expected number less than or equal to 4", 0) == 0);
  }
  SUBCASE("nested array items") {
    Lines errors = validator.Validate(
        R"({"category":"bug","priority":1,"tags":[{"name":"ui"},{"weight":"x"},{"name":3}]})");
    REQUIRE(errors.size() >= 3);
    CHECK(errors[0] == "/tags/1/weight: Value type not permitted by 'type' constraint.");
    CHECK(errors[1] == "/tags/1: Missing required property 'name'.");
    CHECK(errors[2] == "/tags/2/name: Value type not permitted by 'type' constraint.");
    // The summaries valijson adds on the way up come after every leaf.
    CHECK(std::find(errors.begin(), errors.end(), "/tags: Failed to validate item #1 in array.") !=
          errors.end());
    for (size_t i = 3; i < errors.size(); ++i) {
      CHECK(errors[i].find("Failed to validate") != std::string::npos);
    }
  }
  SUBCASE("additional properties, at the root") {
    CHECK(validator.Validate(R"({"category":"bug","priority":1,"mood":"sad"})") ==
          Lines{"/: Object contains a property that could not be validated using 'properties' "
                "or 'additionalProperties' constraints: 'mood'."});
  }
  SUBCASE("the root itself of the wrong type") {
    CHECK(validator.Validate("[1,2]") ==
          Lines{"/: Value type not permitted by 'type' constraint."});
  }
}

TEST_CASE("validate: path tokens are escaped as JSON Pointer requires") {
  Result<SchemaValidator> compiled = SchemaValidator::Compile(
      R"({"properties":{"a/b":{"type":"string"},"c~d":{"type":"string"}}})");
  REQUIRE(compiled.ok());
  Lines errors = compiled->Validate(R"({"a/b":1,"c~d":2})");
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == "/a~1b: Value type not permitted by 'type' constraint.");
  CHECK(errors[1] == "/c~0d: Value type not permitted by 'type' constraint.");
}

TEST_CASE("validate: output that is not JSON is one error") {
  SchemaValidator validator = Triage();
  CHECK(validator.Validate("Sure! The category is billing.") ==
        Lines{"output is not JSON: parse error at line 1, column 1: syntax error while parsing "
              "value - invalid literal; last read: 'S'"});
  CHECK(validator.Validate("") ==
        Lines{"output is not JSON: parse error at line 1, column 1: syntax error while parsing "
              "value - unexpected end of input; expected '[', '{', or a literal"});
  CHECK(validator.Validate("```json\n{\"category\":\"bug\"}\n```").size() == 1);
}

TEST_CASE("validate: schemas that cannot be used are refused with the reason") {
  auto error_of = [](const std::string& schema) {
    Result<SchemaValidator> compiled = SchemaValidator::Compile(schema);
    REQUIRE_FALSE(compiled.ok());
    return FormatErrors(compiled.errors());
  };
  CHECK(error_of(R"({"type": "object",)") ==
        "schema is not JSON: parse error at line 1, column 19: syntax error while parsing "
        "object key - unexpected end of input; expected string literal");
  CHECK(error_of("[1]") == "schema must be a JSON object, not array");
  CHECK(error_of(R"({"type": "strin"})") ==
        "/type: unknown type \"strin\", did you mean \"string\"?");
  CHECK(
      error_of(R"({"properties": {"type": {"type": ["string", "nul"]}, "n": {"type": "int"}}})") ==
      "/properties/type/type/1: unknown type \"nul\", did you mean \"null\"?\n"
      "/properties/n/type: unknown type \"int\", did you mean \"integer\"?");
  CHECK(error_of(R"({"type": "tuple"})") ==
        "/type: unknown type \"tuple\" (known: array, boolean, integer, null, number, object, "
        "string)");
  CHECK(error_of(R"({"items": {"type": "object", "properties": {"x": {"pattern": "(ab"}}}})")
            .rfind("/items/properties/x/pattern: invalid regular expression \"(ab\": ", 0) == 0);
  CHECK(error_of(R"({"required": "category"})") ==
        "schema is not usable: JSON value is not an array.");
  CHECK(error_of(R"({"$ref": "https://example.com/schema.json"})") ==
        "schema is not usable: Fetching of remote JSON References not enabled.");
  CHECK(error_of(R"({"minLength": "three"})") ==
        "schema is not usable: Expected a non-negative integer value for 'minLength' constraint.");
}

TEST_CASE("validate: one validator is shared by several threads") {
  SchemaValidator validator = Triage();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&validator, &failures, t] {
      for (int i = 0; i < 200; ++i) {
        bool good_ok = validator.Validate(R"({"category":"bug","priority":3})").empty();
        bool bad_caught = validator.Validate(R"({"category":"nope","priority":3})").size() == 2;
        if (!good_ok || !bad_caught) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == std::vector<int>{0, 0, 0, 0});
}

}  // namespace
}  // namespace taskcost
