#include "harness/core/model/suite.h"

#include <algorithm>

namespace taskcost {

bool RetryPolicy::Retries(ErrorClass c) const {
  return std::find(retry_on.begin(), retry_on.end(), c) != retry_on.end();
}

const Candidate* Suite::Baseline() const {
  for (const Candidate& c : candidates) {
    if (c.baseline) return &c;
  }
  return nullptr;
}

}  // namespace taskcost
