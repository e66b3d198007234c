#include "harness/core/model/attempt.h"

#include <array>
#include <cstdint>
#include <utility>

namespace taskcost {
namespace {
constexpr std::array<std::pair<ErrorClass, std::string_view>, 13> kNames{{
    {ErrorClass::kNone, "none"},
    {ErrorClass::kRateLimit, "rate_limit"},
    {ErrorClass::kServer, "server"},
    {ErrorClass::kTimeout, "timeout"},
    {ErrorClass::kNetwork, "network"},
    {ErrorClass::kAuth, "auth"},
    {ErrorClass::kBadRequest, "bad_request"},
    {ErrorClass::kQuota, "quota"},
    {ErrorClass::kInvalidOutput, "invalid_output"},
    {ErrorClass::kTruncated, "truncated"},
    {ErrorClass::kRefusal, "refusal"},
    {ErrorClass::kIncorrect, "incorrect"},
    {ErrorClass::kScorerError, "scorer_error"},
}};
}  // namespace

std::string_view ErrorClassName(ErrorClass c) {
  for (const auto& [value, name] : kNames) {
    if (value == c) return name;
  }
  return "unknown";
}

std::optional<ErrorClass> ParseErrorClass(std::string_view name) {
  for (const auto& [value, n] : kNames) {
    if (n == name) return value;
  }
  return std::nullopt;
}

const std::vector<ErrorClass>& AllErrorClasses() {
  static const std::vector<ErrorClass> all = [] {
    std::vector<ErrorClass> v;
    for (const auto& [value, name] : kNames) {
      if (value != ErrorClass::kNone) v.push_back(value);
    }
    return v;
  }();
  return all;
}

bool IsFatal(ErrorClass c) {
  return c == ErrorClass::kAuth || c == ErrorClass::kBadRequest || c == ErrorClass::kQuota;
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

bool AwaitingJudge(const Attempt& attempt) {
  for (const CheckResult& check : attempt.checks) {
    if (check.pending) return true;
  }
  return false;
}

void DecideFromChecks(Attempt& attempt) {
  const CheckResult* deciding = nullptr;
  attempt.error = ErrorOfChecks(attempt.checks, &deciding);
  attempt.error_message =
      deciding == nullptr ? std::string() : deciding->name + ": " + deciding->reason;
  attempt.success = attempt.error == ErrorClass::kNone;
}

bool ApplyJudgeVerdict(Attempt& attempt, int check, CheckResult verdict) {
  if (check < 0 || static_cast<size_t>(check) >= attempt.checks.size()) return false;
  CheckResult& slot = attempt.checks[static_cast<size_t>(check)];
  if (!slot.pending) return false;
  verdict.name = slot.name;
  verdict.quality = slot.quality;
  verdict.pending = false;
  if (verdict.scorer_error) {
    verdict.pass = false;
    verdict.score.reset();
  }
  slot = std::move(verdict);
  DecideFromChecks(attempt);
  return true;
}

namespace {
void AddHeld(int64_t& total, int64_t count) {
  if (__builtin_add_overflow(total, count, &total)) total = count < 0 ? INT64_MIN : INT64_MAX;
}
}  // namespace

Usage& Usage::operator+=(const Usage& o) {
  AddHeld(input_tokens, o.input_tokens);
  AddHeld(cached_input_tokens, o.cached_input_tokens);
  AddHeld(cache_write_tokens, o.cache_write_tokens);
  AddHeld(output_tokens, o.output_tokens);
  AddHeld(reasoning_tokens, o.reasoning_tokens);
  AddHeld(cache_write_1h_tokens, o.cache_write_1h_tokens);
  return *this;
}

}  // namespace taskcost
