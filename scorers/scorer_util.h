// Helpers the built-in scorers share (internal to scorers/): expected values rendered
// from a sample, fields found by path, values shown in reasons. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// Fills {{name}} (spaces inside the braces allowed) from the sample's fields; an unknown field
/// is an error naming it.
Result<std::string> RenderExpected(std::string_view text, const Sample& sample);

/// An expected JSON value: `literal_json` (strings in it rendered as templates) when given,
/// else `text` rendered. A string that is exactly one {{path}} takes the sample's value at that
/// path with its JSON type (a number stays a number); other rendered text is parsed as JSON,
/// and kept as a string when it is not JSON.
Result<nlohmann::json> ExpectedJson(const std::string& literal_json, const std::string& text,
                                    const Sample& sample);

/// The value at a field path ("vendor.name", "items[0].sku"); null when a step is missing.
/// "" is the root.
const nlohmann::json* FindField(const nlohmann::json& root, const std::string& path);

/// A string as its text, any other value as compact JSON.
std::string TextOf(const nlohmann::json& value);
/// A value as a reason shows it: strings quoted, others compact, cut to 60 characters.
std::string Shown(const nlohmann::json& value);
/// ASCII lower case.
std::string Lower(std::string_view text);

}  // namespace taskcost
