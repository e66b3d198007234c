#include "scorers/scorer_util.h"

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/field_path.h"
#include "harness/core/formats/json_check.h"

namespace taskcost {
namespace {

using nlohmann::json;

std::string_view Trimmed(std::string_view name) {
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  return name;
}

// "{{ total }}" -> "total"; nullopt unless the whole text is one placeholder.
std::optional<std::string> SinglePlaceholder(std::string_view text) {
  if (!text.starts_with("{{") || !text.ends_with("}}") || text.size() < 5) return std::nullopt;
  std::string_view inner = text.substr(2, text.size() - 4);
  if (inner.find("{{") != std::string_view::npos || inner.find("}}") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(Trimmed(inner));
}

Result<json> RenderValue(const std::string& text, const Sample& sample, const json& sample_json) {
  if (std::optional<std::string> name = SinglePlaceholder(text)) {
    if (const json* typed = FindField(sample_json, *name)) return *typed;
  }
  Result<std::string> rendered = RenderExpected(text, sample);
  if (!rendered.ok()) return rendered.errors();
  return json(std::move(rendered).value());
}

Status RenderStrings(json& node, const Sample& sample, const json& sample_json) {
  if (node.is_string()) {
    Result<json> value = RenderValue(node.get<std::string>(), sample, sample_json);
    if (!value.ok()) return value.errors();
    node = std::move(value).value();
  } else if (node.is_structured()) {
    for (json& child : node) {
      Status done = RenderStrings(child, sample, sample_json);
      if (!done.ok()) return done;
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::string> RenderExpected(std::string_view text, const Sample& sample) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out += text.substr(pos, open - pos);
    std::string name(Trimmed(text.substr(open + 2, close - open - 2)));
    auto field = sample.fields.find(name);
    if (field == sample.fields.end()) {
      return MakeError("sample \"" + sample.id + "\" has no field \"" + name + "\"");
    }
    out += field->second;
    pos = close + 2;
  }
  out += text.substr(pos);
  return out;
}

Result<json> ExpectedJson(const std::string& literal_json, const std::string& text,
                          const Sample& sample) {
  // Bounded parses (json_check.h): a sample field holding deep JSON must not reach the
  // scorers' recursive walks.
  const json sample_json = ParseJsonFast(sample.json);
  if (!literal_json.empty()) {
    json value = ParseJsonFast(literal_json);
    if (value.is_discarded()) return MakeError("the expected value is not JSON");
    Status rendered = RenderStrings(value, sample, sample_json);
    if (!rendered.ok()) return rendered.errors();
    return value;
  }
  Result<json> value = RenderValue(text, sample, sample_json);
  if (!value.ok() || !value->is_string()) return value;
  json parsed = ParseJsonFast(value->get<std::string>());
  if (parsed.is_discarded()) return value;
  return parsed;
}

const json* FindField(const json& root, const std::string& path) {
  std::optional<std::vector<std::string>> steps = SplitFieldPath(path);
  if (!steps) return nullptr;
  const json* node = &root;
  for (const std::string& step : *steps) {
    const json* next = nullptr;
    if (node->is_object()) {
      auto it = node->find(step);
      if (it != node->end()) next = &*it;
    } else if (std::optional<size_t> index = StepIndex(step);
               node->is_array() && index && *index < node->size()) {
      next = &(*node)[*index];
    }
    if (next == nullptr) return nullptr;
    node = next;
  }
  return node;
}

std::string TextOf(const json& value) {
  return value.is_string() ? value.get<std::string>()
                           : value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Shown(const json& value) {
  if (value.is_string()) return Quoted(value.get<std::string>());
  std::string text = TextOf(value);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace taskcost
