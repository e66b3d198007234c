// JSON text from a user's file (a samples line, a schema, run.json, an inline sample) parsed with
// bounds: nesting depth, number of values, and numbers a double cannot hold are errors located at
// file:line:col, never a crash, an exception or gigabytes of memory. Key order is kept
// (nlohmann's ordered_json). Internal to core's loaders (it includes nlohmann/json). Pure; safe to
// call from any thread.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/core/model/result.h"

namespace taskcost {

/// The deepest nesting of arrays and objects a user's JSON text may have.
inline constexpr int kMaxUserJsonDepth = 64;
/// The most values (scalars, arrays and objects) one JSON text may hold.
inline constexpr size_t kMaxUserJsonValues = 1'000'000;

/// Parses `text`, which starts at `start` in its file (line 1 for a whole file, line N for line N
/// of a JSONL file). Failures, each at its line and column: "not valid JSON: <the parser's
/// reason>", "nested more than 64 levels deep", "holds more than 1000000 values", "the number
/// 1e999 is too large to hold". An object's repeated key keeps its first place and its last value
/// (as nlohmann's parser does).
Result<nlohmann::ordered_json> ParseUserJson(std::string_view text, const SourceLocation& start,
                                             int max_depth = kMaxUserJsonDepth);

}  // namespace taskcost
