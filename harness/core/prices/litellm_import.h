// LiteLLM import: reading LiteLLM's model_prices_and_context_window.json (USD per token, keyed
// by model name) into our price catalog. Every price is taken from the exact text of its JSON
// number ("2.5e-06"), never through binary floating point, and what changed against the current
// catalog is reported per model. Pure functions; not synchronised.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/prices/pricing.h"
#include "harness/core/model/result.h"

namespace taskcost {

/// LiteLLM's price fields that map to our catalog: the regular and the batch tier.
inline constexpr const char* kLiteLlmInput = "input_cost_per_token";
inline constexpr const char* kLiteLlmOutput = "output_cost_per_token";
inline constexpr const char* kLiteLlmCacheRead = "cache_read_input_token_cost";
inline constexpr const char* kLiteLlmCacheWrite = "cache_creation_input_token_cost";
inline constexpr const char* kLiteLlmReasoning = "output_cost_per_reasoning_token";
inline constexpr const char* kLiteLlmBatchInput = "input_cost_per_token_batches";
inline constexpr const char* kLiteLlmBatchOutput = "output_cost_per_token_batches";

/// The price fields of one LiteLLM entry.
struct LiteLlmModel {
  std::string key;
  std::map<std::string, std::string> numbers;  // field -> the number's text as written
  std::map<std::string, std::string> invalid;  // field -> what it held instead ("a string")
  bool is_object = true;                       // false when the entry is not a JSON object
};

struct LiteLlmFile {
  std::string file;
  std::vector<LiteLlmModel> models;  // file order; "sample_spec" (the format's example) left out

  const LiteLlmModel* Find(const std::string& key) const;
};

/// Parses the file with a SAX reader that keeps each number's text. Fails on invalid JSON
/// (file:line:col) or when the top level is not an object.
Result<LiteLlmFile> ParseLiteLlm(std::string_view text, const std::string& file);

struct ImportOptions {
  std::vector<std::string> add;  // models to import beyond those the current catalog lists
  bool batch = false;            // input and output at LiteLLM's *_batches rates
  std::string as_of;             // YYYY-MM-DD written on new and changed entries
  std::string source;            // http(s) URL written on new and changed entries
};

enum class ImportStatus { kChanged, kAdded, kUnchanged, kNotInFile };

struct ModelImport {
  std::string model;
  ImportStatus status = ImportStatus::kUnchanged;
  std::vector<std::string> details;  // "input $2.00 -> $2.20", or the new entry's rates
};

struct ImportResult {
  PriceCatalog catalog;             // the current catalog's models (updated), then those added
  std::vector<ModelImport> models;  // same order
};

/// Updates every model of `current` that the file lists (LiteLLM's rates replace ours; a rate
/// LiteLLM lacks falls back as our format says), keeps the others as they are, and adds the
/// `add` models. Fails (naming the model and field) when a needed price is missing, not a
/// number, negative, or finer than a picodollar per token, or an `add` model is not in the file.
Result<ImportResult> ImportLiteLlm(const LiteLlmFile& file, const PriceCatalog& current,
                                   const ImportOptions& options);

/// What changed, one line per model that changed, was added or is not in the file, and a
/// count of the unchanged ones.
std::string RenderImport(const ImportResult& result, const std::string& file_label);

}  // namespace taskcost
