// Hostile answers and samples at the scorers (issue 12, items 1 and 3): JSON nested past the
// depth limit never reaches a scorer's recursive walk, and a number beyond int64 is compared as
// itself, never converted into another (2^64 - 1 is not -1).
#include <doctest/doctest.h>

#include <string>

#include "harness/core/formats/json_check.h"
#include "tests/scorers/scorer_fixture.h"

namespace taskcost::hostile_answer_test {
namespace {

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

SuccessCriterion SubsetOf(const char* expected_json) {
  SuccessCriterion subset = Spec("json_subset", "");
  subset.expected_json = expected_json;
  return subset;
}

TEST_CASE("hostile answer: an answer nested 100k deep is not JSON to the scorers") {
  // Scored without a parsed answer (ScorerSet parses it, bounded): refused, no crash.
  const CheckResult check = Evaluate({SubsetOf(R"({"a":1})")}, TicketSample(), Nested(100'000))[0];
  CHECK_FALSE(check.pass);
  CHECK(check.reason == "output is not JSON");
}

TEST_CASE("hostile answer: a sample field holding JSON nested 100k deep is not expanded") {
  Sample sample = TicketSample();
  sample.fields["expected_tree"] = Nested(100'000);
  SuccessCriterion subset = Spec("json_subset", "");
  subset.expected = "{{expected_tree}}";  // the field's text, read as JSON when it is JSON
  // The text is refused as JSON (too deep), so the expected value is the string itself.
  const CheckResult check = Evaluate({subset}, sample, R"({"a":1})")[0];
  CHECK_FALSE(check.pass);
  // The string, as Quoted shows a long text: its first 60 characters, then "...".
  CHECK(check.reason == "/: expected \"" + std::string(60, '[') +
                            "...\", got {\"a\":1} (0 of 1 expected values match)");
}

TEST_CASE("hostile answer: integers beyond int64 and doubles beyond it keep their values") {
  // 18446744073709551615 (2^64 - 1) was cast to int64 -1 and matched an expected -1.
  CHECK_FALSE(
      Evaluate({SubsetOf(R"({"n":-1})")}, TicketSample(), R"({"n":18446744073709551615})")[0].pass);
  CHECK(Evaluate({SubsetOf(R"({"n":18446744073709551615})")}, TicketSample(),
                 R"({"n":18446744073709551615})")[0]
            .pass);
  // 1e300 is a double far beyond int64: compared as a double, equal to itself only.
  CHECK(Evaluate({SubsetOf(R"({"n":1e300})")}, TicketSample(), R"({"n":1e300})")[0].pass);
  CHECK_FALSE(
      Evaluate({SubsetOf(R"({"n":-9223372036854775808})")}, TicketSample(), R"({"n":1e300})")[0]
          .pass);
  // 25 and 25.0 are still the same number.
  CHECK(Evaluate({SubsetOf(R"({"n":25})")}, TicketSample(), R"({"n":25.0})")[0].pass);
}

}  // namespace
}  // namespace taskcost::hostile_answer_test
