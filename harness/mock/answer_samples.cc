#include "harness/mock/answer_samples.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/core/formats/user_files.h"
#include "harness/core/formats/user_json.h"

namespace taskcost::mock {
namespace {

using nlohmann::json;

std::string KeyText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Result<AnswerSample> ReadRow(const std::string& line, const SourceLocation& where,
                             const std::string& key_field,
                             const std::map<std::string, std::string>& fields) {
  Result<nlohmann::ordered_json> parsed = ParseUserJson(line, where);  // bounded, located
  if (!parsed.ok()) return parsed.errors();
  const json row = json(std::move(parsed).value());
  if (!row.is_object()) return MakeError("expected a JSON object", "", where);
  auto key = row.find(key_field);
  if (key == row.end()) {
    return MakeError("row has no \"" + key_field + "\" field (answers.key_field)", "", where);
  }
  AnswerSample sample;
  sample.key = KeyText(*key);
  sample.where = where;
  for (const auto& [output_field, sample_field] : fields) {
    auto value = row.find(sample_field);
    if (value != row.end()) sample.expected[output_field] = value->dump();
  }
  return sample;
}

}  // namespace

Result<std::vector<AnswerSample>> ReadAnswerSamples(
    const std::string& path, const std::string& shown_path, const std::string& key_field,
    const std::map<std::string, std::string>& fields) {
  Result<std::string> text = ReadUserFile(path, kMaxSamplesFileBytes);  // a regular file, bounded
  if (!text.ok()) {
    const std::string& message = text.error().message;  // "cannot read file (<reason>)"
    const size_t open = message.find('(');
    return MakeError(open != std::string::npos && message.ends_with(")")
                         ? message.substr(open + 1, message.size() - open - 2)
                         : message);
  }
  std::istringstream in(text.value());
  std::vector<AnswerSample> samples;
  Errors errors;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Result<AnswerSample> row = ReadRow(line, {shown_path, line_number, 0}, key_field, fields);
    if (row.ok()) {
      samples.push_back(std::move(row).value());
    } else {
      errors.push_back(row.error());
    }
  }
  if (!errors.empty()) return errors;
  if (samples.empty()) return MakeError("no rows", "", {shown_path, 0, 0});
  return samples;
}

}  // namespace taskcost::mock
