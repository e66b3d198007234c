#include "harness/core/loading/prompt_template.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/json_check.h"

namespace taskcost {
namespace {

struct Placeholder {
  size_t begin = 0;  // offset of "{{"
  size_t end = 0;    // offset just past "}}"
  std::string name;  // trimmed
};

struct Scan {
  std::vector<Placeholder> placeholders;  // the well-formed ones
  Errors errors;
};

std::string Trim(std::string_view text) {
  const char* space = " \t\r\n";
  size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return "";
  size_t last = text.find_last_not_of(space);
  return std::string(text.substr(first, last - first + 1));
}

Scan ScanTemplate(std::string_view text) {
  Scan scan;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    size_t close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) {
      scan.errors.push_back(MakeError("unclosed \"{{\" at " + Quoted(text.substr(pos, 20))));
      break;
    }
    std::string name = Trim(text.substr(pos + 2, close - pos - 2));
    std::string_view whole = text.substr(pos, close + 2 - pos);
    if (name.empty()) {
      scan.errors.push_back(MakeError("empty placeholder " + Quoted(whole)));
    } else if (name.find_first_of("{}") != std::string::npos) {
      scan.errors.push_back(MakeError("placeholder " + Quoted(whole) + " may not contain braces"));
    } else {
      scan.placeholders.push_back(Placeholder{pos, close + 2, std::move(name)});
    }
    pos = close + 2;
  }
  return scan;
}

std::vector<std::string> FieldNames(const Sample& sample) {
  std::vector<std::string> names;
  for (const auto& [name, value] : sample.fields) names.push_back(name);
  return names;
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view text, const Sample& sample) {
  Scan scan = ScanTemplate(text);
  if (!scan.errors.empty()) return scan.errors;
  std::string out;
  Errors missing;
  size_t copied = 0;
  for (const Placeholder& p : scan.placeholders) {
    out.append(text.substr(copied, p.begin - copied));
    copied = p.end;
    auto value = sample.fields.find(p.name);
    if (value == sample.fields.end()) {
      missing.push_back(MissingFieldError(sample, p.name));
    } else {
      out += value->second;
    }
  }
  if (!missing.empty()) return missing;
  out.append(text.substr(copied));
  return out;
}

std::vector<std::string> TemplateFields(std::string_view text) {
  std::vector<std::string> names;
  for (const Placeholder& p : ScanTemplate(text).placeholders) {
    if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  }
  return names;
}

Status CheckTemplate(std::string_view text) {
  Scan scan = ScanTemplate(text);
  if (!scan.errors.empty()) return scan.errors;
  return OkStatus();
}

Error MissingFieldError(const Sample& sample, const std::string& field) {
  return MakeError("sample " + Quoted(sample.id) + " has no field " + Quoted(field) +
                       DidYouMean(field, FieldNames(sample)),
                   "", sample.where);
}

namespace {

// One item of an inserted list, or a message saying what is wrong with it.
std::optional<std::string> ReadInsertedItem(const nlohmann::json& item, ChatMessage& out) {
  if (!item.is_object()) return "is not an object {\"role\": ..., \"content\": ...}";
  for (const auto& [key, value] : item.items()) {
    if (key != "role" && key != "content") {
      return "has key " + Quoted(key) + "; expected only \"role\" and \"content\"";
    }
  }
  auto role = item.find("role");
  if (role == item.end() || !role->is_string()) return "has no \"role\" string";
  out.role = role->get<std::string>();
  if (out.role != "user" && out.role != "assistant") {
    return "role " + Quoted(out.role) + " is not \"user\" or \"assistant\"";
  }
  auto content = item.find("content");
  if (content == item.end() || !content->is_string()) return "has no \"content\" string";
  out.content = content->get<std::string>();
  return std::nullopt;
}

}  // namespace

Result<std::vector<ChatMessage>> InsertedMessages(const Sample& sample, const std::string& field) {
  const std::string prefix = "sample " + Quoted(sample.id) + " field " + Quoted(field) + ": ";
  auto fail = [&](const std::string& what) -> Result<std::vector<ChatMessage>> {
    return Errors{MakeError(prefix + what, "", sample.where)};
  };
  auto value = sample.fields.find(field);
  if (value == sample.fields.end()) return Errors{MissingFieldError(sample, field)};
  const nlohmann::json list = ParseJsonFast(value->second);
  if (!list.is_array()) {
    return fail(
        "is not a list of messages (expected [{\"role\": \"user\", \"content\": "
        "\"...\"}, ...])");
  }
  if (list.size() > kMaxInsertedMessages) {
    return fail("holds " + std::to_string(list.size()) + " messages; at most " +
                std::to_string(kMaxInsertedMessages) + " are allowed");
  }
  std::vector<ChatMessage> messages(list.size());
  size_t bytes = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto problem = ReadInsertedItem(list[i], messages[i])) {
      return fail("item " + std::to_string(i) + " " + *problem);
    }
    bytes += messages[i].content.size();
  }
  if (bytes > kMaxInsertedBytes) {
    return fail("its messages hold " + std::to_string(bytes) + " bytes; at most " +
                std::to_string(kMaxInsertedBytes) + " are allowed");
  }
  return messages;
}

Result<std::vector<ChatMessage>> RenderMessages(const PromptTemplate& prompt,
                                                const Sample& sample) {
  std::vector<ChatMessage> out;
  out.reserve(prompt.messages.size());
  for (const PromptMessage& m : prompt.messages) {
    if (!m.insert.empty()) {
      Result<std::vector<ChatMessage>> inserted = InsertedMessages(sample, m.insert);
      if (!inserted.ok()) return inserted.errors();
      for (const ChatMessage& message : *inserted) out.push_back(message);
      continue;
    }
    Result<std::string> content = RenderTemplate(m.content, sample);
    if (!content.ok()) return content.errors();
    out.push_back(ChatMessage{m.role, std::move(content).value()});
  }
  return out;
}

Result<std::string> RenderTaskText(const PromptTemplate& prompt, const Sample& sample) {
  if (!prompt.UsesMessages()) return RenderTemplate(prompt.user, sample);
  Result<std::vector<ChatMessage>> messages = RenderMessages(prompt, sample);
  if (!messages.ok()) return messages.errors();
  std::string text;
  for (const ChatMessage& m : *messages) {
    if (m.role == "system") continue;
    if (!text.empty()) text += "\n\n";
    text += m.role + ": " + m.content;
  }
  return text;
}

}  // namespace taskcost
