// CompileSchema: a JSON Schema document into SchemaNodes (schema_model.h). Every keyword is read
// and checked where it stands; a keyword taskcost does not implement is refused, never ignored;
// "$ref" is resolved inside the document only, and a cycle of references that would apply a
// schema to the same value forever is refused (docs/schema-support.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/formats/error_text.h"
#include "harness/core/schema/schema_model.h"

namespace taskcost::schema {
namespace {

struct PendingRef {
  SchemaNode* node;
  std::string ref;
  std::string base;
  std::string at;  // the $ref keyword's pointer
};

// A depth-first search's path: each schema with the same-value edges it has yet to follow.
using DfsStack = std::vector<std::pair<const SchemaNode*, std::vector<const SchemaNode*>>>;

// The pieces of "items", "additionalItems" and "prefixItems", combined once all are read.
struct ArrayParts {
  bool items_is_array = false;
  bool has_prefix_items = false;
  const SchemaNode* items_schema = nullptr;
  const SchemaNode* additional_items = nullptr;
};

class Compiler {
 public:
  Compiler(const OrderedJson& document, Dialect dialect, CompiledSchema& out)
      : document_(document), dialect_(dialect), out_(out) {}

  Errors Run() {
    Compile(document_, "", "");
    ResolveRefs();
    if (errors_.empty()) FindCycles();
    return std::move(errors_);
  }

 private:
  SchemaNode* Compile(const OrderedJson& value, const std::string& pointer, std::string base);
  void ReadIds(const OrderedJson& value, const std::string& pointer, std::string& base);
  void ReadKeyword(SchemaNode& node, const std::string& keyword, const OrderedJson& value,
                   const std::string& at, const std::string& base, ArrayParts& arrays);
  bool ReadApplicator(SchemaNode& node, const std::string& keyword, const OrderedJson& value,
                      const std::string& at, const std::string& base, ArrayParts& arrays);
  bool ReadObjectKeyword(SchemaNode& node, const std::string& keyword, const OrderedJson& value,
                         const std::string& at, const std::string& base);
  bool ReadValueKeyword(SchemaNode& node, const std::string& keyword, const OrderedJson& value,
                        const std::string& at);
  void FinishArrays(SchemaNode& node, const ArrayParts& arrays, const std::string& pointer);
  void CheckUnknown(const std::string& keyword, const std::string& at);
  void RefuseRefSiblings(const OrderedJson& value, const std::string& pointer);

  const SchemaNode* Sub(const OrderedJson& value, const std::string& at, const std::string& base) {
    return Compile(value, at, base);
  }
  std::vector<const SchemaNode*> SubList(const OrderedJson& value, const std::string& at,
                                         const std::string& base, bool allow_empty);
  void ReadSchemaMap(const OrderedJson& value, const std::string& at, const std::string& base,
                     std::map<std::string, const SchemaNode*>* into);
  void ReadType(SchemaNode& node, const OrderedJson& value, const std::string& at);
  void ReadPattern(SchemaNode& node, const OrderedJson& value, const std::string& at);
  void ReadFormat(SchemaNode& node, const OrderedJson& value, const std::string& at);
  std::optional<Json> ReadNumber(const OrderedJson& value, const std::string& keyword,
                                 const std::string& at);
  std::optional<uint64_t> ReadCount(const OrderedJson& value, const std::string& at);
  std::vector<std::string> ReadNames(const OrderedJson& value, const std::string& at);
  void ReadDependencies(SchemaNode& node, const OrderedJson& value, const std::string& at,
                        const std::string& base, bool names_allowed, bool schemas_allowed);

  void ResolveRefs();
  const SchemaNode* Resolve(const PendingRef& ref);
  const OrderedJson* Navigate(const std::string& pointer) const;
  std::string BaseNear(const std::string& pointer) const;
  void FindCycles();
  void ReportCycle(const DfsStack& stack, const SchemaNode* back_to);

  void Fail(const std::string& at, std::string message) {
    errors_.push_back(MakeError(std::move(message), at));
  }

  const OrderedJson& document_;
  const Dialect dialect_;
  CompiledSchema& out_;
  Errors errors_;
  std::map<std::string, SchemaNode*> by_pointer_;
  std::map<std::string, std::string> base_of_;    // pointer -> base URI of that schema
  std::map<std::string, std::string> resources_;  // absolute URI ($id) -> pointer
  std::map<std::string, std::string> anchors_;    // URI#name -> pointer
  std::vector<PendingRef> pending_;
};

SchemaNode* Compiler::Compile(const OrderedJson& value, const std::string& pointer,
                              std::string base) {
  if (auto it = by_pointer_.find(pointer); it != by_pointer_.end()) return it->second;
  SchemaNode* node = out_.nodes.emplace_back(std::make_unique<SchemaNode>()).get();
  node->pointer = pointer;
  by_pointer_[pointer] = node;
  if (pointer.empty()) resources_[""] = "";
  if (value.is_boolean()) {
    node->constant = value.get<bool>();
    base_of_[pointer] = base;
    return node;
  }
  if (!value.is_object()) {
    Fail(pointer, "a schema must be an object or a boolean, not " + KindOf(value));
    node->constant = true;
    return node;
  }
  const bool ref_alone = value.contains("$ref") && dialect_ <= Dialect::kDraft7;
  if (!ref_alone) ReadIds(value, pointer, base);
  base_of_[pointer] = base;
  if (ref_alone) RefuseRefSiblings(value, pointer);
  ArrayParts arrays;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string at = pointer + "/" + EscapePointerToken(it.key());
    if (ref_alone && IsAssertionKeyword(it.key()) && it.key() != "$ref") continue;
    ReadKeyword(*node, it.key(), it.value(), at, base, arrays);
  }
  FinishArrays(*node, arrays, pointer);
  return node;
}

// "$id" (a new base URI, or in draft 6 and 7 "#name", a name to refer to) and "$anchor".
void Compiler::ReadIds(const OrderedJson& value, const std::string& pointer, std::string& base) {
  if (auto id = value.find("$id"); id != value.end() && id->is_string()) {
    const std::string text = id->get<std::string>();
    const std::string resolved = ResolveUri(base, text);
    const size_t hash = resolved.find('#');
    const std::string resource = resolved.substr(0, hash);
    if (!text.starts_with("#")) {
      base = resource;
      if (!pointer.empty() && resources_.contains(resource)) {
        Fail(pointer + "/$id", "two schemas have the $id " + Quoted(resource));
      }
      resources_[resource] = pointer;
    }
    if (hash != std::string::npos && hash + 1 < resolved.size()) anchors_[resolved] = pointer;
  }
  if (auto anchor = value.find("$anchor"); anchor != value.end() && anchor->is_string()) {
    anchors_[base + "#" + anchor->get<std::string>()] = pointer;
  }
}

// Draft 6 and 7 ignore every keyword beside "$ref"; one that would constrain the answer is
// refused rather than left to do nothing.
void Compiler::RefuseRefSiblings(const OrderedJson& value, const std::string& pointer) {
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "$ref" || !IsAssertionKeyword(it.key())) continue;
    Fail(pointer + "/" + EscapePointerToken(it.key()),
         "\"" + it.key() +
             "\" beside \"$ref\" is ignored in draft 7; put both in \"allOf\": "
             "[{\"$ref\": ...}, {\"" +
             it.key() + "\": ...}]");
  }
}

void Compiler::ReadKeyword(SchemaNode& node, const std::string& keyword, const OrderedJson& value,
                           const std::string& at, const std::string& base, ArrayParts& arrays) {
  if (keyword == "$ref") {
    if (!value.is_string()) return Fail(at, "must be a string, not " + KindOf(value));
    pending_.push_back(PendingRef{&node, value.get<std::string>(), base, at});
    return;
  }
  if (keyword == "definitions" || keyword == "$defs") {
    if (!value.is_object()) return Fail(at, "must be an object of schemas, not " + KindOf(value));
    ReadSchemaMap(value, at, base, nullptr);
    return;
  }
  if (ReadApplicator(node, keyword, value, at, base, arrays)) return;
  if (ReadObjectKeyword(node, keyword, value, at, base)) return;
  if (ReadValueKeyword(node, keyword, value, at)) return;
  const KeywordKind kind = KindOfKeyword(keyword);
  if (kind == KeywordKind::kRefused) {
    return Fail(
        at, "\"" + keyword + "\" is not supported by taskcost: " + RefusedKeywordAdvice(keyword));
  }
  if (kind == KeywordKind::kUnknown) CheckUnknown(keyword, at);
}

// A keyword no draft has is ignored, as JSON Schema says, unless it looks like a misspelt one.
void Compiler::CheckUnknown(const std::string& keyword, const std::string& at) {
  if (keyword.starts_with("x-")) return;
  std::string suggestion = NearMissOfKeyword(keyword);
  if (!suggestion.empty()) Fail(at, "unknown keyword " + Quoted(keyword) + suggestion);
}

bool Compiler::ReadApplicator(SchemaNode& node, const std::string& keyword,
                              const OrderedJson& value, const std::string& at,
                              const std::string& base, ArrayParts& arrays) {
  if (keyword == "allOf" || keyword == "anyOf" || keyword == "oneOf") {
    auto& list = keyword == "allOf" ? node.all_of : keyword == "anyOf" ? node.any_of : node.one_of;
    list = SubList(value, at, base, false);
  } else if (keyword == "not") {
    node.not_schema = Sub(value, at, base);
  } else if (keyword == "if") {
    node.if_schema = Sub(value, at, base);
  } else if (keyword == "then") {
    node.then_schema = Sub(value, at, base);
  } else if (keyword == "else") {
    node.else_schema = Sub(value, at, base);
  } else if (keyword == "items") {
    arrays.items_is_array = value.is_array();
    if (value.is_array() && dialect_ == Dialect::kDraft2020) {
      Fail(at, "in draft 2020-12 \"items\" is one schema; write the list as \"prefixItems\"");
    } else if (value.is_array()) {
      node.prefix_items = SubList(value, at, base, true);
    } else {
      arrays.items_schema = Sub(value, at, base);
    }
  } else if (keyword == "prefixItems") {
    arrays.has_prefix_items = true;
    node.prefix_items = SubList(value, at, base, true);
  } else if (keyword == "additionalItems") {
    if (dialect_ == Dialect::kDraft2020) {
      Fail(at, "draft 2020-12 has no \"additionalItems\"; write \"prefixItems\" and \"items\"");
    }
    arrays.additional_items = Sub(value, at, base);
  } else if (keyword == "contains") {
    node.contains = Sub(value, at, base);
  } else {
    return false;
  }
  return true;
}

void Compiler::FinishArrays(SchemaNode& node, const ArrayParts& arrays,
                            const std::string& pointer) {
  if (arrays.has_prefix_items && (arrays.items_is_array || arrays.additional_items)) {
    Fail(pointer + "/prefixItems",
         "\"prefixItems\" cannot be combined with an \"items\" list or \"additionalItems\"; "
         "the items after the prefix go in \"items\"");
  }
  if (arrays.has_prefix_items) {
    node.items = arrays.items_schema;
  } else if (arrays.items_is_array) {
    node.items = arrays.additional_items;  // additionalItems applies after an items list only
  } else {
    node.items = arrays.items_schema;
  }
}

bool Compiler::ReadObjectKeyword(SchemaNode& node, const std::string& keyword,
                                 const OrderedJson& value, const std::string& at,
                                 const std::string& base) {
  if (keyword == "properties") {
    if (!value.is_object()) Fail(at, "must be an object of schemas, not " + KindOf(value));
    if (value.is_object()) ReadSchemaMap(value, at, base, &node.properties);
  } else if (keyword == "patternProperties") {
    if (!value.is_object()) Fail(at, "must be an object of schemas, not " + KindOf(value));
    for (auto it = value.begin(); value.is_object() && it != value.end(); ++it) {
      const std::string child = at + "/" + EscapePointerToken(it.key());
      Result<std::unique_ptr<RE2>> regex = CompilePattern(it.key());
      if (!regex.ok()) {
        Fail(child,
             "invalid regular expression " + Quoted(it.key()) + ": " + regex.error().message);
      }
      const SchemaNode* schema = Sub(it.value(), child, base);
      if (regex.ok()) node.pattern_properties.push_back({std::move(regex).value(), schema});
    }
  } else if (keyword == "additionalProperties") {
    node.additional_properties = Sub(value, at, base);
  } else if (keyword == "propertyNames") {
    node.property_names = Sub(value, at, base);
  } else if (keyword == "required") {
    if (value.is_boolean()) {
      Fail(at, "\"required\": true is draft 3's; list the names in the parent's \"required\"");
    } else {
      node.required = ReadNames(value, at);
    }
  } else if (keyword == "dependencies") {
    ReadDependencies(node, value, at, base, true, true);
  } else if (keyword == "dependentRequired") {
    ReadDependencies(node, value, at, base, true, false);
  } else if (keyword == "dependentSchemas") {
    ReadDependencies(node, value, at, base, false, true);
  } else if (keyword == "maxProperties" || keyword == "minProperties") {
    (keyword == "maxProperties" ? node.max_properties : node.min_properties) = ReadCount(value, at);
  } else {
    return false;
  }
  return true;
}

bool Compiler::ReadValueKeyword(SchemaNode& node, const std::string& keyword,
                                const OrderedJson& value, const std::string& at) {
  static const std::map<std::string, std::optional<uint64_t> SchemaNode::*, std::less<>> kCounts = {
      {"maxLength", &SchemaNode::max_length},     {"minLength", &SchemaNode::min_length},
      {"maxItems", &SchemaNode::max_items},       {"minItems", &SchemaNode::min_items},
      {"minContains", &SchemaNode::min_contains}, {"maxContains", &SchemaNode::max_contains},
  };
  static const std::map<std::string, std::optional<Json> SchemaNode::*, std::less<>> kLimits = {
      {"minimum", &SchemaNode::minimum},
      {"maximum", &SchemaNode::maximum},
      {"exclusiveMinimum", &SchemaNode::exclusive_minimum},
      {"exclusiveMaximum", &SchemaNode::exclusive_maximum},
      {"multipleOf", &SchemaNode::multiple_of},
  };
  if (auto count = kCounts.find(keyword); count != kCounts.end()) {
    node.*(count->second) = ReadCount(value, at);
  } else if (auto limit = kLimits.find(keyword); limit != kLimits.end()) {
    node.*(limit->second) = ReadNumber(value, keyword, at);
  } else if (keyword == "type") {
    ReadType(node, value, at);
  } else if (keyword == "enum") {
    if (!value.is_array()) Fail(at, "must be an array of values, not " + KindOf(value));
    node.enum_values.emplace();
    for (size_t i = 0; value.is_array() && i < value.size(); ++i) {
      node.enum_values->push_back(Json(value[i]));
    }
  } else if (keyword == "const") {
    node.const_value = Json(value);
  } else if (keyword == "uniqueItems") {
    if (!value.is_boolean()) Fail(at, "must be true or false, not " + KindOf(value));
    node.unique_items = value.is_boolean() && value.get<bool>();
  } else if (keyword == "pattern") {
    ReadPattern(node, value, at);
  } else if (keyword == "format") {
    ReadFormat(node, value, at);
  } else {
    return false;
  }
  return true;
}

void Compiler::ReadPattern(SchemaNode& node, const OrderedJson& value, const std::string& at) {
  if (!value.is_string()) return Fail(at, "must be a string, not " + KindOf(value));
  Result<std::unique_ptr<RE2>> regex = CompilePattern(value.get<std::string>());
  if (!regex.ok()) {
    return Fail(at, "invalid regular expression " + Quoted(value.get<std::string>()) + ": " +
                        regex.error().message);
  }
  node.pattern = std::move(regex).value();
}

void Compiler::ReadFormat(SchemaNode& node, const OrderedJson& value, const std::string& at) {
  if (!value.is_string()) return Fail(at, "must be a string, not " + KindOf(value));
  const std::string name = value.get<std::string>();
  std::optional<Format> format = FormatNamed(name);
  if (!format) {
    return Fail(at, "format " + Quoted(name) + " is not checked by taskcost (it checks " +
                        CheckedFormatNames() + ")");
  }
  node.format = *format;
  node.format_name = name;
}

std::vector<const SchemaNode*> Compiler::SubList(const OrderedJson& value, const std::string& at,
                                                 const std::string& base, bool allow_empty) {
  std::vector<const SchemaNode*> list;
  if (!value.is_array() || (value.empty() && !allow_empty)) {
    Fail(at, "must be a non-empty array of schemas, not " +
                 (value.is_array() ? std::string("an empty array") : KindOf(value)));
    return list;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    list.push_back(Sub(value[i], at + "/" + std::to_string(i), base));
  }
  return list;
}

void Compiler::ReadSchemaMap(const OrderedJson& value, const std::string& at,
                             const std::string& base,
                             std::map<std::string, const SchemaNode*>* into) {
  for (auto it = value.begin(); it != value.end(); ++it) {
    const SchemaNode* schema = Sub(it.value(), at + "/" + EscapePointerToken(it.key()), base);
    if (into != nullptr) (*into)[it.key()] = schema;
  }
}

void Compiler::ReadType(SchemaNode& node, const OrderedJson& value, const std::string& at) {
  std::vector<std::pair<const OrderedJson*, std::string>> names;
  if (value.is_array()) {
    if (value.empty()) Fail(at, "must list at least one type");
    for (size_t i = 0; i < value.size(); ++i)
      names.emplace_back(&value[i], at + "/" + std::to_string(i));
  } else {
    names.emplace_back(&value, at);
  }
  for (const auto& [name, where] : names) {
    if (!name->is_string()) {
      Fail(where, "a type must be a string such as \"string\", not " + KindOf(*name));
      continue;
    }
    const std::string text = name->get<std::string>();
    if (uint8_t bit = TypeBitNamed(text); bit != 0) {
      node.types |= bit;
    } else {
      Fail(where, UnknownTypeMessage(text));
    }
  }
}

std::optional<Json> Compiler::ReadNumber(const OrderedJson& value, const std::string& keyword,
                                         const std::string& at) {
  if (value.is_boolean() && keyword.starts_with("exclusive")) {
    Fail(at, "a boolean \"" + keyword +
                 "\" is draft 4's; in draft 7 it holds the limit itself, "
                 "as in \"" +
                 keyword + "\": 5");
    return std::nullopt;
  }
  if (!value.is_number()) {
    Fail(at, "must be a number, not " + KindOf(value));
    return std::nullopt;
  }
  if (keyword == "multipleOf" && !(value.get<double>() > 0)) {
    Fail(at, "must be greater than 0");
    return std::nullopt;
  }
  return Json(value);
}

std::optional<uint64_t> Compiler::ReadCount(const OrderedJson& value, const std::string& at) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d) return static_cast<uint64_t>(d);
  }
  Fail(at, "must be a whole number >= 0, not " +
               (value.is_number() ? std::string(value.dump()) : KindOf(value)));
  return std::nullopt;
}

std::vector<std::string> Compiler::ReadNames(const OrderedJson& value, const std::string& at) {
  std::vector<std::string> names;
  if (!value.is_array()) {
    Fail(at, "must be an array of property names, not " + KindOf(value));
    return names;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i].is_string()) {
      names.push_back(value[i].get<std::string>());
    } else {
      Fail(at + "/" + std::to_string(i),
           "a property name must be a string, not " + KindOf(value[i]));
    }
  }
  return names;
}

void Compiler::ReadDependencies(SchemaNode& node, const OrderedJson& value, const std::string& at,
                                const std::string& base, bool names_allowed, bool schemas_allowed) {
  if (!value.is_object()) return Fail(at, "must be an object, not " + KindOf(value));
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string child = at + "/" + EscapePointerToken(it.key());
    Dependency dependency{it.key(), {}, nullptr};
    if (it.value().is_array() && names_allowed) {
      dependency.required = ReadNames(it.value(), child);
    } else if (schemas_allowed) {
      dependency.schema = Sub(it.value(), child, base);
    } else {
      Fail(child, "must be an array of property names, not " + KindOf(it.value()));
    }
    node.dependencies.push_back(std::move(dependency));
  }
}

// --- $ref ----------------------------------------------------------------------------------

void Compiler::ResolveRefs() {
  while (!pending_.empty()) {
    PendingRef ref = std::move(pending_.back());
    pending_.pop_back();
    ref.node->ref = Resolve(ref);
  }
}

const SchemaNode* Compiler::Resolve(const PendingRef& ref) {
  const std::string target = ResolveUri(ref.base, ref.ref);
  const size_t hash = target.find('#');
  const std::string resource = target.substr(0, hash);
  auto found = resources_.find(resource);
  if (found == resources_.end()) {
    Fail(ref.at, Quoted(ref.ref) +
                     " is outside this schema; taskcost follows references "
                     "within the schema only and fetches no other schema");
    return nullptr;
  }
  std::optional<std::string> fragment =
      PercentDecode(hash == std::string::npos ? "" : target.substr(hash + 1));
  if (!fragment) {
    Fail(ref.at, Quoted(ref.ref) + " has a % not followed by two hex digits");
    return nullptr;
  }
  std::string pointer = found->second + *fragment;
  if (!fragment->empty() && fragment->front() != '/') {
    auto anchor = anchors_.find(resource + "#" + *fragment);
    if (anchor == anchors_.end()) {
      Fail(ref.at, Quoted(ref.ref) + " names no \"$id\" or \"$anchor\" in this schema");
      return nullptr;
    }
    pointer = anchor->second;
  }
  if (auto it = by_pointer_.find(pointer); it != by_pointer_.end()) return it->second;
  const OrderedJson* value = Navigate(pointer);
  if (value == nullptr) {
    Fail(ref.at, Quoted(ref.ref) + " points to nothing in this schema");
    return nullptr;
  }
  return Compile(*value, pointer, BaseNear(pointer));
}

const OrderedJson* Compiler::Navigate(const std::string& pointer) const {
  const OrderedJson* at = &document_;
  size_t start = 0;
  while (start < pointer.size()) {
    if (pointer[start] != '/') return nullptr;
    size_t end = pointer.find('/', start + 1);
    if (end == std::string::npos) end = pointer.size();
    const std::string token =
        UnescapePointerToken(std::string_view(pointer).substr(start + 1, end - start - 1));
    if (at->is_object()) {
      auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (token.empty() || token.size() > 9 ||
          token.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      const size_t index = std::stoul(token);
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    start = end;
  }
  return at;
}

// The base URI in force at `pointer`: that of the nearest enclosing schema compiled so far.
std::string Compiler::BaseNear(const std::string& pointer) const {
  std::string prefix = pointer;
  for (;;) {
    if (auto it = base_of_.find(prefix); it != base_of_.end()) return it->second;
    if (prefix.empty()) return "";
    prefix.erase(prefix.rfind('/'));
  }
}

// --- $ref cycles -----------------------------------------------------------------------------

// The schemas applied to the same value as `node` (not to a part of it).
std::vector<const SchemaNode*> SameValueEdges(const SchemaNode& node) {
  std::vector<const SchemaNode*> edges;
  auto add = [&](const SchemaNode* n) {
    if (n != nullptr) edges.push_back(n);
  };
  add(node.ref);
  for (const auto* list : {&node.all_of, &node.any_of, &node.one_of}) {
    for (const SchemaNode* n : *list) add(n);
  }
  add(node.not_schema);
  add(node.if_schema);
  add(node.then_schema);
  add(node.else_schema);
  for (const Dependency& d : node.dependencies) add(d.schema);
  return edges;
}

std::string Shown(const std::string& pointer) { return "#" + pointer; }

// The cycle is the stack from `back_to` up, then `back_to` again. It is reported at its first
// "$ref", and written from there.
void Compiler::ReportCycle(const DfsStack& stack, const SchemaNode* back_to) {
  std::vector<const SchemaNode*> cycle;
  for (const auto& [node, unused] : stack) {
    if (node == back_to || !cycle.empty()) cycle.push_back(node);
  }
  auto first_ref = std::find_if(cycle.begin(), cycle.end(),
                                [](const SchemaNode* n) { return n->ref != nullptr; });
  if (first_ref == cycle.end()) first_ref = cycle.begin();
  std::rotate(cycle.begin(), first_ref, cycle.end());
  std::string path;
  for (const SchemaNode* node : cycle) path += Shown(node->pointer) + " -> ";
  Fail(cycle.front()->ref != nullptr ? cycle.front()->pointer + "/$ref" : cycle.front()->pointer,
       "a cycle of references applies the schema to the same value without end: " + path +
           Shown(cycle.front()->pointer));
}

// Depth-first search, without recursion, over the same-value edges: a cycle among them would
// apply a schema to one value without end.
void Compiler::FindCycles() {
  enum Color : uint8_t { kWhite, kGray, kBlack };
  std::map<const SchemaNode*, Color> color;
  for (const auto& start : out_.nodes) {
    if (color[start.get()] != kWhite) continue;
    DfsStack stack;
    stack.emplace_back(start.get(), SameValueEdges(*start));
    color[start.get()] = kGray;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next.empty()) {
        color[node] = kBlack;
        stack.pop_back();
        continue;
      }
      const SchemaNode* child = next.back();
      next.pop_back();
      if (color[child] == kGray) return ReportCycle(stack, child);
      if (color[child] == kWhite) {
        color[child] = kGray;
        stack.emplace_back(child, SameValueEdges(*child));
      }
    }
  }
}

}  // namespace

Result<std::unique_ptr<CompiledSchema>> CompileSchema(const OrderedJson& document) {
  Result<Dialect> dialect = DialectOf(document);
  if (!dialect.ok()) return dialect.errors();
  auto compiled = std::make_unique<CompiledSchema>();
  compiled->dialect = *dialect;
  Errors errors = Compiler(document, *dialect, *compiled).Run();
  if (!errors.empty()) return errors;
  return compiled;
}

}  // namespace taskcost::schema
