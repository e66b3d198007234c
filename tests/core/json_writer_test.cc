#include "harness/core/formats/json_writer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace taskcost::json_writer_test {
namespace {

// What a JSON tree's compact dump writes for the same value: the text JsonWriter promises.
std::string TreeDump(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

}  // namespace

TEST_CASE("json_writer: strings are escaped exactly as a tree dump escapes them") {
  const std::vector<std::string> texts = {
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      "\b\f\n\r\t",
      std::string("\x00\x01\x1f\x7f", 4),
      "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82",  // 2-, 3- and 4-byte UTF-8
      "\xED\x9F\xBF \xEE\x80\x80 \xF4\x8F\xBF\xBF",             // the edges of the valid ranges
      "bad \xFF byte",
      "lone continuation \x80 here",
      "overlong \xC0\xAF slash",
      "surrogate \xED\xA0\x80 half",
      "above U+10FFFF \xF4\x90\x80\x80",
      "cut short at the end \xE6\x97",
      "cut short \xF0\x9F\x99 before ascii",
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK(Quoted(text) == TreeDump(text));
  }
}

TEST_CASE("json_writer: every byte value is escaped as a tree dump escapes it, wherever it falls") {
  // Strings are scanned 16 (or 8) bytes at a time: each byte value at each offset within and
  // across the steps, among plain text, and the well-formed sequences split across steps.
  for (int byte = 0; byte < 256; ++byte) {
    for (size_t at = 0; at < 35; ++at) {
      std::string text(35, 'a');
      text[at] = static_cast<char>(byte);
      CAPTURE(byte);
      CAPTURE(at);
      CHECK(Quoted(text) == TreeDump(text));
    }
  }
  for (size_t at = 0; at < 33; ++at) {
    for (std::string_view sequence : {"\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x99\x82", "\"\\"}) {
      std::string text(33, 'z');
      text.insert(at, sequence);
      CAPTURE(at);
      CHECK(Quoted(text) == TreeDump(text));
    }
  }
}

TEST_CASE("json_writer: doubles are written as a tree dump writes them") {
  for (double value : {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e15, 1e16, 1e-5, 0.0002308, 123.456,
                       std::numeric_limits<double>::infinity(), std::nan("")}) {
    CAPTURE(value);
    std::string out;
    AppendJsonDouble(out, value);
    CHECK(out == TreeDump(value));
  }
}

TEST_CASE("json_writer: control characters get their short escape or \\u00XX") {
  CHECK(Quoted("a\nb") == R"("a\nb")");
  CHECK(Quoted(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(Quoted(std::string(1, '\0')) == R"("\u0000")");
  CHECK(Quoted("bad \xFF") == "\"bad \xEF\xBF\xBD\"");  // U+FFFD
}

TEST_CASE("json_writer: objects and arrays are written as a tree dump writes them") {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.String("name", "t-1");
  w.Int("big", std::numeric_limits<int64_t>::max());
  w.Int("negative", -42);
  w.Double("usd", 0.00027);
  w.Double("whole", 3.0);
  w.Bool("ok", true);
  w.Null("missing");
  w.Raw("raw", R"({"a":[1,2]})");
  w.BeginArray("empty");
  w.EndArray();
  w.BeginArray("list");
  w.String("x");
  w.BeginObject();
  w.Bool("pass", false);
  w.EndObject();
  w.Int(7);
  w.EndArray();
  w.BeginObject("nested");
  w.EndObject();
  w.EndObject();

  nlohmann::ordered_json tree = nlohmann::ordered_json::object();
  tree["name"] = "t-1";
  tree["big"] = std::numeric_limits<int64_t>::max();
  tree["negative"] = -42;
  tree["usd"] = 0.00027;
  tree["whole"] = 3.0;
  tree["ok"] = true;
  tree["missing"] = nullptr;
  tree["raw"] = nlohmann::ordered_json::parse(R"({"a":[1,2]})");
  tree["empty"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json check = nlohmann::ordered_json::object();
  check["pass"] = false;
  tree["list"] = nlohmann::ordered_json::array({"x", check, 7});
  tree["nested"] = nlohmann::ordered_json::object();
  CHECK(out == TreeDump(tree));
}

}  // namespace taskcost::json_writer_test
