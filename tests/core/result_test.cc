#include "harness/core/model/result.h"

#include <doctest/doctest.h>

namespace taskcost::result_test {

TEST_CASE("result: errors print as file:line:col: path: message") {
  CHECK(MakeError("unknown provider \"opnai\"", "candidates[1].provider", {"suite.yaml", 14, 5})
            .ToString() == "suite.yaml:14:5: candidates[1].provider: unknown provider \"opnai\"");
  CHECK(MakeError("bad", "", {"rows.jsonl", 3, 0}).ToString() == "rows.jsonl:3: bad");
  CHECK(MakeError("no run.json").ToString() == "no run.json");
}

TEST_CASE("result: suggestions catch typos, swapped letters, and nothing far away") {
  const std::vector<std::string> verbs = {"run", "validate", "report", "mock"};
  CHECK(ClosestMatch("rnu", verbs) == "run");
  CHECK(ClosestMatch("valdate", verbs) == "validate");
  CHECK(ClosestMatch("reprot", verbs) == "report");
  CHECK_FALSE(ClosestMatch("deploy", verbs).has_value());
}

}  // namespace taskcost::result_test
