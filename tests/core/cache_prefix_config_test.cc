// The two settings the prompt-caching warning reads (issue 14, item 2): the price catalog's
// optional min_cache_prefix_tokens per model, and run.json's prompt_cache flag (written only
// when true, absent in older files).
#include <doctest/doctest.h>

#include <string>

#include "harness/core/formats/error_text.h"
#include "harness/core/loading/run_manifest.h"
#include "harness/core/prices/pricing.h"
#include "tests/core/report_fixture.h"

namespace taskcost::cache_prefix_config_test {
namespace {

constexpr const char* kEntry =
    "currency: USD\n"
    "models:\n"
    "  claude-haiku-4-5:\n"
    "    input: 1.00\n"
    "    output: 5.00\n";
constexpr const char* kSource = "    as_of: 2026-12-07\n    source: https://example.com/p\n";

TEST_CASE("cache prefix: the catalog's minimum cacheable prefix is read per model, optional") {
  Result<PriceCatalog> with = ParsePriceCatalog(
      std::string(kEntry) + "    min_cache_prefix_tokens: 4096\n" + kSource, "prices.yaml");
  REQUIRE(with.ok());
  CHECK(with->models[0].min_cache_prefix_tokens == 4096);
  Result<PriceCatalog> without = ParsePriceCatalog(std::string(kEntry) + kSource, "prices.yaml");
  REQUIRE(without.ok());
  CHECK_FALSE(without->models[0].min_cache_prefix_tokens.has_value());
}

TEST_CASE("cache prefix: a minimum that is not a positive token count is refused at its place") {
  Result<PriceCatalog> zero = ParsePriceCatalog(
      std::string(kEntry) + "    min_cache_prefix_tokens: 0\n" + kSource, "prices.yaml");
  REQUIRE_FALSE(zero.ok());
  CHECK(FormatErrors(zero.errors()) ==
        "prices.yaml:6:30: models.claude-haiku-4-5.min_cache_prefix_tokens: must be between 1 "
        "and 100000000, got 0");
  Result<PriceCatalog> words = ParsePriceCatalog(
      std::string(kEntry) + "    min_cache_prefix_tokens: 1k\n" + kSource, "prices.yaml");
  REQUIRE_FALSE(words.ok());
  CHECK(FormatErrors(words.errors()) ==
        "prices.yaml:6:30: models.claude-haiku-4-5.min_cache_prefix_tokens: expected an "
        "integer, got \"1k\"");
}

TEST_CASE("cache prefix: run.json keeps prompt_cache only when true, and each minimum") {
  RunManifest m = testing::TwoCandidateManifest(2);
  const std::string plain = ManifestToJson(m);
  CHECK(plain.find("prompt_cache") == std::string::npos);
  CHECK(plain.find("min_cache_prefix_tokens") == std::string::npos);
  Result<RunManifest> old = ManifestFromJson(plain, "run.json");  // an older file: no keys
  REQUIRE(old.ok());
  CHECK_FALSE(old->prompt_cache);
  CHECK_FALSE(old->candidates[0].price.min_cache_prefix_tokens.has_value());

  m.prompt_cache = true;
  m.candidates[1].price.min_cache_prefix_tokens = 1024;
  const std::string text = ManifestToJson(m);
  CHECK(text.find("\"prompt_cache\": true") != std::string::npos);
  CHECK(text.find("\"min_cache_prefix_tokens\": 1024") != std::string::npos);
  Result<RunManifest> back = ManifestFromJson(text, "run.json");
  REQUIRE(back.ok());
  CHECK(back->prompt_cache);
  CHECK(back->candidates[1].price.min_cache_prefix_tokens == 1024);
  CHECK(ManifestToJson(*back) == text);
}

TEST_CASE("cache prefix: a hostile run.json minimum or flag is refused by its JSON pointer") {
  RunManifest m = testing::TwoCandidateManifest(2);
  m.candidates[1].price.min_cache_prefix_tokens = 1024;
  std::string text = ManifestToJson(m);
  text.replace(text.find("\"min_cache_prefix_tokens\": 1024"), 31,
               "\"min_cache_prefix_tokens\": -5");
  Result<RunManifest> bad = ManifestFromJson(text, "run.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().path == "/candidates/1/price/min_cache_prefix_tokens");
  m.candidates[1].price.min_cache_prefix_tokens.reset();
  m.prompt_cache = true;
  text = ManifestToJson(m);
  text.replace(text.find("\"prompt_cache\": true"), 20, "\"prompt_cache\": \"yes\"");
  Result<RunManifest> flag = ManifestFromJson(text, "run.json");
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.error().path == "/prompt_cache");
}

}  // namespace
}  // namespace taskcost::cache_prefix_config_test
