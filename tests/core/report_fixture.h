// Report fixtures shared by the metrics, verdict and renderer tests: small run manifests and
// journals whose every figure is worked out by hand in the comments below.
// Header-only test helpers; not synchronised.
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/model/money.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost::testing {

// Prices in picodollars per token (= micro-dollars per million tokens).
inline constexpr int64_t kBigIn = 2'500'000;    // $2.50 per 1M input tokens
inline constexpr int64_t kBigOut = 10'000'000;  // $10.00 per 1M output tokens
inline constexpr int64_t kSmallIn = 150'000;    // $0.15 per 1M
inline constexpr int64_t kSmallOut = 600'000;   // $0.60 per 1M

struct Call {
  std::string sample;
  std::string candidate;
  int attempt = 1;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  ErrorClass error = ErrorClass::kNone;  // kNone means success
  int64_t latency_ms = 0;
  int repeat = 0;
};

inline Attempt MakeAttempt(const Call& call) {
  const bool big = call.candidate == "big";
  Attempt a;
  a.sample_id = call.sample;
  a.candidate_id = call.candidate;
  a.attempt = call.attempt;
  a.repeat = call.repeat;
  a.usage.input_tokens = call.input_tokens;
  a.usage.output_tokens = call.output_tokens;
  a.cost = Money::FromPicos(call.input_tokens * (big ? kBigIn : kSmallIn) +
                            call.output_tokens * (big ? kBigOut : kSmallOut));
  a.error = call.error;
  a.success = call.error == ErrorClass::kNone;
  a.latency_us = call.latency_ms * 1000;
  return a;
}

inline std::vector<Attempt> MakeAttempts(const std::vector<Call>& calls) {
  std::vector<Attempt> out;
  for (const Call& c : calls) out.push_back(MakeAttempt(c));
  return out;
}

inline ManifestCandidate MakeCandidate(const std::string& id, bool baseline) {
  ManifestCandidate c;
  c.id = id;
  c.provider = "openai";
  c.provider_kind = "openai";
  c.model = id + "-model";
  c.baseline = baseline;
  return c;
}

/// Samples s1..s<n>, candidates "big" (baseline) and "small", one repeat.
inline RunManifest TwoCandidateManifest(int samples) {
  RunManifest m;
  m.run_id = "2026-11-23T10-04-12Z";
  m.suite_name = "triage";
  m.unit = "ticket classified";
  for (int i = 1; i <= samples; ++i) m.sample_ids.push_back("s" + std::to_string(i));
  m.candidates = {MakeCandidate("big", true), MakeCandidate("small", false)};
  return m;
}

/// The hand-worked journal: 4 samples x 2 candidates, with retries and failures.
///
/// big ($2.50 / $10.00 per 1M), 1,000 in + 100 out = $0.0025 + $0.001 = $0.0035 per call:
///   s1: ok 400 ms                            task $0.0035, 1 attempt,  400 ms
///   s2: ok 500 ms                            task $0.0035, 1 attempt,  500 ms
///   s3: rate_limit (0 tokens, 100 ms), ok    task $0.0035, 2 attempts, 500 ms
///   s4: incorrect 600 ms                     task $0.0035, 1 attempt,  600 ms (failed)
///   total $0.014, 3 successes -> $0.014 / 3 = $0.00466666666667 (4,666,666,667 picos)
///   task costs all $0.0035: p50 = p95 = max = $0.0035; latency p50 500 ms, p95 600 ms
///
/// small ($0.15 / $0.60 per 1M), 1,000 in + 100 out = $0.00015 + $0.00006 = $0.00021:
///   s1: ok                                          task $0.00021
///   s2: invalid_output x2 (1,000 in + 300 out = $0.00015 + $0.00018 = $0.00033 each), ok
///                                                   task $0.00087, 3 attempts, 900 ms
///   s3: ok                                          task $0.00021
///   s4: incorrect, 8,000 in + 100 out = $0.0012 + $0.00006 = $0.00126 (failed)
///   total $0.00255, 3 successes -> $0.00085 per successful task; per task $0.0006375
///   sorted task costs 0.00021, 0.00021, 0.00087, 0.00126: p50 (rank 2) $0.00021,
///   p95 (rank 4) $0.00126; outliers > 3 x $0.00021 = $0.00063: s4, s2
inline std::vector<Attempt> HandWorkedJournal() {
  using E = ErrorClass;
  return MakeAttempts({
      {"s1", "big", 1, 1000, 100, E::kNone, 400},
      {"s1", "small", 1, 1000, 100, E::kNone, 300},
      {"s2", "big", 1, 1000, 100, E::kNone, 500},
      {"s2", "small", 1, 1000, 300, E::kInvalidOutput, 300},
      {"s3", "big", 1, 0, 0, E::kRateLimit, 100},
      {"s2", "small", 2, 1000, 300, E::kInvalidOutput, 300},
      {"s3", "small", 1, 1000, 100, E::kNone, 300},
      {"s2", "small", 3, 1000, 100, E::kNone, 300},
      {"s3", "big", 2, 1000, 100, E::kNone, 400},
      {"s4", "big", 1, 1000, 100, E::kIncorrect, 600},
      {"s4", "small", 1, 8000, 100, E::kIncorrect, 300},
  });
}

/// The hand-worked journal where every successful call of "small" is a refusal instead:
/// small has 0 successes of 4 tasks, same costs.
inline std::vector<Attempt> SmallNeverSucceeds() {
  std::vector<Attempt> attempts = HandWorkedJournal();
  for (Attempt& a : attempts) {
    if (a.candidate_id == "small" && a.success) {
      a.success = false;
      a.error = ErrorClass::kRefusal;
    }
  }
  return attempts;
}

/// How many of `counts` have class `c` (0 when none).
inline int64_t CountOf(const std::vector<ClassCount>& counts, ErrorClass c) {
  for (const ClassCount& entry : counts) {
    if (entry.error == c) return entry.count;
  }
  return 0;
}

/// 2 minutes at $50/h ($1.6667 per task), review 0.2 minutes ($0.16667), 1,000 tasks a month.
inline void AddHuman(RunManifest& m) {
  m.human.present = true;
  m.human.micro_minutes_per_task = 2'000'000;
  m.human.hourly_rate = Money::ParseUsd("50").value();
  m.human.review_micro_minutes_per_task = 200'000;
  m.volume_per_month = 1000;
}

}  // namespace taskcost::testing
