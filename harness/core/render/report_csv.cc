#include "harness/core/render/report_csv.h"

#include <map>
#include <tuple>

#include "harness/core/render/report_expert.h"
#include "harness/core/render/report_format.h"

namespace taskcost {

std::string CsvField(std::string_view text) {
  std::string value(text);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string::npos) {
    value.insert(0, 1, '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char ch : value) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

std::string CsvRecordLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i == 0 ? "" : ",") + CsvField(fields[i]);
  return line + "\r\n";
}

void AddExpertScores(Report& report, const ExpertInput& input) {
  std::map<std::tuple<std::string, std::string, int>, std::pair<int64_t, int64_t>> sums;
  for (const ExpertScore& s : input.scores) {
    auto& [total, count] = sums[{s.candidate_id, s.sample_id, s.repeat}];
    total += s.score;
    ++count;
  }
  for (TaskFigures& t : report.tasks) {
    auto found = sums.find({t.candidate_id, t.sample_id, t.repeat});
    if (found == sums.end()) continue;
    t.quality =
        static_cast<double>(found->second.first) / static_cast<double>(found->second.second);
  }
}

std::string ReportToCsv(const Report& report) {
  std::vector<std::string> header = {"sample",       "candidate",     "repeat",     "attempts",
                                     "input_tokens", "output_tokens", "cost_usd",   "cost_picousd",
                                     "success",      "failure_class", "latency_ms", "quality",
                                     "state"};
  // Prompt caching's columns only when some candidate read or wrote a cache.
  const bool prompt_cache = report.UsedPromptCache();
  if (prompt_cache) header.insert(header.end(), {"cache_read_tokens", "cache_write_tokens"});
  std::string out = CsvRecordLine(header);
  for (const TaskFigures& t : report.tasks) {
    const bool failed = t.state == TaskState::kFailed;
    const bool ran = t.state != TaskState::kNotRun;
    std::vector<std::string> fields = {t.sample_id,
                                       t.candidate_id,
                                       std::to_string(t.repeat),
                                       std::to_string(t.attempts),
                                       std::to_string(t.input_tokens),
                                       std::to_string(t.output_tokens),
                                       t.cost.ToExactString(),
                                       std::to_string(t.cost.picos()),
                                       t.success ? "true" : "false",
                                       failed ? std::string(ErrorClassName(t.failure)) : "",
                                       ran ? FormatMillis(t.latency_us) : "",
                                       t.quality ? FormatQuality(t.quality) : "",
                                       std::string(TaskStateName(t.state))};
    if (prompt_cache) {
      fields.insert(fields.end(),
                    {std::to_string(t.cache_read_tokens), std::to_string(t.cache_write_tokens)});
    }
    out += CsvRecordLine(fields);
  }
  return out;
}

}  // namespace taskcost
