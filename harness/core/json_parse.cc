#include "harness/core/json_parse.h"

#include <cstdio>
#include <string>

namespace taskcost {

Result<nlohmann::ordered_json> ParseJsonAt(std::string_view text, const SourceLocation& start) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    std::string what = e.what();
    int line = 0, column = 0;
    size_t at = what.find("at line ");
    if (at != std::string::npos)
      std::sscanf(what.c_str() + at, "at line %d, column %d", &line, &column);
    size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    SourceLocation where = start;
    if (line > 0) {
      where.line = start.line + line - 1;
      where.column = column;
    }
    return MakeError("not valid JSON: " + reason, "", where);
  }
}

std::string JsonKindName(const nlohmann::ordered_json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "true or false";
  return "null";
}

}  // namespace taskcost
