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

}  // namespace

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
  return ValidateParsed(output);
}

std::vector<std::string> SchemaValidator::ValidateParsed(const json& output) const {
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
