#include "harness/edge/journal_checks.h"

#include <algorithm>

#include "harness/core/model/task_state.h"

namespace taskcost {
namespace {

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

// "task (S1, gpt-4o, repeat 0)" or "task (S1, cascade, repeat 0, step nano)".
std::string TaskText(const std::string& sample, const std::string& candidate, int repeat,
                     const std::string& step) {
  std::string text = "task (" + sample + ", " + candidate + ", repeat " + std::to_string(repeat);
  if (!step.empty()) text += ", step " + step;
  return text + ")";
}

// The key of one call: a model call is its attempt; a judge call its attempt, check and call.
std::string CallKey(const std::string& sample, const std::string& candidate, int repeat,
                    const std::string& step, int attempt, std::optional<int> check, int call) {
  std::string key = sample + '\x1f' + candidate + '\x1f' + std::to_string(repeat) + '\x1f' + step +
                    '\x1f' + std::to_string(attempt);
  if (check) key += '\x1f' + std::to_string(*check) + '\x1f' + std::to_string(call);
  return key;
}

}  // namespace

// Where one task stands: its step (index into the candidate's steps; 0 for a single model),
// the last attempt journaled in it, whether that attempt ended the step, whether a call of it is
// out. Four bytes and two flags: a reader keeps one per planned task.
struct JournalChecker::Task {
  int16_t step = 0;
  int16_t attempt = 0;  // 0: none journaled yet in `step`
  bool ended = false;
  bool open = false;  // a `sent` line of it is not answered yet
};

JournalChecker::JournalChecker(const RunManifest* manifest, int version)
    : manifest_(manifest), version_(version) {
  if (manifest_ == nullptr) return;
  for (size_t i = 0; i < manifest_->candidates.size(); ++i) {
    candidates_.emplace(manifest_->candidates[i].id, i);
    std::vector<std::string> ids;
    for (const ManifestStep& step : StepsOf(manifest_->candidates[i])) ids.push_back(step.id);
    steps_.push_back(std::move(ids));
  }
  for (size_t i = 0; i < manifest_->sample_ids.size(); ++i) {
    samples_.emplace(manifest_->sample_ids[i], i);
  }
  tasks_.resize(manifest_->candidates.size() * manifest_->sample_ids.size() *
                static_cast<size_t>(std::max(1, manifest_->repeats)));
}

JournalChecker::~JournalChecker() = default;

std::optional<std::string> JournalChecker::CheckIdentity(const std::string& sample,
                                                         const std::string& candidate, int repeat,
                                                         const std::string& step, int attempt,
                                                         Task** task, int* step_index) {
  *task = nullptr;
  if (attempt < 1) return "attempt " + std::to_string(attempt) + " (attempts count from 1)";
  if (manifest_ == nullptr) return std::nullopt;
  auto c = candidates_.find(candidate);
  if (c == candidates_.end()) {
    return "candidate " + Quoted(candidate) + " is not one of the run's (run.json)";
  }
  auto s = samples_.find(sample);
  if (s == samples_.end())
    return "sample " + Quoted(sample) + " is not one of the run's (run.json)";
  const int repeats = std::max(1, manifest_->repeats);
  if (repeat < 0 || repeat >= repeats) {
    return "repeat " + std::to_string(repeat) + " is not one of the run's (0 to " +
           std::to_string(repeats - 1) + ")";
  }
  const std::vector<std::string>& steps = steps_[c->second];
  if (steps.empty() != step.empty()) {
    return step.empty() ? "no step, but " + candidate + " is a cascade or chain"
                        : "step " + Quoted(step) + ", but " + candidate + " is a single model";
  }
  *step_index = 0;
  if (!steps.empty()) {
    auto it = std::find(steps.begin(), steps.end(), step);
    if (it == steps.end()) return "step " + Quoted(step) + " is not one of " + candidate + "'s";
    *step_index = static_cast<int>(it - steps.begin());
  }
  if (attempt > manifest_->policy.max_attempts) {
    return "attempt " + std::to_string(attempt) + " is beyond the policy's max_attempts (" +
           std::to_string(manifest_->policy.max_attempts) + ")";
  }
  *task = &tasks_[(c->second * manifest_->sample_ids.size() + s->second) *
                      static_cast<size_t>(repeats) +
                  static_cast<size_t>(repeat)];
  return std::nullopt;
}

namespace {

// Why a call numbered `attempt` at step `step` cannot be the next of `task`, or nullopt.
// `what` names the record: "attempt 3", "a sent line for attempt 3".
template <typename Task>
std::optional<std::string> OutOfOrder(const Task& task, int step, int attempt,
                                      const std::string& what, const std::string& task_text,
                                      bool sent = false) {
  if (step == task.step && task.attempt > 0) {
    if (attempt <= task.attempt) {
      const char* twice = sent ? ": that call was answered already" : ": journaled twice";
      return what + " of " + task_text + " comes after attempt " + std::to_string(task.attempt) +
             (attempt == task.attempt ? twice : ": out of order");
    }
    if (task.ended) {
      return what + " of " + task_text + " comes after attempt " + std::to_string(task.attempt) +
             ", which ended the task";
    }
  } else if (step < task.step) {
    return what + " of " + task_text + " comes after a later step of the task: out of order";
  } else if (step > task.step && task.attempt > 0 && !task.ended) {
    return what + " of " + task_text + " comes while the step before it had not ended (attempt " +
           std::to_string(task.attempt) + ")";
  }
  const int expected = step == task.step ? task.attempt + 1 : 1;
  if (attempt != expected) {
    return what + " of " + task_text + " comes where attempt " + std::to_string(expected) +
           " should: an attempt is missing";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> JournalChecker::Attempt(const taskcost::Attempt& a) {
  Task* task = nullptr;
  int step = 0;
  if (auto bad =
          CheckIdentity(a.sample_id, a.candidate_id, a.repeat, a.step, a.attempt, &task, &step)) {
    return "attempt of " + TaskText(a.sample_id, a.candidate_id, a.repeat, a.step) + ": " + *bad;
  }
  if (task != nullptr) {
    const std::string what = "attempt " + std::to_string(a.attempt);
    if (auto bad = OutOfOrder(*task, step, a.attempt, what,
                              TaskText(a.sample_id, a.candidate_id, a.repeat, a.step))) {
      return bad;
    }
    task->step = static_cast<int16_t>(step);
    task->attempt = static_cast<int16_t>(a.attempt);
    task->ended = AttemptEndsStep(a, manifest_->policy);
    task->open = false;
  }
  if (!open_.empty()) {  // most journals have few calls out at a time
    auto open = open_.find(
        CallKey(a.sample_id, a.candidate_id, a.repeat, a.step, a.attempt, std::nullopt, 0));
    if (open != open_.end()) {
      // The response cache answered what an earlier run had sent: that call got no answer.
      if (a.cached) resent_.push_back(std::move(open->second));
      open_.erase(open);
    }
  }
  return std::nullopt;
}

std::optional<std::string> JournalChecker::Judge(const JudgeCall& j, bool waits) {
  const std::string task = TaskText(j.sample_id, j.candidate_id, j.repeat, j.step);
  if (!waits) {
    return "a judge line (" + j.judge + ", call " + std::to_string(j.call) + ") for attempt " +
           std::to_string(j.attempt) + " of " + task +
           ", which is not journaled before it or awaits no verdict from that judge";
  }
  if (j.call < 1) return "judge call " + std::to_string(j.call) + " (calls count from 1)";
  if (!open_.empty()) {
    open_.erase(CallKey(j.sample_id, j.candidate_id, j.repeat, j.step, j.attempt, j.check, j.call));
  }
  return std::nullopt;
}

std::optional<std::string> JournalChecker::Sent(const SentCall& s, bool judged_waits, int line) {
  if (version_ < 3) {
    return "a sent line in a version " + std::to_string(version_) +
           " journal (sent lines are journal format 3)";
  }
  const std::string task_text = TaskText(s.sample_id, s.candidate_id, s.repeat, s.step);
  Task* task = nullptr;
  int step = 0;
  if (auto bad =
          CheckIdentity(s.sample_id, s.candidate_id, s.repeat, s.step, s.attempt, &task, &step)) {
    return "sent line of " + task_text + ": " + *bad;
  }
  const std::string key =
      CallKey(s.sample_id, s.candidate_id, s.repeat, s.step, s.attempt, s.check, s.call);
  auto open = open_.find(key);
  if (s.check) {
    if (!judged_waits) {
      return "a sent line for a judge call (" + s.judge + ") about attempt " +
             std::to_string(s.attempt) + " of " + task_text +
             ", which is not journaled before it or awaits no verdict from that judge";
    }
  } else if (task != nullptr && !(open != open_.end() && task->open)) {
    if (task->open) {
      return "a sent line for attempt " + std::to_string(s.attempt) + " of " + task_text +
             " while another call of the task had no answer";
    }
    if (auto bad = OutOfOrder(*task, step, s.attempt,
                              "a sent line for attempt " + std::to_string(s.attempt), task_text,
                              /*sent=*/true)) {
      return bad;
    }
    task->open = true;
  }
  // The same call sent again: a resumed run called what an earlier one had sent without an
  // answer. The earlier call went out all the same.
  if (open != open_.end()) {
    resent_.push_back(std::move(open->second));
    open->second = {line, s};
  } else {
    open_.emplace(key, std::make_pair(line, s));
  }
  return std::nullopt;
}

std::vector<SentCall> JournalChecker::TakeUnanswered() {
  std::vector<std::pair<int, SentCall>> all = std::move(resent_);
  for (auto& [key, open] : open_) {
    open.second.last_of_task = !open.second.check.has_value();
    all.push_back(std::move(open));
  }
  open_.clear();
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<SentCall> out;
  out.reserve(all.size());
  for (auto& [line, call] : all) out.push_back(std::move(call));
  return out;
}

}  // namespace taskcost
