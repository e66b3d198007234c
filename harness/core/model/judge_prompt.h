// The wording of an LLM judge's request (docs/scorers.md, "The LLM judge"): the run builds it
// (harness/runner/judge.cc) and the simulator reads it back to answer as a judge would
// (harness/mock/responder.cc). Constants only.
#pragma once

#include <string_view>

namespace taskcost {

/// The judge's system prompt.
inline constexpr std::string_view kJudgeInstructions =
    "You grade one answer that an AI model gave to a task. Judge it only against the rubric. "
    "Reply with a JSON object: {\"pass\": true or false, \"score\": a number from 0 to 1, "
    "\"reason\": \"one short sentence\"}.";

/// The user message: kJudgeRubricHeading + rubric + kJudgeTaskHeading + the task's input +
/// kJudgeAnswerHeading + the answer.
inline constexpr std::string_view kJudgeRubricHeading = "Rubric:\n";
inline constexpr std::string_view kJudgeTaskHeading = "\n\nThe task's input:\n";
inline constexpr std::string_view kJudgeAnswerHeading = "\n\nThe answer to grade:\n";

}  // namespace taskcost
