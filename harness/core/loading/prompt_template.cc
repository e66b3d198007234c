#include "harness/core/loading/prompt_template.h"

#include <algorithm>

#include "harness/core/formats/error_text.h"

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

}  // namespace taskcost
