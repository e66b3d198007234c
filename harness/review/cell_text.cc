#include "harness/review/cell_text.h"

#include <nlohmann/json.hpp>

#include "harness/core/formats/json_parse.h"

namespace taskcost {

bool LooksLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string PrettyIfJson(const std::string& text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || (text[start] != '{' && text[start] != '[')) return text;
  // Bounded (json_parse.h): a journal's answer nested too deep is shown as written.
  const std::optional<nlohmann::ordered_json> parsed =
      ParseBoundedJson<nlohmann::ordered_json>(text, nullptr);
  if (!parsed) return text;
  return parsed->dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string FitCell(const std::string& text) {
  size_t chars = 0;
  size_t cut = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == kMaxCellChars) cut = i;
    ++chars;
  }
  if (cut == std::string::npos) return text;
  return text.substr(0, cut) + "\n[... " + std::to_string(chars - kMaxCellChars) +
         " more characters not shown]";
}

std::string CsvField(const std::string& text) {
  const std::string value = LooksLikeFormula(text) ? "'" + text : text;
  if (value.find_first_of(",\"\r\n'") == std::string::npos) return value;
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string UnprefixFormula(const std::string& text) {
  if (text.size() >= 2 && text.front() == '\'' &&
      LooksLikeFormula(std::string_view(text).substr(1))) {
    return text.substr(1);
  }
  return text;
}

}  // namespace taskcost
