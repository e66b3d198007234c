#include "harness/core/prices/litellm_import.h"

#include <doctest/doctest.h>

#include "harness/core/prices/catalog_writer.h"

namespace taskcost::litellm_import_test {
namespace {

// The registry's shape: a "sample_spec" example entry, per-token USD numbers, and fields this
// import ignores (strings, booleans, arrays, nested objects with numbers of their own).
const char* kRegistry = R"({
  "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "chat"},
  "gpt-4.1": {
    "max_tokens": 32768,
    "input_cost_per_token": 2.2e-06,
    "output_cost_per_token": 8e-06,
    "cache_read_input_token_cost": 5e-07,
    "input_cost_per_token_batches": 1.1e-06,
    "output_cost_per_token_batches": 4e-06,
    "litellm_provider": "openai",
    "mode": "chat",
    "supports_vision": true,
    "supported_endpoints": ["/v1/chat/completions", "/v1/batch"],
    "search_context_cost_per_query": {"search_context_size_low": 0.03, "input_cost_per_token": 9}
  },
  "claude-haiku-4-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07, "cache_creation_input_token_cost": 1.25e-06},
  "o3": {"input_cost_per_token": 0.000002, "output_cost_per_token": 8E-6, "cache_read_input_token_cost": 4.9e-07, "output_cost_per_reasoning_token": 8e-06},
  "dust": {"input_cost_per_token": 1.5e-13, "output_cost_per_token": 0},
  "weird": {"input_cost_per_token": "free", "output_cost_per_token": 1e-06},
  "list-only": ["not", "an", "object"]
})";

const char* kCatalog = R"(currency: USD
models:
  gpt-4.1: {input: 2.00, cached_input: 0.50, output: 8.00, batch_discount_percent: 50, as_of: 2026-11-01, source: "https://example.invalid/openai"}
  claude-haiku-4-5: {input: 1.00, cached_input: 0.10, cache_write: 1.25, output: 5.00, as_of: 2026-11-01, source: "https://example.invalid/anthropic"}
  local: {input: 0, output: 0, as_of: 2026-11-01, source: "https://example.invalid/local"}
)";

LiteLlmFile Registry() {
  Result<LiteLlmFile> file = ParseLiteLlm(kRegistry, "litellm.json");
  REQUIRE_MESSAGE(file.ok(), FormatErrors(file.ok() ? Errors{} : file.errors()));
  return file.value();
}

PriceCatalog Catalog() { return ParsePriceCatalog(kCatalog, "prices.yaml").value(); }

ImportOptions Options() {
  ImportOptions o;
  o.as_of = "2026-12-01";
  o.source = "https://example.invalid/litellm.json";
  return o;
}

std::string ImportErrors(const ImportOptions& options) {
  Result<ImportResult> r = ImportLiteLlm(Registry(), Catalog(), options);
  return r.ok() ? "ok" : FormatErrors(r.errors());
}

}  // namespace

TEST_CASE("litellm_import: numbers keep the exact text they have in the file") {
  const LiteLlmFile file = Registry();
  CHECK(file.Find("sample_spec") == nullptr);
  const LiteLlmModel* gpt = file.Find("gpt-4.1");
  REQUIRE(gpt != nullptr);
  CHECK(gpt->numbers.at("input_cost_per_token") == "2.2e-06");
  CHECK(gpt->numbers.at("input_cost_per_token_batches") == "1.1e-06");
  CHECK(gpt->numbers.size() == 5);  // max_tokens and the nested search cost are not prices
  CHECK(file.Find("o3")->numbers.at("output_cost_per_token") == "8E-6");
  CHECK(file.Find("weird")->invalid.at("input_cost_per_token") == "a string");
  CHECK_FALSE(file.Find("list-only")->is_object);

  SUBCASE("4.9e-07 through a double would lose a picodollar; the text does not") {
    CHECK(static_cast<int64_t>(4.9e-07 * 1e12) == 489'999);
    CHECK(file.Find("o3")->numbers.at("cache_read_input_token_cost") == "4.9e-07");
  }
}

TEST_CASE("litellm_import: bad files are refused with their place") {
  Result<LiteLlmFile> broken =
      ParseLiteLlm("{\n  \"a\": {\"input_cost_per_token\": 1e-06,}\n}", "litellm.json");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().ToString().rfind("litellm.json:2:", 0) == 0);
  Result<LiteLlmFile> list = ParseLiteLlm("[1, 2]", "litellm.json");
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().ToString() ==
        "litellm.json: expected LiteLLM's price map: a JSON object keyed by model name");
}

TEST_CASE("litellm_import: the catalog's models are updated and the changes reported") {
  ImportOptions options = Options();
  options.add = {"o3"};
  Result<ImportResult> result = ImportLiteLlm(Registry(), Catalog(), options);
  REQUIRE_MESSAGE(result.ok(), FormatErrors(result.ok() ? Errors{} : result.errors()));
  CHECK(RenderImport(*result, "litellm.json") ==
        "prices from litellm.json against the current catalog:\n"
        "  changed  gpt-4.1: input $2.00 -> $2.20 (USD per 1M tokens)\n"
        "  missing  local: not in litellm.json; kept as it was\n"
        "  added    o3: input $2.00, cached input $0.49, output $8.00, reasoning $8.00 (USD per "
        "1M tokens)\n"
        "  1 unchanged\n");
  const PriceCatalog& catalog = result->catalog;
  REQUIRE(catalog.models.size() == 4);
  // Changed: new rates, new as_of and source; batch 1.1/2.2 and 4/8 are both 50% off.
  CHECK(catalog.models[0].input == Money::FromPicos(2'200'000));
  CHECK(catalog.models[0].batch_discount_percent == 50);
  CHECK(catalog.models[0].as_of == "2026-12-01");
  CHECK(catalog.models[0].source == "https://example.invalid/litellm.json");
  // Unchanged and missing entries are kept as they were, dates included.
  CHECK(catalog.models[1].as_of == "2026-11-01");
  CHECK(catalog.models[2].source == "https://example.invalid/local");
  CHECK(catalog.models[3].reasoning == Money::FromPicos(8'000'000));

  SUBCASE("the written catalog loads back") {
    Result<PriceCatalog> back = ParsePriceCatalog(PriceCatalogToYaml(catalog, ""), "out.yaml");
    REQUIRE(back.ok());
    CHECK(back->Find("o3")->cached_input == Money::FromPicos(490'000));
  }
}

TEST_CASE("litellm_import: a changed model keeps the catalog's one-hour write and cache minimum") {
  PriceCatalog catalog = Catalog();
  catalog.models[0].cache_write_1h = Money::FromPicos(4'000'000);  // $4.00 per 1M
  catalog.models[0].min_cache_prefix_tokens = 1024;
  Result<ImportResult> result = ImportLiteLlm(Registry(), catalog, Options());
  REQUIRE_MESSAGE(result.ok(), FormatErrors(result.ok() ? Errors{} : result.errors()));
  const ModelPrice& gpt = result->catalog.models[0];
  CHECK(gpt.input == Money::FromPicos(2'200'000));  // changed: input $2.00 -> $2.20
  CHECK(gpt.cache_write_1h == Money::FromPicos(4'000'000));
  CHECK(gpt.min_cache_prefix_tokens == 1024);
}

TEST_CASE("litellm_import: the batch tier takes LiteLLM's batch rates") {
  ImportOptions options = Options();
  options.batch = true;
  CHECK(ImportErrors(options) ==
        "litellm.json: \"claude-haiku-4-5\".input_cost_per_token_batches: missing; a catalog "
        "entry needs it\n"
        "litellm.json: \"claude-haiku-4-5\".output_cost_per_token_batches: missing; a catalog "
        "entry needs it");
  PriceCatalog only_gpt = Catalog();
  only_gpt.models.resize(1);
  Result<ImportResult> result = ImportLiteLlm(Registry(), only_gpt, options);
  REQUIRE(result.ok());
  CHECK(RenderImport(*result, "litellm.json") ==
        "prices from litellm.json against the current catalog:\n"
        "  changed  gpt-4.1: input $2.00 -> $1.10, output $8.00 -> $4.00, batch discount 50% -> "
        "0% (USD per 1M tokens)\n"
        "  0 unchanged\n");
}

TEST_CASE("litellm_import: prices that cannot be exact or are not numbers are refused") {
  ImportOptions options = Options();
  options.add = {"dust"};
  CHECK(ImportErrors(options) ==
        "litellm.json: \"dust\".input_cost_per_token: \"1.5e-13\" is finer than 1e-12 and "
        "cannot be represented exactly (USD per token)");
  options.add = {"weird"};
  CHECK(ImportErrors(options) ==
        "litellm.json: \"weird\".input_cost_per_token: expected a number (USD per token), got a "
        "string");
  options.add = {"list-only"};
  CHECK(ImportErrors(options) == "litellm.json: \"list-only\": expected an object of prices");
  options.add = {"gpt-4.2"};
  CHECK(ImportErrors(options) == "\"gpt-4.2\" is not in litellm.json, did you mean \"gpt-4.1\"?");
}

}  // namespace taskcost::litellm_import_test
