// Which keywords JSON Schema has and what taskcost does with each (docs/schema-support.md), the
// JSON Schema version a document declares, and JSON Pointer tokens. Pure; thread-safe.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/formats/error_text.h"
#include "harness/core/schema/schema_model.h"

namespace taskcost::schema {
namespace {

// Keywords that only annotate: accepted and ignored.
const std::set<std::string, std::less<>>& AnnotationKeywords() {
  static const std::set<std::string, std::less<>> names = {
      "title",    "description", "default",    "examples",      "example", "$comment",
      "readOnly", "writeOnly",   "deprecated", "$id",           "id",      "$schema",
      "$anchor",  "definitions", "$defs",      "discriminator",
  };
  return names;
}

// Keywords that constrain the value: all implemented.
const std::set<std::string, std::less<>>& AssertionKeywords() {
  static const std::set<std::string, std::less<>> names = {
      // clang-format off
      "$ref", "type", "enum", "const",
      "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
      "maxLength", "minLength", "pattern", "format",
      "items", "additionalItems", "prefixItems", "maxItems", "minItems", "uniqueItems",
      "contains", "minContains", "maxContains",
      "maxProperties", "minProperties", "required", "properties", "patternProperties",
      "additionalProperties", "dependencies", "dependentRequired", "dependentSchemas",
      "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
      // clang-format on
  };
  return names;
}

// Keywords taskcost does not implement, with what to write instead. Refused.
const std::map<std::string, std::string, std::less<>>& RefusedKeywords() {
  static const std::map<std::string, std::string, std::less<>> reasons = {
      {"unevaluatedProperties", "list the properties and use additionalProperties"},
      {"unevaluatedItems", "use items or additionalItems"},
      {"$recursiveRef", "use $ref"},
      {"$recursiveAnchor", "use $ref"},
      {"$dynamicRef", "use $ref"},
      {"$dynamicAnchor", "use $ref"},
      {"$vocabulary", "remove it"},
      {"contentMediaType", "check the decoded content with a scorer"},
      {"contentEncoding", "check the decoded content with a scorer"},
      {"contentSchema", "check the decoded content with a scorer"},
      {"nullable", "it is OpenAPI's, not JSON Schema's: write \"type\": [\"string\", \"null\"]"},
      {"divisibleBy", "it is draft 3's: write multipleOf"},
      {"extends", "it is draft 3's: write allOf"},
      {"disallow", "it is draft 3's: write not"},
  };
  return reasons;
}

const std::vector<std::string>& KnownKeywordList() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all(AssertionKeywords().begin(), AssertionKeywords().end());
    all.insert(all.end(), AnnotationKeywords().begin(), AnnotationKeywords().end());
    for (const auto& [name, reason] : RefusedKeywords()) all.push_back(name);
    return all;
  }();
  return names;
}

const std::vector<std::string>& TypeNames() {
  static const std::vector<std::string> names = {"array",  "boolean", "integer", "null",
                                                 "number", "object",  "string"};
  return names;
}

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

uint8_t TypeBitOf(const std::string& name) {
  static const std::pair<const char*, uint8_t> kBits[] = {
      {"null", kNullType},       {"boolean", kBooleanType}, {"object", kObjectType},
      {"array", kArrayType},     {"number", kNumberType},   {"string", kStringType},
      {"integer", kIntegerType},
  };
  for (const auto& [type, bit] : kBits) {
    if (name == type) return bit;
  }
  return 0;
}

}  // namespace

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

std::string UnescapePointerToken(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::string KindOf(const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::object:
      return "an object";
    case OrderedJson::value_t::array:
      return "an array";
    case OrderedJson::value_t::string:
      return "a string";
    case OrderedJson::value_t::boolean:
      return "a boolean";
    case OrderedJson::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

KeywordKind KindOfKeyword(std::string_view keyword) {
  if (AssertionKeywords().contains(keyword)) return KeywordKind::kAssertion;
  if (AnnotationKeywords().contains(keyword)) return KeywordKind::kAnnotation;
  if (RefusedKeywords().contains(keyword)) return KeywordKind::kRefused;
  return KeywordKind::kUnknown;
}

bool IsAssertionKeyword(std::string_view keyword) {
  return KindOfKeyword(keyword) == KeywordKind::kAssertion;
}

std::string RefusedKeywordAdvice(std::string_view keyword) {
  auto it = RefusedKeywords().find(keyword);
  return it == RefusedKeywords().end() ? "" : it->second;
}

std::string NearMissOfKeyword(const std::string& keyword) {
  return DidYouMean(keyword, KnownKeywordList());
}

uint8_t TypeBitNamed(const std::string& name) { return TypeBitOf(name); }

std::string UnknownTypeMessage(const std::string& name) {
  std::optional<std::string> close = TypeAlias(name);
  if (!close) close = ClosestMatch(name, TypeNames());
  return "unknown type " + Quoted(name) +
         (close ? ", did you mean \"" + *close + "\"?"
                : " (known: array, boolean, integer, null, number, object, string)");
}

Result<Dialect> DialectOf(const OrderedJson& document) {
  auto declared = document.find("$schema");
  if (declared == document.end()) return Dialect::kDraft7;
  if (!declared->is_string())
    return MakeError("must be a string, not " + KindOf(*declared), "/$schema");
  std::string uri = declared->get<std::string>();
  if (uri.starts_with("https://")) uri.erase(4, 1);  // http and https name the same drafts
  while (uri.ends_with("#")) uri.pop_back();
  if (uri == "http://json-schema.org/draft-07/schema" || uri == "http://json-schema.org/schema") {
    return Dialect::kDraft7;
  }
  if (uri == "http://json-schema.org/draft-06/schema") return Dialect::kDraft6;
  if (uri == "http://json-schema.org/draft/2019-09/schema") return Dialect::kDraft2019;
  if (uri == "http://json-schema.org/draft/2020-12/schema") return Dialect::kDraft2020;
  const bool old = uri == "http://json-schema.org/draft-04/schema" ||
                   uri == "http://json-schema.org/draft-03/schema";
  return MakeError(Quoted(declared->get<std::string>()) +
                       (old ? " is an older draft than taskcost reads"
                            : " is not a JSON Schema version taskcost knows") +
                       "; it reads draft 6, draft 7 (the default), 2019-09 and 2020-12 "
                       "(docs/schema-support.md)",
                   "/$schema");
}

}  // namespace taskcost::schema
