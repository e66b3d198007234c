// The compiled form of a JSON Schema (docs/schema-support.md): one SchemaNode per subschema,
// linked by pointers, built by CompileSchema (schema_compile.cc) and walked by CheckValue
// (schema_check.cc). Private to core: it includes nlohmann/json and RE2. Immutable once built, so
// several threads may check answers against one CompiledSchema at once (RE2 matching is
// thread-safe).
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost::schema {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

/// Limits that keep a hostile schema or answer from exhausting the stack, memory or time.
inline constexpr int kMaxSchemaDepth = 256;           // JSON nesting of the schema document
inline constexpr int kMaxAnswerDepth = 512;           // JSON nesting of an answer
inline constexpr int kMaxCheckDepth = 2048;           // nesting of subschemas applied to an answer
inline constexpr int64_t kMaxCheckSteps = 5'000'000;  // subschemas applied per answer
inline constexpr size_t kMaxErrors = 20;              // error lines listed per answer

/// The JSON Schema versions a document may declare with "$schema" (none = draft 7).
enum class Dialect { kDraft6, kDraft7, kDraft2019, kDraft2020 };

/// Bits of SchemaNode::types.
enum TypeBit : uint8_t {
  kNullType = 1,
  kBooleanType = 2,
  kObjectType = 4,
  kArrayType = 8,
  kNumberType = 16,
  kStringType = 32,
  kIntegerType = 64,  // a number with no fractional part (1.0 included)
};

/// The values of "format" that are checked (schema_formats.cc); any other is refused.
enum class Format {
  kNone,
  kDate,
  kTime,
  kDateTime,
  kEmail,
  kHostname,
  kIpv4,
  kIpv6,
  kUri,
  kUriReference,
  kIri,
  kIriReference,
  kUuid,
  kJsonPointer,
  kRelativeJsonPointer,
  kRegex,
};

struct SchemaNode;

struct PatternSchema {
  std::unique_ptr<RE2> regex;
  const SchemaNode* schema = nullptr;
};

/// "dependencies" (and dependentRequired / dependentSchemas): when `property` is present, the
/// object must also have `required` and match `schema` (null = no schema).
struct Dependency {
  std::string property;
  std::vector<std::string> required;
  const SchemaNode* schema = nullptr;
};

struct SchemaNode {
  std::string pointer;              // where it sits in the schema document, "" = the root
  std::optional<bool> constant;     // a boolean schema: true accepts everything, false nothing
  const SchemaNode* ref = nullptr;  // "$ref", resolved

  uint8_t types = 0;  // TypeBit mask; 0 = no "type" keyword
  std::optional<std::vector<Json>> enum_values;
  std::optional<Json> const_value;

  // Numbers (JSON numbers, so integers compare exactly).
  std::optional<Json> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;

  // Strings. Lengths count Unicode code points.
  std::optional<uint64_t> min_length, max_length;
  std::unique_ptr<RE2> pattern;
  Format format = Format::kNone;
  std::string format_name;

  // Arrays. `prefix_items` are the items array form (or prefixItems); `items` applies to every
  // item after them (the schema form of items, or additionalItems).
  std::vector<const SchemaNode*> prefix_items;
  const SchemaNode* items = nullptr;
  const SchemaNode* contains = nullptr;
  std::optional<uint64_t> min_items, max_items, min_contains, max_contains;
  bool unique_items = false;

  // Objects.
  std::map<std::string, const SchemaNode*> properties;
  std::vector<PatternSchema> pattern_properties;
  const SchemaNode* additional_properties = nullptr;
  const SchemaNode* property_names = nullptr;
  std::vector<std::string> required;
  std::vector<Dependency> dependencies;
  std::optional<uint64_t> min_properties, max_properties;

  // Applicators on the same value.
  std::vector<const SchemaNode*> all_of, any_of, one_of;
  const SchemaNode* not_schema = nullptr;
  const SchemaNode* if_schema = nullptr;
  const SchemaNode* then_schema = nullptr;
  const SchemaNode* else_schema = nullptr;
};

struct CompiledSchema {
  Dialect dialect = Dialect::kDraft7;
  std::vector<std::unique_ptr<SchemaNode>> nodes;  // owns every node; nodes[0] is the root
  const SchemaNode* root() const { return nodes.front().get(); }
};

/// Compiles a schema document. Errors carry the JSON Pointer of the offending keyword as their
/// path. Never throws for any input (the document must be nested at most kMaxSchemaDepth deep,
/// which the caller checks first).
Result<std::unique_ptr<CompiledSchema>> CompileSchema(const OrderedJson& document);

/// Checks `value` against `schema`: the error lines ("/path: what is wrong"), empty when valid.
/// At most kMaxErrors lines, then one saying how many more there were.
std::vector<std::string> CheckValue(const CompiledSchema& schema, const Json& value);

/// Whether `text` is of `format` (RFC 3339 dates and times, RFC 3986 URIs, ...).
bool FormatMatches(Format format, std::string_view text);
/// The format named `name`, or nullopt when it is not one taskcost checks.
std::optional<Format> FormatNamed(std::string_view name);
/// The names of every checked format, comma-separated, for messages.
std::string CheckedFormatNames();

/// An ECMAScript pattern (what JSON Schema's "pattern" is written in) rewritten in RE2's syntax
/// where the two spell the same thing differently: \uXXXX as \x{XXXX}, (?<name> as (?P<name>.
std::string Re2Pattern(std::string_view ecmascript);
/// Compiles `pattern` for unanchored search, or returns RE2's reason why it cannot.
Result<std::unique_ptr<RE2>> CompilePattern(std::string_view pattern);

/// How taskcost treats a keyword of a schema object (schema_keywords.cc).
enum class KeywordKind {
  kAssertion,   // implemented: constrains the value
  kAnnotation,  // accepted, no effect
  kRefused,     // not implemented: the schema is refused
  kUnknown,     // no draft has it: ignored, unless a near miss of a known one
};
KeywordKind KindOfKeyword(std::string_view keyword);
bool IsAssertionKeyword(std::string_view keyword);
/// What to write instead of a refused keyword.
std::string RefusedKeywordAdvice(std::string_view keyword);
/// ", did you mean \"required\"?" for a near miss of a known keyword, else "".
std::string NearMissOfKeyword(const std::string& keyword);
/// The TypeBit of a type name, 0 when it is none.
uint8_t TypeBitNamed(const std::string& name);
/// "unknown type \"int\", did you mean \"integer\"?" and the like.
std::string UnknownTypeMessage(const std::string& name);
/// The version `document` declares in "$schema"; errors for one taskcost does not read.
Result<Dialect> DialectOf(const OrderedJson& document);

/// A JSON Pointer token written out ("a/b" as "a~1b") and read back.
std::string EscapePointerToken(std::string_view token);
std::string UnescapePointerToken(std::string_view token);
/// "an object", "an array", "a string", "a boolean", "null", "a number".
std::string KindOf(const OrderedJson& value);

/// `reference` resolved against `base` (RFC 3986 section 5.2); either may be relative.
std::string ResolveUri(std::string_view base, std::string_view reference);
/// `text` with its %XX sequences decoded; nullopt when a % is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace taskcost::schema
