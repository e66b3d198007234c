// Re-pricing a recorded run: every attempt's cost recomputed from its recorded usage under other
// prices ("what would last week's run cost at today's prices, or on the batch tier?"), and the
// gate's price-versus-usage attribution. Pure functions; not synchronised.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/core/model/attempt.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/model/result.h"
#include "harness/core/loading/run_manifest.h"

namespace taskcost {

/// Prices by candidate id. A cascade's or chain's calls are priced at their step's candidate's
/// entry (ManifestStep::candidate), which may be a candidate the run did not include.
using CandidatePrices = std::map<std::string, ModelPrice>;

/// The prices the run recorded: every candidate's, and every step's candidate's (from
/// run.json's steps; a member left out of the run by --candidates included).
CandidatePrices RecordedPrices(const RunManifest& manifest);

/// A run as if it had been priced differently: the manifest's prices replaced and every
/// attempt's cost recomputed with CallCost from its recorded usage.
struct PricedRun {
  RunManifest manifest;
  std::vector<Attempt> attempts;
};

/// The price each manifest candidate (and each recorded step's candidate) gets from `catalog`,
/// looked up by the catalog key the run used (price.model). Fails naming every key the catalog
/// lacks, with a suggestion for a near miss.
Result<CandidatePrices> PricesFromCatalog(const RunManifest& manifest, const PriceCatalog& catalog);

/// The batch tier of a price: input and output (reasoning too) cut by batch_discount_percent,
/// rounded half away from zero to the picodollar per token; cache reads and writes keep their
/// own rates when set. The result has batch_discount_percent 0.
ModelPrice BatchTier(const ModelPrice& price);

/// The run re-priced: candidates in `prices` get the new price and their attempts new costs;
/// a cascade's or chain's attempt is priced as its step's candidate (StepsOf), its recorded
/// steps' prices replaced too; an LLM judge's calls at the judge's entry (its id,
/// "judge(tone)"). Attempts whose candidate (or step's candidate) is not in
/// `prices` are left as recorded.
PricedRun Reprice(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                  const CandidatePrices& prices);

/// One line per candidate comparing the recorded total with the re-priced one:
/// "  big    $0.032 -> $0.016 (-50.0%)  m-big: input $5.00 -> $2.50, output $15.00 -> $7.50 per
/// 1M".
std::string RepriceSummary(const PricedRun& recorded, const PricedRun& repriced);
}  // namespace taskcost
