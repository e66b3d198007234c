#include "harness/core/formats/yaml_util.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

#include "harness/core/formats/error_text.h"

namespace taskcost {
namespace {

// How an error message names what it found instead of what it expected.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Quoted(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "an empty value";
  }
}

bool IsNumberText(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

std::string UnknownKeyMessage(const std::string& key, const std::vector<std::string>& known) {
  if (key == "<<") return "YAML merge keys (<<) are not supported; write the keys out";
  std::string suggestion = DidYouMean(key, known);
  if (!suggestion.empty()) return "unknown key " + Quoted(key) + suggestion;
  return "unknown key " + Quoted(key) + "; expected one of: " + JoinNames(known);
}

}  // namespace

std::string FieldPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string IndexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

SourceLocation YamlReader::Where(const YAML::Node& node) const {
  if (!node.IsDefined() || node.Mark().is_null()) return {file_, 0, 0};
  return {file_, node.Mark().line + 1, node.Mark().column + 1};
}

YamlField YamlReader::Root(const YAML::Node& document) const {
  SourceLocation where = Where(document);
  return YamlField{document, "", "", "", where, where, true};
}

YamlField YamlReader::Child(const YamlField& map, const std::string& key) const {
  YamlField field{
      YAML::Node(), FieldPath(map.path, key), key, map.path, map.key_where, map.key_where, false};
  if (!map.present || !map.node.IsMap()) return field;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      field.node.reset(it->second);
      field.present = true;
      field.key_where = Where(it->first);
      field.where = it->second.IsNull() ? field.key_where : Where(it->second);
      break;
    }
  }
  return field;
}

bool YamlReader::IsMap(const YamlField& field) {
  if (!field.present) return false;
  if (field.node.IsMap()) return true;
  Fail(field, "expected a mapping, got " + Describe(field.node));
  return false;
}

bool YamlReader::IsList(const YamlField& field) {
  if (!field.present) return false;
  if (field.node.IsSequence()) return true;
  Fail(field, "expected a list, got " + Describe(field.node));
  return false;
}

std::vector<YamlField> YamlReader::Items(const YamlField& list) {
  std::vector<YamlField> items;
  if (!IsList(list)) return items;
  for (size_t i = 0; i < list.node.size(); ++i) {
    YAML::Node item = list.node[i];
    SourceLocation where = item.IsNull() ? list.where : Where(item);
    items.push_back(YamlField{item, IndexPath(list.path, i), "", list.path, where, where, true});
  }
  return items;
}

std::vector<YamlField> YamlReader::Entries(const YamlField& map) {
  return CheckedEntries(map, nullptr);
}

void YamlReader::CheckKeys(const YamlField& map, const std::vector<std::string>& known) {
  CheckedEntries(map, &known);
}

std::vector<YamlField> YamlReader::CheckedEntries(const YamlField& map,
                                                  const std::vector<std::string>* known) {
  std::vector<YamlField> entries;
  if (!IsMap(map)) return entries;
  std::map<std::string, int> first_line;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const SourceLocation key_where = Where(it->first);
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    std::string problem;
    if (!it->first.IsScalar()) {
      problem = "keys must be plain names, got " + Describe(it->first);
    } else if (auto [seen, inserted] = first_line.emplace(key, key_where.line); !inserted) {
      problem =
          "duplicate key " + Quoted(key) + " (first at line " + std::to_string(seen->second) + ")";
    } else if (known && std::find(known->begin(), known->end(), key) == known->end()) {
      problem = UnknownKeyMessage(key, *known);
    }
    if (!problem.empty()) {
      Add(MakeError(problem, map.path, key_where));
      continue;
    }
    SourceLocation where = it->second.IsNull() ? key_where : Where(it->second);
    entries.push_back(
        YamlField{it->second, FieldPath(map.path, key), key, map.path, where, key_where, true});
  }
  return entries;
}

bool YamlReader::Require(const YamlField& field) {
  if (field.present) return true;
  Add(MakeError("missing required key " + Quoted(field.key), field.parent_path, field.where));
  return false;
}

void YamlReader::Fail(const YamlField& at, std::string message) {
  Add(MakeError(std::move(message), at.path, at.where));
}

std::optional<std::string> YamlReader::Scalar(const YamlField& field, const char* expected) {
  if (!field.present) return std::nullopt;
  if (field.node.IsScalar()) return field.node.Scalar();
  Fail(field, std::string("expected ") + expected + ", got " + Describe(field.node));
  return std::nullopt;
}

std::optional<std::string> YamlReader::String(const YamlField& field) {
  return Scalar(field, "a string");
}

std::optional<bool> YamlReader::Bool(const YamlField& field) {
  std::optional<std::string> text = Scalar(field, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  Fail(field, "expected true or false, got " + Quoted(*text));
  return std::nullopt;
}

std::optional<int64_t> YamlReader::Integer(const YamlField& field, int64_t min, int64_t max) {
  std::optional<std::string> text = Scalar(field, "an integer");
  if (!text) return std::nullopt;
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  const bool out_of_range = ec == std::errc::result_out_of_range && ptr == end;
  if (!out_of_range && (ec != std::errc() || ptr != end)) {
    Fail(field, "expected an integer, got " + Quoted(*text));
    return std::nullopt;
  }
  if (out_of_range || value < min || value > max) {
    std::string range =
        max == INT64_MAX ? "must be at least " + std::to_string(min)
                         : "must be between " + std::to_string(min) + " and " + std::to_string(max);
    Fail(field, range + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> YamlReader::Decimal(const YamlField& field, int scale) {
  std::optional<std::string> text = Scalar(field, "a number");
  if (!text) return std::nullopt;
  Result<int64_t> value = ParseScaledDecimal(*text, scale);
  if (!value.ok()) {
    Fail(field,
         IsNumberText(*text) ? value.error().message : "expected a number, got " + Quoted(*text));
    return std::nullopt;
  }
  if (value.value() < 0) {
    Fail(field, "must not be negative, got " + *text);
    return std::nullopt;
  }
  return value.value();
}

std::optional<Money> YamlReader::Usd(const YamlField& field) {
  std::optional<std::string> text = Scalar(field, "a number");
  if (!text) return std::nullopt;
  Result<Money> value = Money::ParseUsd(*text);
  if (!value.ok()) {
    if (!text->empty() && text->front() == '$') {
      Fail(field, "write the amount without the $ sign: " + text->substr(1));
    } else {
      Fail(field,
           IsNumberText(*text) ? value.error().message : "expected a number, got " + Quoted(*text));
    }
    return std::nullopt;
  }
  if (value.value() < Money()) {
    Fail(field, "must not be negative, got " + *text);
    return std::nullopt;
  }
  return value.value();
}

}  // namespace taskcost
