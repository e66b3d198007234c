#include "harness/core/render/report_evidence.h"

#include <nlohmann/json.hpp>

namespace taskcost {

struct EvidenceCollector::State {
  ReportEvidence evidence;
  std::map<std::string, int> last_attempt;  // by key: the attempt number kept so far
};

std::string EvidenceKey(const std::string& candidate, const std::string& sample, int repeat) {
  return candidate + '\n' + sample + '\n' + std::to_string(repeat);
}

std::string ReadableSample(const std::string& json) {
  const nlohmann::ordered_json sample = nlohmann::ordered_json::parse(json, nullptr, false);
  if (!sample.is_object()) return json;
  std::string text;
  for (const auto& [key, value] : sample.items()) {
    text += key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  }
  return text;
}

std::string Abbreviate(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + " … (" + std::to_string(text.size() - cut) + " more bytes)";
}

EvidenceCollector::EvidenceCollector(const Report& report, const std::vector<Sample>& samples)
    : state_(new State) {
  std::map<std::string, const Sample*> by_id;
  for (const Sample& s : samples) by_id[s.id] = &s;
  for (const CandidateMetrics& c : report.candidates) {
    for (const Outlier& o : c.outliers) {
      TaskEvidence& e = state_->evidence.tasks[EvidenceKey(c.id, o.sample_id, o.repeat)];
      auto sample = by_id.find(o.sample_id);
      if (sample != by_id.end()) {
        e.input = Abbreviate(ReadableSample(sample->second->json), kEvidenceChars);
      }
    }
  }
}

EvidenceCollector::~EvidenceCollector() = default;

void EvidenceCollector::Add(const Attempt& a) {
  const std::string key = EvidenceKey(a.candidate_id, a.sample_id, a.repeat);
  auto found = state_->evidence.tasks.find(key);
  if (found == state_->evidence.tasks.end()) return;
  // The last attempt is the highest-numbered one; a later line with the same number wins.
  auto [last, first] = state_->last_attempt.try_emplace(key, a.attempt);
  if (!first && a.attempt < last->second) return;
  last->second = a.attempt;
  TaskEvidence& e = found->second;
  e.output = Abbreviate(a.output, kEvidenceChars);
  e.error.clear();
  if (!a.success) {
    const ErrorClass c = a.error == ErrorClass::kNone ? ErrorClass::kIncorrect : a.error;
    e.error = std::string(ErrorClassName(c));
    if (!a.error_message.empty()) e.error += ": " + a.error_message;
    for (const CheckResult& check : a.checks) {
      if (!check.pass) e.error += "; " + check.name + ": " + check.reason;
    }
  }
}

ReportEvidence EvidenceCollector::Finish() { return std::move(state_->evidence); }

}  // namespace taskcost
