#include "harness/core/formats/yaml_util.h"

#include <doctest/doctest.h>

namespace taskcost::yaml_util_test {
namespace {

// Reads `yaml` and hands the reader and the document's root to `read`.
template <class F>
std::string ReadErrors(const std::string& yaml, F read) {
  YamlReader reader("c.yaml");
  YAML::Node document = ParseYaml(yaml, "c.yaml").value();
  read(reader, reader.Root(document));
  return FormatErrors(reader.errors());
}

std::string Json(const std::string& yaml) {
  YamlReader reader("c.yaml");
  YAML::Node document = ParseYaml(yaml, "c.yaml").value();
  std::optional<std::string> json = reader.JsonText(reader.Root(document));
  return json ? *json : FormatErrors(reader.errors());
}

}  // namespace

TEST_CASE("yaml_util: a syntax error names file:line:col and yaml-cpp's reason") {
  Result<YAML::Node> r = ParseYaml("a: [1, 2\nb: 3\n", "c.yaml");
  REQUIRE_FALSE(r.ok());
  // yaml-cpp stops at line 2; the mistake is the [ on line 1, column 4.
  CHECK(r.error().ToString() ==
        "c.yaml:1:4: this [ is never closed (yaml-cpp: end of sequence flow not found at line 2, "
        "column 2)");
  r = ParseYaml("a: 1\nb: [2, 3]\nc: {d: 4\n", "c.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().ToString() ==
        "c.yaml:3:4: this { is never closed (yaml-cpp: end of map flow not found at line 4, "
        "column 1)");
  r = ParseYaml("a: 1\nb: [2, 3\n", "c.yaml");  // the innermost open bracket
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where.line == 2);
  CHECK(r.error().where.column == 4);
}

TEST_CASE("yaml_util: a line without its colon is pointed at, not the key after it") {
  // "unit task" and the next key read as one plain text, "unit task prompt"; yaml-cpp fails at
  // the colon of line 3. The line to fix is line 2.
  Result<YAML::Node> r = ParseYaml("suite: x\nunit task\nprompt: 1\n", "c.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().ToString() ==
        "c.yaml:2:1: expected \"key: value\", but this line has no colon, so the lines after it "
        "were read as part of it (yaml-cpp: illegal map value at line 3, column 7)");
  SUBCASE("indented, and after comment lines") {
    r = ParseYaml("a:\n  b: 1\n  c 2\n  # note\n\n  d: 3\n", "c.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().where.line == 3);
    CHECK(r.error().where.column == 3);
  }
  SUBCASE("an illegal map value on its own line stays where it is") {
    r = ParseYaml("suite: x\n  unit: task\n", "c.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ToString() == "c.yaml:2:7: illegal map value");
  }
}

TEST_CASE("yaml_util: unknown and duplicate keys") {
  std::vector<std::string> known = {"provider", "model", "price"};
  CHECK(ReadErrors("provider: a\nmodle: b\nprice: 1\nprice: 2\ncolour: red\n",
                   [&](YamlReader& r, const YamlField& root) { r.CheckKeys(root, known); }) ==
        "c.yaml:2:1: unknown key \"modle\", did you mean \"model\"?\n"
        "c.yaml:4:1: duplicate key \"price\" (first at line 3)\n"
        "c.yaml:5:1: unknown key \"colour\"; expected one of: provider, model, price");
}

TEST_CASE("yaml_util: nested paths and missing keys") {
  CHECK(ReadErrors("a:\n  - {x: 1}\n  - {y: 2}\n", [](YamlReader& r, const YamlField& root) {
          for (const YamlField& item : r.Items(r.Child(root, "a"))) r.Require(r.Child(item, "x"));
        }) == "c.yaml:3:5: a[1]: missing required key \"x\"");
}

TEST_CASE("yaml_util: typed scalars say what they expected and what they got") {
  auto read = [](YamlReader& r, const YamlField& root) {
    r.Integer(r.Child(root, "count"), 1, 20);
    r.Integer(r.Child(root, "big"), 1, 20);
    r.Integer(r.Child(root, "huge"), 1, 20);
    r.Integer(r.Child(root, "unbounded"), 0, INT64_MAX);
    r.Decimal(r.Child(root, "seconds"), 3);
    r.Decimal(r.Child(root, "fine"), 3);
    r.Usd(r.Child(root, "usd"));
    r.Usd(r.Child(root, "negative"));
    r.Bool(r.Child(root, "flag"));
    r.String(r.Child(root, "name"));
    r.IsMap(r.Child(root, "empty"));
  };
  CHECK(ReadErrors("count: abc\nbig: 25\nhuge: 99999999999999999999\nunbounded: -1\nseconds: "
                   "fast\nfine: 0.0001\n"
                   "usd: $2.00\nnegative: -1\nflag: yes\nname: [a]\nempty:\n",
                   read) ==
        "c.yaml:1:8: count: expected an integer, got \"abc\"\n"
        "c.yaml:2:6: big: must be between 1 and 20, got 25\n"
        "c.yaml:3:7: huge: must be between 1 and 20, got 99999999999999999999\n"
        "c.yaml:4:12: unbounded: must be at least 0, got -1\n"
        "c.yaml:5:10: seconds: expected a number, got \"fast\"\n"
        "c.yaml:6:7: fine: \"0.0001\" is finer than 1e-3 and cannot be represented exactly\n"
        "c.yaml:7:6: usd: write the amount without the $ sign: 2.00\n"
        "c.yaml:8:11: negative: must not be negative, got -1\n"
        "c.yaml:9:7: flag: expected true or false, got \"yes\"\n"
        "c.yaml:10:7: name: expected a string, got a list\n"
        "c.yaml:11:1: empty: expected a mapping, got an empty value");
}

TEST_CASE("yaml_util: exact values come from the scalar's text") {
  YamlReader reader("c.yaml");
  YamlField root = reader.Root(ParseYaml("a: 0.1\nb: \"2.50\"\nc: 12.5\n", "c.yaml").value());
  CHECK(reader.Usd(reader.Child(root, "a"))->picos() == 100'000'000'000);
  CHECK(reader.Usd(reader.Child(root, "b"))->picos() == 2'500'000'000'000);
  CHECK(reader.Decimal(reader.Child(root, "c"), 3) == 12'500);
  CHECK(reader.ok());
}

TEST_CASE("yaml_util: YAML to JSON keeps YAML types, key order and quoted strings") {
  CHECK(Json("{z: 0, a: 0.2, t: true, s: \"0\", n: ~, e: , l: [1, x], m: {k: v}}") ==
        R"({"z":0,"a":0.2,"t":true,"s":"0","n":null,"e":null,"l":[1,"x"],"m":{"k":"v"}})");
  CHECK(Json("[-3, +4, 1e3, .5, 'yes', yes, !!str 5, 99999999999999999999]") ==
        R"([-3,4,1000.0,0.5,"yes","yes","5",1e+20])");
  SUBCASE("what JSON cannot hold is an error at its place") {
    CHECK(Json("a: {b: .inf}\n") == "c.yaml:1:8: a.b: \".inf\" has no JSON equivalent");
    CHECK(Json("a: 1\na: 2\n") == "c.yaml:2:1: duplicate key \"a\" (first at line 1)");
  }
}

}  // namespace taskcost::yaml_util_test

namespace taskcost::yaml_util_test {

TEST_CASE("yaml_util: a scalar of 300,000 digits is matched in one pass, without recursion") {
  // The core schema's number patterns ran in std::regex, which recursed once per character and
  // overflowed the stack (SIGSEGV) on a scalar this long.
  const std::string digits(300'000, '7');
  CHECK(Json("s: " + digits + "x\n") == R"({"s":")" + digits + R"(x"})");
  CHECK(Json("f: 0." + digits.substr(0, 20) + "e-1\n") == R"({"f":0.07777777777777778})");
  CHECK(Json("i: -" + digits.substr(0, 18) + "\n") == R"({"i":-777777777777777777})");
  CHECK(Json("a: [+.INF]\n") == "c.yaml:1:5: a[0]: \"+.INF\" has no JSON equivalent");
}

TEST_CASE("yaml_util: an alias that contains itself is refused, not followed forever") {
  Result<YAML::Node> r = ParseYaml("a: &x [1, *x]\n", "c.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().ToString() == "c.yaml:1:11: this alias refers to a value that contains it");
  Result<YAML::Node> deep = ParseYaml(std::string(5000, '[') + std::string(5000, ']'), "c.yaml");
  REQUIRE_FALSE(deep.ok());
  // Lists 1 to 64 open at columns 1 to 64; the 65th, at column 65, is one too many.
  CHECK(deep.error().ToString() == "c.yaml:1:65: nested more than 64 levels deep");
}

}  // namespace taskcost::yaml_util_test
