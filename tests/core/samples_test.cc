#include "harness/core/loading/samples.h"

#include <doctest/doctest.h>

namespace taskcost::samples_test {
namespace {
using Fields = std::map<std::string, std::string>;
}  // namespace

TEST_CASE("samples: fields flatten strings verbatim, other values as JSON, objects dotted") {
  Result<std::vector<Sample>> samples = ParseJsonlSamples(
      R"({"id": 7, "text": "hi \"you\"", "n": 3, "ok": true, "none": null,)"
      R"( "customer": {"name": "Ann", "address": {"city": "Oslo"}}, "tags": ["a", 1]})",
      "s.jsonl");
  REQUIRE(samples.ok());
  const Sample& s = samples->at(0);
  CHECK(s.id == "7");
  CHECK(s.fields == Fields{{"id", "7"},
                           {"text", "hi \"you\""},
                           {"n", "3"},
                           {"ok", "true"},
                           {"none", "null"},
                           {"customer", R"({"name":"Ann","address":{"city":"Oslo"}})"},
                           {"customer.name", "Ann"},
                           {"customer.address", R"({"city":"Oslo"})"},
                           {"customer.address.city", "Oslo"},
                           {"tags", R"(["a",1])"}});
  SUBCASE("json is the compact row with the user's key order") {
    CHECK(s.json == R"({"id":7,"text":"hi \"you\"","n":3,"ok":true,"none":null,)"
                    R"("customer":{"name":"Ann","address":{"city":"Oslo"}},"tags":["a",1]})");
  }
  CHECK(s.where.file == "s.jsonl");
  CHECK(s.where.line == 1);
}

TEST_CASE("samples: JSONL lines are numbered as in the file, blank lines skipped") {
  Result<std::vector<Sample>> samples =
      ParseJsonlSamples("\n{\"id\": \"a\"}\r\n   \n{\"id\": \"b\"}\n", "s.jsonl");
  REQUIRE(samples.ok());
  REQUIRE(samples->size() == 2);
  CHECK(samples->at(0).where.line == 2);
  CHECK(samples->at(1).id == "b");
  CHECK(samples->at(1).where.line == 4);
}

TEST_CASE("samples: every bad JSONL row is reported at its line") {
  const std::string text =
      "{\"id\": \"a\", \"text\": \"x\"}\n"   // 1 fine
      "{\"id\": \"b\", \"text\": \"x\",}\n"  // 2 trailing comma
      "[1, 2]\n"                             // 3 not an object
      "{\"text\": \"no id\"}\n"              // 4 no id
      "{\"id\": 1.5}\n"                      // 5 id not a string or integer
      "{\"id\": \"\"}\n"                     // 6 empty id
      "{\"id\": \"a\"}\n";                   // 7 duplicate of line 1
  Result<std::vector<Sample>> samples = ParseJsonlSamples(text, "s.jsonl");
  REQUIRE_FALSE(samples.ok());
  CHECK(FormatErrors(samples.errors()) ==
        "s.jsonl:2:25: not valid JSON: syntax error while parsing object key - unexpected '}'; "
        "expected string literal\n"
        "s.jsonl:3: expected a JSON object, got an array\n"
        "s.jsonl:4: sample has no \"id\" field\n"
        "s.jsonl:5: \"id\" must be a string or an integer, got 1.5\n"
        "s.jsonl:6: \"id\" is empty\n"
        "s.jsonl:7: duplicate sample id \"a\" (first used at line 1)");
}

TEST_CASE("samples: a garbage file lists 20 problems and counts the rest") {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "id,text\n";
  Result<std::vector<Sample>> samples = ParseJsonlSamples(text, "s.jsonl");
  REQUIRE_FALSE(samples.ok());
  REQUIRE(samples.errors().size() == kMaxListedSampleErrors + 1);
  CHECK(samples.errors().back().ToString() == "s.jsonl: ... and 5 more problems");
}

TEST_CASE("samples: CSV rows become string fields named by the header") {
  Result<std::vector<Sample>> samples = ParseCsvSamples(
      "id,text,expected_category\n"
      "t1,\"Charged twice, help\",billing\n"
      "7,\"multi\nline\",account\n",
      "s.csv");
  REQUIRE(samples.ok());
  REQUIRE(samples->size() == 2);
  CHECK(samples->at(0).fields ==
        Fields{{"id", "t1"}, {"text", "Charged twice, help"}, {"expected_category", "billing"}});
  CHECK(samples->at(1).id == "7");
  CHECK(samples->at(1).json == R"({"id":"7","text":"multi\nline","expected_category":"account"})");
  CHECK(samples->at(1).where.line == 3);
}

TEST_CASE("samples: CSV header and row problems") {
  SUBCASE("no id column, with a hint when only the case differs") {
    Result<std::vector<Sample>> r = ParseCsvSamples("ID,text\n1,x\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ToString() ==
          "s.csv:1: the header has no \"id\" column (column names are case-sensitive: rename "
          "\"ID\")");
  }
  SUBCASE("unnamed and repeated columns") {
    Result<std::vector<Sample>> r = ParseCsvSamples("id,,text,text\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(FormatErrors(r.errors()) ==
          "s.csv:1: column 2 of the header has no name\n"
          "s.csv:1: column \"text\" appears twice in the header");
  }
  SUBCASE("a row with the wrong number of fields, and a duplicate id") {
    Result<std::vector<Sample>> r = ParseCsvSamples("id,text\na,x\nb\na,y\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(FormatErrors(r.errors()) ==
          "s.csv:3: expected 2 fields as in the header, got 1\n"
          "s.csv:4: duplicate sample id \"a\" (first used at line 2)");
  }
  SUBCASE("an empty file has no samples and no error") {
    Result<std::vector<Sample>> r = ParseCsvSamples("", "s.csv");
    REQUIRE(r.ok());
    CHECK(r->empty());
  }
}

TEST_CASE("samples: an inline sample's errors carry its path") {
  Result<Sample> r = SampleFromJson(R"({"text": "x"})", {"suite.yaml", 12, 5}, "samples[3]");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().ToString() == "suite.yaml:12:5: samples[3]: sample has no \"id\" field");
}

TEST_CASE("samples: the rows that can be read are kept beside the others' problems") {
  SamplesRead read = ReadJsonlSamples(
      "{\"id\": \"a\", \"text\": \"x\"}\n{\"text\": \"y\"}\n{\"id\": \"a\"}\n{\"id\": \"c\"}\n",
      "s.jsonl");
  REQUIRE(read.samples.size() == 3);  // a, a again, c: all read; only line 2 could not be
  CHECK(read.samples[2].id == "c");
  CHECK(FormatErrors(read.errors) ==
        "s.jsonl:2: sample has no \"id\" field\n"
        "s.jsonl:3: duplicate sample id \"a\" (first used at line 1)");
}

TEST_CASE("samples: nested objects give dotted names down to five components") {
  Result<std::vector<Sample>> samples = ParseJsonlSamples(
      R"({"id": "a", "b": {"c": {"d": {"e": {"f": {"g": "deep"}}}}}})", "s.jsonl");
  REQUIRE(samples.ok());
  const auto& fields = samples->at(0).fields;
  CHECK(fields.at("b.c.d.e") == R"({"f":{"g":"deep"}})");
  CHECK(fields.at("b.c.d.e.f") == R"({"g":"deep"})");  // five components: the last dotted name
  CHECK(fields.count("b.c.d.e.f.g") == 0);             // six: only inside its ancestor's text
}

TEST_CASE("samples: limits stop the file at the row that passes them") {
  SUBCASE("a CSV header of more than 1000 columns") {
    std::string header = "id";
    for (int i = 0; i < 200000; ++i) header += ",c" + std::to_string(i);
    Result<std::vector<Sample>> r = ParseCsvSamples(header + "\na\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(FormatErrors(r.errors()) == "s.csv:1: line 1 has more than 1000 fields");
  }
  SUBCASE("more than 100000 samples") {
    std::string text;
    for (int i = 0; i <= 100000; ++i) text += "{\"id\": " + std::to_string(i) + "}\n";
    SamplesRead read = ReadJsonlSamples(text, "s.jsonl");
    CHECK(read.samples.size() == 100000);
    CHECK(FormatErrors(read.errors) ==
          "s.jsonl:100001: the file holds more than 100000 samples (the most a suite may have); "
          "not read past this row");
  }
  SUBCASE("more than 1000000 fields over all samples") {
    // 1000 columns a row: 1000 rows hold 1,000,000 fields, the 1001st row (line 1002) passes.
    std::string header = "id", row;
    for (int c = 1; c < 1000; ++c) header += ",c" + std::to_string(c);
    for (int c = 1; c < 1000; ++c) row += ",x";
    std::string text = header + "\n";
    for (int r = 0; r < 1001; ++r) text += "r" + std::to_string(r) + row + "\n";
    SamplesRead read = ReadCsvSamples(text, "s.csv");
    CHECK(read.samples.size() == 1000);
    CHECK(FormatErrors(read.errors) ==
          "s.csv:1002: the file holds more than 1000000 fields over all samples (the most a "
          "suite may have); not read past this row");
  }
}

}  // namespace taskcost::samples_test
