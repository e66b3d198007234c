// Parsing JSON text from a user's file into nlohmann's ordered_json (key order kept), with a
// syntax error reported at its file:line:col. Internal to core's loaders (it includes
// nlohmann/json). Pure; safe to call from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/core/result.h"

namespace taskcost {

/// Parses `text`, which starts at `start` in its file (line 1 for a whole file, line N for
/// line N of a JSONL file). Failure: "file:line:col: not valid JSON: <what the parser said>".
Result<nlohmann::ordered_json> ParseJsonAt(std::string_view text, const SourceLocation& start);

/// "an object", "an array", "a string", "a number", "true or false", "null".
std::string JsonKindName(const nlohmann::ordered_json& value);

}  // namespace taskcost
