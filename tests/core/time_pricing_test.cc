// Self-hosted models priced by GPU-hour: parsing, the exact cost of a call from its latency,
// re-pricing, the run manifest round trip and what the reports say.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/core/gates/baseline.h"
#include "harness/core/prices/catalog_writer.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/render/report_json.h"
#include "harness/core/render/report_render.h"
#include "harness/core/gates/reprice.h"
#include "harness/core/loading/run_manifest.h"
#include "tests/core/config_test_util.h"
#include "tests/core/report_fixture.h"

namespace taskcost::time_pricing_test {
namespace {

std::string ParseErrors(const std::string& yaml) {
  Result<PriceCatalog> r = ParsePriceCatalog(yaml, "prices.yaml");
  return r.ok() ? "ok" : FormatErrors(r.errors());
}

ModelPrice GpuPrice(const char* per_hour, int64_t concurrency) {
  ModelPrice p;
  p.model = "local-llama";
  p.gpu_hour = Money::ParseUsd(per_hour).value();
  p.concurrency = concurrency;
  return p;
}

constexpr const char* kTail = "    as_of: 2026-11-23\n    source: https://example.com\n";

}  // namespace

TEST_CASE("time pricing: a GPU-hour entry loads exactly") {
  Result<PriceCatalog> catalog = ParsePriceCatalog(
      std::string("models:\n  local-llama:\n    gpu_hour_usd: \"2.40\"\n    concurrency: 8\n") +
          kTail + "  free-llama:\n    gpu_hour_usd: \"0\"\n" + kTail,
      "prices.yaml");
  REQUIRE(catalog.ok());
  const ModelPrice* llama = catalog->Find("local-llama");
  REQUIRE(llama != nullptr);
  CHECK(llama->TimePriced());
  CHECK(llama->gpu_hour->picos() == 2'400'000'000'000);
  CHECK(llama->concurrency == 8);
  CHECK(llama->input == Money());
  CHECK(llama->output == Money());
  const ModelPrice* free_llama = catalog->Find("free-llama");
  REQUIRE(free_llama != nullptr);
  CHECK(free_llama->TimePriced());
  CHECK(*free_llama->gpu_hour == Money());
  CHECK(free_llama->concurrency == 1);  // the default
}

TEST_CASE("time pricing: located errors") {
  SUBCASE("both kinds of price") {
    CHECK(ParseErrors(std::string("models:\n  local-llama:\n    gpu_hour_usd: \"2.40\"\n"
                                  "    input: 1.00\n    output: 2.00\n") +
                      kTail) ==
          "prices.yaml:4:12: models.local-llama.input: a model is priced either per token or by "
          "gpu_hour_usd, not both\n"
          "prices.yaml:5:13: models.local-llama.output: a model is priced either per token or by "
          "gpu_hour_usd, not both");
  }
  SUBCASE("neither kind of price") {
    CHECK(ParseErrors(std::string("models:\n  local-llama:\n") + kTail) ==
          "prices.yaml:2:3: models.local-llama: give either per-token prices (input, output) or "
          "gpu_hour_usd for a self-hosted model");
  }
  SUBCASE("a negative GPU-hour price") {
    CHECK(ParseErrors(std::string("models:\n  local-llama:\n    gpu_hour_usd: -1\n") + kTail) ==
          "prices.yaml:3:19: models.local-llama.gpu_hour_usd: must not be negative, got -1");
  }
  SUBCASE("concurrency 0") {
    CHECK(ParseErrors(std::string("models:\n  local-llama:\n    gpu_hour_usd: \"2.40\"\n"
                                  "    concurrency: 0\n") +
                      kTail) ==
          "prices.yaml:4:18: models.local-llama.concurrency: must be between 1 and 1000000, got "
          "0");
  }
  SUBCASE("concurrency without a GPU-hour price") {
    CHECK(ParseErrors(std::string("models:\n  m:\n    input: 1\n    output: 2\n"
                                  "    concurrency: 4\n") +
                      kTail) ==
          "prices.yaml:5:18: models.m.concurrency: concurrency applies only to a model priced by "
          "gpu_hour_usd");
  }
  SUBCASE("a GPU-hour price finer than a picodollar") {
    CHECK(ParseErrors(std::string("models:\n  m:\n    gpu_hour_usd: 0.0000000000001\n") +
                      kTail) ==
          "prices.yaml:3:19: models.m.gpu_hour_usd: \"0.0000000000001\" is finer than 1e-12 and "
          "cannot be represented exactly");
  }
}

TEST_CASE("time pricing: the cost of a call is its measured latency's share of the GPU-hour") {
  const Usage usage{.input_tokens = 5000, .output_tokens = 900};  // tokens do not matter
  SUBCASE("1.5 s at $2.40/h, concurrency 8 = 1.5 x 2.40 / 3600 / 8 = $0.000125") {
    // 1,500,000 us x 2,400,000,000,000 pUSD / (3,600,000,000 us x 8) = 125,000,000 pUSD exactly.
    CHECK(CallCost(GpuPrice("2.40", 8), usage, 1'500'000) == Money::FromPicos(125'000'000));
  }
  SUBCASE("rounding: half away from zero to the picodollar") {
    // 1 us at $2.40/h, concurrency 1: 2.4e12 / 3.6e9 = 666.666... pUSD -> 667.
    CHECK(CallCost(GpuPrice("2.40", 1), usage, 1) == Money::FromPicos(667));
    // 1 us at $0.0054/h (5,400,000,000 pUSD): 5.4e9 / 3.6e9 = 1.5 pUSD, exactly half -> 2.
    CHECK(CallCost(GpuPrice("0.0054", 1), usage, 1) == Money::FromPicos(2));
    // The same at concurrency 3: 1.5 / 3 = 0.5 pUSD, exactly half -> 1 (not 0).
    CHECK(CallCost(GpuPrice("0.0054", 3), usage, 1) == Money::FromPicos(1));
    // 1 s at $1.00/h, concurrency 7: 1e6 x 1e12 / (3.6e9 x 7) = 39,682,539.68... -> 39,682,540.
    CHECK(CallCost(GpuPrice("1", 7), usage, 1'000'000) == Money::FromPicos(39'682'540));
  }
  SUBCASE("a zero-price model costs nothing, however long") {
    CHECK(CallCost(GpuPrice("0", 1), usage, 3'600'000'000) == Money());
  }
  SUBCASE("an hour at concurrency 1 costs the GPU-hour") {
    CHECK(CallCost(GpuPrice("2.40", 1), Usage{}, 3'600'000'000) ==
          Money::ParseUsd("2.40").value());
  }
  SUBCASE("the note text") {
    CHECK(TimePriceText(GpuPrice("2.4", 8)) == "$2.40 per GPU-hour / 8 concurrent requests");
    CHECK(TimePriceText(GpuPrice("0.125", 1)) == "$0.125 per GPU-hour / 1 concurrent request");
  }
}

TEST_CASE("time pricing: run.json records the GPU-hour fields and report re-prices from them") {
  RunManifest m = testing::TwoCandidateManifest(4);
  m.candidates[1].price = GpuPrice("2.40", 8);
  Result<RunManifest> back = ManifestFromJson(ManifestToJson(m), "run.json");
  REQUIRE(back.ok());
  const ModelPrice& price = back->candidates[1].price;
  REQUIRE(price.TimePriced());
  CHECK(*price.gpu_hour == Money::ParseUsd("2.40").value());
  CHECK(price.concurrency == 8);
  CHECK_FALSE(back->candidates[0].price.TimePriced());

  // small's calls: 300 ms each, 6 attempts = 1.8 s at $2.40/h / 8 = 1.8 x 2.4 / 3600 / 8
  // = $0.00015 total.
  const PricedRun run = Reprice(*back, testing::HandWorkedJournal(),
                                {{"small", back->candidates[1].price}});
  CHECK(ComputeReport(run.manifest, run.attempts).Find("small")->total_cost ==
        Money::ParseUsd("0.00015").value());
}

TEST_CASE("time pricing: the reports say which candidates are time-priced") {
  RunManifest m = testing::TwoCandidateManifest(4);
  m.candidates[1].price = GpuPrice("2.40", 8);
  const Report report = ComputeReport(m, testing::HandWorkedJournal());
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(report));
  CHECK(j.at("candidates").at(0).at("pricing") == "token");
  CHECK(j.at("candidates").at(1).at("pricing") == "time");
  const std::string text = RenderTerminal(report, false);
  CHECK(text.find("note: small: time-priced at $2.40 per GPU-hour / 8 concurrent requests; "
                  "cost = measured latency\n") != std::string::npos);
  CHECK(text.find("note: big: time-priced") == std::string::npos);
}

TEST_CASE("time pricing: a cascade's report gives each step's pricing") {
  // small-then-local: step 1 by small (token-priced), step 2 by a local model ($2.40/h, 8).
  RunManifest m = testing::TwoCandidateManifest(1);
  ManifestCandidate cascade = testing::MakeCandidate("small-then-local", false);
  cascade.model = "cascade: small > local";
  cascade.price = m.candidates[1].price;
  cascade.steps = {ManifestStep{"small", "small", m.candidates[1].price},
                   ManifestStep{"local", "local", GpuPrice("2.40", 8)}};
  m.candidates.push_back(cascade);
  std::vector<Attempt> attempts = testing::MakeAttempts(
      {{"s1", "small", 1, 1'000, 100, ErrorClass::kIncorrect}, {"s1", "small", 1, 0, 0}});
  for (Attempt& a : attempts) a.candidate_id = "small-then-local";
  attempts[0].step = "small";
  attempts[1].step = "local";
  // 1.5 s at $2.40/h / 8 = $0.000125 (125,000,000 pUSD).
  attempts[1].latency_us = 1'500'000;
  attempts[1].cost = CallCost(GpuPrice("2.40", 8), attempts[1].usage, attempts[1].latency_us);
  CHECK(attempts[1].cost == Money::FromPicos(125'000'000));

  const Report report = ComputeReport(m, attempts);
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(report));
  const nlohmann::json& c = j.at("candidates").at(2);
  CHECK(c.at("pricing") == "token");  // the first step's, as old readers expect
  const nlohmann::json& steps = c.at("steps");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].at("candidate") == "small");
  CHECK(steps[0].at("pricing") == "token");
  CHECK_FALSE(steps[0].contains("time_price"));
  CHECK(steps[1].at("pricing") == "time");
  CHECK(steps[1].at("time_price") == "$2.40 per GPU-hour / 8 concurrent requests");
  CHECK(steps[1].at("cost_picousd") == 125'000'000);
  const std::string text = RenderTerminal(report, false);
  CHECK(text.find("note: small-then-local: step local time-priced at $2.40 per GPU-hour / 8 "
                  "concurrent requests; cost = measured latency\n") != std::string::npos);
}

TEST_CASE("time pricing: the catalog writer and baselines keep the GPU-hour fields") {
  PriceCatalog catalog{"prices.yaml", {GpuPrice("2.40", 8)}};
  catalog.models[0].as_of = "2026-11-23";
  catalog.models[0].source = "https://example.com";
  const std::string yaml = PriceCatalogToYaml(catalog, "");
  CHECK(yaml.find("input:") == std::string::npos);
  Result<PriceCatalog> back = ParsePriceCatalog(yaml, "prices.yaml");
  REQUIRE(back.ok());
  CHECK(back->models[0].gpu_hour == catalog.models[0].gpu_hour);
  CHECK(back->models[0].concurrency == 8);

  RunManifest m = testing::TwoCandidateManifest(4);
  m.candidates[1].price = GpuPrice("2.40", 8);
  const RunFigures figures = FiguresOf(m, testing::HandWorkedJournal());
  Result<RunFigures> read = BaselineFromJson(BaselineToJson(figures), "baseline.json");
  REQUIRE(read.ok());
  CHECK(read->candidates[1].price.gpu_hour == m.candidates[1].price.gpu_hour);
  CHECK(read->candidates[1].price.concurrency == 8);
  CHECK_FALSE(read->candidates[0].price.TimePriced());
}

}  // namespace taskcost::time_pricing_test
