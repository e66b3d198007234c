// The samples section of suite.yaml (a JSONL or CSV file, or an inline list) and the check that
// every {{field}} the templates use exists in every sample.
#include <algorithm>
#include <cctype>
#include <set>

#include "harness/core/formats/error_text.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/samples.h"
#include "harness/core/loading/suite_parts.h"
#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {

// At most this many samples are named per missing field; the rest are counted.
constexpr size_t kMaxListedMissing = 10;

std::string LowerExtension(const std::string& path) {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return "";
  std::string extension = path.substr(dot);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

std::vector<Sample> ReadSamplesFile(SuiteContext& context, const YamlField& field) {
  const std::string extension = LowerExtension(field.node.Scalar());
  if (extension != ".jsonl" && extension != ".csv") {
    context.reader.Fail(field, Quoted(field.node.Scalar()) +
                                   " must be a .jsonl or .csv file, or an inline list of samples");
    return {};
  }
  std::string resolved;
  std::optional<std::string> bytes =
      ReadReferencedFile(context, field, &resolved, kMaxSamplesFileBytes);
  if (!bytes) return {};
  SamplesRead read =
      extension == ".csv" ? ReadCsvSamples(*bytes, resolved) : ReadJsonlSamples(*bytes, resolved);
  context.samples_bytes = std::move(*bytes);
  // The rows that could be read are kept: the templates are checked against them too, so one
  // round of `validate` shows a missing field beside a duplicate id.
  for (const Error& e : read.errors) context.reader.Add(e);
  if (read.samples.empty() && read.errors.empty()) {
    context.reader.Fail(field, resolved + " holds no samples");
  }
  return std::move(read.samples);
}

std::vector<Sample> ReadInlineSamples(SuiteContext& context, const YamlField& list) {
  YamlReader& reader = context.reader;
  std::vector<Sample> samples;
  for (const YamlField& item : reader.Items(list)) {
    if (!reader.IsMap(item)) continue;
    std::optional<std::string> json = reader.JsonText(item);
    if (!json) continue;
    Result<Sample> sample = SampleFromJson(*json, item.where, item.path);
    if (sample.ok()) {
      samples.push_back(std::move(sample).value());
    } else {
      for (const Error& e : sample.errors()) reader.Add(e);
    }
  }
  for (const Error& e : DuplicateSampleIds(samples)) reader.Add(e);
  if (list.node.size() == 0) reader.Fail(list, "the list holds no samples");
  return samples;
}

std::vector<std::string> AllFieldNames(const std::vector<Sample>& samples) {
  std::set<std::string> names;
  for (const Sample& sample : samples) {
    for (const auto& [name, value] : sample.fields) names.insert(name);
  }
  return {names.begin(), names.end()};
}

void CheckField(YamlReader& reader, const TemplateUse& use, const std::string& field,
                const std::vector<Sample>& samples) {
  std::vector<const Sample*> lacking;
  for (const Sample& sample : samples) {
    if (sample.fields.count(field) == 0) lacking.push_back(&sample);
  }
  if (lacking.empty()) return;
  if (lacking.size() == samples.size()) {
    reader.Add(MakeError("{{" + field + "}} is not a field of any sample" +
                             DidYouMean(field, AllFieldNames(samples)),
                         use.path, use.where));
    return;
  }
  for (size_t i = 0; i < lacking.size() && i < kMaxListedMissing; ++i) {
    Error error = MissingFieldError(*lacking[i], field);
    error.message += " (used in " + use.path + ")";
    reader.Add(std::move(error));
  }
  if (lacking.size() > kMaxListedMissing) {
    reader.Add(MakeError("{{" + field + "}} is missing from " +
                             std::to_string(lacking.size() - kMaxListedMissing) + " more samples",
                         use.path, use.where));
  }
}

}  // namespace

std::vector<Sample> ReadSamples(SuiteContext& context, const YamlField& samples) {
  if (samples.node.IsScalar()) return ReadSamplesFile(context, samples);
  if (samples.node.IsSequence()) return ReadInlineSamples(context, samples);
  context.reader.Fail(samples,
                      "expected a .jsonl or .csv file name, or an inline list of "
                      "samples");
  return {};
}

void CheckTemplateFields(SuiteContext& context, const std::vector<Sample>& samples) {
  for (const TemplateUse& use : context.templates) {
    Status syntax = CheckTemplate(use.text);
    if (!syntax.ok()) {
      for (const Error& e : syntax.errors())
        context.reader.Add(MakeError(e.message, use.path, use.where));
      continue;
    }
    if (samples.empty()) continue;
    for (const std::string& field : TemplateFields(use.text)) {
      CheckField(context.reader, use, field, samples);
    }
  }
}

}  // namespace taskcost
