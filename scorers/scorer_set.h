// ScorerSet: a suite's success: and quality: scorers, built once per run and applied to every
// schema-valid answer. Immutable once built; Evaluate is safe to call from several threads at
// once (every scorer is immutable after construction: built-ins read only their spec and their
// compiled RE2 patterns, which RE2 documents as thread-safe; the command scorer starts one
// process per call and shares nothing; an LLM judge's check is only marked pending here). The
// run loop scores on a pool of threads when the set is slow().
#pragma once

#include <atomic>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/suite.h"

namespace taskcost {

class Scorer;

class ScorerSet {
 public:
  /// Builds one scorer per spec (the loader has checked them; an unknown kind throws
  /// std::invalid_argument, a bug).
  ScorerSet(const std::vector<SuccessCriterion>& success,
            const std::vector<SuccessCriterion>& quality);
  ~ScorerSet();
  ScorerSet(ScorerSet&&) noexcept;
  ScorerSet& operator=(ScorerSet&&) noexcept;

  /// Every scorer's verdict on `output` (the answer text), success scorers first, then quality
  /// scorers, each in suite order. Never throws for a bad answer: that is a failed check; a
  /// scorer that cannot judge sets CheckResult::scorer_error.
  std::vector<CheckResult> Evaluate(const Sample& sample, std::string_view output) const;
  /// The same with `output` already parsed (`parsed`: the answer as nlohmann::json::parse gives
  /// it, null when the text is not JSON), for a caller that parsed it to validate it.
  /// `cancel` (may be null), once set, makes slow scorers give up at once: a command scorer's
  /// process is killed (or not started) and its check is a scorer error saying so.
  std::vector<CheckResult> Evaluate(const Sample& sample, std::string_view output,
                                    const nlohmann::json* parsed,
                                    const std::atomic<bool>* cancel = nullptr) const;

  bool empty() const { return scorers_.empty(); }
  /// Whether a scorer may take long (a command scorer runs a program): then answers are scored
  /// off the run loop, so that the wait is never counted as a provider's latency.
  bool slow() const { return slow_; }

 private:
  std::vector<std::unique_ptr<const Scorer>> scorers_;
  bool slow_ = false;
};

}  // namespace taskcost
