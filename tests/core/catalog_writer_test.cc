#include "harness/core/prices/catalog_writer.h"

#include <doctest/doctest.h>

namespace taskcost::catalog_writer_test {

TEST_CASE("catalog_writer: a price per token prints as exact USD per 1M tokens") {
  // pUSD per token is the same integer as micro-USD per 1M tokens.
  CHECK(PerMillionText(Money::FromPicos(2'500'000)) == "2.50");
  CHECK(PerMillionText(Money::FromPicos(25'000)) == "0.025");
  CHECK(PerMillionText(Money::FromPicos(75'000'000)) == "75.00");
  CHECK(PerMillionText(Money::FromPicos(1)) == "0.000001");
  CHECK(PerMillionText(Money::FromPicos(0)) == "0.00");
}

TEST_CASE("catalog_writer: the YAML reads back to the same prices") {
  PriceCatalog catalog;
  ModelPrice gpt;
  gpt.model = "gpt-4.1";
  gpt.input = Money::FromPicos(2'200'000);
  gpt.cached_input = Money::FromPicos(500'000);
  gpt.output = Money::FromPicos(8'000'000);
  gpt.batch_discount_percent = 50;
  gpt.as_of = "2026-11-23";
  gpt.source = "https://example.invalid/prices?model=a:b";
  ModelPrice bedrock;
  bedrock.model = "bedrock/anthropic.claude-3-haiku-20240307-v1:0";
  bedrock.input = Money::FromPicos(250'000);
  bedrock.cache_write = Money::FromPicos(300'000);
  bedrock.cache_write_1h = Money::FromPicos(500'000);
  bedrock.min_cache_prefix_tokens = 2048;
  bedrock.output = Money::FromPicos(1'250'000);
  bedrock.reasoning = Money::FromPicos(2'000'000);
  bedrock.as_of = "2026-11-23";
  bedrock.source = "https://example.invalid/bedrock";
  catalog.models = {gpt, bedrock};

  const std::string yaml = PriceCatalogToYaml(catalog, "written by a test\nsecond line");
  CHECK(yaml ==
        "# written by a test\n"
        "# second line\n"
        "currency: USD\n"
        "models:\n"
        "  gpt-4.1:\n"
        "    input: 2.20\n"
        "    cached_input: 0.50\n"
        "    output: 8.00\n"
        "    batch_discount_percent: 50\n"
        "    as_of: 2026-11-23\n"
        "    source: \"https://example.invalid/prices?model=a:b\"\n"
        "  \"bedrock/anthropic.claude-3-haiku-20240307-v1:0\":\n"
        "    input: 0.25\n"
        "    cache_write: 0.30\n"
        "    cache_write_1h: 0.50\n"
        "    output: 1.25\n"
        "    reasoning: 2.00\n"
        "    min_cache_prefix_tokens: 2048\n"
        "    as_of: 2026-11-23\n"
        "    source: \"https://example.invalid/bedrock\"\n");

  Result<PriceCatalog> back = ParsePriceCatalog(yaml, "prices.yaml");
  REQUIRE_MESSAGE(back.ok(), FormatErrors(back.ok() ? Errors{} : back.errors()));
  REQUIRE(back->models.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const ModelPrice& a = catalog.models[i];
    const ModelPrice& b = back->models[i];
    CHECK(b.model == a.model);
    CHECK(b.input == a.input);
    CHECK(b.output == a.output);
    CHECK(b.cached_input == a.cached_input);
    CHECK(b.cache_write == a.cache_write);
    CHECK(b.cache_write_1h == a.cache_write_1h);
    CHECK(b.min_cache_prefix_tokens == a.min_cache_prefix_tokens);
    CHECK(b.reasoning == a.reasoning);
    CHECK(b.batch_discount_percent == a.batch_discount_percent);
    CHECK(b.as_of == a.as_of);
    CHECK(b.source == a.source);
  }
}

}  // namespace taskcost::catalog_writer_test
