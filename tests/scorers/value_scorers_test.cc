// numeric_within, json_subset and list_f1 against hand-made answers, malformed ones included.
#include <doctest/doctest.h>

#include "scorers/scorer_set.h"
#include "tests/scorers/scorer_fixture.h"

namespace taskcost::value_scorers_test {
namespace {

Sample Invoice() {
  Sample sample;
  sample.id = "inv-7";
  sample.json = R"({"id":"inv-7","expected_total":1234.5,"expected_vendor":"Acme Ltd",)"
                R"("expected_items":["bolts","nuts","washers","screws"],)"
                R"("expected":{"vendor":{"name":"Acme Ltd"},"total":1234.5}})";
  sample.fields = {{"expected_total", "1234.5"},
                   {"expected_vendor", "Acme Ltd"},
                   {"expected_items", R"(["bolts","nuts","washers","screws"])"},
                   {"expected", R"({"vendor":{"name":"Acme Ltd"},"total":1234.5})"}};
  return sample;
}

SuccessCriterion Within(const char* tolerance_kind, int64_t tolerance_e12) {
  SuccessCriterion spec = Spec("numeric_within", "total");
  spec.expected = "{{expected_total}}";
  spec.relative = std::string(tolerance_kind) == "rel";
  spec.tolerance_e12 = tolerance_e12;
  return spec;
}

constexpr int64_t kCent = 10'000'000'000;  // 0.01 in 1e-12 units

TEST_CASE("scorers: numeric_within compares exact decimals, within a cent") {
  Sample sample = Invoice();
  const SuccessCriterion cent = Within("abs", kCent);
  CHECK(Evaluate({cent}, sample, R"({"total":1234.5})")[0].pass);
  CHECK(Evaluate({cent}, sample, R"({"total":1234.51})")[0].pass);  // exactly one cent off
  CHECK(Evaluate({cent}, sample, R"({"total":1234.49})")[0].pass);
  CheckResult over = Evaluate({cent}, sample, R"({"total":1234.52})")[0];
  CHECK_FALSE(over.pass);
  CHECK(over.reason == "expected 1234.5 ± 0.01, got 1234.52 (off by +0.02)");
  // 0.1 + 0.2 style binary error cannot creep in: 0.3 vs 0.31 is one cent, still within.
  SuccessCriterion small = cent;
  small.expected = "0.3";
  CHECK(Evaluate({small}, sample, R"({"total":0.31})")[0].pass);
  CHECK_FALSE(Evaluate({small}, sample, R"({"total":0.3100001})")[0].pass);

  SUBCASE("numbers written as text are read, currency sign and thousands commas dropped") {
    CHECK(Evaluate({cent}, sample, R"({"total":"$1,234.50"})")[0].pass);
    CHECK(Evaluate({cent}, sample, R"({"total":"1234.5"})")[0].pass);
    CHECK(Evaluate({cent}, sample, R"({"total":1.2345e3})")[0].pass);
  }
  SUBCASE("relative tolerance is a share of the expected value") {
    const SuccessCriterion two_percent = Within("rel", 20'000'000'000);  // 0.02
    // 2% of 1234.5 is 24.69: 1259.19 is within, 1259.20 is not.
    CHECK(Evaluate({two_percent}, sample, R"({"total":1259.19})")[0].pass);
    CheckResult far = Evaluate({two_percent}, sample, R"({"total":1259.20})")[0];
    CHECK_FALSE(far.pass);
    CHECK(far.reason == "expected 1234.5 ± 2%, got 1259.2 (off by +24.7)");
  }
  SUBCASE("malformed answers fail; a bad expected value cannot be judged") {
    CHECK(Evaluate({cent}, sample, R"({"total":"about 1234"})")[0].reason ==
          "expected a number, got \"about 1234\"");
    CHECK(Evaluate({cent}, sample, R"({"total":null})")[0].reason ==
          "expected a number, got null");
    CHECK(Evaluate({cent}, sample, R"({"sum":1234.5})")[0].reason ==
          "field \"total\" is missing");
    SuccessCriterion broken = cent;
    broken.expected = "{{expected_vendor}}";
    CheckResult unjudged = Evaluate({broken}, sample, R"({"total":1})")[0];
    CHECK(unjudged.scorer_error);
    CHECK(unjudged.reason == "expected value \"Acme Ltd\" is not a number");
  }
}

TEST_CASE("scorers: json_subset passes when the answer contains the expected object") {
  Sample sample = Invoice();
  SuccessCriterion subset = Spec("json_subset", "");
  subset.expected = "{{expected}}";  // the sample's object, typed: total stays a number
  const std::string full =
      R"({"vendor":{"name":"Acme Ltd","vat":"GB1"},"total":1234.50,"currency":"GBP"})";
  CheckResult ok = Evaluate({subset}, sample, full)[0];
  CHECK(ok.pass);
  CHECK(ok.score == 1.0);

  CheckResult wrong = Evaluate({subset}, sample, R"({"vendor":{"name":"Acme"},"total":1234.5})")[0];
  CHECK_FALSE(wrong.pass);
  CHECK(wrong.reason ==
        "/vendor/name: expected \"Acme Ltd\", got \"Acme\" (1 of 2 expected values match)");
  CHECK(wrong.score == 0.5);
  CHECK(Evaluate({subset}, sample, R"({"vendor":"Acme Ltd","total":1234.5})")[0].reason ==
        "/vendor: expected an object, got \"Acme Ltd\" (1 of 2 expected values match)");
  CHECK(Evaluate({subset}, sample, R"({"total":1234.5})")[0].reason ==
        "/vendor: missing (1 of 2 expected values match)");
  CHECK(Evaluate({subset}, sample, "[1,2]")[0].reason ==
        "/: expected an object, got [1,2] (0 of 2 expected values match)");

  SUBCASE("a literal expected value with templates in its strings; lists match in any order") {
    SuccessCriterion literal = Spec("json_subset", "");
    literal.expected_json = R"({"vendor":{"name":"{{expected_vendor}}"},"tags":["b","a"]})";
    CHECK(Evaluate({literal}, sample,
                   R"({"vendor":{"name":"Acme Ltd"},"tags":["a","c","b"]})")[0].pass);
    CheckResult missing_tag =
        Evaluate({literal}, sample, R"({"vendor":{"name":"Acme Ltd"},"tags":["a"]})")[0];
    CHECK_FALSE(missing_tag.pass);
    CHECK(missing_tag.reason == "/tags/0: missing (2 of 3 expected values match)");
  }
}

TEST_CASE("scorers: list_f1 scores precision and recall of a list against the expected one") {
  Sample sample = Invoice();
  SuccessCriterion f1 = Spec("list_f1", "items");
  f1.expected = "{{expected_items}}";
  f1.threshold_ppm = 800'000;  // pass at F1 >= 0.8

  CheckResult all = Evaluate({f1}, sample, R"({"items":["screws","bolts","washers","nuts"]})")[0];
  CHECK(all.pass);
  CHECK(all.score == 1.0);

  // 3 of 4 expected found, 1 extra: P = 3/4, R = 3/4, F1 = 0.75 < 0.8.
  CheckResult three = Evaluate({f1}, sample, R"({"items":["bolts","nuts","washers","glue"]})")[0];
  CHECK_FALSE(three.pass);
  CHECK(three.score == doctest::Approx(0.75));
  CHECK(three.reason ==
        "F1 0.750 (precision 0.750, recall 0.750: 3 of 4 expected items, 4 items given)");

  // 4 of 4 found plus one extra: P = 4/5, R = 1, F1 = 2*0.8/1.8 = 0.888...: passes.
  CheckResult extra =
      Evaluate({f1}, sample, R"({"items":["bolts","nuts","washers","screws","glue"]})")[0];
  CHECK(extra.pass);
  CHECK(extra.score == doctest::Approx(8.0 / 9.0));

  SUBCASE("duplicates count once per expected occurrence") {
    // P = 1/3 (one "bolts" matched of 3 given), R = 1/4: F1 = 2/7.
    CheckResult dup = Evaluate({f1}, sample, R"({"items":["bolts","bolts","bolts"]})")[0];
    CHECK(dup.score == doctest::Approx(2.0 / 7.0));
  }
  SUBCASE("objects compare by a key field, numbers by value") {
    Sample lines;
    lines.id = "l";
    lines.json = R"({"id":"l","expected_lines":[{"sku":"A","qty":2},{"sku":"B","qty":1.0}]})";
    SuccessCriterion by_sku = Spec("list_f1", "lines");
    by_sku.expected = "{{expected_lines}}";
    by_sku.key = "sku";
    CHECK(Evaluate({by_sku}, lines, R"({"lines":[{"sku":"B","qty":9},{"sku":"A"}]})")[0].pass);
    SuccessCriterion whole = by_sku;
    whole.key = "";
    CHECK(Evaluate({whole}, lines, R"({"lines":[{"qty":1,"sku":"B"},{"sku":"A","qty":2.0}]})")[0]
              .pass);
    CHECK_FALSE(Evaluate({whole}, lines, R"({"lines":[{"sku":"B","qty":2},{"sku":"A","qty":2}]})")[0]
                    .pass);
  }
  SUBCASE("malformed answers fail with a reason") {
    CHECK(Evaluate({f1}, sample, R"({"items":"bolts, nuts"})")[0].reason ==
          "expected a list, got \"bolts, nuts\"");
    CHECK(Evaluate({f1}, sample, R"({"things":[]})")[0].reason == "field \"items\" is missing");
    CheckResult empty = Evaluate({f1}, sample, R"({"items":[]})")[0];
    CHECK_FALSE(empty.pass);
    CHECK(empty.score == 0.0);
  }
}

}  // namespace
}  // namespace taskcost::value_scorers_test
