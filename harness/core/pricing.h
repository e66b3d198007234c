// Pricing: the price catalog (configs/prices.yaml) and the exact cost of one call.
// Prices are Money per token, i.e. the integer micro-dollars per million tokens.
// Plain data and pure functions; not synchronised.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/core/attempt.h"
#include "harness/core/money.h"
#include "harness/core/result.h"

namespace taskcost {

struct ModelPrice {
  std::string model;                  // catalog key, usually the provider's model name
  Money input;                        // per uncached input token
  Money output;                       // per output token (reasoning included unless below)
  std::optional<Money> cached_input;  // per cache-read token; unset = billed at `input`
  std::optional<Money> cache_write;   // per cache-creation token; unset = billed at `input`
  std::optional<Money> reasoning;     // per reasoning token when priced apart from output
  int batch_discount_percent = 0;     // e.g. 50 for batch APIs; informational for now
  std::string as_of;                  // date the price was taken, "2026-11-01"
  std::string source;                 // URL of the price page
  SourceLocation where;
};

struct PriceCatalog {
  std::string file;
  std::vector<ModelPrice> models;

  const ModelPrice* Find(const std::string& model) const;
  std::vector<std::string> ModelNames() const;
};

/// Reads a prices.yaml. Errors name file:line:col and the field path.
Result<PriceCatalog> LoadPriceCatalog(const std::string& path);
/// Same, from text (tests); `file` is used in error locations only.
Result<PriceCatalog> ParsePriceCatalog(const std::string& yaml_text, const std::string& file);

/// Exact cost of one call: each kind of token once, at its own price.
Money CallCost(const ModelPrice& price, const Usage& usage);

}  // namespace taskcost
