// The one-hour cache-write price (docs/configs.md, `cache_write_1h`; docs/prompt-caching.md):
// Anthropic bills a cache write kept one hour at 2x the base input price and a 5-minute one at
// 1.25x (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching, "Pricing"). The
// one-hour part of the writes (Usage::cache_write_1h_tokens) is priced at cache_write_1h.
#include <doctest/doctest.h>

#include "harness/core/loading/run_manifest.h"
#include "harness/core/prices/pricing.h"

namespace taskcost::cache_price_test {
namespace {

// Claude Haiku 4.5's prices per million tokens: $1 in, $0.10 read, $1.25 5-minute write,
// $2.00 one-hour write, $5 out.
constexpr const char* kHaikuCatalog = R"(currency: USD
models:
  claude-haiku-4-5:
    input: 1.00
    cached_input: 0.10
    cache_write: 1.25
    cache_write_1h: 2.00
    output: 5.00
    as_of: 2026-11-23
    source: https://platform.claude.com/docs/en/about-claude/pricing
)";

ModelPrice Haiku(bool with_hour_price) {
  std::string yaml = kHaikuCatalog;
  if (!with_hour_price) yaml.erase(yaml.find("    cache_write_1h: 2.00\n"), 25);
  Result<PriceCatalog> catalog = ParsePriceCatalog(yaml, "prices.yaml");
  REQUIRE(catalog.ok());
  return catalog->models.at(0);
}

// 50 plain input, 3,000 read, 1,000 written of which 600 for one hour, 120 out.
Usage CachedUsage() {
  Usage u;
  u.input_tokens = 50;
  u.cached_input_tokens = 3000;
  u.cache_write_tokens = 1000;
  u.cache_write_1h_tokens = 600;
  u.output_tokens = 120;
  return u;
}

}  // namespace

TEST_CASE("cache_price: one-hour writes are priced at cache_write_1h, the rest at cache_write") {
  const ModelPrice price = Haiku(true);
  REQUIRE(price.cache_write_1h.has_value());
  CHECK(price.cache_write_1h->picos() == 2'000'000);  // $2 per million = 2,000,000 pUSD a token
  // 50 x 1,000,000 + 3,000 x 100,000 + 400 x 1,250,000 + 600 x 2,000,000 + 120 x 5,000,000
  // = 50,000,000 + 300,000,000 + 500,000,000 + 1,200,000,000 + 600,000,000 = 2,650,000,000.
  CHECK(CallCost(price, CachedUsage(), 0).picos() == 2'650'000'000);
}

TEST_CASE("cache_price: without cache_write_1h every write is at cache_write") {
  const ModelPrice price = Haiku(false);
  CHECK_FALSE(price.cache_write_1h.has_value());
  // 50,000,000 + 300,000,000 + 1,000 x 1,250,000 + 600,000,000 = 2,200,000,000.
  CHECK(CallCost(price, CachedUsage(), 0).picos() == 2'200'000'000);
}

TEST_CASE("cache_price: a one-hour count above the writes is held to the writes") {
  Usage u = CachedUsage();
  u.cache_write_1h_tokens = 5000;  // more than the 1,000 written: all 1,000 at the hour price
  // 50,000,000 + 300,000,000 + 1,000 x 2,000,000 + 600,000,000 = 2,950,000,000.
  CHECK(CallCost(Haiku(true), u, 0).picos() == 2'950'000'000);
  CHECK(ImplausibleUsagePriced(u, Usage{}).cache_write_1h_tokens == 1000);
}

TEST_CASE("cache_price: the journal keeps the one-hour count, and only when there is one") {
  Attempt a;
  a.sample_id = "s1";
  a.candidate_id = "c";
  a.http_status = 200;
  a.usage = CachedUsage();
  a.cost = Money::FromPicos(2'650'000'000);
  const std::string line = AttemptToJsonLine(a);
  CHECK(line.find(R"("cache_write_tokens":1000,"output_tokens":120,"reasoning_tokens":0,)"
                  R"("cache_write_1h_tokens":600})") != std::string::npos);
  Result<Attempt> back = AttemptFromJsonLine(line);
  REQUIRE(back.ok());
  CHECK(back->usage == CachedUsage());

  a.usage.cache_write_1h_tokens = 0;
  CHECK(AttemptToJsonLine(a).find("cache_write_1h_tokens") == std::string::npos);

  std::string over = line;
  over.replace(over.find(R"("cache_write_1h_tokens":600)"), 27, R"("cache_write_1h_tokens":1001)");
  Result<Attempt> refused = AttemptFromJsonLine(over);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.errors().front().message.find(
            "must be a count from 0 to cache_write_tokens (1000)") != std::string::npos);
}

}  // namespace taskcost::cache_price_test
