// field_equals (moved here from core's validate), field_in, regex, contains, max_words and
// max_chars against hand-made answers, malformed ones included.
#include <doctest/doctest.h>

#include <stdexcept>

#include "scorers/scorer_set.h"
#include "tests/scorers/scorer_fixture.h"

namespace taskcost::field_scorers_test {
namespace {

TEST_CASE("scorers: field_equals compares text with the rendered expected value") {
  Sample sample = TicketSample();
  std::vector<SuccessCriterion> criteria = {
      FieldEquals("category", "{{expected_category}}"),
      FieldEquals("priority", "{{ expected_priority }}"),
  };
  SUBCASE("both hold") {
    std::vector<CheckResult> checks =
        Evaluate(criteria, sample, R"({"category":"billing","priority":3})");
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].name == "field_equals(category)");
    CHECK(checks[0].pass);
    CHECK(checks[0].reason == "");
    CHECK(checks[0].score == 1.0);
    CHECK(checks[1].name == "field_equals(priority)");
    CHECK(checks[1].pass);  // the number 3 and the text "3" agree
  }
  SUBCASE("a string field holding \"3\" also equals \"3\"") {
    CHECK(Evaluate({criteria[1]}, sample, R"({"priority":"3"})")[0].pass);
  }
  SUBCASE("mismatches say what was expected and what came") {
    std::vector<CheckResult> checks =
        Evaluate(criteria, sample, R"({"category":"account","priority":4})");
    CHECK_FALSE(checks[0].pass);
    CHECK(checks[0].reason == "expected \"billing\", got \"account\"");
    CHECK(checks[0].score == 0.0);
    CHECK_FALSE(checks[1].pass);
    CHECK(checks[1].reason == "expected \"3\", got 4");
    CHECK(Evaluate({criteria[1]}, sample, R"({"priority":3.5})")[0].reason ==
          "expected \"3\", got 3.5");
    CHECK(Evaluate({criteria[1]}, sample, R"({"priority":null})")[0].reason ==
          "expected \"3\", got null");
  }
  SUBCASE("a missing field fails") {
    std::vector<CheckResult> checks = Evaluate(criteria, sample, R"({"priority":3})");
    CHECK_FALSE(checks[0].pass);
    CHECK(checks[0].reason == "field \"category\" is missing");
    CHECK(checks[1].pass);
  }
}

TEST_CASE("scorers: field paths reach nested objects and arrays, dotted or indexed") {
  Sample sample = TicketSample();
  std::string output = R"({"customer":{"name":"Ada","tier":{"level":2}},"items":[{"sku":"A1"}]})";
  CHECK(Evaluate({FieldEquals("customer.name", "{{customer.name}}")}, sample, output)[0].pass);
  CHECK(Evaluate({FieldEquals("customer.tier.level", "2")}, sample, output)[0].pass);
  CHECK(Evaluate({FieldEquals("items.0.sku", "A1")}, sample, output)[0].pass);
  CHECK(Evaluate({FieldEquals("items[0].sku", "A1")}, sample, output)[0].pass);
  CHECK(Evaluate({FieldEquals("customer.tier", R"({"level":2})")}, sample, output)[0].pass);
  for (const char* missing : {"customer.email", "customer.name.first", "items.1.sku",
                              "items[1].sku", "items.x", "nothing.at.all"}) {
    CAPTURE(missing);
    CheckResult check = Evaluate({FieldEquals(missing, "x")}, sample, output)[0];
    CHECK_FALSE(check.pass);
    CHECK_FALSE(check.scorer_error);
    CHECK(check.reason == "field \"" + std::string(missing) + "\" is missing");
  }
}

TEST_CASE("scorers: an answer that is not JSON fails field scorers, and a bad suite is a bug") {
  Sample sample = TicketSample();
  CheckResult not_json = Evaluate({FieldEquals("category", "billing")}, sample, "nope")[0];
  CHECK_FALSE(not_json.pass);
  CHECK_FALSE(not_json.scorer_error);
  CHECK(not_json.reason == "output is not JSON");
  CHECK(Evaluate({FieldEquals("category", "billing")}, sample, R"({"category":)")[0].reason ==
        "output is not JSON");

  // A sample without the field the template names: the scorer cannot judge (the loader
  // prevents it; a suite edited under a run could reach it).
  CheckResult unknown_field =
      Evaluate({FieldEquals("category", "{{expected_categroy}}")}, sample,
               R"({"category":"billing"})")[0];
  CHECK_FALSE(unknown_field.pass);
  CHECK(unknown_field.scorer_error);
  CHECK(unknown_field.reason == "sample \"t-001\" has no field \"expected_categroy\"");

  SuccessCriterion unknown{"regex_match", "category", "^b", {}};
  CHECK_THROWS_AS(ScorerSet({unknown}, {}), std::invalid_argument);
  CHECK(Evaluate({}, sample, "{}").empty());
}

TEST_CASE("scorers: field_in passes for any listed value") {
  Sample sample = TicketSample();
  SuccessCriterion in = Spec("field_in", "category");
  in.values = {"{{expected_category}}", "account"};
  CHECK(Evaluate({in}, sample, R"({"category":"billing"})")[0].pass);
  CHECK(Evaluate({in}, sample, R"({"category":"account"})")[0].pass);
  CheckResult bug = Evaluate({in}, sample, R"({"category":"Billing"})")[0];
  CHECK_FALSE(bug.pass);
  CHECK(bug.reason == "\"Billing\" is not one of \"billing\", \"account\"");
  in.ignore_case = true;
  CHECK(Evaluate({in}, sample, R"({"category":"Billing"})")[0].pass);
  CHECK(Evaluate({in}, sample, R"({"category":["billing"]})")[0].reason ==
        "[\"billing\"] is not one of \"billing\", \"account\"");
}

TEST_CASE("scorers: regex matches anywhere unless anchored, in linear time") {
  Sample sample = TicketSample();
  SuccessCriterion re = Spec("regex", "date");
  re.pattern = R"(^\d{4}-\d{2}-\d{2}$)";
  CHECK(Evaluate({re}, sample, R"({"date":"2026-03-07"})")[0].pass);
  CheckResult bad = Evaluate({re}, sample, R"({"date":"7 March 2026"})")[0];
  CHECK_FALSE(bad.pass);
  CHECK(bad.reason == R"("7 March 2026" does not match /^\d{4}-\d{2}-\d{2}$/)");
  CHECK(Evaluate({re}, sample, R"({"other":1})")[0].reason == "field \"date\" is missing");

  SUBCASE("without a field it reads the answer's text, JSON or not") {
    SuccessCriterion whole = Spec("regex", "");
    whole.pattern = "refund";
    whole.ignore_case = true;
    CHECK(Evaluate({whole}, sample, "A REFUND is due")[0].pass);
    CHECK(Evaluate({whole}, sample, R"({"reason":"Refund"})")[0].pass);
    CHECK_FALSE(Evaluate({whole}, sample, "nothing here")[0].pass);
  }
  SUBCASE("a catastrophic pattern for backtracking engines stays fast on a long input") {
    SuccessCriterion evil = Spec("regex", "");
    evil.pattern = "^(a+)+$";
    const std::string input = std::string(100'000, 'a') + "b";
    CHECK_FALSE(Evaluate({evil}, sample, input)[0].pass);  // std::regex would never return
  }
}

TEST_CASE("scorers: contains looks for rendered text, optionally ignoring case") {
  Sample sample = TicketSample();
  SuccessCriterion c = Spec("contains", "summary");
  c.expected = "{{customer.name}}";
  CHECK(Evaluate({c}, sample, R"({"summary":"Ada was charged twice"})")[0].pass);
  CheckResult miss = Evaluate({c}, sample, R"({"summary":"ADA was charged twice"})")[0];
  CHECK_FALSE(miss.pass);
  CHECK(miss.reason == "\"ADA was charged twice\" does not contain \"Ada\"");
  c.ignore_case = true;
  CHECK(Evaluate({c}, sample, R"({"summary":"ADA was charged twice"})")[0].pass);
}

TEST_CASE("scorers: max_words and max_chars count words and Unicode characters") {
  Sample sample = TicketSample();
  SuccessCriterion words = Spec("max_words", "summary");
  words.limit = 3;
  CHECK(Evaluate({words}, sample, R"({"summary":"  one two\tthree "})")[0].pass);
  CheckResult long_summary = Evaluate({words}, sample, R"({"summary":"one two three four"})")[0];
  CHECK_FALSE(long_summary.pass);
  CHECK(long_summary.reason == "4 words, more than 3");

  SuccessCriterion chars = Spec("max_chars", "summary");
  chars.limit = 5;
  CHECK(Evaluate({chars}, sample, R"({"summary":"héllo"})")[0].pass);  // 5 characters, 6 bytes
  CHECK(Evaluate({chars}, sample, R"({"summary":"héllo!"})")[0].reason ==
        "6 characters, more than 5");
  SuccessCriterion whole = Spec("max_chars", "");
  whole.limit = 4;
  CHECK(Evaluate({whole}, sample, "{}")[0].pass);
  CHECK_FALSE(Evaluate({whole}, sample, "not json at all")[0].pass);
}

TEST_CASE("scorers: a failed success check makes the attempt incorrect, quality never decides") {
  Sample sample = TicketSample();
  SuccessCriterion must = FieldEquals("category", "{{expected_category}}");
  SuccessCriterion nice = Spec("max_words", "category");
  nice.limit = 0;
  nice.quality = true;
  std::vector<CheckResult> checks =
      ScorerSet({must}, {nice}).Evaluate(sample, R"({"category":"billing"})");
  REQUIRE(checks.size() == 2);
  CHECK(checks[1].quality);
  CHECK_FALSE(checks[1].pass);
  const CheckResult* deciding = nullptr;
  CHECK(ErrorOfChecks(checks, &deciding) == ErrorClass::kNone);

  checks = ScorerSet({must}, {nice}).Evaluate(sample, R"({"category":"bug"})");
  CHECK(ErrorOfChecks(checks, &deciding) == ErrorClass::kIncorrect);
  CHECK(deciding == &checks[0]);

  CheckResult unjudged{"command(x.py)", false, "timed out"};
  unjudged.scorer_error = true;
  CHECK(ErrorOfChecks({unjudged}, &deciding) == ErrorClass::kScorerError);
  // A check the model failed decides even when another scorer could not judge.
  CheckResult failed{"field_equals(category)", false, "expected"};
  CHECK(ErrorOfChecks({unjudged, failed}, nullptr) == ErrorClass::kIncorrect);
}

}  // namespace
}  // namespace taskcost::field_scorers_test
