#include "harness/scorers/scorer_set.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "harness/scorers/scorer.h"

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

ScorerSet::ScorerSet(const std::vector<SuccessCriterion>& success,
                     const std::vector<SuccessCriterion>& quality) {
  for (const auto* list : {&success, &quality}) {
    for (const SuccessCriterion& spec : *list) {
      std::unique_ptr<const Scorer> scorer =
          spec.kind == "command" ? MakeCommandScorer(spec) : MakeBuiltinScorer(spec);
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
  const nlohmann::json parsed =
      nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  return Evaluate(sample, output, parsed.is_discarded() ? nullptr : &parsed);
}

std::vector<CheckResult> ScorerSet::Evaluate(const Sample& sample, std::string_view output,
                                             const nlohmann::json* parsed) const {
  const ScorerInput input{sample, output, parsed};
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

ErrorClass ErrorOfChecks(const std::vector<CheckResult>& checks, const CheckResult** first) {
  const CheckResult* failed = nullptr;
  const CheckResult* unjudged = nullptr;
  for (const CheckResult& check : checks) {
    if (check.quality || check.pass) continue;
    const CheckResult*& slot = check.scorer_error ? unjudged : failed;
    if (slot == nullptr) slot = &check;
  }
  // A check the model failed decides even when another scorer could not judge.
  if (first != nullptr) *first = failed != nullptr ? failed : unjudged;
  if (failed != nullptr) return ErrorClass::kIncorrect;
  return unjudged != nullptr ? ErrorClass::kScorerError : ErrorClass::kNone;
}

}  // namespace taskcost
