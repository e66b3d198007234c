#include "harness/mock/schema_answer.h"

#include <doctest/doctest.h>

#include <cctype>

namespace taskcost::mock {
namespace {

/// True when `text` has `shape`: '9' is a digit, 'h' a lowercase hex digit, '*' a run of
/// lowercase letters (one or more), anything else itself.
bool HasShape(const std::string& text, const std::string& shape) {
  size_t i = 0;
  for (char want : shape) {
    if (want == '*') {
      size_t start = i;
      while (i < text.size() && std::islower(static_cast<unsigned char>(text[i]))) ++i;
      if (i == start) return false;
      continue;
    }
    if (i >= text.size()) return false;
    const unsigned char c = static_cast<unsigned char>(text[i++]);
    if (want == '9'   ? !std::isdigit(c)
        : want == 'h' ? !(std::isdigit(c) || (c >= 'a' && c <= 'f'))
                      : c != want) {
      return false;
    }
  }
  return i == text.size();
}

struct Fixture {
  Draws draws{1, "m", "sample", 1};
  OutputTokenModel tokens;
  AnswerInputs Inputs() {
    AnswerInputs in;
    in.draws = &draws;
    in.tokens = &tokens;
    return in;
  }
};

TEST_CASE("schema answer: every keyword of the common subset is honoured") {
  const Json schema = Json::parse(R"({
    "type": "object",
    "properties": {
      "label": {"type": "string", "enum": ["a", "b", "c"]},
      "fixed": {"const": "always"},
      "count": {"type": "integer", "minimum": 3, "maximum": 5},
      "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
      "flag": {"type": "boolean"},
      "when": {"type": "string", "format": "date"},
      "mail": {"type": "string", "format": "email"},
      "id": {"type": "string", "format": "uuid"},
      "short": {"type": "string", "maxLength": 4},
      "long": {"type": "string", "minLength": 200},
      "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]},
               "minItems": 2, "maxItems": 2, "uniqueItems": true},
      "customer": {"$ref": "#/$defs/customer"},
      "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 10, "maximum": 10}]},
      "nullable": {"type": ["string", "null"], "enum": ["only"]}
    },
    "required": ["label", "extra"],
    "$defs": {"customer": {"type": "object", "properties": {"name": {"type": "string"}},
                           "required": ["name"]}}
  })");
  Fixture f;
  Json v = GenerateAnswer(schema, f.Inputs()).value;
  const Json labels = Json::array({"a", "b", "c"});
  CHECK(std::find(labels.begin(), labels.end(), v.at("label")) != labels.end());
  CHECK(v.at("fixed") == "always");
  CHECK(v.at("count").get<int>() >= 3);
  CHECK(v.at("count").get<int>() <= 5);
  CHECK(v.at("score").get<double>() > 0);
  CHECK(v.at("score").get<double>() <= 1);
  CHECK(v.at("flag").is_boolean());
  CHECK(HasShape(v.at("when").get<std::string>(), "2025-99-99"));
  CHECK(HasShape(v.at("mail").get<std::string>(), "*.*@example.com"));
  CHECK(HasShape(v.at("id").get<std::string>(), "hhhhhhhh-hhhh-4hhh-8hhh-hhhhhhhhhhhh"));
  CHECK(v.at("short").get<std::string>().size() <= 4);
  CHECK(v.at("long").get<std::string>().size() >= 200);
  REQUIRE(v.at("tags").size() == 2);
  CHECK(v.at("tags").at(0) != v.at("tags").at(1));
  CHECK(v.at("customer").at("name").is_string());
  CHECK(v.at("maybe") == 10);
  CHECK(v.at("nullable") == "only");
  CHECK(v.at("extra").is_string());  // required but not described: still present
  // Properties come out in schema order, as models write them.
  CHECK(v.begin().key() == "label");
}

TEST_CASE("schema answer: free text is sized by the word model and counted") {
  Fixture f;
  f.tokens.min_words = 4;
  f.tokens.max_words = 4;
  const Json schema = {{"type", "object"},
                       {"properties", {{"a", {{"type", "string"}}}, {"b", {{"type", "string"}}}}}};
  GeneratedAnswer g = GenerateAnswer(schema, f.Inputs());
  CHECK(g.free_words == 8);
  const std::string a = g.value.at("a").get<std::string>();
  CHECK(std::count(a.begin(), a.end(), ' ') == 3);
  CHECK(std::isupper(static_cast<unsigned char>(a[0])));
}

TEST_CASE("schema answer: mapped fields are right or, when wrong, another plausible value") {
  const Json schema = Json::parse(R"({"type":"object","properties":{
      "label": {"type": "string", "enum": ["a", "b"]},
      "amount": {"type": "integer", "maximum": 10},
      "city": {"type": "string"},
      "ok": {"type": "boolean"}}})");
  std::map<std::string, Json> expected = {
      {"label", "a"}, {"amount", 10}, {"city", "Oslo"}, {"ok", true}};
  std::map<std::string, std::vector<Json>> alternatives = {{"city", {"Oslo", "Rome"}}};
  Fixture f;
  AnswerInputs in = f.Inputs();
  in.expected = &expected;
  in.alternatives = &alternatives;
  in.accuracy = 1;
  Json right = GenerateAnswer(schema, in).value;
  CHECK(right == Json{{"label", "a"}, {"amount", 10}, {"city", "Oslo"}, {"ok", true}});
  in.accuracy = 0;
  Json wrong = GenerateAnswer(schema, in).value;
  CHECK(wrong == Json{{"label", "b"}, {"amount", 9}, {"city", "Rome"}, {"ok", false}});
}

TEST_CASE("schema answer: spoiling an answer") {
  SUBCASE("every BreakJson variant is rejected by a JSON parser") {
    for (const std::string text : {R"({"a":"b","c":1})", "{}", R"({"x":[1,2]})"}) {
      for (uint64_t variant = 0; variant < 3; ++variant) {
        CAPTURE(text);
        CAPTURE(variant);
        CHECK(Json::parse(BreakJson(text, variant), nullptr, false).is_discarded());
      }
    }
  }
  SUBCASE("a truncated answer is a proper prefix that does not parse") {
    CHECK(TruncateJson(R"({"a":"bcdefgh"})") == R"({"a":"b)");
    CHECK(Json::parse(TruncateJson("{}"), nullptr, false).is_discarded());
  }
  SUBCASE("ViolateSchema leaves the enum, else drops a required field, else breaks a type") {
    Json answer = {{"a", "x"}, {"b", 1}};
    ViolateSchema(Json::parse(R"({"properties":{"a":{"enum":["x"]}}})"), answer);
    CHECK(answer.at("a") == "unlisted_value");
    answer = {{"a", "x"}, {"b", 1}};
    ViolateSchema(Json::parse(R"({"properties":{"a":{"type":"string"}},"required":["b"]})"),
                  answer);
    CHECK(answer == Json{{"a", "x"}});
    answer = {{"a", "x"}};
    ViolateSchema(Json::parse(R"({"properties":{"a":{"type":"string"}}})"), answer);
    CHECK(answer.at("a") == 42);
  }
}

TEST_CASE("schema answer: a schema embedded in prompt text is found") {
  CHECK(FindEmbeddedSchema("Answer with JSON. Schema: {\"type\":\"object\",\"properties\":{"
                           "\"a\":{\"type\":\"string\",\"description\":\"a } brace\"}}} Thanks.")
            ->at("properties")
            .contains("a"));
  CHECK_FALSE(FindEmbeddedSchema("Example: {\"a\": 1} and {not json}"));
  CHECK_FALSE(FindEmbeddedSchema("no braces at all"));
  // The first object is an example answer, the second the schema.
  CHECK(FindEmbeddedSchema(R"(e.g. {"a": 1}. Schema: {"$schema": "x", "type": "object"})")
            ->contains("$schema"));
}

}  // namespace
}  // namespace taskcost::mock
