#include "harness/core/reprice.h"

#include <doctest/doctest.h>

#include "harness/core/metrics.h"
#include "tests/core/report_fixture.h"

namespace taskcost {
namespace {

using testing::HandWorkedJournal;
using testing::TwoCandidateManifest;

ModelPrice Price(const std::string& key, int64_t in, int64_t out) {
  ModelPrice p;
  p.model = key;
  p.input = Money::FromPicos(in);
  p.output = Money::FromPicos(out);
  return p;
}

RunManifest Manifest() {
  RunManifest m = TwoCandidateManifest(4);
  m.candidates[0].price = Price("big-model", testing::kBigIn, testing::kBigOut);
  m.candidates[1].price = Price("small-model", testing::kSmallIn, testing::kSmallOut);
  return m;
}

}  // namespace

TEST_CASE("reprice: recorded usage priced at other rates") {
  const RunManifest m = Manifest();
  // big at $1.25 / $5.00 (half): 4,000 in + 400 out = $0.005 + $0.002 = $0.007, half of $0.014.
  const PricedRun run =
      Reprice(m, HandWorkedJournal(), {{"big", Price("big-model", 1'250'000, 5'000'000)}});
  const Report report = ComputeReport(run.manifest, run.attempts);
  CHECK(report.Find("big")->total_cost == Money::ParseUsd("0.007").value());
  CHECK(report.Find("small")->total_cost == Money::ParseUsd("0.00255").value());  // as recorded
  CHECK(run.manifest.candidates[0].price.input == Money::FromPicos(1'250'000));

  CHECK(RepriceSummary({m, HandWorkedJournal()}, run) ==
        "re-priced from recorded usage (total cost per candidate, recorded -> now):\n"
        "  big: $0.014 -> $0.007 (-50.0%); input $2.50 -> $1.25, output $10.00 -> $5.00 per 1M "
        "tokens\n"
        "  small: $0.00255 -> $0.00255 (0.0%); same rates\n");
}

TEST_CASE("reprice: prices come from the catalog by the key the run used") {
  PriceCatalog catalog;
  catalog.file = "new.yaml";
  catalog.models = {Price("big-model", 1, 2), Price("smal-model", 3, 4)};
  Result<CandidatePrices> prices = PricesFromCatalog(Manifest(), catalog);
  REQUIRE_FALSE(prices.ok());
  CHECK(FormatErrors(prices.errors()) ==
        "no price for \"small-model\" (candidate small) in new.yaml, did you mean "
        "\"smal-model\"?");
  catalog.models[1].model = "small-model";
  prices = PricesFromCatalog(Manifest(), catalog);
  REQUIRE(prices.ok());
  CHECK(prices->at("small").input == Money::FromPicos(3));
}

TEST_CASE("reprice: the batch tier takes the discount off input and output only") {
  ModelPrice p = Price("m", 2'500'000, 10'000'000);  // $2.50 / $10.00 per 1M
  p.cache_write = Money::FromPicos(3'125'000);
  p.batch_discount_percent = 50;
  const ModelPrice batch = BatchTier(p);
  CHECK(batch.input == Money::FromPicos(1'250'000));
  CHECK(batch.output == Money::FromPicos(5'000'000));
  CHECK(batch.cached_input == Money::FromPicos(2'500'000));  // unset: the list input rate
  CHECK(batch.cache_write == Money::FromPicos(3'125'000));
  CHECK_FALSE(batch.reasoning.has_value());
  CHECK(batch.batch_discount_percent == 0);
  CHECK(RateChanges(p, batch) ==
        std::vector<std::string>{"input $2.50 -> $1.25", "output $10.00 -> $5.00"});

  SUBCASE("a discount that leaves half a picodollar rounds half away from zero") {
    ModelPrice odd = Price("m", 3, 1);
    odd.batch_discount_percent = 50;
    CHECK(BatchTier(odd).input == Money::FromPicos(2));   // 1.5 -> 2
    CHECK(BatchTier(odd).output == Money::FromPicos(1));  // 0.5 -> 1
  }
}

}  // namespace taskcost
