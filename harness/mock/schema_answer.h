// Schema-driven answers for the simulator (internal): a JSON value that conforms to the request's
// JSON Schema, with mapped fields right or wrong by the accuracy draw and free text sized by the
// output-token model; plus the ways an answer is spoiled (broken JSON, schema violation,
// truncation). Pure functions of their inputs; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/mock/draw.h"
#include "harness/mock/simulator.h"

namespace taskcost::mock {

using Json = nlohmann::ordered_json;

/// What one answer depends on. Pointers must outlive the call; `expected` and `alternatives`
/// may be null (no answers mapping, or no sample matched).
struct AnswerInputs {
  const Draws* draws = nullptr;
  double accuracy = 1;
  const OutputTokenModel* tokens = nullptr;
  const std::map<std::string, Json>* expected = nullptr;  // output field path -> right value
  // output field path -> every distinct value the samples hold, for wrong non-enum answers
  const std::map<std::string, std::vector<Json>>* alternatives = nullptr;
};

struct GeneratedAnswer {
  Json value;
  int64_t free_words = 0;  // words written into free-text string fields
};

/// A value conforming to `schema`: object properties in schema order (required and optional),
/// enum/const, strings (formats date, date-time, time, email, uri, uuid; min/maxLength),
/// integers and numbers within their bounds, booleans, arrays within min/maxItems, nested
/// objects, local $ref, anyOf/oneOf (first non-null branch) and allOf (merged).
GeneratedAnswer GenerateAnswer(const Json& schema, const AnswerInputs& in);

/// The answer when the request has no schema: the mapped fields, then a free-text "answer".
GeneratedAnswer GenerateGenericAnswer(const AnswerInputs& in);

/// Makes `answer` break `schema` while staying valid JSON: an enum field gets a value outside
/// its enum; else a required field goes missing; else a field gets the wrong type.
void ViolateSchema(const Json& schema, Json& answer);

/// Text no JSON parser accepts, derived from valid JSON `text`; `variant` picks the damage
/// (missing closing brace, trailing comma, single quotes).
std::string BreakJson(const std::string& text, uint64_t variant);

/// A proper prefix of `text` (about half), as a cut-off answer.
std::string TruncateJson(const std::string& text);

/// The first JSON Schema object embedded in free text (prompt mode), if any: an object with
/// "properties", "$schema" or "type": "object".
std::optional<Json> FindEmbeddedSchema(std::string_view text);

}  // namespace taskcost::mock
