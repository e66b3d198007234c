// Writing a price catalog back as prices.yaml text (the format docs/configs.md specifies), with
// every price exact: a Money per token is printed as USD per 1M tokens with up to 6 decimals.
// Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/money.h"
#include "harness/core/prices/pricing.h"

namespace taskcost {

/// A price per token as exact USD per 1M tokens with at least two decimals:
/// 2,500,000 pUSD per token -> "2.50"; 25,000 -> "0.025"; 0 -> "0.00".
std::string PerMillionText(Money per_token);

/// The catalog as prices.yaml text, models in catalog order, each optional rate written only
/// when set. `comment` (may be empty) opens the file as "# " lines. ParsePriceCatalog reads the
/// result back to the same prices.
std::string PriceCatalogToYaml(const PriceCatalog& catalog, const std::string& comment);

/// The rates of `after` that differ from `before`, as "input $2.00 -> $2.20" items (USD per 1M
/// tokens). An optional rate set on one side only is compared with the rate it falls back to on
/// the other; one unset on both sides follows its base rate and is not listed. Empty when equal.
std::vector<std::string> RateChanges(const ModelPrice& before, const ModelPrice& after);

}  // namespace taskcost
