#include "harness/core/validate.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <regex>
#include <unordered_set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#if !VALIJSON_USE_EXCEPTIONS
#error "valijson must report schema errors by exception, not abort(): link the valijson target"
#endif

namespace taskcost {
namespace {

using nlohmann::json;
using OrderedJson = nlohmann::ordered_json;  // keeps the user's key order for schema problems

// nlohmann's what() starts with a library id, "[json.exception.parse_error.101] "; users get
// the part after it.
std::string JsonErrorText(const std::exception& e) {
  std::string_view text = e.what();
  if (!text.empty() && text.front() == '[') {
    size_t end = text.find("] ");
    if (end != std::string_view::npos) text.remove_prefix(end + 2);
  }
  return std::string(text);
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// --- Schema checks valijson does not make, or makes without saying where -------------------

const std::vector<std::string>& TypeNames() {
  static const std::vector<std::string> names = {"array",  "boolean", "integer", "null",
                                                 "number", "object",  "string"};
  return names;
}

// What other languages call the JSON Schema types.
std::optional<std::string> TypeAlias(const std::string& name) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"int", "integer"},  {"long", "integer"}, {"float", "number"}, {"double", "number"},
      {"bool", "boolean"}, {"str", "string"},   {"list", "array"},   {"dict", "object"},
      {"map", "object"},   {"none", "null"},
  };
  for (const auto& [alias, type] : kAliases) {
    if (name == alias) return type;
  }
  return std::nullopt;
}

void CheckTypeName(const OrderedJson& name, const std::string& path, Errors& errors) {
  if (!name.is_string()) return;  // valijson reports non-string type names
  std::string text = name.get<std::string>();
  const std::vector<std::string>& known = TypeNames();
  if (std::find(known.begin(), known.end(), text) != known.end()) return;
  std::string message = "unknown type \"" + text + "\"";
  std::optional<std::string> close = TypeAlias(text);
  if (!close) close = ClosestMatch(text, known);
  if (close) {
    message += ", did you mean \"" + *close + "\"?";
  } else {
    message += " (known: array, boolean, integer, null, number, object, string)";
  }
  errors.push_back(MakeError(message, path));
}

void CheckRegex(const std::string& pattern, const std::string& path, Errors& errors) {
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    errors.push_back(
        MakeError("invalid regular expression \"" + pattern + "\": " + e.what(), path));
  }
}

void CheckSchemaNode(const OrderedJson& node, const std::string& path, Errors& errors);

void CheckSchemaMap(const OrderedJson& map, const std::string& path, bool keys_are_regexes,
                    Errors& errors) {
  if (!map.is_object()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string child = path + "/" + EscapePointerToken(it.key());
    if (keys_are_regexes) CheckRegex(it.key(), child, errors);
    CheckSchemaNode(it.value(), child, errors);
  }
}

// Walks a schema keyword by keyword, so that a property *named* "type" is not taken for the
// type keyword.
void CheckSchemaNode(const OrderedJson& node, const std::string& path, Errors& errors) {
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& keyword = it.key();
    const OrderedJson& value = it.value();
    std::string at = path + "/" + EscapePointerToken(keyword);
    if (keyword == "type") {
      if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i) {
          CheckTypeName(value[i], at + "/" + std::to_string(i), errors);
        }
      } else {
        CheckTypeName(value, at, errors);
      }
    } else if (keyword == "pattern" && value.is_string()) {
      CheckRegex(value.get<std::string>(), at, errors);
    } else if (keyword == "properties" || keyword == "definitions" || keyword == "$defs" ||
               keyword == "dependencies" || keyword == "dependentSchemas") {
      CheckSchemaMap(value, at, false, errors);
    } else if (keyword == "patternProperties") {
      CheckSchemaMap(value, at, true, errors);
    } else if (keyword == "items" || keyword == "allOf" || keyword == "anyOf" ||
               keyword == "oneOf") {
      if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i) {
          CheckSchemaNode(value[i], at + "/" + std::to_string(i), errors);
        }
      } else {
        CheckSchemaNode(value, at, errors);
      }
    } else if (keyword == "additionalItems" || keyword == "additionalProperties" ||
               keyword == "contains" || keyword == "propertyNames" || keyword == "not" ||
               keyword == "if" || keyword == "then" || keyword == "else") {
      CheckSchemaNode(value, at, errors);
    }
  }
}

// --- Validation errors as "/path: description" ---------------------------------------------

// valijson names a step of the path "<root>", "[category]" or "[0]".
std::string PointerFromContext(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& step : context) {
    if (step == "<root>") continue;
    std::string_view token = step;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
      token = token.substr(1, token.size() - 2);
    }
    pointer += "/" + EscapePointerToken(token);
  }
  return pointer.empty() ? "/" : pointer;
}

// valijson follows a failed child with a summary on its parent ("Failed to validate item #0
// in array."); the child's own error is the one that says what is wrong. The oneOf message
// "Failed to validate against exactly one child schema." has no child errors before it.
bool IsSummary(const std::string& description) {
  return description.rfind("Failed to validate", 0) == 0 &&
         description != "Failed to validate against exactly one child schema.";
}

std::vector<std::string> FormatResults(const valijson::ValidationResults& results) {
  std::vector<std::string> leaves, summaries;
  std::unordered_set<std::string> seen;
  for (const valijson::ValidationResults::Error& error : results) {
    std::string line = PointerFromContext(error.context) + ": " + error.description;
    if (!seen.insert(line).second) continue;
    (IsSummary(error.description) ? summaries : leaves).push_back(std::move(line));
  }
  leaves.insert(leaves.end(), summaries.begin(), summaries.end());
  return leaves;
}

// --- Success criteria ------------------------------------------------------------------------

// Fills {{name}} (spaces inside the braces allowed) from the sample's fields; an unknown field
// is an error naming it. Mirrors RenderTemplate (prompt_template.h) for the expected values.
Result<std::string> RenderExpected(std::string_view text, const Sample& sample) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out += text.substr(pos, open - pos);
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    auto field = sample.fields.find(std::string(name));
    if (field == sample.fields.end()) {
      return MakeError("sample \"" + sample.id + "\" has no field \"" + std::string(name) + "\"");
    }
    out += field->second;
    pos = close + 2;
  }
  out += text.substr(pos);
  return out;
}

// "0", "12": an array index; anything else is not.
std::optional<size_t> ArrayIndex(std::string_view step) {
  if (step.empty() || step.size() > 9) return std::nullopt;
  size_t index = 0;
  for (char c : step) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

// The value at a dotted path ("customer.name", "items.0.sku"); null when any step is missing.
const json* FindField(const json& root, std::string_view dotted) {
  const json* node = &root;
  while (node != nullptr) {
    size_t dot = dotted.find('.');
    std::string_view step = dotted.substr(0, dot);
    const json* next = nullptr;
    if (node->is_object()) {
      auto it = node->find(step);
      if (it != node->end()) next = &*it;
    } else if (std::optional<size_t> index = ArrayIndex(step);
               node->is_array() && index && *index < node->size()) {
      next = &(*node)[*index];
    }
    node = next;
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return node;
}

std::string Quoted(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

CheckResult FieldEquals(const SuccessCriterion& criterion, const Sample& sample,
                        const std::optional<json>& output) {
  CheckResult check{"field_equals(" + criterion.field + ")", false, ""};
  Result<std::string> expected = RenderExpected(criterion.expected, sample);
  if (!expected.ok()) {
    check.reason = expected.error().message;
    return check;
  }
  const json* value = output ? FindField(*output, criterion.field) : nullptr;
  if (!output) {
    check.reason = "output is not JSON";
  } else if (value == nullptr) {
    check.reason = "field \"" + criterion.field + "\" is missing";
  } else {
    std::string got = value->is_string()
                          ? value->get<std::string>()
                          : value->dump(-1, ' ', false, json::error_handler_t::replace);
    check.pass = got == expected.value();
    if (!check.pass) {
      std::string shown = value->is_string() ? Quoted(got) : got;
      check.reason = "expected " + Quoted(expected.value()) + ", got " + shown;
    }
  }
  return check;
}

}  // namespace

std::vector<CheckResult> EvaluateSuccess(const std::vector<SuccessCriterion>& criteria,
                                         const Sample& sample, std::string_view output_json) {
  std::optional<json> output;
  json parsed = json::parse(output_json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) output = std::move(parsed);
  std::vector<CheckResult> checks;
  for (const SuccessCriterion& criterion : criteria) {
    if (criterion.kind == "field_equals") {
      checks.push_back(FieldEquals(criterion, sample, output));
    } else {
      checks.push_back(CheckResult{criterion.kind, false,
                                   "unknown success criterion \"" + criterion.kind + "\""});
    }
  }
  return checks;
}

struct SchemaValidator::Impl {
  json document;            // the schema as parsed, kept alive beside what valijson built
  valijson::Schema schema;  // read-only once built
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;
SchemaValidator::~SchemaValidator() = default;

Result<SchemaValidator> SchemaValidator::Compile(const std::string& schema_json) {
  OrderedJson as_written;
  try {
    as_written = OrderedJson::parse(schema_json);
  } catch (const OrderedJson::parse_error& e) {
    return MakeError("schema is not JSON: " + JsonErrorText(e));
  }
  if (!as_written.is_object()) {
    return MakeError("schema must be a JSON object, not " + std::string(as_written.type_name()));
  }
  Errors errors;
  CheckSchemaNode(as_written, "", errors);
  if (!errors.empty()) return errors;
  auto impl = std::make_unique<Impl>();
  try {
    impl->document = json::parse(schema_json);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(impl->document);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    return MakeError(std::string("schema is not usable: ") + e.what());
  }
  return SchemaValidator(std::move(impl));
}

std::vector<std::string> SchemaValidator::Validate(std::string_view output_json) const {
  json output;
  try {
    output = json::parse(output_json);
  } catch (const json::parse_error& e) {
    return {"output is not JSON: " + JsonErrorText(e)};
  }
  try {
    // A Validator caches compiled regexes, so each call has its own: no shared mutable state.
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(output);
    if (validator.validate(impl_->schema, target, &results)) return {};
    return FormatResults(results);
  } catch (const std::exception& e) {  // e.g. std::regex running out of stack on a long string
    return {std::string("/: could not be validated: ") + e.what()};
  }
}

}  // namespace taskcost
