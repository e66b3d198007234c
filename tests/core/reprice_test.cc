#include "harness/core/gates/reprice.h"

#include <doctest/doctest.h>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/metrics/metrics.h"
#include "tests/core/report_fixture.h"

namespace taskcost::reprice_test {
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

namespace {

// A chain "draft-refine" on s1: step "draft" made by small (1,000 in + 100 out), step "refine"
// by big (2,000 in + 300 out). `record_steps` false: a run.json written before steps were
// recorded (only the model string names them).
RunManifest ChainManifest(bool record_steps, const std::string& draft_id = "draft") {
  RunManifest m = Manifest();
  ManifestCandidate chain = testing::MakeCandidate("draft-refine", false);
  chain.model = "chain: " + draft_id + " (small) > refine (big)";
  chain.price = m.candidates[1].price;  // the first step's
  if (record_steps) {
    chain.steps = {ManifestStep{draft_id, "small", m.candidates[1].price},
                   ManifestStep{"refine", "big", m.candidates[0].price}};
  }
  m.candidates.push_back(chain);
  return m;
}

std::vector<Attempt> ChainJournal(const std::string& draft_id = "draft") {
  std::vector<Attempt> attempts = testing::MakeAttempts(
      {{"s1", "small", 1, 1'000, 100}, {"s1", "big", 1, 2'000, 300}});
  for (Attempt& a : attempts) a.candidate_id = "draft-refine";
  attempts[0].step = draft_id;
  attempts[0].partial = true;
  attempts[1].step = "refine";
  return attempts;
}

}  // namespace

TEST_CASE("reprice: a chain's calls are re-priced at their step's candidate price") {
  // Recorded: draft 1,000 x 150,000 + 100 x 600,000 = 210,000,000;
  //           refine 2,000 x 2,500,000 + 300 x 10,000,000 = 8,000,000,000.
  // New: small $0.40 / $2.00 per 1M: 1,000 x 400,000 + 100 x 2,000,000 = 600,000,000;
  //      big $1.25 / $5.00 per 1M: 2,000 x 1,250,000 + 300 x 5,000,000 = 4,000,000,000.
  const CandidatePrices prices = {{"small", Price("small-model", 400'000, 2'000'000)},
                                  {"big", Price("big-model", 1'250'000, 5'000'000)}};
  for (const bool recorded : {true, false}) {
    CAPTURE(recorded);  // false: the steps are read from run.json's model string
    const PricedRun run = Reprice(ChainManifest(recorded), ChainJournal(), prices);
    REQUIRE(run.attempts.size() == 2);
    CHECK(run.attempts[0].cost == Money::FromPicos(600'000'000));
    CHECK(run.attempts[1].cost == Money::FromPicos(4'000'000'000));
    const Report report = ComputeReport(run.manifest, run.attempts);
    CHECK(report.Find("draft-refine")->total_cost == Money::FromPicos(4'600'000'000));
    if (recorded) {  // run.json's step prices follow
      CHECK(run.manifest.candidates[2].steps[1].price.input == Money::FromPicos(1'250'000));
    }
  }
  const Report before = ComputeReport(ChainManifest(true), ChainJournal());
  CHECK(before.Find("draft-refine")->total_cost == Money::FromPicos(8'210'000'000));
}

TEST_CASE("reprice: a chain step named like another candidate is priced as the step's own") {
  // Step "big" is made by small: priced at small's new rate (600,000,000), never big's.
  const CandidatePrices prices = {{"small", Price("small-model", 400'000, 2'000'000)},
                                  {"big", Price("big-model", 1'250'000, 5'000'000)}};
  const PricedRun run = Reprice(ChainManifest(true, "big"), ChainJournal("big"), prices);
  CHECK(run.attempts[0].cost == Money::FromPicos(600'000'000));
}

TEST_CASE("reprice: a step's candidate left out of the run is priced from the catalog") {
  RunManifest m = ChainManifest(true);
  m.candidates.erase(m.candidates.begin() + 1);  // --candidates big,draft-refine: no "small"
  PriceCatalog catalog;
  catalog.file = "new.yaml";
  catalog.models = {Price("big-model", 1'250'000, 5'000'000),
                    Price("small-model", 400'000, 2'000'000)};
  Result<CandidatePrices> prices = PricesFromCatalog(m, catalog);
  REQUIRE(prices.ok());
  CHECK(prices->at("small").input == Money::FromPicos(400'000));
  CHECK(Reprice(m, ChainJournal(), *prices).attempts[0].cost == Money::FromPicos(600'000'000));
  // Its recorded price keeps --batch working without a catalog.
  CHECK(RecordedPrices(m).at("small").input == Money::FromPicos(testing::kSmallIn));
}

}  // namespace taskcost::reprice_test

namespace taskcost::reprice_test {

TEST_CASE("reprice: an LLM judge's calls are re-priced at the judge's price, apart from tasks") {
  RunManifest m = Manifest();
  m.judges.push_back(ManifestCandidate{"judge(tone)", "openai", "openai", "judge-model", false,
                                       Price("judge-model", 1'000'000, 2'000'000)});
  std::vector<Attempt> attempts = HandWorkedJournal();
  JudgeCall call;  // 1,000 in + 100 out at $1 / $2 per 1M = $0.001 + $0.0002 = $0.0012
  call.judge = "judge(tone)";
  call.usage.input_tokens = 1000;
  call.usage.output_tokens = 100;
  call.cost = Money::ParseUsd("0.0012").value();
  attempts[0].judge_calls = {call, call};

  CandidatePrices prices = RecordedPrices(m);
  CHECK(prices.at("judge(tone)").input == Money::FromPicos(1'000'000));
  // The judge at half price: $0.0006 a call. The tasks keep their recorded prices.
  prices["judge(tone)"] = Price("judge-model", 500'000, 1'000'000);
  const PricedRun run = Reprice(m, attempts, prices);
  const Report before = ComputeReport(m, attempts);
  const Report after = ComputeReport(run.manifest, run.attempts);
  CHECK(before.judge_cost == Money::ParseUsd("0.0024").value());
  CHECK(after.judge_cost == Money::ParseUsd("0.0012").value());
  CHECK(after.total_cost == before.total_cost);
  CHECK(run.manifest.judges[0].price.input == Money::FromPicos(500'000));
  CHECK(RepriceSummary({m, attempts}, run).find(
            "  LLM judges (evaluation overhead, in no task's cost): $0.0024 -> $0.0012 "
            "(-50.0%)\n") != std::string::npos);

  PriceCatalog catalog;
  catalog.file = "new.yaml";
  catalog.models = {Price("big-model", 1, 2), Price("small-model", 3, 4)};
  Result<CandidatePrices> from_catalog = PricesFromCatalog(m, catalog);
  REQUIRE_FALSE(from_catalog.ok());
  CHECK(FormatErrors(from_catalog.errors()) ==
        "no price for \"judge-model\" (candidate judge(tone)) in new.yaml");
}

}  // namespace taskcost::reprice_test
