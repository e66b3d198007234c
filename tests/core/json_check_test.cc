#include "harness/core/json_check.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace taskcost {
namespace {

TEST_CASE("json check: judges every text as nlohmann's accept does") {
  const std::vector<std::string> texts = {
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
  };
  for (const std::string& text : texts) {
    CAPTURE(text.substr(0, 80));
    CHECK(IsJsonText(text) == nlohmann::json::accept(text));
  }
}

}  // namespace
}  // namespace taskcost
