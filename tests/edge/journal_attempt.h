// One answered attempt whose every figure follows from `i`, for the journal tests and the
// journal benchmark (bench/journal_bench.cc). Header-only; not synchronised.
#pragma once

#include <string>

#include "harness/core/model/attempt.h"

namespace taskcost::testing {

/// Attempt i: sample "s<i>", 100 + i input and 20 output tokens, 27,000,000 + i picodollars.
inline Attempt JournalAttempt(int i) {
  Attempt a;
  a.sample_id = "s" + std::to_string(i);
  a.candidate_id = i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini";
  a.attempt = 1 + i % 3;
  a.started_unix_ms = 1'800'000'000'000 + i;
  a.latency_us = 1000 * i;
  a.http_status = 200;
  a.usage = Usage{100 + i, 0, 0, 20, 0};
  a.usage_raw = R"({"prompt_tokens":)" + std::to_string(100 + i) + R"(,"completion_tokens":20})";
  a.cost = Money::FromPicos(27'000'000 + i);
  a.output = R"({"category":"billing","note":"line )" + std::to_string(i) + "\"}";
  a.checks = {{"field_equals(category)", true, ""}};
  a.success = true;
  return a;
}

}  // namespace taskcost::testing
