#include "harness/core/prices/pricing.h"

#include <doctest/doctest.h>

#include "tests/core/config_test_util.h"

namespace taskcost::pricing_test {
namespace {

ModelPrice Price(const char* input, const char* output) {
  ModelPrice p;
  p.input = Money::ParseUsd(input).value().DividedBy(1'000'000);
  p.output = Money::ParseUsd(output).value().DividedBy(1'000'000);
  return p;
}

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

std::string ParseErrors(const std::string& yaml) {
  Result<PriceCatalog> r = ParsePriceCatalog(yaml, "prices.yaml");
  return r.ok() ? "ok" : FormatErrors(r.errors());
}

}  // namespace

TEST_CASE("pricing: domain worked checks through CallCost") {
  SUBCASE("1,000 input + 200 output at $5 / $15 per 1M = $0.005 + $0.003 = $0.008") {
    CHECK(CallCost(Price("5", "15"), Usage{.input_tokens = 1000, .output_tokens = 200}, 0) ==
          Usd("0.008"));
  }
  SUBCASE("8,000 input + 500 output at $0.80 / $4.00 per 1M = $0.0064 + $0.0020 = $0.0084") {
    CHECK(CallCost(Price("0.80", "4.00"), Usage{.input_tokens = 8000, .output_tokens = 500}, 0) ==
          Usd("0.0084"));
  }
  SUBCASE("210 input tokens at $0.15 per 1M = $0.0000315") {
    CHECK(CallCost(Price("0.15", "0.60"), Usage{.input_tokens = 210}, 0) == Usd("0.0000315"));
  }
}

TEST_CASE("pricing: each kind of token is billed once at its own price") {
  ModelPrice p = Price("2.00", "8.00");  // 2,000,000 and 8,000,000 picodollars per token
  SUBCASE("cached tokens at the cached rate, not also at the full rate") {
    p.cached_input = Usd("0.50").DividedBy(1'000'000);
    // 1,000 uncached * $2/1M = $0.002; 3,000 cached * $0.50/1M = $0.0015; total $0.0035.
    CHECK(CallCost(p, Usage{.input_tokens = 1000, .cached_input_tokens = 3000}, 0) ==
          Usd("0.0035"));
  }
  SUBCASE("without a cached price, cache reads cost the input price") {
    // 4,000 * $2/1M = $0.008.
    CHECK(CallCost(p, Usage{.input_tokens = 1000, .cached_input_tokens = 3000}, 0) == Usd("0.008"));
  }
  SUBCASE("Anthropic-style cache writes at the cache-write price") {
    ModelPrice haiku = Price("0.80", "4.00");
    haiku.cached_input = Usd("0.08").DividedBy(1'000'000);
    haiku.cache_write = Usd("1.00").DividedBy(1'000'000);
    // 100 in * 0.80 = $0.00008; 2,000 read * 0.08 = $0.00016; 1,500 write * 1.00 = $0.0015;
    // 50 out * 4.00 = $0.0002; total $0.00194.
    Usage usage{.input_tokens = 100,
                .cached_input_tokens = 2000,
                .cache_write_tokens = 1500,
                .output_tokens = 50};
    CHECK(CallCost(haiku, usage, 0) == Usd("0.00194"));
  }
  SUBCASE("reasoning tokens are billed as output unless priced apart") {
    Usage usage{.input_tokens = 0, .output_tokens = 1000, .reasoning_tokens = 600};
    CHECK(CallCost(p, usage, 0) == Usd("0.008"));  // 1,000 * $8/1M, reasoning included once
    p.reasoning = Usd("12.00").DividedBy(1'000'000);
    // 400 visible * $8/1M = $0.0032; 600 reasoning * $12/1M = $0.0072; total $0.0104.
    CHECK(CallCost(p, usage, 0) == Usd("0.0104"));
  }
  SUBCASE("no tokens cost nothing") { CHECK(CallCost(p, Usage{}, 0) == Money()); }
}

TEST_CASE("pricing: the catalog file loads exactly") {
  Result<PriceCatalog> catalog = LoadPriceCatalog(testing::FixturePath("prices.yaml"));
  REQUIRE(catalog.ok());
  CHECK(catalog->ModelNames() ==
        std::vector<std::string>{"gpt-4.1", "claude-haiku-4-5", "o4-mini", "tiny"});
  const ModelPrice* gpt = catalog->Find("gpt-4.1");
  REQUIRE(gpt != nullptr);
  CHECK(gpt->input.picos() == 2'000'000);        // $2.00 per 1M
  CHECK(gpt->cached_input->picos() == 500'000);  // $0.50 per 1M
  CHECK_FALSE(gpt->cache_write.has_value());
  CHECK(gpt->output.picos() == 8'000'000);
  CHECK(gpt->batch_discount_percent == 50);
  CHECK(gpt->as_of == "2026-11-01");
  CHECK(gpt->source == "https://openai.com/api/pricing/");
  CHECK(gpt->where.line == 4);
  const ModelPrice* haiku = catalog->Find("claude-haiku-4-5");
  CHECK(haiku->input.picos() == 800'000);  // quoted "0.80" is read the same way
  CHECK(haiku->cache_write->picos() == 1'000'000);
  CHECK(catalog->Find("tiny")->input.picos() == 75'000);  // $0.075 per 1M, exact
  CHECK(catalog->Find("o4-mini")->reasoning->picos() == 4'400'000);
  CHECK(catalog->Find("gpt-5") == nullptr);
}

TEST_CASE("pricing: every problem in the catalog is reported at its place") {
  const std::string yaml =
      "currency: EUR\n"
      "models:\n"
      "  m1:\n"
      "    input: 0.0000001\n"
      "    output: free\n"
      "    cached_inptu: 1\n"
      "    as_of: Nov 2026\n"
      "    source: the website\n"
      "  m2:\n"
      "    output: -1\n"
      "    batch_discount_percent: 150\n"
      "    as_of: 2026-02-30\n"
      "    source: https://example.com\n"
      "  m3: 2.00\n";
  CHECK(ParseErrors(yaml) ==
        "prices.yaml:1:11: currency: only USD is supported, got \"EUR\"\n"
        "prices.yaml:6:5: models.m1: unknown key \"cached_inptu\", did you mean "
        "\"cached_input\"?\n"
        "prices.yaml:4:12: models.m1.input: \"0.0000001\" has more than 6 decimals; a price per "
        "1M tokens needs at most 6 to be exact per token\n"
        "prices.yaml:5:13: models.m1.output: expected a number, got \"free\"\n"
        "prices.yaml:7:12: models.m1.as_of: expected the date the price was taken as "
        "YYYY-MM-DD, got \"Nov 2026\"\n"
        "prices.yaml:8:13: models.m1.source: expected the URL of the price page (https://...), "
        "got \"the website\"\n"
        "prices.yaml:9:3: models.m2: missing required key \"input\"\n"
        "prices.yaml:10:13: models.m2.output: must not be negative, got -1\n"
        "prices.yaml:11:29: models.m2.batch_discount_percent: must be between 0 and 100, got "
        "150\n"
        "prices.yaml:12:12: models.m2.as_of: expected the date the price was taken as "
        "YYYY-MM-DD, got \"2026-02-30\"\n"
        "prices.yaml:14:7: models.m3: expected a mapping, got \"2.00\"");
}

TEST_CASE("pricing: a price above $10,000 per 1M tokens is refused at its place") {
  // $10,000 per 1M is 1e10 pUSD a token: with at most 1e8 tokens of each kind a call costs
  // at most 4 x 1e18 pUSD ($4M), inside Money's range; $10,000.000001 is past the guard.
  CHECK(ParseErrors("models:\n  m:\n    input: 10000\n    output: 10000.000001\n"
                    "    as_of: 2026-01-01\n    source: https://example.com\n") ==
        "prices.yaml:4:13: models.m.output: \"10000.000001\" is above $10,000 per 1M tokens, "
        "more than any model is priced at");
}

TEST_CASE("pricing: file-level problems") {
  SUBCASE("missing models") {
    CHECK(ParseErrors("currency: USD\n") == "prices.yaml:1:1: missing required key \"models\"");
  }
  SUBCASE("YAML syntax") {
    CHECK(ParseErrors("models:\n  a: {input: 1\n") ==
          "prices.yaml:2:6: this { is never closed (yaml-cpp: end of map flow not found at line 3, "
          "column 1)");
  }
  SUBCASE("a file that cannot be read") {
    Result<PriceCatalog> r = LoadPriceCatalog("/nonexistent/prices.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ToString() ==
          "/nonexistent/prices.yaml: cannot read file (No such file or directory)");
  }
  SUBCASE("an empty file") {
    CHECK(ParseErrors("") == "prices.yaml: expected a mapping, got an empty value");
  }
}

TEST_CASE("pricing: a cost beyond Money's range is the overflow amount, never a wrapped one") {
  // 1e12 prompt tokens at $5/1M = $5,000,000 each: five such calls were one wrap away before.
  // Here a price of $100,000 per 1M (1e11 pUSD a token) times 1e8 tokens = 1e19 pUSD, past
  // INT64_MAX (about 9.22e18).
  const ModelPrice dear = Price("100000", "100000");
  CHECK(CallCost(dear, Usage{.input_tokens = 100'000'000}, 0) == Money::Overflow());
  // 9e7 tokens = 9e18 pUSD: held exactly ($9,000,000).
  CHECK(CallCost(dear, Usage{.input_tokens = 90'000'000}, 0) == Usd("9000000"));
  // The sum of two terms in range may pass it: 9e18 + 9e18.
  CHECK(CallCost(dear, Usage{.input_tokens = 90'000'000, .output_tokens = 90'000'000}, 0) ==
        Money::Overflow());
  // A negative count (only a bug could make one) costs nothing rather than a refund.
  CHECK(CallCost(Price("5", "15"), Usage{.input_tokens = -1000, .output_tokens = 200}, 0) ==
        Usd("0.003"));
}

TEST_CASE("pricing: a time-priced cost of any latency is exact or the overflow amount") {
  ModelPrice gpu;
  gpu.gpu_hour = Usd("2.40");
  gpu.concurrency = 8;
  // 30 s: 30,000,000 us x $2.40 / 3,600,000,000 us / 8 = $0.0025.
  CHECK(CallCost(gpu, Usage{}, 30'000'000) == Usd("0.0025"));
  // A journal's latency of INT64_MAX us (292,471 years): 9.223e18 us x 2.4e12 pUSD / (3.6e9 us
  // x 8) = 7.686e20 pUSD, past the range.
  CHECK(CallCost(gpu, Usage{}, INT64_MAX) == Money::Overflow());
  // A concurrency no catalog allows (run.json is read from outside) does not overflow the
  // divisor: 3.6e9 x 9.2e18 is held in 128 bits; the cost rounds to 0.
  gpu.concurrency = INT64_MAX;
  CHECK(CallCost(gpu, Usage{}, 30'000'000) == Money());
}

TEST_CASE("pricing: implausible usage is raised to the call's reserved worst case") {
  // The reservation: 48 input tokens (a 48-byte prompt / 3 + 32), max_tokens 200 output.
  const Usage reserved{.input_tokens = 48, .output_tokens = 200};
  // prompt_tokens 1e12: unreadable, read as 0; 10 completion tokens. Priced at 48 in, 200 out.
  CHECK(ImplausibleUsagePriced(Usage{.output_tokens = 10}, reserved) ==
        Usage{.input_tokens = 48, .output_tokens = 200});
  // Counts above the reservation are kept: 900 cached of a 100-token prompt (input 0), 300
  // output; input raised to 48, cached 900 kept, output 300 kept.
  CHECK(ImplausibleUsagePriced(Usage{.cached_input_tokens = 900, .output_tokens = 300}, reserved) ==
        Usage{.input_tokens = 48, .cached_input_tokens = 900, .output_tokens = 300});
  // reasoning 500 > completion 10: output raised to 500 (then above max_tokens 200).
  CHECK(ImplausibleUsagePriced(
            Usage{.input_tokens = 60, .output_tokens = 10, .reasoning_tokens = 500}, reserved) ==
        Usage{.input_tokens = 60, .output_tokens = 500, .reasoning_tokens = 500});
  // Every count held to the per-call bound (a reservation for a huge prompt may pass it).
  CHECK(ImplausibleUsagePriced(Usage{}, Usage{.input_tokens = 400'000'000, .output_tokens = 1}) ==
        Usage{.input_tokens = kMaxTokensPerCall, .output_tokens = 1});
  // Priced: 48 x $5/1M + 200 x $15/1M = $0.00024 + $0.003 = $0.00324, the reservation.
  CHECK(CallCost(Price("5", "15"), ImplausibleUsagePriced(Usage{}, reserved), 0) == Usd("0.00324"));
}

}  // namespace taskcost::pricing_test
