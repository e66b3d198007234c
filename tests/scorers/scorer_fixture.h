// Shared by the scorer tests: a sample and specs built the way the loader builds them.
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/suite.h"
#include "scorers/scorer_set.h"

namespace taskcost {

inline Sample TicketSample() {
  Sample sample;
  sample.id = "t-001";
  sample.fields = {{"expected_category", "billing"},
                   {"expected_priority", "3"},
                   {"customer.name", "Ada"},
                   {"text", "I was charged twice"}};
  sample.json = R"({"id":"t-001","expected_category":"billing","expected_priority":3,)"
                R"("customer":{"name":"Ada"},"text":"I was charged twice"})";
  return sample;
}

inline SuccessCriterion Spec(std::string kind, std::string field) {
  SuccessCriterion spec;
  spec.kind = std::move(kind);
  spec.field = std::move(field);
  return spec;
}

inline SuccessCriterion FieldEquals(std::string field, std::string expected) {
  return SuccessCriterion{"field_equals", std::move(field), std::move(expected), {}};
}

inline std::vector<CheckResult> Evaluate(const std::vector<SuccessCriterion>& success,
                                         const Sample& sample, std::string_view output) {
  return ScorerSet(success, {}).Evaluate(sample, output);
}

}  // namespace taskcost
