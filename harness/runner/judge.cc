#include "harness/runner/judge.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/core/model/judge_prompt.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/providers/codec_util.h"

namespace taskcost {
namespace {

constexpr size_t kMaxReasonBytes = 300;

// The verdict in a judge's answer text, or why it is none.
Result<CheckResult> ReadVerdict(const std::string& text, const SuccessCriterion& scorer) {
  const nlohmann::json answer = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto none = [&](const std::string& why) {
    return MakeError(
        "the judge's answer is not a verdict: " + why + ": " + codec::Truncate(text, 120), "");
  };
  if (!answer.is_object()) return none("not a JSON object");
  auto pass = answer.find("pass");
  if (pass == answer.end() || !pass->is_boolean()) return none("\"pass\" is not true or false");
  CheckResult verdict;
  verdict.pass = pass->get<bool>();
  verdict.score = verdict.pass ? 1.0 : 0.0;
  if (auto score = answer.find("score"); score != answer.end() && !score->is_null()) {
    if (!score->is_number()) return none("\"score\" is not a number");
    const double value = score->get<double>();
    if (!(value >= 0 && value <= 1)) return none("\"score\" is not between 0 and 1");
    verdict.score = value;
  }
  if (auto reason = answer.find("reason"); reason != answer.end() && reason->is_string()) {
    verdict.reason = codec::Truncate(reason->get<std::string>(), kMaxReasonBytes);
  }
  if (scorer.pass_ppm) {  // the suite's threshold decides, not the judge's own pass
    verdict.pass = std::llround(*verdict.score * 1e6) >= *scorer.pass_ppm;
  }
  return verdict;
}

}  // namespace

const char* const kJudgeVerdictSchema =
    R"({"type":"object","properties":{"pass":{"type":"boolean"},)"
    R"("score":{"type":"number","minimum":0,"maximum":1},"reason":{"type":"string"}},)"
    R"("required":["pass","score","reason"],"additionalProperties":false})";

const SuccessCriterion& ScorerOfCheck(const Suite& suite, int check) {
  const size_t k = static_cast<size_t>(check);
  return k < suite.success.size() ? suite.success.at(k)
                                  : suite.quality.at(k - suite.success.size());
}

const PlannedCandidate& JudgeOf(const RunPlan& plan, const SuccessCriterion& scorer) {
  return plan.judges.at(static_cast<size_t>(scorer.judge));
}

Result<ChatCall> MakeJudgeCall(const RunPlan& plan, const Sample& sample, const Attempt& judged,
                               int check) {
  const Suite& suite = *plan.suite;
  const SuccessCriterion& scorer = ScorerOfCheck(suite, check);
  const PlannedCandidate& judge = JudgeOf(plan, scorer);
  Result<std::string> rubric = RenderTemplate(scorer.rubric, sample);
  if (!rubric.ok()) return rubric.errors();
  Result<std::string> task = RenderTaskText(suite.prompt, sample);
  if (!task.ok()) return task.errors();
  ChatCall call;
  call.model = judge.candidate->model;
  call.system = kJudgeInstructions;
  call.user = std::string(kJudgeRubricHeading) + *rubric + std::string(kJudgeTaskHeading) + *task +
              std::string(kJudgeAnswerHeading) + judged.output;
  call.schema_json = kJudgeVerdictSchema;
  call.schema_name = "verdict";
  call.mode = suite.output.mode;
  call.max_tokens = judge.candidate->max_tokens;
  call.params_json = judge.candidate->params_json;
  call.timeout = suite.policy.timeout;
  return call;
}

Money JudgeWorstCase(const PlannedCandidate& judge, const ChatCall& call,
                     const RetryPolicy& policy) {
  return ReserveForJudge(judge, call, policy).worst_case;  // the rules: CallEstimate
}

JudgeCall MakeJudgeRecord(const RunPlan& plan, const Attempt& judged, int check, int call,
                          int64_t started_unix_ms, const HttpResponse& response) {
  const SuccessCriterion& scorer = ScorerOfCheck(*plan.suite, check);
  const PlannedCandidate& judge = JudgeOf(plan, scorer);
  ChatCall shape;  // ParseReply needs only how the verdict was asked for
  shape.mode = plan.suite->output.mode;
  shape.schema_json = kJudgeVerdictSchema;
  shape.schema_name = "verdict";
  ProviderReply reply = ParseReply(judge.provider, response, shape);

  JudgeCall record;
  record.sample_id = judged.sample_id;
  record.candidate_id = judged.candidate_id;
  record.repeat = judged.repeat;
  record.step = judged.step;
  record.attempt = judged.attempt;
  record.check = check;
  record.judge = judged.checks.at(static_cast<size_t>(check)).name;
  record.model = judge.candidate->model;
  record.call = call;
  RecordExchange(record, started_unix_ms, response, reply, judge.price, [&] {
    Usage worst;  // the reservation's tokens (CallEstimate), for usage found implausible
    for (const Sample& sample : plan.suite->samples) {
      if (sample.id != judged.sample_id) continue;
      if (Result<ChatCall> made = MakeJudgeCall(plan, sample, judged, check); made.ok()) {
        worst = EstimateJudgeCall(judge, *made).WorstUsage();
      }
    }
    return worst;
  });
  if (record.error != ErrorClass::kNone) return record;
  Result<CheckResult> verdict = ReadVerdict(reply.output, scorer);
  if (!verdict.ok()) {
    record.error = ErrorClass::kInvalidOutput;
    record.error_message = verdict.error().message;
    return record;
  }
  record.verdict = std::move(verdict).value();
  return record;
}

void AddJudgeEstimate(const RunPlan& plan, RunEstimate& estimate) {
  const Suite& suite = *plan.suite;
  const size_t checks = suite.success.size() + suite.quality.size();
  for (const PlannedTask& task : plan.Tasks()) {
    const PlannedCandidate& outer = plan.candidates.at(static_cast<size_t>(task.candidate));
    const Sample& sample = suite.samples.at(static_cast<size_t>(task.sample));
    // The answers that may be judged: a chain's last step's; a cascade's every step's.
    std::vector<const PlannedCandidate*> answering;
    if (outer.steps.empty()) answering.push_back(&outer);
    for (size_t s = outer.chain ? outer.steps.size() - 1 : 0; s < outer.steps.size(); ++s) {
      answering.push_back(&outer.steps[s]);
    }
    for (size_t k = 0; k < checks; ++k) {
      const int check = static_cast<int>(k);
      const SuccessCriterion& scorer = ScorerOfCheck(suite, check);
      if (scorer.judge < 0) continue;
      const PlannedCandidate& judge = JudgeOf(plan, scorer);
      for (size_t a = 0; a < answering.size(); ++a) {
        const int max_tokens = answering[a]->candidate->max_tokens;
        Attempt answer;
        answer.checks.resize(checks);
        answer.output = AnswerOfTokens(max_tokens);
        Result<ChatCall> worst = MakeJudgeCall(plan, sample, answer, check);
        if (!worst.ok()) continue;  // the loader checks the rubric's fields
        estimate.judge_worst_case +=
            JudgeWorstCase(judge, *worst, suite.policy).Times(estimate.max_attempts);
        if (a > 0) continue;  // expected: the first answer, judged once
        // An answer of the candidate's expected output.
        answer.output = AnswerOfTokens(ExpectedOutputTokens(plan, *answering[a]));
        Result<ChatCall> call = MakeJudgeCall(plan, sample, answer, check);
        ++estimate.judge_calls;
        if (judge.price.TimePriced()) {  // its cost comes from measured time: no estimate
          ++estimate.time_priced_calls;
          continue;
        }
        estimate.judge_expected += EstimateJudgeCall(judge, *call).ExpectedCost(judge.price);
      }
    }
  }
  estimate.expected += estimate.judge_expected;
  estimate.worst_case += estimate.judge_worst_case;
}

CheckResult JudgeGaveUp(const JudgeCall& last) {
  CheckResult check;
  check.scorer_error = true;
  check.reason = "the judge " + last.model + " gave no verdict after " + std::to_string(last.call) +
                 (last.call == 1 ? " call" : " calls") + ": " +
                 codec::Truncate(FaultText(last), kMaxReasonBytes);
  return check;
}

}  // namespace taskcost
