#include "harness/core/samples.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "harness/core/csv.h"
#include "harness/core/error_text.h"
#include "harness/core/json_parse.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

// Lists the first kMaxListedSampleErrors problems of one file and counts the rest.
class RowErrors {
 public:
  explicit RowErrors(std::string file) : file_(std::move(file)) {}
  void Add(const Errors& errors) {
    for (const Error& e : errors) {
      if (listed_.size() < kMaxListedSampleErrors) {
        listed_.push_back(e);
      } else {
        ++unlisted_;
      }
    }
  }
  bool empty() const { return listed_.empty(); }
  Errors Take() {
    if (unlisted_ > 0) {
      listed_.push_back(
          MakeError("... and " + std::to_string(unlisted_) + " more problems", "", {file_, 0, 0}));
    }
    return std::move(listed_);
  }

 private:
  std::string file_;
  Errors listed_;
  size_t unlisted_ = 0;
};

// Sample::fields: strings verbatim, any other value as JSON text, objects also by dotted key.
void Flatten(const Json& value, const std::string& key, std::map<std::string, std::string>& out) {
  if (value.is_string()) {
    out[key] = value.get<std::string>();
    return;
  }
  out[key] = value.dump();
  if (value.is_object()) {
    for (const auto& [child_key, child] : value.items()) Flatten(child, key + "." + child_key, out);
  }
}

Result<std::string> SampleId(const Json& row, const SourceLocation& where,
                             const std::string& path) {
  auto id = row.find("id");
  if (id == row.end()) return MakeError("sample has no \"id\" field", path, where);
  if (id->is_number_integer()) return id->dump();
  if (!id->is_string()) {
    std::string shown = id->is_object() || id->is_array() ? JsonKindName(*id) : id->dump();
    return MakeError("\"id\" must be a string or an integer, got " + shown, path, where);
  }
  std::string text = id->get<std::string>();
  if (text.empty()) return MakeError("\"id\" is empty", path, where);
  return text;
}

Result<Sample> SampleFromRow(const Json& row, const SourceLocation& where,
                             const std::string& path) {
  if (!row.is_object()) {
    return MakeError("expected a JSON object, got " + JsonKindName(row), path, where);
  }
  Result<std::string> id = SampleId(row, where, path);
  if (!id.ok()) return id.errors();
  Sample sample{id.value(), {}, "", where};
  try {
    sample.json = row.dump();
  } catch (const nlohmann::json::exception&) {
    return MakeError("not valid UTF-8 text", path, where);
  }
  for (const auto& [key, value] : row.items()) Flatten(value, key, sample.fields);
  return sample;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

Result<std::vector<Sample>> Collect(std::vector<Sample> samples, RowErrors errors) {
  errors.Add(DuplicateSampleIds(samples));
  if (!errors.empty()) return errors.Take();
  return samples;
}

// Checks the header of a CSV samples file: named, distinct columns, one of them "id".
Errors CheckCsvHeader(const std::vector<std::string>& header, const std::string& file) {
  Errors errors;
  SourceLocation where{file, 1, 0};
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) {
      errors.push_back(
          MakeError("column " + std::to_string(i + 1) + " of the header has no name", "", where));
    } else if (!seen.emplace(header[i], i).second) {
      errors.push_back(
          MakeError("column " + Quoted(header[i]) + " appears twice in the header", "", where));
    }
  }
  if (seen.count("id") == 0) {
    std::string hint;
    for (const std::string& name : header) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "id") hint = " (column names are case-sensitive: rename " + Quoted(name) + ")";
    }
    errors.push_back(MakeError("the header has no \"id\" column" + hint, "", where));
  }
  return errors;
}

}  // namespace

Result<std::vector<Sample>> ParseJsonlSamples(std::string_view text, const std::string& file) {
  std::vector<Sample> samples;
  RowErrors errors(file);
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (IsBlank(lines[i])) continue;
    SourceLocation where{file, static_cast<int>(i + 1), 0};
    Result<Json> row = ParseJsonAt(lines[i], where);
    Result<Sample> sample = row.ok() ? SampleFromRow(row.value(), where, "") : row.errors();
    if (sample.ok()) {
      samples.push_back(std::move(sample).value());
    } else {
      errors.Add(sample.errors());
    }
  }
  return Collect(std::move(samples), std::move(errors));
}

Result<std::vector<Sample>> ParseCsvSamples(std::string_view text, const std::string& file) {
  Result<std::vector<CsvRecord>> records = ParseCsv(text, file);
  if (!records.ok()) return records.errors();
  if (records->empty()) return std::vector<Sample>{};
  const std::vector<std::string>& header = records->front().fields;
  Errors header_errors = CheckCsvHeader(header, file);
  if (!header_errors.empty()) return header_errors;
  std::vector<Sample> samples;
  RowErrors errors(file);
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    SourceLocation where{file, record.line, 0};
    if (record.fields.size() != header.size()) {
      errors.Add(
          {MakeError("expected " + std::to_string(header.size()) +
                         " fields as in the header, got " + std::to_string(record.fields.size()),
                     "", where)});
      continue;
    }
    Json row = Json::object();
    for (size_t c = 0; c < header.size(); ++c) row[header[c]] = record.fields[c];
    Result<Sample> sample = SampleFromRow(row, where, "");
    if (sample.ok()) {
      samples.push_back(std::move(sample).value());
    } else {
      errors.Add(sample.errors());
    }
  }
  return Collect(std::move(samples), std::move(errors));
}

Result<Sample> SampleFromJson(std::string_view object_json, const SourceLocation& where,
                              const std::string& path) {
  Result<Json> row = ParseJsonAt(object_json, where);
  if (!row.ok()) return row.errors();
  return SampleFromRow(row.value(), where, path);
}

Errors DuplicateSampleIds(const std::vector<Sample>& samples) {
  Errors errors;
  std::map<std::string, const Sample*> first;
  for (const Sample& sample : samples) {
    auto [it, inserted] = first.emplace(sample.id, &sample);
    if (inserted) continue;
    errors.push_back(MakeError("duplicate sample id " + Quoted(sample.id) +
                                   " (first used at line " +
                                   std::to_string(it->second->where.line) + ")",
                               "", sample.where));
  }
  return errors;
}

}  // namespace taskcost
