#include "harness/core/schema/validate.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "harness/core/schema/schema_model.h"

namespace taskcost {
namespace {

using nlohmann::json;
using schema::OrderedJson;

// nlohmann's what() starts with a library id, "[json.exception.parse_error.101] "; users get
// the part after it.
std::string JsonErrorText(const std::exception& e) {
  std::string_view text = e.what();
  if (!text.empty() && text.front() == '[') {
    size_t end = text.find("] ");
    if (end != std::string_view::npos) text.remove_prefix(end + 2);
  }
  return std::string(text);
}

std::string TooDeepMessage() {
  return "schema nests arrays and objects more than " + std::to_string(schema::kMaxSchemaDepth) +
         " levels deep";
}

}  // namespace

std::optional<SourceLocation> SchemaTooDeepAt(std::string_view text, const std::string& file) {
  int depth = 0;
  bool in_string = false;
  SourceLocation at{file, 1, 1};
  for (size_t i = 0; i < text.size(); ++i, ++at.column) {
    const char c = text[i];
    if (c == '\n') {
      ++at.line;
      at.column = 0;
    } else if (in_string) {
      if (c == '\\') {
        ++i;
        ++at.column;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > schema::kMaxSchemaDepth) return at;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

struct SchemaValidator::Impl {
  std::unique_ptr<schema::CompiledSchema> compiled;  // read-only once built
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;
SchemaValidator::~SchemaValidator() = default;

Result<SchemaValidator> SchemaValidator::Compile(const std::string& schema_json) {
  if (SchemaTooDeepAt(schema_json, "")) return MakeError(TooDeepMessage());
  OrderedJson document;
  try {
    document = OrderedJson::parse(schema_json);
  } catch (const OrderedJson::exception& e) {  // a syntax error, or a number beyond a double
    return MakeError("schema is not JSON: " + JsonErrorText(e));
  }
  if (!document.is_object()) {
    return MakeError("schema must be a JSON object, not " + std::string(document.type_name()));
  }
  Result<std::unique_ptr<schema::CompiledSchema>> compiled = schema::CompileSchema(document);
  if (!compiled.ok()) return compiled.errors();
  auto impl = std::make_unique<Impl>();
  impl->compiled = std::move(compiled).value();
  return SchemaValidator(std::move(impl));
}

std::vector<std::string> SchemaValidator::Validate(std::string_view output_json) const {
  json output;
  try {
    output = json::parse(output_json);
  } catch (const json::exception& e) {  // a syntax error, or a number beyond a double
    return {"output is not JSON: " + JsonErrorText(e)};
  }
  return ValidateParsed(output);
}

std::vector<std::string> SchemaValidator::ValidateParsed(const json& output) const {
  return schema::CheckValue(*impl_->compiled, output);
}

}  // namespace taskcost
