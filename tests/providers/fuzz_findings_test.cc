// Replies the openai_reply and anthropic_reply fuzz targets found faults with
// (tests/fuzz/findings/, docs/fuzzing.md), fed through what the target does
// (tests/fuzz/reply_target.h): ParseReply, the answer's schema check, the call's price.
#include <doctest/doctest.h>

#include "tests/fuzz/finding.h"
#include "tests/fuzz/reply_target.h"

namespace taskcost::fuzz_findings_test {

// Finding openai_reply-usage-beyond-int64 (money overflow, issue 12 item 4): the codec test's
// reply with "completion_tokens":18446744073709551615 read as INT64_MAX output tokens, and
// CallCost (Money::Times) threw std::overflow_error "money overflow" out of the run loop. Now
// priced without a throw (implausible usage: pricing.h).
TEST_CASE("fuzz finding openai_reply-usage-beyond-int64: usage past int64 is priced, no throw") {
  const std::string bytes = fuzz::Finding("openai_reply-usage-beyond-int64");
  CHECK_NOTHROW(fuzz::FuzzReply(ProviderKind::kOpenAi,
                                reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  ProviderConfig provider;
  provider.kind = ProviderKind::kOpenAi;
  const HttpResponse response = fuzz::ResponseFromText(bytes);
  const ProviderReply reply = ParseReply(provider, response);
  CHECK(reply.error == ErrorClass::kNone);
  // Journaled raw, as sent (numbers as nlohmann writes them), and flagged.
  CHECK(reply.usage_raw.find("\"completion_tokens\":18446744073709551615") != std::string::npos);
  // A count no int64 holds is unreadable: 0 as read. The usage is flagged by its first fault.
  CHECK(reply.usage.output_tokens == 0);
  CHECK(reply.usage_flag == "prompt_tokens 12.9 is not a whole number");
  ModelPrice price;  // $10 per 1M output tokens
  price.output = Money::FromPicos(10'000'000);
  Money cost;
  CHECK_NOTHROW(cost = CallCost(price, reply.usage, response.elapsed.count()));
  // What the run loop prices instead (pricing.h): the unreadable count raised to the call's
  // reservation, 100 output tokens here: 100 x $10/1M = $0.001, never a silent $0.
  Usage reserved;
  reserved.output_tokens = 100;
  const Usage priced = ImplausibleUsagePriced(reply.usage, reserved);
  CHECK(priced.output_tokens == 100);
  CHECK(CallCost(price, priced, 0) == Money::ParseUsd("0.001").value());
}

}  // namespace taskcost::fuzz_findings_test
