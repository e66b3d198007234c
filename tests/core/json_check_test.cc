#include "harness/core/json_check.h"

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace taskcost {
namespace {

// Texts both judged and parsed by the tests below: odd JSON first, then texts that are not JSON.
const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = {
      R"({"prompt_tokens":19,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":0}})",
      R"({"a":1,"a":2})",
      R"([1,-0,-0.0,1E2,1e-400,18446744073709551616,-9223372036854775809])",
      "\xEF\xBB\xBF{}",
      std::string("{}\0", 3),
      std::string(3000, '[') + std::string(3000, ']'),
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

}  // namespace
}  // namespace taskcost
