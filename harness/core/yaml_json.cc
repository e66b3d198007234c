// YamlReader::JsonText: YAML nodes to compact JSON under the YAML 1.2 core schema.
#include <charconv>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/core/error_text.h"
#include "harness/core/yaml_util.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

// The core schema's patterns, matched by hand in one pass (std::regex recursed once per
// character and overflowed the stack on a 300,000-digit scalar).
size_t DigitsAt(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  return end - at;
}

size_t SignAt(std::string_view text) {
  return !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
}

// [-+]?[0-9]+
bool IsInteger(std::string_view text) {
  const size_t sign = SignAt(text);
  return text.size() > sign && DigitsAt(text, sign) == text.size() - sign;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloat(std::string_view text) {
  size_t at = SignAt(text);
  const size_t whole = DigitsAt(text, at);
  at += whole;
  size_t fraction = 0;
  const bool point = at < text.size() && text[at] == '.';
  if (point) {
    fraction = DigitsAt(text, at + 1);
    at += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    const size_t exponent_sign = SignAt(text.substr(at + 1));
    const size_t exponent = DigitsAt(text, at + 1 + exponent_sign);
    if (exponent == 0) return false;
    at += 1 + exponent_sign + exponent;
  }
  return at == text.size();
}

// [-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)
bool IsInfinityOrNan(std::string_view text) {
  for (std::string_view word : {".nan", ".NaN", ".NAN"}) {
    if (text == word) return true;
  }
  std::string_view unsigned_text = text.substr(SignAt(text));
  for (std::string_view word : {".inf", ".Inf", ".INF"}) {
    if (unsigned_text == word) return true;
  }
  return false;
}

// A plain scalar resolved as YAML 1.2's core schema does; nullopt for .inf and .nan, which
// JSON cannot hold.
std::optional<Json> PlainScalarToJson(const std::string& text) {
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") return Json(nullptr);
  if (text == "true" || text == "True" || text == "TRUE") return Json(true);
  if (text == "false" || text == "False" || text == "FALSE") return Json(false);
  if (IsInteger(text)) {
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec == std::errc() && ptr == text.data() + text.size()) return Json(value);
    return Json(std::strtod(text.c_str(), nullptr));  // beyond int64: a JSON float
  }
  if (IsFloat(text)) {
    return Json(std::strtod(text.c_str(), nullptr));
  }
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
  static constexpr int kMaxDepth = 100;

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
    if (!value) Fail(node, path, Quoted(node.Scalar()) + " has no JSON equivalent");
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
      if (value) out[key] = std::move(*value);
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
    Fail(field, "nested too deeply, or an alias refers to a value that contains it");
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
