// YamlReader::JsonText: YAML nodes to compact JSON under the YAML 1.2 core schema.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/yaml_util.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

// YAML 1.2 core schema forms, matched by hand: std::regex recurses once per character and
// overflows the stack on a long scalar.
bool IsDigits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view WithoutSign(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return text;
}

// [-+]?[0-9]+
bool IsIntegerText(std::string_view text) { return IsDigits(WithoutSign(text)); }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloatText(std::string_view text) {
  text = WithoutSign(text);
  const size_t e = text.find_first_of("eE");
  if (e != std::string_view::npos && !IsDigits(WithoutSign(text.substr(e + 1)))) return false;
  const std::string_view mantissa = text.substr(0, e);
  const size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return IsDigits(mantissa);
  const std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return IsDigits(fraction);
  return IsDigits(whole) && (fraction.empty() || IsDigits(fraction));
}

// [-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)
bool IsInfinityOrNan(std::string_view text) {
  const std::string_view inf = WithoutSign(text);
  return inf == ".inf" || inf == ".Inf" || inf == ".INF" || text == ".nan" || text == ".NaN" ||
         text == ".NAN";
}

// A number's text as a JSON float; nullopt past a double's range (1e999), which JSON text
// written by us could not hold either.
std::optional<Json> FloatToJson(const std::string& text) {
  const double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return Json(value);
}

// A plain scalar resolved as YAML 1.2's core schema does; nullopt for .inf and .nan, which
// JSON cannot hold, and for numbers too large for a double.
std::optional<Json> PlainScalarToJson(const std::string& text) {
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") return Json(nullptr);
  if (text == "true" || text == "True" || text == "TRUE") return Json(true);
  if (text == "false" || text == "False" || text == "FALSE") return Json(false);
  if (IsIntegerText(text)) {
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec == std::errc() && ptr == text.data() + text.size()) return Json(value);
    return FloatToJson(text);  // beyond int64: a JSON float
  }
  if (IsFloatText(text)) return FloatToJson(text);
  if (IsInfinityOrNan(text)) return std::nullopt;
  return Json(text);
}

class Converter {
 public:
  explicit Converter(YamlReader& reader) : reader_(reader) {}

  std::optional<Json> Convert(const YAML::Node& node, const std::string& path) {
    if (depth_ >= kMaxDepth) {  // also ends an alias that refers to itself: &a [*a]
      too_deep_ = true;
      return std::nullopt;
    }
    ++depth_;
    std::optional<Json> json = ConvertAny(node, path);
    --depth_;
    return json;
  }

  bool too_deep() const { return too_deep_; }

 private:
  static constexpr int kMaxDepth = kMaxYamlDepth;

  std::optional<Json> ConvertAny(const YAML::Node& node, const std::string& path) {
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return ConvertScalar(node, path);
      case YAML::NodeType::Sequence:
        return ConvertList(node, path);
      case YAML::NodeType::Map:
        return ConvertMap(node, path);
      default:
        return Json(nullptr);
    }
  }

  void Fail(const YAML::Node& at, const std::string& path, std::string message) {
    reader_.Add(MakeError(std::move(message), path, reader_.Where(at)));
  }

  std::optional<Json> ConvertScalar(const YAML::Node& node, const std::string& path) {
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return Json(node.Scalar());
    std::optional<Json> value = PlainScalarToJson(node.Scalar());
    if (!value && IsFloatText(node.Scalar())) {
      Fail(node, path, "the number " + node.Scalar() + " is too large to hold");
    } else if (!value) {
      Fail(node, path, Quoted(node.Scalar()) + " has no JSON equivalent");
    }
    return value;
  }

  std::optional<Json> ConvertList(const YAML::Node& node, const std::string& path) {
    Json out = Json::array();
    bool ok = true;
    for (size_t i = 0; i < node.size(); ++i) {
      std::optional<Json> item = Convert(node[i], IndexPath(path, i));
      ok = ok && item.has_value();
      if (item) out.push_back(std::move(*item));
    }
    return ok ? std::optional<Json>(std::move(out)) : std::nullopt;
  }

  std::optional<Json> ConvertMap(const YAML::Node& node, const std::string& path) {
    Json out = Json::object();
    bool ok = true;
    std::map<std::string, int> first_line;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Fail(it->first, path, "keys must be plain names");
        ok = false;
        continue;
      }
      const std::string& key = it->first.Scalar();
      auto [seen, inserted] = first_line.emplace(key, reader_.Where(it->first).line);
      if (!inserted) {
        Fail(it->first, path,
             "duplicate key " + Quoted(key) + " (first at line " + std::to_string(seen->second) +
                 ")");
        ok = false;
        continue;
      }
      std::optional<Json> value = Convert(it->second, FieldPath(path, key));
      ok = ok && value.has_value();
      // Keys were checked distinct above: appended in order (operator[] searches them all).
      if (value) out.get_ref<Json::object_t&>().emplace_back(key, std::move(*value));
    }
    return ok ? std::optional<Json>(std::move(out)) : std::nullopt;
  }

  YamlReader& reader_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

std::optional<std::string> YamlReader::JsonText(const YamlField& field) {
  if (!field.present) return std::nullopt;
  Converter converter(*this);
  std::optional<Json> json = converter.Convert(field.node, field.path);
  if (converter.too_deep()) {
    Fail(field, "nested more than " + std::to_string(kMaxYamlDepth) +
                    " levels deep once its aliases are expanded");
  }
  if (!json) return std::nullopt;
  try {
    return json->dump();
  } catch (const nlohmann::json::exception&) {
    Fail(field, "not valid UTF-8 text");
    return std::nullopt;
  }
}

}  // namespace taskcost
