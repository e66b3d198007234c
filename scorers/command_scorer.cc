// The command scorer: a user's program judges the answer. It gets one JSON object on stdin and
// answers {"pass": bool, "score": 0..1, "reason": "..."} on stdout (docs/scorers.md). A program
// that cannot be started, times out, crashes, exits non-zero or answers anything else is a
// scorer error: the model is not at fault.
#include <cstring>

#include "harness/core/formats/error_text.h"
#include "harness/edge/subprocess.h"
#include "scorers/scorer.h"
#include "scorers/scorer_util.h"

namespace taskcost {
namespace {

using nlohmann::json;

std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t nl = text.rfind('\n');
  if (nl != std::string::npos) text.erase(0, nl + 1);
  return text;
}

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// The program's answer: the whole stdout, or else its last non-empty line, as a JSON object.
CheckResult ReadAnswer(const std::string& out) {
  json answer = json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) answer = json::parse(LastLine(out), nullptr, false);
  const std::string shown = Quoted(LastLine(out));
  if (answer.is_discarded() || !answer.is_object()) {
    return CannotJudge("answered " + (out.empty() ? std::string("nothing") : shown) +
                       ", not a JSON object {\"pass\": true|false, ...}");
  }
  auto pass = answer.find("pass");
  if (pass == answer.end() || !pass->is_boolean()) {
    return CannotJudge("answer has no boolean \"pass\": " + shown);
  }
  CheckResult result = pass->get<bool>() ? Passed() : Failed("");
  if (auto score = answer.find("score"); score != answer.end() && !score->is_null()) {
    if (!score->is_number() || score->get<double>() < 0 || score->get<double>() > 1) {
      return CannotJudge("answer's \"score\" must be a number from 0 to 1: " + shown);
    }
    result.score = score->get<double>();
  }
  if (auto reason = answer.find("reason"); reason != answer.end() && reason->is_string()) {
    result.reason = reason->get<std::string>();
  }
  return result;
}

class CommandScorer : public Scorer {
 public:
  using Scorer::Scorer;

  std::string Name() const override {
    // The script when one is named (python3 scorers/check.py -> check.py), else the program.
    std::string named = spec_.command.front();
    for (size_t i = 1; i < spec_.command.size(); ++i) {
      const std::string& arg = spec_.command[i];
      if (!arg.starts_with("-") && arg.find_first_of("/.") != std::string::npos) {
        named = arg;
        break;
      }
    }
    size_t slash = named.rfind('/');
    return "command(" + (slash == std::string::npos ? named : named.substr(slash + 1)) + ")";
  }

  CheckResult Score(const ScorerInput& input) const override {
    ProcessResult run =
        RunProcess(spec_.command, spec_.dir,
                   Request(input).dump(-1, ' ', false, json::error_handler_t::replace),
                   spec_.timeout, 1 << 20, input.cancel);
    switch (run.end) {
      case ProcessResult::End::kCancelled:
        return CannotJudge(std::string(kNotScoredReason));
      case ProcessResult::End::kSpawnFailed:
        return CannotJudge(run.error);
      case ProcessResult::End::kTimedOut:
        return CannotJudge("timed out after " + Seconds(spec_.timeout));
      case ProcessResult::End::kInterrupted:
        return CannotJudge("stopped: the run was interrupted while the scorer ran");
      case ProcessResult::End::kSignaled:
        return CannotJudge("crashed (signal " + std::to_string(run.signal) + ", " +
                           strsignal(run.signal) + ")");
      case ProcessResult::End::kExited:
        break;
    }
    if (run.exit_code != 0) {
      std::string detail = LastLine(run.err);
      return CannotJudge("exited with status " + std::to_string(run.exit_code) +
                         (detail.empty() ? "" : ": " + Quoted(detail)));
    }
    return ReadAnswer(run.out);
  }

 private:
  // {"sample": {...}, "output": <answer JSON or null>, "output_text": "...",
  //  "expected": {the sample's fields whose names start with "expected"}}
  static json Request(const ScorerInput& input) {
    json sample = json::parse(input.sample.json, nullptr, /*allow_exceptions=*/false);
    if (sample.is_discarded()) sample = json::object();
    json expected = json::object();
    if (sample.is_object()) {
      for (auto it = sample.begin(); it != sample.end(); ++it) {
        if (it.key().starts_with("expected")) expected[it.key()] = it.value();
      }
    }
    json request = json::object();
    request["sample"] = sample;
    request["output"] = input.json != nullptr ? *input.json : json(nullptr);
    request["output_text"] = std::string(input.text);
    request["expected"] = std::move(expected);
    return request;
  }
};

}  // namespace

std::unique_ptr<const Scorer> MakeCommandScorer(const SuccessCriterion& spec) {
  if (spec.command.empty()) return nullptr;
  return std::make_unique<CommandScorer>(spec);
}

}  // namespace taskcost
