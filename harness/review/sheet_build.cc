#include "harness/review/sheet_build.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "harness/core/formats/error_text.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/core/model/rng.h"
#include "harness/review/cell_text.h"

namespace taskcost {
namespace {

// The output that counts for a task: its last attempt (highest number, later line on a tie; a
// cascade's or chain's later step, journaled after the earlier one, numbers its attempts afresh).
struct TaskOutput {
  int attempt = 0;
  std::string step;
  std::string text;
  bool success = false;
  std::string checks;  // ChecksSummary of that attempt
};

using TaskKey = std::pair<std::string, std::string>;  // (sample, candidate)

// Per (sample, candidate): the lowest repeat that ran, and its last attempt.
std::map<TaskKey, std::pair<int, TaskOutput>> FirstRepeatOutputs(
    const std::vector<Attempt>& attempts) {
  std::map<TaskKey, std::pair<int, TaskOutput>> out;
  for (const Attempt& a : attempts) {
    auto [it, inserted] = out.try_emplace({a.sample_id, a.candidate_id}, a.repeat, TaskOutput{});
    auto& [repeat, task] = it->second;
    if (a.repeat < repeat) {
      repeat = a.repeat;
      task = TaskOutput{};
    }
    if (a.repeat != repeat || (a.step == task.step && a.attempt < task.attempt)) continue;
    task = TaskOutput{a.attempt, a.step, a.output, a.success && !a.partial, ChecksSummary(a)};
  }
  return out;
}

Status CheckCandidates(const RunManifest& manifest, const std::vector<std::string>& wanted) {
  std::vector<std::string> known;
  for (const ManifestCandidate& c : manifest.candidates) known.push_back(c.id);
  Errors errors;
  for (const std::string& id : wanted) {
    if (std::find(known.begin(), known.end(), id) != known.end()) continue;
    std::string suggestion = DidYouMean(id, known);
    errors.push_back(
        MakeError("--candidates: unknown candidate " + Quoted(id) +
                  (suggestion.empty() ? "; the run has: " + JoinNames(known) : suggestion)));
  }
  if (!errors.empty()) return errors;
  return OkStatus();
}

std::string InputText(const Suite& suite, const std::string& sample_id) {
  for (const Sample& sample : suite.samples) {
    if (sample.id != sample_id) continue;
    Result<std::string> rendered = RenderTaskText(suite.prompt, sample);
    return rendered.ok() ? PrettyIfJson(*rendered) : PrettyIfJson(sample.json);
  }
  return "(sample not in the suite file)";
}

std::string OutputLabel(size_t index) {
  std::string label;
  for (size_t i = index + 1; i > 0; i = (i - 1) / 26)
    label.insert(label.begin(), char('A' + (i - 1) % 26));
  return label;
}

// "0.75" (two decimals, as the report's scores).
std::string ScoreText(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

}  // namespace

std::string ChecksSummary(const Attempt& a) {
  constexpr const char* kDash = " \u2014 ";
  const bool checked = a.error == ErrorClass::kNone || a.error == ErrorClass::kInvalidOutput ||
                       a.error == ErrorClass::kIncorrect || a.error == ErrorClass::kScorerError;
  // The class only: a provider's message may name the model, which would unblind the row.
  if (!checked) return "not checked: " + std::string(ErrorClassName(a.error));
  if (!a.validation_errors.empty()) {
    std::string out = std::string("schema: fail") + kDash + a.validation_errors.front();
    if (a.validation_errors.size() > 1) {
      out += " (and " + std::to_string(a.validation_errors.size() - 1) + " more)";
    }
    return out;
  }
  if (a.error == ErrorClass::kInvalidOutput) return "schema: fail";
  std::string out = "schema: pass";
  for (const CheckResult& check : a.checks) {
    out += "; " + check.name + ": ";
    if (check.scorer_error) {
      out += "scorer error";
    } else if (check.quality && check.score) {
      out += "score " + ScoreText(*check.score);
    } else {
      out += check.pass ? "pass" : "fail";
    }
    if (!check.reason.empty() && (!check.pass || check.quality)) out += kDash + check.reason;
  }
  return out;
}

std::string NewSheetId(const std::string& run_id, const std::string& reviewer, int64_t unix_ms,
                       uint64_t seed) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over the parts, then one splitmix64 step
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char ch : bytes) hash = (hash ^ ch) * 0x100000001b3ULL;
  };
  mix(run_id);
  mix(reviewer);
  mix(std::to_string(unix_ms));
  mix(std::to_string(seed));
  Rng rng(hash);
  char text[16];
  std::snprintf(text, sizeof text, "s%08llx",
                static_cast<unsigned long long>(rng.Next() & 0xffffffffULL));
  return text;
}

Result<Sheet> BuildSheet(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                         const Suite& suite, const SheetOptions& options) {
  Status known = CheckCandidates(manifest, options.candidates);
  if (!known.ok()) return known.errors();
  if (options.samples && *options.samples < 1) {
    return MakeError("--samples: expected a number of samples >= 1, got " +
                     std::to_string(*options.samples));
  }
  std::vector<std::string> candidates = options.candidates;
  if (candidates.empty()) {
    for (const ManifestCandidate& c : manifest.candidates) candidates.push_back(c.id);
  }
  Sheet sheet;
  sheet.suite_name = manifest.suite_name;
  sheet.unit = manifest.unit;
  sheet.system_prompt = suite.prompt.system;
  SheetKey& key = sheet.key;
  key.run_id = manifest.run_id;
  key.reviewer = options.reviewer;
  key.format = options.format;
  key.created_unix_ms = options.now_unix_ms;
  key.seed = options.seed;
  key.failed_included = options.include_failed;
  key.rubric = suite.review;
  key.sheet_id = NewSheetId(manifest.run_id, options.reviewer, options.now_unix_ms, options.seed);

  const auto outputs = FirstRepeatOutputs(attempts);
  // Per sample, the outputs that become rows (candidate, repeat, failed).
  std::map<std::string, std::vector<SheetRow>> rows_of;
  for (const std::string& sample : manifest.sample_ids) {
    for (const std::string& candidate : candidates) {
      auto found = outputs.find({sample, candidate});
      if (found == outputs.end()) continue;
      const auto& [repeat, task] = found->second;
      if (task.text.empty()) {
        ++key.no_output_left_out;
        continue;
      }
      if (!task.success && !options.include_failed) {
        ++key.failed_left_out;
        continue;
      }
      rows_of[sample].push_back(SheetRow{"", "", "", sample, candidate, repeat, !task.success});
    }
  }
  std::vector<std::string> samples;
  for (const std::string& sample : manifest.sample_ids) {
    if (rows_of.count(sample) > 0) samples.push_back(sample);
  }
  Rng rng(options.seed);
  Shuffle(samples, rng);
  if (options.samples && static_cast<size_t>(*options.samples) < samples.size()) {
    samples.resize(static_cast<size_t>(*options.samples));
  }
  std::map<TaskKey, const TaskOutput*> texts;
  for (const auto& [task, output] : outputs) texts[task] = &output.second;
  for (size_t s = 0; s < samples.size(); ++s) {
    std::vector<SheetRow> rows = rows_of[samples[s]];
    Shuffle(rows, rng);
    for (size_t o = 0; o < rows.size(); ++o) {
      SheetRow row = rows[o];
      char id[48];
      std::snprintf(id, sizeof id, "%s-%03zu", key.sheet_id.c_str(), key.rows.size() + 1);
      row.row_id = id;
      row.sample_label = "Sample " + std::to_string(s + 1);
      row.output_label = OutputLabel(o);
      key.rows.push_back(row);
    }
  }
  for (const SheetRow& row : key.rows) {
    const TaskOutput& task = *texts.at({row.sample_id, row.candidate_id});
    sheet.lines.push_back(SheetLine{FitCell(InputText(suite, row.sample_id)),
                                    FitCell(PrettyIfJson(task.text)), FitCell(task.checks)});
  }
  return sheet;
}

}  // namespace taskcost
