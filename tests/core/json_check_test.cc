#include "harness/core/formats/json_check.h"

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/core/formats/json_parse.h"

namespace taskcost::json_check_test {
namespace {

// Texts both judged and parsed by the tests below: odd JSON first, then texts that are not JSON.
const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = {
      R"({"prompt_tokens":19,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":0}})",
      R"({"a":1,"a":2})",
      R"([1,-0,-0.0,1E2,1e-400,18446744073709551616,-9223372036854775809])",
      "\xEF\xBB\xBF{}",
      std::string("{}\0", 3),
      std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'),
      std::string(kMaxJsonDepth - 1, '[') + R"({"k":1})" + std::string(kMaxJsonDepth - 1, ']'),
      R"({"s":"\u00e9\ud834\udd1e\/"})",
      "{\"utf8\":\"\xC3\xA9\xF0\x9F\x98\x80\"}",
      "",
      "{",
      R"({"a":1,})",
      "[01]",
      "[1.]",
      "[1e400]",
      R"({"a":1}{"b":2})",
      R"(["\ud800"])",
      R"(["\udc00"])",
      "[\"\xC0\x80\"]",
      "[\"\xED\xA0\x80\"]",
      "[\"tab\there\"]",
      "{\"a\":1}\n",
      "not json",
      R"({"category":"billing","priority":"high","reason":"charged twice on 2024-01-05"})",
      R"({"n":-0,"m":[-0],"k":{"z":-0}})",
      R"({"neg":-0.0,"e":-0e5,"f":-0.5,"d":"-0 in a string","g":"a-0"})",
      R"({"u":0,"i":-1,"big":9223372036854775808,"f":1.5,"x":1E2,"t":true,"z":null})",
      R"({"b":1,"a":2,"b":3,"nested":{"k":[1,{"k":2,"k":"last"}]}})",
      R"([])",
      R"("text")",
      "12",
      "-12",
      "1.0",
  };
  return texts;
}

// Whether two trees are equal down to the kind of each number (== counts 0u and 0 equal).
bool SameTree(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !SameTree(it.value(), b.at(it.key()))) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameTree(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {  // compare the bits: -0.0 and 0.0 differ
    return std::signbit(a.get<double>()) == std::signbit(b.get<double>()) && a == b;
  }
  return a == b;
}

TEST_CASE("json check: judges every text as nlohmann's accept does") {
  for (const std::string& text : Texts()) {
    CAPTURE(text.substr(0, 80));
    CHECK(IsJsonText(text) == nlohmann::json::accept(text));
  }
}

TEST_CASE("json check: parses every text into the tree nlohmann's parser builds") {
  for (const std::string& text : Texts()) {
    CAPTURE(text.substr(0, 80));
    const nlohmann::json fast = ParseJsonFast(text);
    const nlohmann::json reference = nlohmann::json::parse(text, nullptr, false);
    CHECK(fast.is_discarded() == reference.is_discarded());
    if (!reference.is_discarded()) CHECK(SameTree(fast, reference));
  }
}

std::string Nested(int depth, std::string_view inner = "") {
  return std::string(static_cast<size_t>(depth), '[') + std::string(inner) +
         std::string(static_cast<size_t>(depth), ']');
}

TEST_CASE("json check: syntax is judged as nlohmann judges it, however deep") {
  // IsJsonText builds no tree: deep text is JSON to it (accept is iterative), only refused by
  // the parses below.
  CHECK(IsJsonText(Nested(100'000)));
  CHECK_FALSE(IsJsonText(Nested(100'000).substr(1)));
}

TEST_CASE("json check: nesting past the limit is refused at the first level too deep") {
  JsonRefusal refusal;
  CHECK(ParseJsonFast(Nested(100'000), &refusal).is_discarded());
  CHECK(refusal.kind == JsonRefusal::Kind::kTooDeep);
  CHECK(refusal.Text() == "nested deeper than 256 levels at line 1, column 257");
  // The 257th level on line 3: `{"a":` then 255 more '[' from column 1 of line 3, so level 257
  // (the object is level 1, "a"'s first '[' level 2) opens at column 256.
  const std::string text = "{\n\"a\":\n" + Nested(300) + "}";
  CHECK(ParseJsonFast(text, &refusal).is_discarded());
  CHECK(refusal.Text() == "nested deeper than 256 levels at line 3, column 256");
  // An object at level 257 is refused like an array; at level 256 it is read.
  CHECK(ParseJsonFast(Nested(kMaxJsonDepth, "{}")).is_discarded());
  CHECK_FALSE(ParseJsonFast(Nested(kMaxJsonDepth - 1, "{}")).is_discarded());
  // Brackets inside strings do not count.
  CHECK_FALSE(ParseJsonFast("[\"" + std::string(1000, '[') + "\"]").is_discarded());
}

TEST_CASE("json check: a number no double holds is refused where nlohmann would throw") {
  // nlohmann::json::parse throws out_of_range.406 for these (exit 70 before issue 12).
  JsonRefusal refusal;
  CHECK(ParseJsonFast(R"({"n": 1e999})", &refusal).is_discarded());
  CHECK(refusal.kind == JsonRefusal::Kind::kNumber);
  CHECK(refusal.Text() == "the number 1e999 is out of range at line 1, column 7");
  CHECK(ParseJsonFast("[1,\n  -2.5e400]", &refusal).is_discarded());
  CHECK(refusal.Text() == "the number -2.5e400 is out of range at line 2, column 3");
  // What a double holds is read: the largest double, an integer beyond 64 bits (a double),
  // an underflow (0).
  const nlohmann::json held = ParseJsonFast("[1.7976931348623157e308,18446744073709551616,1e-400]");
  REQUIRE(held.is_array());
  CHECK(held[0].get<double>() == 1.7976931348623157e308);
  CHECK(held[1].get<double>() == 18446744073709551616.0);
  CHECK(held[2].get<double>() == 0.0);
}

TEST_CASE("json check: a syntax error is worded as nlohmann words it") {
  JsonRefusal refusal;
  CHECK(ParseJsonFast("not json", &refusal).is_discarded());
  CHECK(refusal.kind == JsonRefusal::Kind::kSyntax);
  CHECK(refusal.Text() ==
        "parse error at line 1, column 2: syntax error while parsing value - invalid literal; "
        "last read: 'no'");
}

TEST_CASE("json parse: a file's JSON is refused at its line and column") {
  const SourceLocation start{"samples.jsonl", 7, 0};
  Result<nlohmann::ordered_json> deep = ParseJsonAt(Nested(20'000), start);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().ToString() == "samples.jsonl:7:257: JSON nested deeper than 256 levels");
  Result<nlohmann::json> number = ParseJsonAt<nlohmann::json>("{\"n\":\n 1e999}", start);
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().ToString() == "samples.jsonl:8:2: the number 1e999 is out of range");
  Result<nlohmann::ordered_json> syntax = ParseJsonAt(R"({"a":1,})", start);
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().ToString() ==
        "samples.jsonl:7:8: not valid JSON: syntax error while parsing object key - unexpected "
        "'}'; expected string literal");
  Result<nlohmann::ordered_json> ok = ParseJsonAt(R"({"b":1,"a":2})", start);
  REQUIRE(ok.ok());
  CHECK(ok->dump() == R"({"b":1,"a":2})");  // key order kept
}

}  // namespace
}  // namespace taskcost::json_check_test
