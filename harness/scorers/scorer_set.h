// ScorerSet: a suite's success: and quality: scorers, built once per run and applied to every
// schema-valid answer. Immutable once built; Evaluate is safe to call from several threads
// (the command scorer starts one process per call and shares nothing).
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <vector>

#include "harness/core/attempt.h"
#include "harness/core/suite.h"

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
  std::vector<CheckResult> Evaluate(const Sample& sample, std::string_view output,
                                    const nlohmann::json* parsed) const;

  bool empty() const { return scorers_.empty(); }

 private:
  std::vector<std::unique_ptr<const Scorer>> scorers_;
};

}  // namespace taskcost
