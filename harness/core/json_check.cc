#include "harness/core/json_check.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <string>

namespace taskcost {

bool IsJsonText(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  thread_local std::string padded;  // simdjson reads up to SIMDJSON_PADDING bytes past the end
  padded.assign(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  if (parser.parse(padded.data(), text.size(), /*realloc_if_needed=*/false).error() ==
      simdjson::SUCCESS) {
    return true;
  }
  return nlohmann::json::accept(text);
}

}  // namespace taskcost
