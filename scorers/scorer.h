// Scorer: one judgement of an answer, the interface every built-in and the command scorer
// implement. Internal to scorers/ (it names nlohmann's JSON type). A Scorer is immutable
// after construction and Score is safe to call from several threads.
#pragma once

#include <atomic>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/model/attempt.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// The answer a scorer judges.
struct ScorerInput {
  const Sample& sample;
  std::string_view text;        // the answer as the model wrote it
  const nlohmann::json* json;   // the answer parsed; null when the text is not JSON
  // Set (may be null): the run is stopping; a slow scorer gives up at once (cannot judge).
  const std::atomic<bool>* cancel = nullptr;
};

class Scorer {
 public:
  explicit Scorer(const SuccessCriterion& spec) : spec_(spec) {}
  virtual ~Scorer() = default;

  /// The verdict: pass, a 0..1 score and a short reason. `name` and `quality` are filled by
  /// the caller from Name() and the spec.
  virtual CheckResult Score(const ScorerInput& input) const = 0;
  /// "numeric_within(total)", "command(my_check.py)".
  virtual std::string Name() const;

  const SuccessCriterion& spec() const { return spec_; }

 protected:
  SuccessCriterion spec_;
};

/// The built-in scorer for `spec.kind`, or the command scorer; nullptr for an unknown kind.
std::unique_ptr<const Scorer> MakeBuiltinScorer(const SuccessCriterion& spec);
std::unique_ptr<const Scorer> MakeCommandScorer(const SuccessCriterion& spec);
/// json_subset and list_f1; nullptr for any other kind.
std::unique_ptr<const Scorer> MakeStructureScorer(const SuccessCriterion& spec);

/// The reason of a slow scorer's check when the run stopped it (ScorerInput::cancel).
inline constexpr std::string_view kNotScoredReason =
    "not scored: the run was interrupted while the scorer ran";

/// A pass (score 1) or a failure (score 0) with its reason.
CheckResult Passed(std::string reason = "");
CheckResult Failed(std::string reason);
/// A scorer that could not judge (the model is not at fault).
CheckResult CannotJudge(std::string reason);

}  // namespace taskcost
