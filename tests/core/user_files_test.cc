// The bounded reading of user files (user_files.h), the bounded JSON parse (user_json.h) and the
// bounded YAML parse (ParseYaml): each limit is an error at the place it is passed, never a
// block, a crash or a tree of gigabytes.
#include "harness/core/formats/user_files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "harness/core/formats/user_json.h"
#include "harness/core/formats/yaml_util.h"
#include "tests/core/config_test_util.h"

namespace taskcost::user_files_test {
namespace {

using testing::TempDir;

std::string Read(const std::string& path, size_t max = kMaxConfigFileBytes) {
  Result<std::string> r = ReadUserFile(path, max);
  return r.ok() ? "ok: " + r.value() : r.error().ToString();
}

std::string JsonError(std::string_view text, SourceLocation start = {"s.jsonl", 1, 0}) {
  Result<nlohmann::ordered_json> r = ParseUserJson(text, start);
  return r.ok() ? "ok: " + r->dump() : r.error().ToString();
}

std::string YamlError(const std::string& text) {
  Result<YAML::Node> r = ParseYaml(text, "s.yaml");
  return r.ok() ? "ok" : r.error().ToString();
}

// "x: &a0 [v, v, ...]" and then &a1 [*a0 x fan], &a2 [*a1 x fan], ...: each level multiplies.
std::string Laughs(int levels, int fan) {
  std::string yaml = "l0: &a0 [";
  for (int i = 0; i < fan; ++i) yaml += i ? ", v" : "v";
  yaml += "]\n";
  for (int level = 1; level < levels; ++level) {
    yaml += "l" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < fan; ++i) yaml += (i ? ", *a" : "*a") + std::to_string(level - 1);
    yaml += "]\n";
  }
  return yaml;
}

}  // namespace

TEST_CASE("user_files: only regular files are read, and at most the limit") {
  TempDir dir;
  const std::string fifo = dir.path() + "/rows.jsonl";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // Without a writer, opening a FIFO would wait forever; it is refused at once.
  CHECK(Read(fifo) == fifo + ": cannot read file (it is a FIFO, not a regular file)");
  CHECK(Read("/dev/zero") ==
        "/dev/zero: cannot read file (it is a character device, not a "
        "regular file)");
  CHECK(Read(dir.path()) == dir.path() + ": cannot read file (it is a directory)");
  CHECK(Read(dir.path() + "/none") ==
        dir.path() + "/none: cannot read file (No such file or directory)");
  const std::string file = dir.Write("ten.txt", "0123456789");
  CHECK(Read(file, 10) == "ok: 0123456789");
  CHECK(Read(file, 9) == file + ": the file is 10 bytes; at most 9 are read");
  const std::string big = dir.Write("big.txt", std::string((size_t{1} << 20) + 1, 'x'));
  CHECK(Read(big, size_t{1} << 20) ==
        big + ": the file is 1048577 bytes; at most 1048576 (1 MiB) are read");
  SUBCASE("a symbolic link is followed to what it names") {
    const std::string link = dir.path() + "/zero.jsonl";
    REQUIRE(symlink("/dev/zero", link.c_str()) == 0);
    CHECK(Read(link) == link +
                            ": cannot read file (it is a character device, not a regular "
                            "file)");
  }
}

TEST_CASE("user_files: LocationAt counts lines and columns from the text's start") {
  const std::string text = "ab\ncde\n\nf";
  CHECK(LocationAt(text, 0, {"f", 1, 0}).line == 1);
  CHECK(LocationAt(text, 0, {"f", 1, 0}).column == 1);
  CHECK(LocationAt(text, 4, {"f", 1, 0}).line == 2);  // 'd'
  CHECK(LocationAt(text, 4, {"f", 1, 0}).column == 2);
  CHECK(LocationAt(text, 8, {"f", 1, 0}).line == 4);     // 'f'
  CHECK(LocationAt(text, 1, {"f", 17, 5}).column == 6);  // text starting at 17:5
  CHECK(LocationAt(text, 1, {"f", 0, 0}).line == 0);     // unknown stays unknown
}

TEST_CASE("user_json: depth, size and numbers a double cannot hold are located errors") {
  // 64 arrays deep is read; the 65th '[' (byte 64, column 65) is one too many.
  CHECK(JsonError(std::string(64, '[') + std::string(64, ']')).starts_with("ok: "));
  CHECK(JsonError(std::string(100000, '[') + std::string(100000, ']')) ==
        "s.jsonl:1:65: nested more than 64 levels deep");
  // A JSONL row starts at its own line: line 17, and a column within it.
  CHECK(JsonError(R"({"id": "a", "n": 1e999})", {"s.jsonl", 17, 0}) ==
        "s.jsonl:17:18: the number 1e999 is too large to hold");
  CHECK(JsonError("{\n  \"total\": -2e400\n}", {"run.json", 1, 0}) ==
        "run.json:2:12: the number -2e400 is too large to hold");
  // Brackets inside strings are text, not nesting.
  CHECK(JsonError(R"({"t": ")" + std::string(100, '[') + R"("})").starts_with("ok: "));
  std::string many = "[0";  // the array and 999,999 zeros: 1,000,000 values, 1,999,998 bytes
  for (size_t i = 1; i < kMaxUserJsonValues - 1; ++i) many += ",0";
  CHECK(JsonError(many + "]").starts_with("ok: "));
  // One value more: the comma that starts it, at byte 1,999,998 (column 1,999,999).
  CHECK(JsonError(many + ",0]") == "s.jsonl:1:1999999: holds more than 1000000 values");
  CHECK(JsonError("{\"a\": 1,}") ==
        "s.jsonl:1:9: not valid JSON: syntax error while parsing object key - unexpected '}'; "
        "expected string literal");
}

TEST_CASE("user_json: a repeated key keeps its first place and its last value") {
  CHECK(JsonError(R"({"a": 1, "b": 2, "a": 3})") == R"(ok: {"a":3,"b":2})");
  // Many keys are found by hash: 20,000 distinct keys keep their order.
  std::string text = "{";
  for (int i = 0; i < 20000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  Result<nlohmann::ordered_json> r = ParseUserJson(text + "}", {"s.json", 1, 0});
  REQUIRE(r.ok());
  CHECK(r->size() == 20000);
  CHECK(r->begin().key() == "k0");
  CHECK((--r->end()).key() == "k19999");
}

TEST_CASE("yaml_util: text that is not UTF-8, control characters and a second document") {
  CHECK(YamlError("suite: a\nunit: b\0c\n") == "ok");  // a C string: it ends at the NUL
  CHECK(YamlError(std::string("suite: a\nunit: b\0c\n", 17)) ==
        "s.yaml:2:8: a NUL byte (0x00) in the text; a YAML file holds text only");
  CHECK(YamlError("suite: a\nunit: caf\xE9\n") ==
        "s.yaml:2:10: not valid UTF-8 (byte 0xE9); save the file as UTF-8");
  CHECK(YamlError("a: \xC0\xAF\n") ==
        "s.yaml:1:4: not valid UTF-8 (byte 0xC0); save the file "
        "as UTF-8");  // an overlong '/'
  CHECK(YamlError("a: \x01\n") ==
        "s.yaml:1:4: control character 0x01 in the text; a YAML file holds text only");
  CHECK(YamlError("a: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\tb\r\n") == "ok");
  CHECK(YamlError("a: 1\n---\nb: 2\n") ==
        "s.yaml:2:1: a second YAML document starts here; the file must hold one document "
        "(remove the --- line or what follows it)");
  CHECK(YamlError("---\na: 1\n...\n") == "ok");  // one document, marked explicitly
}

TEST_CASE("yaml_util: values are counted with every alias expanded") {
  // Levels of 10: l0 is a list of 10 scalars (11 values), level k a list of 10 aliases of level
  // k-1: sizes 11, 111, 1,111, 11,111. Counted in order: the root mapping (1), "l0" and its list
  // (13), "l1" and its list (125), "l2" (1,237), "l3" (12,349), "l4" and its list's start
  // (12,351); each *a3 adds 11,111, and the 8th (12,351 + 88,888 = 100,239) passes 100,000.
  // "l4: &a4 [" is 9 bytes: the aliases start at columns 10, 15, ..., the 8th at column 45.
  const std::string error = YamlError(Laughs(5, 10));
  CHECK(error ==
        "s.yaml:5:45: the file holds more than 100000 values (aliases counted at every "
        "use)");
  CHECK(YamlError(Laughs(4, 10)) == "ok");  // 10^4 scalars and their lists: well inside
  // The billion laughs (9 levels of 10) stops at the same place, reading nothing more.
  CHECK(YamlError(Laughs(9, 10)) == error);
}

TEST_CASE("yaml_util: a number JSON cannot hold is an error at its place") {
  YamlReader reader("s.yaml");
  YAML::Node document =
      ParseYaml("params: {temperature: 1e999, seed: 123456789012345678901234}\n", "s.yaml").value();
  YamlField params = reader.Child(reader.Root(document), "params");
  CHECK_FALSE(reader.JsonText(params).has_value());
  CHECK(FormatErrors(reader.errors()) ==
        "s.yaml:1:23: params.temperature: the number 1e999 is too large to hold");
}

}  // namespace taskcost::user_files_test
