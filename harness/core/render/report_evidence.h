// Report evidence: what the HTML report shows of an outlier task beyond its figures: the
// sample's input (from the suite's samples) and the last attempt's output and error. Collected
// from a second pass over the journal, keeping only the outlier tasks, so memory stays small.
// Pure; not synchronised.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// At most this many characters of an input or output are kept (cut at a UTF-8 boundary).
inline constexpr size_t kEvidenceChars = 4000;

struct TaskEvidence {
  std::string input;   // the sample (ReadableSample); "" when the samples were not available
  std::string output;  // the last attempt's output
  std::string error;   // the last attempt's error class and message; "" when it succeeded
};

struct ReportEvidence {
  std::map<std::string, TaskEvidence> tasks;  // by EvidenceKey
  std::string note;  // why inputs are missing or may differ; "" when all is well
};

/// The key of one task in ReportEvidence::tasks.
std::string EvidenceKey(const std::string& candidate, const std::string& sample, int repeat);

/// A sample's JSON object as one "key: value" line per top-level field, strings unquoted and
/// unescaped (multi-line text reads as written); other values as JSON. Not an object: as is.
std::string ReadableSample(const std::string& json);

/// `text` cut to at most `max_chars` bytes at a UTF-8 boundary, with " … (N more bytes)".
std::string Abbreviate(const std::string& text, size_t max_chars);

/// Gathers the evidence of every outlier of `report`. Add attempts in journal order.
class EvidenceCollector {
 public:
  /// `samples` may be empty (suite file gone): inputs are then left empty.
  EvidenceCollector(const Report& report, const std::vector<Sample>& samples);
  ~EvidenceCollector();
  EvidenceCollector(const EvidenceCollector&) = delete;
  EvidenceCollector& operator=(const EvidenceCollector&) = delete;

  void Add(const Attempt& attempt);
  ReportEvidence Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace taskcost
