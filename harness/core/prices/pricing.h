// Pricing: the price catalog (configs/prices.yaml) and the exact cost of one call.
// Prices are Money per token, i.e. the integer micro-dollars per million tokens, or, for a
// self-hosted model, Money per GPU-hour shared by `concurrency` requests at once.
// Plain data and pure functions; not synchronised.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/model/money.h"
#include "harness/core/model/result.h"

namespace taskcost {

struct ModelPrice {
  std::string model;                  // catalog key, usually the provider's model name
  Money input;                        // per uncached input token
  Money output;                       // per output token (reasoning included unless below)
  std::optional<Money> cached_input;  // per cache-read token; unset = billed at `input`
  std::optional<Money> cache_write;   // per cache-creation token; unset = billed at `input`
  std::optional<Money> cache_write_1h;  // per one-hour cache-creation token; unset = cache_write
  std::optional<Money> reasoning;     // per reasoning token when priced apart from output
  int batch_discount_percent = 0;     // e.g. 50 for batch APIs; informational for now
  // The provider's minimum cacheable prompt prefix for the model, in tokens (docs/configs.md);
  // unset when the catalog does not say. Only words a report's caching warning.
  std::optional<int64_t> min_cache_prefix_tokens;
  // Time-priced (self-hosted) model: set instead of the per-token prices, which stay 0.
  std::optional<Money> gpu_hour;      // per GPU-hour; "0" = zero marginal cost
  int64_t concurrency = 1;            // requests the server runs at once (>= 1)
  std::string as_of;                  // date the price was taken, "2026-11-01"
  std::string source;                 // URL of the price page
  SourceLocation where;

  bool TimePriced() const { return gpu_hour.has_value(); }
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

/// Exact cost of one call: each kind of token once, at its own price (a negative count as 0);
/// or, time-priced, latency_us x gpu_hour / 3600 s / concurrency, rounded half away from zero to
/// a picodollar. Never throws: a cost beyond Money's range is Money::Overflow().
Money CallCost(const ModelPrice& price, const Usage& usage, int64_t latency_us);

/// Tokens at one per-token rate: a term of a call's cost.
struct PricedTokens {
  Money per_token;
  int64_t tokens = 0;
};

/// The call's cache writes as CallCost prices them: one-hour writes (at most all the writes) at
/// cache_write_1h, the rest at cache_write; an unset rate is the one it falls back to (1h: the
/// write rate; write: input). Counts below 0 are 0.
std::array<PricedTokens, 2> CacheWriteTerms(const ModelPrice& price, const Usage& usage);

/// The cost of `latency_us` of a time-priced model (0 for a token-priced one); as CallCost.
Money TimeCost(const ModelPrice& price, int64_t latency_us);

/// The counts a call whose reported usage is implausible is priced at (docs/providers.md,
/// "Implausible usage"): each count as reported (an unreadable one as 0), raised to the call's
/// reserved worst case where that is larger (`reserved`: its input and output tokens), output
/// raised to at least the reasoning tokens, each held to kMaxTokensPerCall. Never below the
/// reservation, so the budget, which reserved it, is never surprised by less.
Usage ImplausibleUsagePriced(const Usage& reported, const Usage& reserved);

/// "$2.40 per GPU-hour / 8 concurrent requests" (time-priced models only).
std::string TimePriceText(const ModelPrice& price);

}  // namespace taskcost
