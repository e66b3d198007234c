// {{field}} templating of prompts and expected values from a sample's fields.
// Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// Fills every {{name}} (whitespace inside the braces allowed) from sample.fields.
/// A missing field is an error naming the sample id, its location and the field.
Result<std::string> RenderTemplate(std::string_view text, const Sample& sample);

/// The field names a template uses, in order of first use.
std::vector<std::string> TemplateFields(std::string_view text);

/// Checks the template's syntax: every "{{" closed by "}}", no empty or braced names.
/// Errors carry only a message ("unclosed \"{{\" at \"{{ticket\""); callers add the location.
Status CheckTemplate(std::string_view text);

/// `sample "t-17" has no field "custmer", did you mean "customer"?` at the sample's location.
Error MissingFieldError(const Sample& sample, const std::string& field);

}  // namespace taskcost
