// The suite's review: block: the rubric of expert scoring, and its errors by file, line and field.
#include <doctest/doctest.h>

#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_review_test {
namespace {

using testing::TempDir;

// kMinimalSuite: 10 lines; the review block is appended from line 11 on.
const char* const kSuite = testing::kMinimalSuite;

std::string Errors(const std::string& review) {
  TempDir dir;
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", std::string(kSuite) + review));
  return suite.ok() ? "ok" : dir.Relative(suite.errors());
}

TEST_CASE("suite review: without a block the rubric is 1-5 with tolerance 0.5") {
  TempDir dir;
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml", kSuite));
  REQUIRE(suite.ok());
  CHECK(suite->review.scale_min == 1);
  CHECK(suite->review.scale_max == 5);
  CHECK(suite->review.tolerance_milli == 500);
  CHECK(suite->review.labels.empty());
}

TEST_CASE("suite review: scale, labels, tolerance and instructions are read") {
  TempDir dir;
  Result<Suite> suite = LoadSuite(dir.Write(
      "suite.yaml", std::string(kSuite) + "review:\n"
                                          "  scale: [0, 10]\n"
                                          "  labels: {10: perfect, 0: \"useless or harmful\"}\n"
                                          "  tolerance: 1.25\n"
                                          "  instructions: \"Judge tone too.\"\n"));
  REQUIRE_MESSAGE(suite.ok(), dir.Relative(suite.ok() ? taskcost::Errors{} : suite.errors()));
  const ReviewSpec& r = suite->review;
  CHECK(r.scale_min == 0);
  CHECK(r.scale_max == 10);
  CHECK(r.labels.at(10) == "perfect");
  CHECK(r.labels.at(0) == "useless or harmful");
  CHECK(r.tolerance_milli == 1250);
  CHECK(r.instructions == "Judge tone too.");
  CHECK(r.where.line == 11);
}

TEST_CASE("suite review: errors name the file, line and field") {
  CHECK(Errors("review:\n  scale: [5, 1]\n") ==
        "suite.yaml:12:10: review.scale: the lowest score must be below the highest, got [5, 1]");
  CHECK(Errors("review:\n  scale: 5\n") ==
        "suite.yaml:12:10: review.scale: expected a list, got \"5\"");
  CHECK(Errors("review:\n  labels: {7: great}\n") ==
        "suite.yaml:12:12: review.labels.7: score 7 is outside the scale 1-5");
  CHECK(Errors("review:\n  tolerance: 4\n") ==
        "suite.yaml:12:14: review.tolerance: must be below the width of the scale (4), got 4");
  CHECK(Errors("review:\n  tolerence: 0.5\n") ==
        "suite.yaml:12:3: review: unknown key \"tolerence\", did you mean \"tolerance\"?");
}

}  // namespace
}  // namespace taskcost::suite_review_test
