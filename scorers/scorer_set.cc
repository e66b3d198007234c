#include "scorers/scorer_set.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "harness/core/formats/json_check.h"
#include "scorers/scorer.h"

namespace taskcost {

std::string Scorer::Name() const {
  return spec_.field.empty() ? spec_.kind : spec_.kind + "(" + spec_.field + ")";
}

CheckResult Passed(std::string reason) {
  CheckResult r{"", true, std::move(reason)};
  r.score = 1.0;
  return r;
}

CheckResult Failed(std::string reason) {
  CheckResult r{"", false, std::move(reason)};
  r.score = 0.0;
  return r;
}

CheckResult CannotJudge(std::string reason) {
  CheckResult r{"", false, std::move(reason)};
  r.scorer_error = true;
  return r;
}

namespace {

// An LLM judge's place among the checks: its verdict comes later, from a judge call the run
// loop makes (harness/runner/judge.h), so here it is only marked pending.
class PendingJudge : public Scorer {
 public:
  using Scorer::Scorer;
  CheckResult Score(const ScorerInput&) const override {
    CheckResult pending = CannotJudge(std::string(kNotJudgedReason));
    pending.pending = true;
    return pending;
  }
  std::string Name() const override { return "judge(" + spec_.judge_name + ")"; }
};

}  // namespace

ScorerSet::ScorerSet(const std::vector<SuccessCriterion>& success,
                     const std::vector<SuccessCriterion>& quality) {
  for (const auto* list : {&success, &quality}) {
    for (const SuccessCriterion& spec : *list) {
      std::unique_ptr<const Scorer> scorer;
      slow_ = slow_ || spec.kind == "command";
      if (spec.kind == "judge") {
        scorer = std::make_unique<const PendingJudge>(spec);
      } else {
        scorer = spec.kind == "command" ? MakeCommandScorer(spec) : MakeBuiltinScorer(spec);
      }
      if (!scorer) throw std::invalid_argument("unknown scorer kind \"" + spec.kind + "\"");
      scorers_.push_back(std::move(scorer));
    }
  }
}

ScorerSet::~ScorerSet() = default;
ScorerSet::ScorerSet(ScorerSet&&) noexcept = default;
ScorerSet& ScorerSet::operator=(ScorerSet&&) noexcept = default;

std::vector<CheckResult> ScorerSet::Evaluate(const Sample& sample,
                                             std::string_view output) const {
  const nlohmann::json parsed = ParseJsonFast(output);  // bounded: nesting, numbers
  return Evaluate(sample, output, parsed.is_discarded() ? nullptr : &parsed);
}

std::vector<CheckResult> ScorerSet::Evaluate(const Sample& sample, std::string_view output,
                                             const nlohmann::json* parsed,
                                             const std::atomic<bool>* cancel) const {
  const ScorerInput input{sample, output, parsed, cancel};
  std::vector<CheckResult> checks;
  checks.reserve(scorers_.size());
  for (const auto& scorer : scorers_) {
    CheckResult check = scorer->Score(input);
    check.name = scorer->Name();
    check.quality = scorer->spec().quality;
    if (check.scorer_error) {
      check.pass = false;
      check.score.reset();
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace taskcost
