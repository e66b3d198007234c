// JSON Schema validation of model outputs (docs/schema-support.md): draft 7 by default, with
// patterns matched by RE2 in linear time, depth, $ref cycles and work bounded; the compiled form
// sits behind a pimpl, so this header stays light. Success and quality scorers live in
// scorers/. A compiled validator is immutable and safe to share between threads.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// Where `json_text` first nests arrays and objects deeper than a schema may (256 levels), with
/// `file` and a 1-based line and column; nullopt when it does not. Reads the text without
/// parsing it, so a document nested 100,000 deep is refused before anything recurses over it.
std::optional<SourceLocation> SchemaTooDeepAt(std::string_view json_text, const std::string& file);

class SchemaValidator {
 public:
  /// Compiles a JSON Schema given as JSON text. Fails when the text is not JSON or not a
  /// usable schema: unknown type names, malformed keywords, a keyword taskcost does not
  /// implement, a pattern RE2 cannot compile, a $ref outside the document or in a cycle, nesting
  /// deeper than 256. Each error's path is the JSON Pointer of the keyword at fault.
  static Result<SchemaValidator> Compile(const std::string& schema_json);

  /// Errors of `output_json` against the schema as "/path: description" lines ("" path is the
  /// root, written "/"), at most 20 and then a line counting the rest. Output that is not JSON
  /// gives one error "output is not JSON: ...". An answer nested deeper than 512 levels, or one
  /// that would need more than 5,000,000 subschema checks, gives one error "...: not checked
  /// against the schema: ...". Empty means valid.
  std::vector<std::string> Validate(std::string_view output_json) const;
  /// The same for an output already parsed (nlohmann::json, as json::parse gives it), so a
  /// caller that also scores the answer parses it once.
  std::vector<std::string> ValidateParsed(const nlohmann::json& output) const;

  SchemaValidator(SchemaValidator&&) noexcept;
  SchemaValidator& operator=(SchemaValidator&&) noexcept;
  ~SchemaValidator();

 private:
  struct Impl;
  explicit SchemaValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskcost
