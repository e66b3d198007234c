// CheckValue: an answer against a CompiledSchema. Recursion is bounded (kMaxCheckDepth) and so is
// the work (kMaxCheckSteps subschemas applied), whatever the schema and the answer; patterns run
// in RE2 (linear time); uniqueItems hashes instead of comparing every pair.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "harness/core/formats/error_text.h"
#include "harness/core/schema/schema_model.h"

namespace taskcost::schema {
namespace {

bool IsInteger(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double d = value.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

std::string TypeOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::null:
      return "null";
    default:
      return IsInteger(value) ? "integer" : "number";
  }
}

bool TypeMatches(uint8_t types, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return types & kNullType;
    case Json::value_t::boolean:
      return types & kBooleanType;
    case Json::value_t::object:
      return types & kObjectType;
    case Json::value_t::array:
      return types & kArrayType;
    case Json::value_t::string:
      return types & kStringType;
    default:
      return (types & kNumberType) || ((types & kIntegerType) && IsInteger(value));
  }
}

// "integer", "string or null", "array, object or null".
std::string TypeListText(uint8_t types) {
  static const std::pair<uint8_t, const char*> kNames[] = {
      {kArrayType, "array"},   {kBooleanType, "boolean"}, {kIntegerType, "integer"},
      {kNumberType, "number"}, {kObjectType, "object"},   {kStringType, "string"},
      {kNullType, "null"},
  };
  std::vector<std::string> names;
  for (const auto& [bit, name] : kNames) {
    if (types & bit) names.emplace_back(name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// A value as a message shows it: scalars written out (cut to 60 characters), containers by size.
std::string Shown(const Json& value) {
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " items";
  if (value.is_object()) return "an object";
  if (value.is_string()) return Quoted(value.get_ref<const std::string&>());
  return value.dump();
}

// "billing", "account", "bug"; "the 40 values listed" when that would be long.
std::string EnumText(const std::vector<Json>& values) {
  std::string text;
  for (const Json& value : values) {
    if (!text.empty()) text += ", ";
    text += Shown(value);
    if (text.size() > 120) return "the " + std::to_string(values.size()) + " values listed";
  }
  return text;
}

// -1, 0 or 1 as a < b, a == b, a > b. Integers compare exactly; otherwise as long double.
int CompareNumbers(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_negative = a.is_number_unsigned() ? false : a.get<int64_t>() < 0;
    const bool b_negative = b.is_number_unsigned() ? false : b.get<int64_t>() < 0;
    if (a_negative != b_negative) return a_negative ? -1 : 1;
    if (a_negative) {
      const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const uint64_t x = a.get<uint64_t>(), y = b.get<uint64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const long double x = a.get<long double>(), y = b.get<long double>();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool IsMultipleOf(const Json& value, const Json& divisor) {
  if (value.is_number_integer() && divisor.is_number_integer()) {
    const __int128 v = value.is_number_unsigned() ? __int128(value.get<uint64_t>())
                                                  : __int128(value.get<int64_t>());
    const __int128 d = divisor.is_number_unsigned() ? __int128(divisor.get<uint64_t>())
                                                    : __int128(divisor.get<int64_t>());
    return d != 0 && v % d == 0;
  }
  const double quotient = value.get<double>() / divisor.get<double>();
  if (!std::isfinite(quotient)) return false;
  return std::fabs(quotient - std::nearbyint(quotient)) <=
         1e-9 * std::max(1.0, std::fabs(quotient));
}

// Unicode code points of UTF-8 text (the answer parsed, so the text is valid UTF-8).
uint64_t CodePoints(const std::string& text) {
  return static_cast<uint64_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A hash that agrees with nlohmann's ==: 1 and 1.0 hash alike, object key order is canonical.
size_t HashOf(const Json& value) {
  const size_t kind =
      static_cast<size_t>(value.is_number() ? Json::value_t::number_float : value.type());
  size_t h = std::hash<size_t>()(kind);
  auto mix = [&h](size_t x) { h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  if (value.is_number()) {
    mix(std::hash<double>()(value.get<double>()));
  } else if (value.is_string()) {
    mix(std::hash<std::string>()(value.get_ref<const std::string&>()));
  } else if (value.is_boolean()) {
    mix(value.get<bool>() ? 1 : 2);
  } else if (value.is_array()) {
    for (const Json& item : value) mix(HashOf(item));
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      mix(std::hash<std::string>()(it.key()));
      mix(HashOf(it.value()));
    }
  }
  return h;
}

// Two equal items, or nullopt. Sorted by hash, then by value (nlohmann's < agrees with its ==),
// equal items end up side by side: O(n log n), never a comparison of every pair.
std::optional<std::pair<size_t, size_t>> FindDuplicate(const Json& array) {
  std::vector<std::pair<size_t, size_t>> hashed;  // (hash, index)
  hashed.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) hashed.emplace_back(HashOf(array[i]), i);
  std::sort(hashed.begin(), hashed.end(), [&array](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (array[a.second] < array[b.second]) return true;
    if (array[b.second] < array[a.second]) return false;
    return a.second < b.second;
  });
  for (size_t i = 1; i < hashed.size(); ++i) {
    if (hashed[i].first == hashed[i - 1].first &&
        array[hashed[i].second] == array[hashed[i - 1].second]) {
      return std::make_pair(hashed[i - 1].second, hashed[i].second);
    }
  }
  return std::nullopt;
}

// The deepest nesting of `value` (a scalar is 1), counted without recursion, stopping past `limit`.
int DepthOf(const Json& value, int limit) {
  std::vector<std::pair<const Json*, int>> stack = {{&value, 1}};
  int deepest = 0;
  while (!stack.empty()) {
    auto [at, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (deepest > limit) return deepest;
    if (at->is_array() || at->is_object()) {
      for (const Json& child : *at) stack.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

class Checker {
 public:
  explicit Checker(std::vector<std::string>& errors) : errors_(errors) {}

  bool Check(const SchemaNode& node, const Json& value);
  void Finish();

 private:
  struct Step {
    const std::string* key = nullptr;  // the property's name, or null for an array index
    size_t index = 0;
  };

  bool CheckValueKeywords(const SchemaNode& node, const Json& value);
  bool CheckNumber(const SchemaNode& node, const Json& value);
  bool CheckString(const SchemaNode& node, const std::string& text);
  bool CheckArray(const SchemaNode& node, const Json& array);
  bool CheckContains(const SchemaNode& node, const Json& array);
  bool CheckObject(const SchemaNode& node, const Json& object);
  bool CheckProperty(const SchemaNode& node, const std::string& key, const Json& value);
  bool CheckDependencies(const SchemaNode& node, const Json& object);
  bool CheckLogic(const SchemaNode& node, const Json& value);
  bool CheckOneOf(const SchemaNode& node, const Json& value);

  bool CheckChild(const SchemaNode& node, const Json& value, Step step) {
    path_.push_back(step);
    const bool ok = Check(node, value);
    path_.pop_back();
    return ok;
  }
  // Whether `node` accepts `value`, without reporting why not.
  bool Matches(const SchemaNode& node, const Json& value) {
    ++quiet_;
    const bool ok = Check(node, value);
    --quiet_;
    return ok;
  }
  bool quiet() const { return quiet_ > 0 || !abort_.empty(); }

  // Reports `message()` at the current path (unless checking quietly); returns false.
  template <class Message>
  bool Fail(Message&& message) {
    if (quiet()) return false;
    if (errors_.size() < kMaxErrors) {
      errors_.push_back(PathText() + ": " + message());
    } else {
      ++unlisted_;
    }
    return false;
  }
  bool Abort(const std::string& reason) {
    if (abort_.empty()) abort_ = PathText() + ": not checked against the schema: " + reason;
    return false;
  }
  std::string PathText() const;

  std::vector<std::string>& errors_;
  std::vector<Step> path_;
  int depth_ = 0;
  int quiet_ = 0;
  int64_t steps_ = 0;
  size_t unlisted_ = 0;
  std::string abort_;
};

std::string Checker::PathText() const {
  std::string out;
  for (const Step& step : path_) {
    out += "/";
    out += step.key != nullptr ? EscapePointerToken(*step.key) : std::to_string(step.index);
  }
  return out.empty() ? "/" : out;
}

void Checker::Finish() {
  if (!abort_.empty()) {
    errors_ = {abort_};
  } else if (unlisted_ > 0) {
    errors_.push_back("... and " + std::to_string(unlisted_) + " more errors not listed");
  }
}

bool Checker::Check(const SchemaNode& node, const Json& value) {
  if (!abort_.empty()) return false;
  if (++steps_ > kMaxCheckSteps) {
    return Abort("the schema needs more than " + std::to_string(kMaxCheckSteps) +
                 " steps for this answer");
  }
  if (depth_ >= kMaxCheckDepth) {
    return Abort("subschemas nest more than " + std::to_string(kMaxCheckDepth) + " levels deep");
  }
  ++depth_;
  bool ok = true;
  if (node.constant) {
    ok = *node.constant ||
         Fail([] { return std::string("no value is allowed here (false schema)"); });
  } else {
    if (node.ref != nullptr) ok = Check(*node.ref, value);
    if (ok || !quiet()) ok = CheckValueKeywords(node, value) && ok;
    if (ok || !quiet()) ok = CheckLogic(node, value) && ok;
  }
  --depth_;
  return ok;
}

bool Checker::CheckValueKeywords(const SchemaNode& node, const Json& value) {
  bool ok = true;
  if (node.types != 0 && !TypeMatches(node.types, value)) {
    ok = Fail([&] { return "expected " + TypeListText(node.types) + ", got " + TypeOf(value); });
    if (quiet()) return false;
  }
  if (node.enum_values && std::find(node.enum_values->begin(), node.enum_values->end(), value) ==
                              node.enum_values->end()) {
    ok = Fail(
        [&] { return Shown(value) + " is not one of " + EnumText(*node.enum_values) + " (enum)"; });
    if (quiet()) return false;
  }
  if (node.const_value && *node.const_value != value) {
    ok = Fail(
        [&] { return "expected " + Shown(*node.const_value) + " (const), got " + Shown(value); });
    if (quiet()) return false;
  }
  if (value.is_number()) return CheckNumber(node, value) && ok;
  if (value.is_string()) return CheckString(node, value.get_ref<const std::string&>()) && ok;
  if (value.is_array()) return CheckArray(node, value) && ok;
  if (value.is_object()) return CheckObject(node, value) && ok;
  return ok;
}

bool Checker::CheckNumber(const SchemaNode& node, const Json& value) {
  struct Limit {
    const std::optional<Json>* bound;
    bool (*holds)(int);  // of CompareNumbers(value, bound)
    const char* words;
  };
  const Limit limits[] = {
      {&node.minimum, [](int c) { return c >= 0; }, "less than the minimum"},
      {&node.maximum, [](int c) { return c <= 0; }, "greater than the maximum"},
      {&node.exclusive_minimum, [](int c) { return c > 0; }, "not greater than exclusiveMinimum"},
      {&node.exclusive_maximum, [](int c) { return c < 0; }, "not less than exclusiveMaximum"},
  };
  bool ok = true;
  for (const Limit& limit : limits) {
    if (!*limit.bound || limit.holds(CompareNumbers(value, **limit.bound))) continue;
    ok = Fail([&] { return value.dump() + " is " + limit.words + " " + (*limit.bound)->dump(); });
    if (quiet()) return false;
  }
  if (node.multiple_of && !IsMultipleOf(value, *node.multiple_of)) {
    ok = Fail([&] { return value.dump() + " is not a multiple of " + node.multiple_of->dump(); });
  }
  return ok;
}

bool Checker::CheckString(const SchemaNode& node, const std::string& text) {
  bool ok = true;
  if (node.min_length || node.max_length) {
    const uint64_t length = CodePoints(text);
    if (node.min_length && length < *node.min_length) {
      ok = Fail([&] {
        return "text of " + std::to_string(length) + " characters is shorter than minLength " +
               std::to_string(*node.min_length);
      });
    }
    if (node.max_length && length > *node.max_length) {
      ok = Fail([&] {
        return "text of " + std::to_string(length) + " characters is longer than maxLength " +
               std::to_string(*node.max_length);
      });
    }
    if (!ok && quiet()) return false;
  }
  if (node.pattern && !RE2::PartialMatch(text, *node.pattern)) {
    ok = Fail([&] {
      return Quoted(text) + " does not match the pattern " + Quoted(node.pattern->pattern());
    });
    if (quiet()) return false;
  }
  if (node.format != Format::kNone && !FormatMatches(node.format, text)) {
    ok = Fail([&] { return Quoted(text) + " is not a valid " + node.format_name + " (format)"; });
  }
  return ok;
}

bool Checker::CheckArray(const SchemaNode& node, const Json& array) {
  bool ok = true;
  const uint64_t size = array.size();
  if (node.min_items && size < *node.min_items) {
    ok = Fail([&] {
      return "array of " + std::to_string(size) + " items is shorter than minItems " +
             std::to_string(*node.min_items);
    });
  }
  if (node.max_items && size > *node.max_items) {
    ok = Fail([&] {
      return "array of " + std::to_string(size) + " items is longer than maxItems " +
             std::to_string(*node.max_items);
    });
  }
  if (!ok && quiet()) return false;
  if (node.unique_items) {
    if (auto duplicate = FindDuplicate(array)) {
      ok = Fail([&] {
        return "items " + std::to_string(duplicate->first) + " and " +
               std::to_string(duplicate->second) + " are equal (uniqueItems)";
      });
      if (quiet()) return false;
    }
  }
  for (size_t i = 0; i < array.size(); ++i) {
    const SchemaNode* schema = i < node.prefix_items.size() ? node.prefix_items[i] : node.items;
    if (schema == nullptr) continue;
    if (schema->constant == false && i >= node.prefix_items.size() && !node.prefix_items.empty()) {
      path_.push_back(Step{nullptr, i});
      ok = Fail([&] {
        return "not allowed: the schema lists " + std::to_string(node.prefix_items.size()) +
               " items and no more";
      });
      path_.pop_back();
    } else {
      ok = CheckChild(*schema, array[i], Step{nullptr, i}) && ok;
    }
    if (!ok && quiet()) return false;
  }
  return CheckContains(node, array) && ok;
}

bool Checker::CheckContains(const SchemaNode& node, const Json& array) {
  if (node.contains == nullptr) return true;
  uint64_t matching = 0;
  for (const Json& item : array) {
    if (Matches(*node.contains, item)) ++matching;
    if (!abort_.empty()) return false;
  }
  const uint64_t least = node.min_contains.value_or(1);
  if (matching < least) {
    return Fail([&] {
      return least == 1 ? std::string("no item matches the \"contains\" schema")
                        : std::to_string(matching) +
                              " items match the \"contains\" schema, fewer than minContains " +
                              std::to_string(least);
    });
  }
  if (node.max_contains && matching > *node.max_contains) {
    return Fail([&] {
      return std::to_string(matching) +
             " items match the \"contains\" schema, more than maxContains " +
             std::to_string(*node.max_contains);
    });
  }
  return true;
}

bool Checker::CheckObject(const SchemaNode& node, const Json& object) {
  bool ok = true;
  const uint64_t size = object.size();
  if (node.min_properties && size < *node.min_properties) {
    ok = Fail([&] {
      return "object of " + std::to_string(size) + " properties has fewer than minProperties " +
             std::to_string(*node.min_properties);
    });
  }
  if (node.max_properties && size > *node.max_properties) {
    ok = Fail([&] {
      return "object of " + std::to_string(size) + " properties has more than maxProperties " +
             std::to_string(*node.max_properties);
    });
  }
  for (const std::string& name : node.required) {
    if (!object.contains(name))
      ok = Fail([&] { return "missing required property " + Quoted(name); });
  }
  if (!ok && quiet()) return false;
  for (auto it = object.begin(); it != object.end(); ++it) {
    ok = CheckProperty(node, it.key(), it.value()) && ok;
    if (!ok && quiet()) return false;
  }
  return CheckDependencies(node, object) && ok;
}

bool Checker::CheckProperty(const SchemaNode& node, const std::string& key, const Json& value) {
  bool ok = true;
  bool described = false;
  if (auto it = node.properties.find(key); it != node.properties.end()) {
    described = true;
    ok = CheckChild(*it->second, value, Step{&key, 0});
  }
  for (const PatternSchema& pattern : node.pattern_properties) {
    if (!RE2::PartialMatch(key, *pattern.regex)) continue;
    described = true;
    ok = CheckChild(*pattern.schema, value, Step{&key, 0}) && ok;
    if (!ok && quiet()) return false;
  }
  if (!described && node.additional_properties != nullptr) {
    if (node.additional_properties->constant == false) {
      path_.push_back(Step{&key, 0});
      ok = Fail([] {
        return std::string("property not allowed (not listed, and additionalProperties is false)");
      });
      path_.pop_back();
    } else {
      ok = CheckChild(*node.additional_properties, value, Step{&key, 0}) && ok;
    }
  }
  if (node.property_names != nullptr && !Matches(*node.property_names, Json(key))) {
    path_.push_back(Step{&key, 0});
    ok = Fail([] { return std::string("this property's name does not match \"propertyNames\""); });
    path_.pop_back();
  }
  return ok;
}

bool Checker::CheckDependencies(const SchemaNode& node, const Json& object) {
  bool ok = true;
  for (const Dependency& dependency : node.dependencies) {
    if (!object.contains(dependency.property)) continue;
    for (const std::string& name : dependency.required) {
      if (object.contains(name)) continue;
      ok = Fail([&] {
        return "property " + Quoted(dependency.property) + " requires property " + Quoted(name);
      });
    }
    if (dependency.schema != nullptr) ok = Check(*dependency.schema, object) && ok;
    if (!ok && quiet()) return false;
  }
  return ok;
}

bool Checker::CheckLogic(const SchemaNode& node, const Json& value) {
  bool ok = true;
  for (const SchemaNode* each : node.all_of) {
    ok = Check(*each, value) && ok;
    if (!ok && quiet()) return false;
  }
  if (!node.any_of.empty()) {
    const bool any = std::any_of(node.any_of.begin(), node.any_of.end(),
                                 [&](const SchemaNode* each) { return Matches(*each, value); });
    if (!any)
      ok = Fail([&] {
        return "matches none of the " + std::to_string(node.any_of.size()) +
               " schemas of \"anyOf\"";
      });
    if (!ok && quiet()) return false;
  }
  if (!node.one_of.empty()) ok = CheckOneOf(node, value) && ok;
  if (node.not_schema != nullptr && Matches(*node.not_schema, value)) {
    ok = Fail([] { return std::string("matches the schema of \"not\""); });
  }
  if (!ok && quiet()) return false;
  if (node.if_schema != nullptr) {
    const SchemaNode* branch =
        Matches(*node.if_schema, value) ? node.then_schema : node.else_schema;
    if (branch != nullptr) ok = Check(*branch, value) && ok;
  }
  return ok;
}

bool Checker::CheckOneOf(const SchemaNode& node, const Json& value) {
  std::vector<size_t> matching;
  for (size_t i = 0; i < node.one_of.size() && matching.size() < 2; ++i) {
    if (Matches(*node.one_of[i], value)) matching.push_back(i);
  }
  if (matching.size() == 1) return true;
  if (matching.empty()) {
    return Fail([&] {
      return "matches none of the " + std::to_string(node.one_of.size()) + " schemas of \"oneOf\"";
    });
  }
  return Fail([&] {
    return "matches schemas " + std::to_string(matching[0]) + " and " +
           std::to_string(matching[1]) + " of \"oneOf\"; exactly one must match";
  });
}

}  // namespace

std::vector<std::string> CheckValue(const CompiledSchema& schema, const Json& value) {
  if (DepthOf(value, kMaxAnswerDepth) > kMaxAnswerDepth) {
    return {"/: not checked against the schema: the answer nests more than " +
            std::to_string(kMaxAnswerDepth) + " levels deep"};
  }
  std::vector<std::string> errors;
  Checker checker(errors);
  checker.Check(*schema.root(), value);
  checker.Finish();
  return errors;
}

}  // namespace taskcost::schema
