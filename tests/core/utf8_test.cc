#include "harness/core/formats/utf8.h"

#include <doctest/doctest.h>

#include <string_view>

namespace taskcost::utf8_test {

// Boundaries from the Unicode Standard, table 3-7 (well-formed UTF-8 byte sequences).
TEST_CASE("utf8: the length of each well-formed sequence, 0 for every ill-formed one") {
  using namespace std::string_view_literals;
  CHECK(Utf8SequenceLength("a"sv, 0) == 1);
  CHECK(Utf8SequenceLength("\x7F"sv, 0) == 1);
  CHECK(Utf8SequenceLength("\xC3\xA9"sv, 0) == 2);          // U+00E9 é
  CHECK(Utf8SequenceLength("\xE2\x82\xAC"sv, 0) == 3);      // U+20AC €
  CHECK(Utf8SequenceLength("\xF0\x9F\x98\x80"sv, 0) == 4);  // U+1F600
  CHECK(Utf8SequenceLength("\xF4\x8F\xBF\xBF"sv, 0) == 4);  // U+10FFFF, the last code point
  CHECK(Utf8SequenceLength("ab\xC3\xA9"sv, 2) == 2);        // from an offset

  CHECK(Utf8SequenceLength("\x80"sv, 0) == 0);                // a continuation byte alone
  CHECK(Utf8SequenceLength("\xC0\xAF"sv, 0) == 0);            // overlong '/' (C0 never leads)
  CHECK(Utf8SequenceLength("\xC1\xBF"sv, 0) == 0);            // overlong
  CHECK(Utf8SequenceLength("\xE0\x9F\xBF"sv, 0) == 0);        // overlong U+07FF in 3 bytes
  CHECK(Utf8SequenceLength("\xED\xA0\x80"sv, 0) == 0);        // U+D800, a surrogate
  CHECK(Utf8SequenceLength("\xED\x9F\xBF"sv, 0) == 3);        // U+D7FF, just below them
  CHECK(Utf8SequenceLength("\xF0\x8F\xBF\xBF"sv, 0) == 0);    // overlong U+FFFF in 4 bytes
  CHECK(Utf8SequenceLength("\xF4\x90\x80\x80"sv, 0) == 0);    // U+110000, past the last
  CHECK(Utf8SequenceLength("\xF5\x80\x80\x80"sv, 0) == 0);    // F5 never leads
  CHECK(Utf8SequenceLength("\xE2\x82"sv, 0) == 0);            // cut short at the end
  CHECK(Utf8SequenceLength("\xC3\x41"sv, 0) == 0);            // 'A' where a continuation goes
}

}  // namespace taskcost::utf8_test
