#include "harness/core/formats/csv.h"

#include <doctest/doctest.h>

namespace taskcost::csv_test {
namespace {
std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : records) out.push_back(r.fields);
  return out;
}
}  // namespace

TEST_CASE("csv: RFC 4180 quoting") {
  const std::string text =
      "id,text,note\r\n"
      "1,\"Hello, world\",plain\r\n"
      "2,\"She said \"\"hi\"\"\",\"\"\r\n"
      "3,\"line one\nline two\",last\n";
  Result<std::vector<CsvRecord>> records = ParseCsv(text, "s.csv");
  REQUIRE(records.ok());
  CHECK(Fields(*records) ==
        std::vector<std::vector<std::string>>{{"id", "text", "note"},
                                              {"1", "Hello, world", "plain"},
                                              {"2", "She said \"hi\"", ""},
                                              {"3", "line one\nline two", "last"}});
  SUBCASE("each record keeps the line it starts on") { CHECK((*records)[3].line == 4); }
}

TEST_CASE("csv: byte-order mark, blank lines, no final newline, empty fields") {
  Result<std::vector<CsvRecord>> records = ParseCsv("\xEF\xBB\xBFid,a\n\n1,\n\n2,x", "s.csv");
  REQUIRE(records.ok());
  CHECK(Fields(*records) ==
        std::vector<std::vector<std::string>>{{"id", "a"}, {"1", ""}, {"2", "x"}});
  CHECK((*records)[1].line == 3);
  CHECK((*records)[2].line == 5);
}

TEST_CASE("csv: malformed quoting is reported at the record's line") {
  SUBCASE("a quote never closed") {
    Result<std::vector<CsvRecord>> r = ParseCsv("id,text\n1,ok\n2,\"open\nmore\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ToString() == "s.csv:3: the quoted field opened on line 3 is never closed");
  }
  SUBCASE("text after a closing quote") {
    Result<std::vector<CsvRecord>> r = ParseCsv("id,text\n1,\"a\"b\n", "s.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ToString() ==
          "s.csv:2: unexpected text after a closing quote (write a quote inside a quoted field "
          "as \"\")");
  }
}

}  // namespace taskcost::csv_test
