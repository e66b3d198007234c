#include "harness/core/money.h"

#include <doctest/doctest.h>

namespace taskcost {
namespace {
Money Usd(const char* text) { return Money::ParseUsd(text).value(); }
}  // namespace

TEST_CASE("money: a price per million tokens is an exact integer per token") {
  CHECK(Usd("2.50").picos() == 2'500'000'000'000);
  // $2.50 per 1M tokens = 2,500,000 picodollars per token.
  CHECK(Usd("2.50").DividedBy(1'000'000).picos() == 2'500'000);
  CHECK(Usd("0.15").DividedBy(1'000'000).picos() == 150'000);
  CHECK(Usd("1.5e-7").picos() == 150'000);
}

TEST_CASE("money: domain worked checks") {
  SUBCASE("1,000 input + 200 output at $5 / $15 per 1M = $0.008") {
    Money in = Usd("5").DividedBy(1'000'000), out = Usd("15").DividedBy(1'000'000);
    CHECK((in.Times(1000) + out.Times(200)).ToExactString() == "0.008");
  }
  SUBCASE("8,000 input + 500 output at $0.80 / $4.00 per 1M = $0.0084") {
    Money in = Usd("0.80").DividedBy(1'000'000), out = Usd("4.00").DividedBy(1'000'000);
    CHECK(in.Times(8000).ToExactString() == "0.0064");
    CHECK(out.Times(500).ToExactString() == "0.002");
    CHECK((in.Times(8000) + out.Times(500)).ToExactString() == "0.0084");
  }
  SUBCASE("210 tokens at $0.15 per 1M = $0.0000315") {
    CHECK(Usd("0.15").DividedBy(1'000'000).Times(210).ToExactString() == "0.0000315");
  }
}

TEST_CASE("money: parsing refuses what it cannot hold exactly") {
  CHECK_FALSE(Money::ParseUsd("abc").ok());
  CHECK_FALSE(Money::ParseUsd("1.2.3").ok());
  CHECK_FALSE(Money::ParseUsd("").ok());
  CHECK(Money::ParseUsd("0.0000000000001").error().message ==
        "\"0.0000000000001\" is finer than 1e-12 and cannot be represented exactly");
  CHECK(Usd("0.0000000000010").picos() == 1);
  CHECK(Usd("-3").picos() == -3'000'000'000'000);
}

TEST_CASE("money: rounding is half away from zero") {
  CHECK(Money::FromPicos(5).DividedBy(2).picos() == 3);
  CHECK(Money::FromPicos(-5).DividedBy(2).picos() == -3);
  CHECK(Usd("0.00125").ToFixed(4) == "0.0013");
  CHECK(Usd("0.00124").ToFixed(4) == "0.0012");
  CHECK(Usd("1.666666").ToFixed(2) == "1.67");
  CHECK(Usd("0").ToFixed(3) == "0.000");
  CHECK(Usd("-0.00004").ToFixed(4) == "0.0000");
}

TEST_CASE("money: scaled decimals keep fractional minutes exact") {
  CHECK(ParseScaledDecimal("0.2", 6).value() == 200'000);
  CHECK(ParseScaledDecimal("2", 6).value() == 2'000'000);
  // 2 minutes at $50/h = $1.67 (rounded to the cent); exact value 1.666...67 per task.
  Money human = Usd("50").Scaled(ParseScaledDecimal("2", 6).value(), 60 * 1'000'000);
  CHECK(human.ToFixed(2) == "1.67");
}

}  // namespace taskcost
