#include "harness/providers/reply_json.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

int64_t ReferenceCountAt(const Ordered& obj, std::string_view key) {
  const Ordered& value = ReferenceAt(obj, key);
  if (value.is_number_unsigned())
    return static_cast<int64_t>(
        std::min<uint64_t>(value.get<uint64_t>(), static_cast<uint64_t>(INT64_MAX)));
  if (value.is_number_integer()) return std::max<int64_t>(0, value.get<int64_t>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    return d >= 0 && d < 9e18 ? static_cast<int64_t>(d) : 0;
  }
  return 0;
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
    std::string(2000, '[') + std::string(2000, ']'),
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
    CHECK(ParseReplyJson(text).has_value());
  }
  for (const std::string& text : kRejected) {
    CAPTURE(text);
    CHECK_FALSE(Ordered::accept(text));
    CHECK_FALSE(ParseReplyJson(text).has_value());
  }
}

TEST_CASE("reply json: dumps are nlohmann's, byte for byte, duplicate keys and numbers included") {
  for (const std::string& text : kAccepted) {
    CAPTURE(text.substr(0, 80));
    const std::optional<Value> value = ParseReplyJson(text);
    REQUIRE(value.has_value());
    CHECK(Dump(*value) == ReferenceDump(Ordered::parse(text)));
  }
}

TEST_CASE("reply json: lookups take the last of two equal keys and read counts as before") {
  for (const std::string& text : kAccepted) {
    CAPTURE(text.substr(0, 80));
    const Ordered reference = Ordered::parse(text);
    const std::optional<Value> value = ParseReplyJson(text);
    REQUIRE(value.has_value());
    for (const char* key : {"a", "n", "f", "e", "g", "h", "i", "j", "k", "big", "bigger", "neg",
                            "max", "over", "min", "bom", "s", "usage", "missing"}) {
      CAPTURE(key);
      CHECK(CountAt(*value, key) == ReferenceCountAt(reference, key));
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
    const std::optional<Value> value = ParseReplyJson(text);
    REQUIRE(value.has_value());
    CHECK(At(*value, "a").is_null());
    CHECK(CountAt(*value, "a") == 0);
    CHECK(StringAt(*value, "a").empty());
    CHECK(StringOf(*value) == (std::string_view(text) == "\"a\"" ? "a" : ""));
  }
  CHECK(UsageRaw(NullValue()).empty());
}

}  // namespace
}  // namespace taskcost::codec
