#include "harness/core/model/money.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>

namespace taskcost::money_test {
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


// The int64 range in picodollars: INT64_MAX = 9,223,372,036,854,775,807 pUSD, about
// $9,223,372.04. Before issue 12 operator+ wrapped past it (a journal of huge costs printed a
// total of -$9,223,372.03).
TEST_CASE("money: a sum past the int64 range is the overflow amount, never a wrapped one") {
  const Money almost = Money::FromPicos(INT64_MAX - 1);  // the largest amount held
  CHECK_FALSE(almost.overflowed());
  CHECK((almost + Money::FromPicos(1)).overflowed());
  CHECK((almost + almost) == Money::Overflow());
  CHECK((almost + almost).ToFixed(2) == "overflow");
  CHECK((almost + almost).ToExactString() == "overflow");
  // -$9.2M - $9.2M: the negative overflow, below every amount.
  const Money low = Money::FromPicos(-(INT64_MAX - 1));
  CHECK((low - almost) == Money::Overflow(true));
  CHECK((low - almost).ToFixed(4) == "-overflow");
  CHECK((low - almost) < low);
  // += and -= alike; 3 x $4M passes the range although 2 x $4M does not.
  Money total;
  const Money four_million = Usd("4000000");
  total += four_million;
  total += four_million;
  CHECK(total.ToExactString() == "8000000");
  total += four_million;
  CHECK(total.overflowed());
  Money debt = Money() - four_million;
  debt -= four_million;
  debt -= four_million;
  CHECK(debt == Money::Overflow(true));
}

TEST_CASE("money: an overflow stays one through later arithmetic") {
  const Money over = Money::Overflow();
  // Adding or taking away a finite amount cannot bring an unknown figure back into range.
  CHECK((over - Usd("5")).overflowed());
  CHECK((Usd("5") + over) == over);
  CHECK((Usd("5") - over) == Money::Overflow(true));
  CHECK((over + Money::Overflow(true)) == over);  // unknown either way: the positive one
  // Cost per success (a division) and scaling keep it, with the result's sign.
  CHECK(over.DividedBy(3) == over);
  CHECK(over.Scaled(2, 3) == over);
  CHECK(over.Scaled(-2, 3) == Money::Overflow(true));
  CHECK(over.Times(12) == over);
  CHECK(over.Times(0) == Money());
  // Ordering: above every amount, so a budget check stops.
  CHECK(over > Usd("9223372"));
  CHECK(Money::Overflow(true) < Usd("-9223372"));
}

TEST_CASE("money: sums that stay in range are exact, the edges included") {
  // INT64_MAX - 1 pUSD is $9,223,372.036854775806 exactly.
  const Money edge = Money::FromPicos(INT64_MAX - 2) + Money::FromPicos(1);
  CHECK_FALSE(edge.overflowed());
  CHECK(edge.ToExactString() == "9223372.036854775806");
  CHECK((Usd("0.1") + Usd("0.2")).ToExactString() == "0.3");
  CHECK((Usd("0.1") - Usd("0.3")).ToExactString() == "-0.2");
  // Parsing reaches the same edge: the overflow amount itself is refused.
  CHECK(Usd("9223372.036854775806") == edge);
  CHECK(Money::ParseUsd("9223372.036854775807").error().message ==
        "\"9223372.036854775807\" is too large");
  CHECK(Money::ParseUsd("1e30").error().message == "\"1e30\" is too large");
  // Times past the range still throws (its callers show "n/a").
  CHECK_THROWS_AS(Usd("5000000").Times(2), std::overflow_error);
}

}  // namespace taskcost::money_test
