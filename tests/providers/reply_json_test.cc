#include "harness/providers/reply_json.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"

namespace taskcost::codec {
namespace {

using Ordered = nlohmann::ordered_json;

// What the codecs read replies with before simdjson: nlohmann's ordered_json, looked up with
// find (the last of two equal keys), dumped compact with invalid UTF-8 replaced.
const Ordered& ReferenceAt(const Ordered& obj, std::string_view key) {
  static const Ordered kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// A token count as the codecs take it: a whole number from 0 to kMaxTokensPerCall, else 0.
int64_t ReferenceCountAt(const Ordered& obj, std::string_view key) {
  const Ordered& value = ReferenceAt(obj, key);
  if (!value.is_number()) return 0;
  const double d = value.get<double>();
  if (d < 0 || d > static_cast<double>(kMaxTokensPerCall) || d != static_cast<int64_t>(d)) {
    return 0;
  }
  return static_cast<int64_t>(d);
}

std::string ReferenceDump(const Ordered& value) {
  return value.dump(-1, ' ', false, Ordered::error_handler_t::replace);
}

// Texts that parse, odd ones first: every one must read as nlohmann read it.
const std::vector<std::string> kAccepted = {
    R"({"a":1,"b":2,"a":3})",
    R"({"usage":{"n":1},"usage":{"n":2,"n":7,"m":-3}})",
    R"({"n":-0,"f":-0.0,"e":1E2,"g":1e-400,"h":4.9e-324,"i":0.1,"j":1e21,"k":123456789.125})",
    R"({"big":18446744073709551615,"bigger":18446744073709551616,"neg":-9223372036854775809})",
    R"({"max":9223372036854775807,"over":9223372036854775808,"min":-9223372036854775808})",
    "\xEF\xBB\xBF{\"bom\":true}",
    std::string("{\"nul\":1}\0", 10),
    R"({"s":"\u00e9\ud834\udd1e\/\b\f\n\r\t\u0001\u001f\u007f\"\\"})",
    "{\"utf8\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
    R"({"\u0061":"escaped key","a":"plain key"})",
    R"([1,[2,[3,{"x":[]}]],{},[],"",null,true,false])",
    " \t\r\n{ \"spaced\" : [ 1 , 2 ] } \n",
    R"("just a string")",
    "42",
    "null",
    std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'),
};

// Texts nlohmann refuses: each must be refused.
const std::vector<std::string> kRejected = {
    "",
    " ",
    "{",
    R"({"a":1,})",
    "[1,]",
    "01",
    "1.",
    ".5",
    "-",
    "1e400",
    "-1e400",
    R"({"usage":{"prompt_tokens":1e999}})",
    "tru",
    "NaN",
    R"({"a":1}{"b":2})",
    R"({'a':1})",
    R"("\ud800")",
    R"("\udc00")",
    R"("\ud800\u0041")",
    R"("\u00")",
    "\"\xC0\x80\"",
    "[\"\xED\xA0\x80\"]",
    "\"\xF4\x90\x80\x80\"",
    "\"tab\there\"",
    "<html>Bad Gateway</html>",
};

TEST_CASE("reply json: a text parses exactly when nlohmann parses it") {
  for (const std::string& text : kAccepted) {
    CAPTURE(text.substr(0, 80));
    CHECK(Ordered::accept(text));
    const ReplyBody body = ParseReplyJson(text);
    CHECK(body.value.has_value());
    CHECK_FALSE(body.refusal.has_value());
  }
  for (const std::string& text : kRejected) {
    CAPTURE(text);
    CHECK_FALSE(ParseReplyJson(text).value.has_value());
  }
}

TEST_CASE("reply json: dumps are nlohmann's, byte for byte, duplicate keys and numbers included") {
  for (const std::string& text : kAccepted) {
    CAPTURE(text.substr(0, 80));
    const std::optional<Value> value = ParseReplyJson(text).value;
    REQUIRE(value.has_value());
    CHECK(Dump(*value) == ReferenceDump(Ordered::parse(text)));
  }
}

TEST_CASE("reply json: lookups take the last of two equal keys and read counts as before") {
  for (const std::string& text : kAccepted) {
    CAPTURE(text.substr(0, 80));
    const Ordered reference = Ordered::parse(text);
    const std::optional<Value> value = ParseReplyJson(text).value;
    REQUIRE(value.has_value());
    for (const char* key : {"a", "n", "f", "e", "g", "h", "i", "j", "k", "big", "bigger", "neg",
                            "max", "over", "min", "bom", "s", "usage", "missing"}) {
      CAPTURE(key);
      std::string flag;
      CHECK(CountAt(*value, key, key, flag) == ReferenceCountAt(reference, key));
      CHECK(Dump(At(*value, key)) == ReferenceDump(ReferenceAt(reference, key)));
      const Ordered& ref = ReferenceAt(reference, key);
      CHECK(StringAt(*value, key) == (ref.is_string() ? ref.get<std::string>() : ""));
      CHECK(UsageRaw(At(*value, key)) == (ref.is_object() ? ReferenceDump(ref) : ""));
    }
  }
}

TEST_CASE("reply json: a value that is not an object has no keys") {
  for (const char* text : {"[1,2]", "\"a\"", "3", "null", "true"}) {
    CAPTURE(text);
    const std::optional<Value> value = ParseReplyJson(text).value;
    REQUIRE(value.has_value());
    CHECK(At(*value, "a").is_null());
    std::string flag;
    CHECK(CountAt(*value, "a", "a", flag) == 0);
    CHECK(flag.empty());
    CHECK(StringAt(*value, "a").empty());
    CHECK(StringOf(*value) == (std::string_view(text) == "\"a\"" ? "a" : ""));
  }
  CHECK(UsageRaw(NullValue()).empty());
}

// `depth` nested arrays around `inner`: "[[" + inner + "]]" for depth 2.
std::string Nested(int depth, std::string_view inner = "") {
  return std::string(static_cast<size_t>(depth), '[') + std::string(inner) +
         std::string(static_cast<size_t>(depth), ']');
}

TEST_CASE("reply json: nesting up to the limit is read whole, an object innermost included") {
  // kMaxJsonDepth levels: 256 arrays; 255 arrays around an object (simdjson counts that object
  // one deeper and refuses it, so it goes through nlohmann, which reads it whole).
  for (const std::string& text : {Nested(kMaxJsonDepth), Nested(kMaxJsonDepth - 1, R"({"k":1})")}) {
    const ReplyBody body = ParseReplyJson(text);
    REQUIRE(body.value.has_value());
    CHECK_FALSE(body.refusal.has_value());
    CHECK(Dump(*body.value) == text);
  }
}

TEST_CASE(
    "reply json: parts nested deeper than the limit are dropped, located, and the rest read") {
  // Line 2 is `  "content":[[[...`: the root object is level 1, content's first '[' (column 13)
  // level 2, so level 257 opens at column 13 + 255 = 268.
  const std::string text = "{\n  \"content\":" + Nested(kMaxJsonDepth, "[1]") +
                           ",\"usage\":{\"input_tokens\":12},\"deep\":[" + Nested(kMaxJsonDepth) +
                           "]}";
  const ReplyBody body = ParseReplyJson(text);
  REQUIRE(body.value.has_value());
  REQUIRE(body.refusal.has_value());
  CHECK(body.refusal->kind == JsonRefusal::Kind::kTooDeep);
  CHECK(body.refusal->Text() == "nested deeper than 256 levels at line 2, column 268");
  CHECK(body.pruned_keys == std::vector<std::string>{"content", "deep"});
  CHECK(body.PrunedUnder("content"));
  CHECK_FALSE(body.PrunedUnder("usage"));
  std::string flag;
  CHECK(CountAt(At(*body.value, "usage"), "input_tokens", "input_tokens", flag) == 12);
  // Levels 2 to 256 are kept: 255 arrays under each key, the deeper ones left out.
  CHECK(Dump(At(*body.value, "content")) == Nested(kMaxJsonDepth - 1));
  CHECK(Dump(At(*body.value, "deep")) == Nested(kMaxJsonDepth - 1));
}

TEST_CASE("reply json: 100k nested arrays are read without recursion into them") {
  // The issue's reply body (SIGSEGV before): dropped past level 256.
  const ReplyBody body = ParseReplyJson(Nested(100'000));
  REQUIRE(body.value.has_value());
  REQUIRE(body.refusal.has_value());
  CHECK(body.refusal->Text() == "nested deeper than 256 levels at line 1, column 257");
  CHECK(Dump(*body.value) == Nested(kMaxJsonDepth));
}

TEST_CASE("reply json: a number no double holds refuses the body, located") {
  const ReplyBody body = ParseReplyJson("{\"usage\":\n {\"prompt_tokens\": 1e999}}");
  CHECK_FALSE(body.value.has_value());
  REQUIRE(body.refusal.has_value());
  CHECK(body.refusal->kind == JsonRefusal::Kind::kNumber);
  CHECK(body.refusal->Text() == "the number 1e999 is out of range at line 2, column 20");
}

TEST_CASE("reply json: a count that is not a whole number within the bound is flagged") {
  const std::optional<Value> usage =
      ParseReplyJson(
          R"({"ok":12,"whole":12.0,"zero":0,"null":null,"neg":-5,"frac":10.5,"huge":1e12,)"
          R"("max":100000000,"over":100000001,"u64":18446744073709551615,"text":"12","obj":{}})")
          .value;
  REQUIRE(usage.has_value());
  struct Case {
    const char* key;
    int64_t count;
    const char* flag;
  };
  for (const Case& c : std::vector<Case>{
           {"ok", 12, ""},
           {"whole", 12, ""},
           {"zero", 0, ""},
           {"null", 0, ""},
           {"missing", 0, ""},
           {"max", 100'000'000, ""},
           {"neg", 0, "neg -5 is negative"},
           {"frac", 0, "frac 10.5 is not a whole number"},
           {"huge", 0, "huge 1000000000000.0 is above the per-call bound of 100000000"},
           {"over", 0, "over 100000001 is above the per-call bound of 100000000"},
           {"u64", 0, "u64 18446744073709551615 is above the per-call bound of 100000000"},
           {"text", 0, "text \"12\" is not a number"},
           {"obj", 0, "obj {} is not a number"},
       }) {
    CAPTURE(c.key);
    std::string flag;
    CHECK(CountAt(*usage, c.key, c.key, flag) == c.count);
    CHECK(flag == c.flag);
  }
  std::string flag = "an earlier count";  // the first problem is kept
  CHECK(CountAt(*usage, "neg", "neg", flag) == 0);
  CHECK(flag == "an earlier count");
}

}  // namespace
}  // namespace taskcost::codec
