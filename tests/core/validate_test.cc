#include "harness/core/schema/validate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace taskcost::validate_test {
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

SchemaValidator Compiled(const std::string& schema) {
  Result<SchemaValidator> compiled = SchemaValidator::Compile(schema);
  if (!compiled.ok()) FAIL(FormatErrors(compiled.errors()));
  return std::move(compiled).value();
}

// Every error of a schema that Compile refuses, one per line.
std::string Refusal(const std::string& schema) {
  Result<SchemaValidator> compiled = SchemaValidator::Compile(schema);
  REQUIRE_FALSE(compiled.ok());
  return FormatErrors(compiled.errors());
}

std::string Nested(const std::string& open, const std::string& middle, const std::string& close,
                   int times) {
  std::string text;
  for (int i = 0; i < times; ++i) text += open;
  text += middle;
  for (int i = 0; i < times; ++i) text += close;
  return text;
}

TEST_CASE("validate: a valid output has no errors") {
  SchemaValidator validator = Compiled(kTriageSchema);
  CHECK(validator.Validate(R"({"category":"billing","priority":2})").empty());
  CHECK(validator.Validate(R"({"category":"bug","priority":4,"tags":[{"name":"ui"}]})").empty());
  // 2.0 has no fractional part: an integer for JSON Schema (draft 6 and later).
  CHECK(validator.Validate(R"({"category":"bug","priority":2.0})").empty());
}

TEST_CASE("validate: errors name the JSON Pointer path and say what is wrong") {
  SchemaValidator validator = Compiled(kTriageSchema);
  CHECK(validator.Validate(R"({"category":"refund","priority":2})") ==
        Lines{"/category: \"refund\" is not one of \"billing\", \"account\", \"bug\" (enum)"});
  CHECK(validator.Validate(R"({"category":"billing"})") ==
        Lines{"/: missing required property \"priority\""});
  CHECK(validator.Validate(R"({"category":"billing","priority":"high"})") ==
        Lines{"/priority: expected integer, got string"});
  CHECK(validator.Validate(R"({"category":"billing","priority":9})") ==
        Lines{"/priority: 9 is greater than the maximum 4"});
  CHECK(validator.Validate(R"({"category":"billing","priority":2.5})") ==
        Lines{"/priority: expected integer, got number"});
  CHECK(
      validator.Validate(
          R"({"category":"bug","priority":1,"tags":[{"name":"ui"},{"weight":"x"},{"name":3}]})") ==
      Lines{"/tags/1: missing required property \"name\"",
            "/tags/1/weight: expected number, got string",
            "/tags/2/name: expected string, got integer"});
  CHECK(validator.Validate(R"({"category":"bug","priority":1,"mood":"sad"})") ==
        Lines{"/mood: property not allowed (not listed, and additionalProperties is false)"});
  CHECK(validator.Validate("[1,2]") == Lines{"/: expected object, got array"});
}

TEST_CASE("validate: path tokens are escaped as JSON Pointer requires") {
  SchemaValidator validator =
      Compiled(R"({"properties":{"a/b":{"type":"string"},"c~d":{"type":"string"}}})");
  CHECK(validator.Validate(R"({"a/b":1,"c~d":2})") ==
        Lines{"/a~1b: expected string, got integer", "/c~0d: expected string, got integer"});
}

TEST_CASE("validate: the messages of each keyword") {
  struct Case {
    const char* schema;
    const char* answer;
    Lines errors;
  };
  const Case cases[] = {
      {R"({"type":["string","null"]})", "3", {"/: expected string or null, got integer"}},
      {R"({"const":"yes"})", R"("no")", {"/: expected \"yes\" (const), got \"no\""}},
      {R"({"exclusiveMinimum":0})", "0", {"/: 0 is not greater than exclusiveMinimum 0"}},
      {R"({"exclusiveMaximum":1.5})", "1.5", {"/: 1.5 is not less than exclusiveMaximum 1.5"}},
      {R"({"minimum":-3})", "-4", {"/: -4 is less than the minimum -3"}},
      {R"({"multipleOf":0.01})", "0.125", {"/: 0.125 is not a multiple of 0.01"}},
      // "héllo" is 5 code points in 6 bytes: lengths count characters.
      {R"({"maxLength":4})", R"("héllo")", {"/: text of 5 characters is longer than maxLength 4"}},
      {R"({"minLength":6})", R"("héllo")", {"/: text of 5 characters is shorter than minLength 6"}},
      {R"({"pattern":"^[A-Z]{3}-\\d+$"})",
       R"("ab-1")",
       {"/: \"ab-1\" does not match the pattern \"^[A-Z]{3}-\\\\d+$\""}},
      {R"({"format":"date"})",
       R"("2023-02-29")",
       {"/: \"2023-02-29\" is not a valid date (format)"}},
      {R"({"minItems":2})", "[1]", {"/: array of 1 items is shorter than minItems 2"}},
      {R"({"maxItems":1})", "[1,2]", {"/: array of 2 items is longer than maxItems 1"}},
      {R"({"uniqueItems":true})",
       R"([1,{"a":[2]},3,{"a":[2.0]}])",
       {"/: items 1 and 3 are equal (uniqueItems)"}},
      {R"({"items":[{"type":"string"}],"additionalItems":false})",
       R"(["a","b"])",
       {"/1: not allowed: the schema lists 1 items and no more"}},
      {R"({"contains":{"const":7}})", "[1,2]", {"/: no item matches the \"contains\" schema"}},
      {R"({"minProperties":2})",
       R"({"a":1})",
       {"/: object of 1 properties has fewer than minProperties 2"}},
      {R"({"propertyNames":{"maxLength":3}})",
       R"({"long":1})",
       {"/long: this property's name does not match \"propertyNames\""}},
      {R"({"dependencies":{"card":["billing_address"]}})",
       R"({"card":1})",
       {"/: property \"card\" requires property \"billing_address\""}},
      {R"({"anyOf":[{"type":"string"},{"type":"integer"}]})",
       "1.5",
       {"/: matches none of the 2 schemas of \"anyOf\""}},
      {R"({"oneOf":[{"type":"integer"},{"minimum":2}]})",
       "3",
       {"/: matches schemas 0 and 1 of \"oneOf\"; exactly one must match"}},
      {R"({"not":{"type":"null"}})", "null", {"/: matches the schema of \"not\""}},
      {R"({"if":{"properties":{"kind":{"const":"refund"}}},"then":{"required":["amount"]}})",
       R"({"kind":"refund"})",
       {"/: missing required property \"amount\""}},
      {R"({"properties":{"x":false}})",
       R"({"x":1})",
       {"/x: no value is allowed here (false schema)"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.schema);
    CHECK(Compiled(c.schema).Validate(c.answer) == c.errors);
  }
}

TEST_CASE("validate: output that is not JSON is one error") {
  SchemaValidator validator = Compiled(kTriageSchema);
  CHECK(validator.Validate("Sure! The category is billing.") ==
        Lines{"output is not JSON: parse error at line 1, column 1: syntax error while parsing "
              "value - invalid literal; last read: 'S'"});
  CHECK(validator.Validate("") ==
        Lines{"output is not JSON: parse error at line 1, column 1: syntax error while parsing "
              "value - unexpected end of input; expected '[', '{', or a literal"});
  CHECK(validator.Validate("```json\n{\"category\":\"bug\"}\n```").size() == 1);
  // A number no double holds is an answer that is not usable, not a crash.
  CHECK(validator.Validate(R"({"category":"bug","priority":1e999})") ==
        Lines{"output is not JSON: number overflow parsing '1e999'"});
}

TEST_CASE("validate: at most 20 errors are listed, then how many more") {
  SchemaValidator validator = Compiled(R"({"items":{"type":"string"}})");
  std::string answer = "[";
  for (int i = 0; i < 100; ++i) answer += i == 0 ? "0" : ",0";
  answer += "]";
  Lines errors = validator.Validate(answer);
  REQUIRE(errors.size() == 21);
  CHECK(errors[0] == "/0: expected string, got integer");
  CHECK(errors[19] == "/19: expected string, got integer");
  CHECK(errors[20] == "... and 80 more errors not listed");  // 100 wrong items - 20 listed
}

TEST_CASE("validate: patterns run in linear time (RE2), whatever the pattern and the answer") {
  // ^(a+)+$ takes exponential time in a backtracking engine: 35 a's and a "!" took 485 s of CPU
  // with std::regex. RE2 answers at once.
  SchemaValidator nested = Compiled(R"({"properties":{"s":{"pattern":"^(a+)+$"}}})");
  const std::string evil = std::string(35, 'a') + "!";
  CHECK(nested.Validate(R"({"s":")" + evil + R"("})") ==
        Lines{"/s: \"" + std::string(35, 'a') + "!\" does not match the pattern \"^(a+)+$\""});
  CHECK(nested.Validate(R"({"s":")" + std::string(35, 'a') + R"("})").empty());
  // A 300,000-character answer overflowed std::regex's recursion (SIGSEGV). Not here, and not
  // in patternProperties or the date format either.
  const std::string long_text(300'000, 'x');
  SchemaValidator word = Compiled(R"({"properties":{"s":{"pattern":"^(x|y)*$"}}})");
  CHECK(word.Validate(R"({"s":")" + long_text + R"("})").empty());
  SchemaValidator keys = Compiled(R"({"patternProperties":{"^(x|y)*$":{"type":"integer"}}})");
  CHECK(keys.Validate(R"({")" + long_text + R"(":"no"})") ==
        Lines{"/" + long_text + ": expected integer, got string"});
  SchemaValidator date = Compiled(R"({"format":"date"})");
  CHECK(date.Validate("\"" + std::string(300'000, '1') + "\"").size() == 1);
}

TEST_CASE("validate: ECMAScript spellings RE2 writes differently are translated") {
  // \u00e9 (ECMAScript) is \x{00e9} in RE2; (?<name>...) is (?P<name>...).
  SchemaValidator accent = Compiled(R"({"pattern":"^caf\\u00e9$"})");
  CHECK(accent.Validate(R"("café")").empty());
  CHECK(accent.Validate(R"("cafe")").size() == 1);
  SchemaValidator named = Compiled(R"({"pattern":"^(?<year>\\d{4})-\\d{2}$"})");
  CHECK(named.Validate(R"("2024-05")").empty());
}

TEST_CASE("validate: a pattern RE2 cannot compile is refused at compile time") {
  CHECK(Refusal(R"({"properties":{"s":{"pattern":"^(?=a)b"}}})") ==
        "/properties/s/pattern: invalid regular expression \"^(?=a)b\": invalid perl operator: "
        "(?= (patterns are matched by RE2, in linear time: no lookaround or backreferences)");
  CHECK(Refusal(R"({"pattern":"(a)\\1"})") ==
        "/pattern: invalid regular expression \"(a)\\\\1\": invalid escape sequence: \\1 (patterns "
        "are matched by RE2, in linear time: no lookaround or backreferences)");
  CHECK(Refusal(R"({"patternProperties":{"(ab":{}}})") ==
        "/patternProperties/(ab: invalid regular expression \"(ab\": missing ): (ab (patterns are "
        "matched by RE2, in linear time: no lookaround or backreferences)");
}

TEST_CASE("validate: schemas that cannot be used are refused with the reason and where") {
  CHECK(Refusal(R"({"type": "object",)") ==
        "schema is not JSON: parse error at line 1, column 19: syntax error while parsing "
        "object key - unexpected end of input; expected string literal");
  CHECK(Refusal("[1]") == "schema must be a JSON object, not array");
  CHECK(Refusal(R"({"type": "strin"})") ==
        "/type: unknown type \"strin\", did you mean \"string\"?");
  CHECK(Refusal(R"({"properties": {"type": {"type": ["string", "nul"]}, "n": {"type": "int"}}})") ==
        "/properties/type/type/1: unknown type \"nul\", did you mean \"null\"?\n"
        "/properties/n/type: unknown type \"int\", did you mean \"integer\"?");
  CHECK(Refusal(R"({"type": "tuple"})") ==
        "/type: unknown type \"tuple\" (known: array, boolean, integer, null, number, object, "
        "string)");
  CHECK(Refusal(R"({"required": "category"})") ==
        "/required: must be an array of property names, not a string");
  CHECK(Refusal(R"({"minLength": "three"})") ==
        "/minLength: must be a whole number >= 0, not a string");
  CHECK(Refusal(R"({"maxItems": -1})") == "/maxItems: must be a whole number >= 0, not -1");
  CHECK(Refusal(R"({"multipleOf": 0})") == "/multipleOf: must be greater than 0");
  CHECK(Refusal(R"({"properties": {"a": 3}})") ==
        "/properties/a: a schema must be an object or a boolean, not a number");
  CHECK(Refusal(R"({"exclusiveMaximum": true, "maximum": 5})") ==
        "/exclusiveMaximum: a boolean \"exclusiveMaximum\" is draft 4's; in draft 7 it holds the "
        "limit itself, as in \"exclusiveMaximum\": 5");
  CHECK(Refusal(R"({"$schema": "http://json-schema.org/draft-04/schema#"})") ==
        "/$schema: \"http://json-schema.org/draft-04/schema#\" is an older draft than taskcost "
        "reads; it reads draft 6, draft 7 (the default), 2019-09 and 2020-12 "
        "(docs/schema-support.md)");
}

TEST_CASE("validate: a keyword taskcost does not implement is refused, not ignored") {
  CHECK(Refusal(R"({"properties": {"a": {}}, "unevaluatedProperties": false})") ==
        "/unevaluatedProperties: \"unevaluatedProperties\" is not supported by taskcost: list the "
        "properties and use additionalProperties");
  CHECK(Refusal(R"({"type": "string", "nullable": true})") ==
        "/nullable: \"nullable\" is not supported by taskcost: it is OpenAPI's, not JSON Schema's: "
        "write \"type\": [\"string\", \"null\"]");
  CHECK(Refusal(R"({"contentMediaType": "application/json"})") ==
        "/contentMediaType: \"contentMediaType\" is not supported by taskcost: check the decoded "
        "content with a scorer");
  CHECK(Refusal(R"({"format": "uri-template"})") ==
        "/format: format \"uri-template\" is not checked by taskcost (it checks date, time, "
        "date-time, email, hostname, ipv4, ipv6, uri, uri-reference, iri, iri-reference, uuid, "
        "json-pointer, relative-json-pointer, regex)");
  // A misspelt keyword would be ignored by the letter of JSON Schema; it is refused instead.
  CHECK(Refusal(R"({"properties": {"a": {}}, "requried": ["a"]})") ==
        "/requried: unknown keyword \"requried\", did you mean \"required\"?");
  // Unknown keywords that are no near miss stay annotations, as JSON Schema says.
  CHECK(SchemaValidator::Compile(R"({"x-order": 1, "title": "t", "example": {}, "ui": 2})").ok());
}

TEST_CASE("validate: $ref resolves inside the schema, and a sibling that draft 7 ignores is refused") {
  SchemaValidator defs = Compiled(R"({
    "$defs": {"money": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}},
    "definitions": {"item": {"properties": {"price": {"$ref": "#/$defs/money"}}}},
    "type": "array", "items": {"$ref": "#/definitions/item"}})");
  CHECK(defs.Validate(R"([{"price":"1.50"},{"price":"2"}])") ==
        Lines{"/1/price: \"2\" does not match the pattern \"^[0-9]+\\\\.[0-9]{2}$\""});
  CHECK(Refusal(R"({"$ref": "https://example.com/schema.json"})") ==
        "/$ref: \"https://example.com/schema.json\" is outside this schema; taskcost follows "
        "references within the schema only and fetches no other schema");
  CHECK(Refusal(R"({"properties": {"a": {"$ref": "#/definitions/missing"}}})") ==
        "/properties/a/$ref: \"#/definitions/missing\" points to nothing in this schema");
  CHECK(Refusal(R"({"definitions": {"s": {"type": "string"}},
                    "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 3}}})") ==
        "/properties/a/maxLength: \"maxLength\" beside \"$ref\" is ignored in draft 7; put both "
        "in \"allOf\": [{\"$ref\": ...}, {\"maxLength\": ...}]");
  // In 2020-12 a sibling of $ref applies.
  SchemaValidator newer = Compiled(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"s": {"type": "string"}},
    "properties": {"a": {"$ref": "#/$defs/s", "maxLength": 3}}})");
  CHECK(newer.Validate(R"({"a":"abcd"})") ==
        Lines{"/a: text of 4 characters is longer than maxLength 3"});
}

TEST_CASE("validate: a $ref cycle that never reaches into the answer is refused") {
  CHECK(Refusal(R"({"$ref": "#"})") ==
        "/$ref: a cycle of references applies the schema to the same value without end: # -> #");
  CHECK(Refusal(R"({"definitions": {"a": {"allOf": [{"$ref": "#/definitions/b"}]},
                                    "b": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/a"}]}},
                    "$ref": "#/definitions/a"})") ==
        "/definitions/a/allOf/0/$ref: a cycle of references applies the schema to the same value "
        "without end: #/definitions/a/allOf/0 -> #/definitions/b -> #/definitions/b/anyOf/1 -> "
        "#/definitions/a -> #/definitions/a/allOf/0");
  // Recursion through a property reaches one level deeper into the answer each time: allowed.
  SchemaValidator tree = Compiled(R"({"type": "object", "required": ["name"],
    "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}}})");
  CHECK(tree.Validate(R"({"name":"a","children":[{"name":"b","children":[{"children":[]}]}]})") ==
        Lines{"/children/0/children/0: missing required property \"name\""});
}

TEST_CASE("validate: nesting and work are bounded, for hostile schemas and answers") {
  // A schema 20,000 levels deep crashed validate (recursion); it is refused before any is done.
  CHECK(Refusal(Nested(R"({"items":)", "{}", "}", 20'000)) ==
        "schema nests arrays and objects more than 256 levels deep");
  // An answer of 100,000 nested arrays.
  SchemaValidator any = Compiled(R"({"items": {"$ref": "#"}})");
  CHECK(any.Validate(Nested("[", "", "]", 100'000)) ==
        Lines{"/: not checked against the schema: the answer nests more than 512 levels deep"});
  CHECK(any.Validate(Nested("[", "", "]", 500)).empty());
  // 30 definitions, each applying the next twice: 2^30 subschemas for one value. The check stops
  // at its budget of 5,000,000.
  std::string defs;
  for (int i = 0; i < 30; ++i) {
    const std::string next = "{\"$ref\":\"#/definitions/d" + std::to_string(i + 1) + "\"}";
    defs += "\"d" + std::to_string(i) + "\":{\"allOf\":[" + next + "," + next + "]},";
  }
  defs += "\"d30\":{\"type\":\"integer\"}";
  SchemaValidator doubling = Compiled(R"({"definitions":{)" + defs +
                                      R"(},"properties":{"n":{"$ref":"#/definitions/d0"}}})");
  CHECK(doubling.Validate(R"({"n":1})") ==
        Lines{"/n: not checked against the schema: the schema needs more than 5000000 steps for "
              "this answer"});
  // uniqueItems over 100,000 equal items sorts them (n log n) instead of comparing every pair.
  SchemaValidator unique = Compiled(R"({"uniqueItems": true})");
  std::string same = "[";
  for (int i = 0; i < 100'000; ++i) same += i == 0 ? "\"x\"" : ",\"x\"";
  CHECK(unique.Validate(same + "]") == Lines{"/: items 0 and 1 are equal (uniqueItems)"});
}

TEST_CASE("validate: draft 2019-09 and 2020-12 keywords taskcost implements") {
  SchemaValidator tuple = Compiled(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false,
    "dependentRequired": {"a": ["b"]}, "minContains": 2, "contains": {"type": "integer"}})");
  CHECK(tuple.Validate(R"(["a", 1])") ==
        Lines{"/: 1 items match the \"contains\" schema, fewer than minContains 2"});
  CHECK(tuple.Validate(R"(["a", 1, 2])") ==
        Lines{"/2: not allowed: the schema lists 2 items and no more"});
  CHECK(Refusal(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "items": [{}]})") ==
        "/items: in draft 2020-12 \"items\" is one schema; write the list as \"prefixItems\"");
  SchemaValidator anchored = Compiled(R"({"$defs": {"n": {"$anchor": "num", "type": "number"}},
    "properties": {"x": {"$ref": "#num"}}})");
  CHECK(anchored.Validate(R"({"x":"1"})") == Lines{"/x: expected number, got string"});
}

TEST_CASE("validate: one validator is shared by several threads") {
  SchemaValidator validator = Compiled(kTriageSchema);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&validator, &failures, t] {
      for (int i = 0; i < 200; ++i) {
        bool good_ok = validator.Validate(R"({"category":"bug","priority":3})").empty();
        bool bad_caught = validator.Validate(R"({"category":"nope","priority":3})").size() == 1;
        if (!good_ok || !bad_caught) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == std::vector<int>{0, 0, 0, 0});
}

}  // namespace
}  // namespace taskcost::validate_test
