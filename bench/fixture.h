// Benchmark fixtures: the files one benchmark needs, written into a scratch directory. A suite of
// the repository's 100 support-triage samples against one candidate served by the simulator, a
// provider catalog pointing at a running simulator, and the simulator profile that serves it.
// Plain functions over the filesystem; not synchronised.
#pragma once

#include <string>

#include "harness/core/model/result.h"

namespace taskcost::bench {

/// The model the candidate sends and the simulator serves (priced in configs/prices.yaml).
inline constexpr const char* kModel = "gpt-4.1-mini";
/// The environment variable holding the (made-up) key the candidate sends.
inline constexpr const char* kKeyVariable = "TASKCOST_BENCH_KEY";
/// Samples in suites/support-triage/samples.jsonl: tasks = kSamples x repeats.
inline constexpr int kSamples = 100;

struct ProfileSpec {
  int latency_ms = 0;            // every reply waits exactly this long (no jitter)
  int requests_per_minute = 0;   // > 0: the simulator's own rate_limit window
};

/// Writes `dir`/profile.yaml for `taskcost mock`. Returns its path.
Result<std::string> WriteProfile(const std::string& source_dir, const std::string& dir,
                                 const ProfileSpec& spec);

struct SuiteSpec {
  std::string base_url;          // the simulator's, e.g. "http://127.0.0.1:40123"
  int max_concurrency = 64;      // the provider's cap on requests in flight
  int requests_per_minute = 0;   // > 0: the provider's client-side request rate cap
};

/// Writes `dir`/suite.yaml and `dir`/providers.yaml. Returns the suite's path.
Result<std::string> WriteSuite(const std::string& source_dir, const std::string& dir,
                               const SuiteSpec& spec);

/// What a run's attempts.jsonl holds, counted without parsing every field.
struct JournalCounts {
  int64_t attempts = 0;
  int64_t successes = 0;
  int64_t status_429 = 0;   // attempts answered 429
  int64_t no_status = 0;    // attempts with no HTTP status (network, timeout)
  int64_t median_latency_us = 0;  // attempts' send-to-last-byte time, as curl measured it
};

Result<JournalCounts> CountJournal(const std::string& run_dir);

}  // namespace taskcost::bench
