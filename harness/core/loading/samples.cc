#include "harness/core/loading/samples.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "harness/core/formats/csv.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/formats/user_json.h"

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
    if (listed_.empty()) return {};
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

// Sample::fields: strings verbatim, any other value as JSON text, objects also by dotted key
// down to kMaxFieldNameDepth components (each level holds its whole subtree's text again).
void Flatten(const Json& value, const std::string& key, int depth,
             std::map<std::string, std::string>& out) {
  if (value.is_string()) {
    out[key] = value.get<std::string>();
    return;
  }
  out[key] = value.dump();
  if (value.is_object() && depth < kMaxFieldNameDepth) {
    for (const auto& [child_key, child] : value.items()) {
      Flatten(child, key + "." + child_key, depth + 1, out);
    }
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
  for (const auto& [key, value] : row.items()) Flatten(value, key, 1, sample.fields);
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

// Collects a file's samples, stopping at the first row past kMaxSamples or kMaxSampleFields.
class SampleCollector {
 public:
  explicit SampleCollector(const std::string& file) : errors_(file) {}

  /// Adds a row's sample or its errors; false once a limit is passed (stop reading).
  bool Add(Result<Sample> sample, const SourceLocation& where) {
    if (!sample.ok()) {
      errors_.Add(sample.errors());
      return true;
    }
    fields_ += sample->fields.size();
    std::string limit;
    if (samples_.size() == kMaxSamples) {
      limit = "more than " + std::to_string(kMaxSamples) + " samples";
    } else if (fields_ > kMaxSampleFields) {
      limit = "more than " + std::to_string(kMaxSampleFields) + " fields over all samples";
    }
    if (!limit.empty()) {
      errors_.Add({MakeError("the file holds " + limit +
                                 " (the most a suite may have); not "
                                 "read past this row",
                             "", where)});
      return false;
    }
    samples_.push_back(std::move(sample).value());
    return true;
  }
  void AddErrors(const Errors& errors) { errors_.Add(errors); }

  SamplesRead Finish() {
    errors_.Add(DuplicateSampleIds(samples_));
    return SamplesRead{std::move(samples_), errors_.Take()};
  }

 private:
  std::vector<Sample> samples_;
  RowErrors errors_;
  size_t fields_ = 0;
};

Result<std::vector<Sample>> AsResult(SamplesRead read) {
  if (!read.errors.empty()) return std::move(read.errors);
  return std::move(read.samples);
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

SamplesRead ReadJsonlSamples(std::string_view text, const std::string& file) {
  SampleCollector collector(file);
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (IsBlank(lines[i])) continue;
    SourceLocation where{file, static_cast<int>(i + 1), 0};
    Result<Json> row = ParseUserJson(lines[i], where);
    if (!collector.Add(row.ok() ? SampleFromRow(row.value(), where, "") : row.errors(), where)) {
      break;
    }
  }
  return collector.Finish();
}

SamplesRead ReadCsvSamples(std::string_view text, const std::string& file) {
  SampleCollector collector(file);
  std::vector<std::string> header;
  bool header_ok = true;
  Status parsed = ForEachCsvRecord(text, file, kMaxCsvColumns, [&](CsvRecord&& record) {
    if (header.empty()) {
      header = std::move(record.fields);
      Errors problems = CheckCsvHeader(header, file);
      collector.AddErrors(problems);
      header_ok = problems.empty();
      return header_ok;
    }
    SourceLocation where{file, record.line, 0};
    if (record.fields.size() != header.size()) {
      collector.AddErrors(
          {MakeError("expected " + std::to_string(header.size()) +
                         " fields as in the header, got " + std::to_string(record.fields.size()),
                     "", where)});
      return true;
    }
    Json row = Json::object();
    auto& members = row.get_ref<Json::object_t&>();  // names checked distinct: appended in order
    members.reserve(header.size());
    for (size_t c = 0; c < header.size(); ++c) {
      members.emplace_back(header[c], std::move(record.fields[c]));
    }
    return collector.Add(SampleFromRow(row, where, ""), where);
  });
  if (!parsed.ok()) collector.AddErrors(parsed.errors());
  return collector.Finish();
}

Result<std::vector<Sample>> ParseJsonlSamples(std::string_view text, const std::string& file) {
  return AsResult(ReadJsonlSamples(text, file));
}

Result<std::vector<Sample>> ParseCsvSamples(std::string_view text, const std::string& file) {
  return AsResult(ReadCsvSamples(text, file));
}

Result<Sample> SampleFromJson(std::string_view object_json, const SourceLocation& where,
                              const std::string& path) {
  Result<Json> row = ParseUserJson(object_json, where);
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
