// ReviewSpec: the suite's `review:` block, the rubric an expert scores outputs with (the scale,
// what each score means, the tolerance of the downgrade verdict). Format: docs/suite-format.md.
// Plain data; not synchronised.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "harness/core/model/result.h"

namespace taskcost {

struct ReviewSpec {
  int scale_min = 1;  // scores are whole numbers in [scale_min, scale_max]
  int scale_max = 5;
  std::map<int, std::string> labels;  // what a score means: {5: "correct, ready to send"}
  int64_t tolerance_milli = 500;      // quality points x 1000 a cheaper candidate may lose
  std::string instructions;           // free text at the top of the sheet; may be empty
  SourceLocation where;               // the `review:` key; empty when the suite has none
};

}  // namespace taskcost
