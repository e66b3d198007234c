// The body of the two reply targets (openai_reply, anthropic_reply): one reply through what the
// run loop does with it (runner/run_plan.cc, MakeAttempt): the codec's ParseReply, the answer
// parsed once and checked against the suite's schema, the call priced. Every outcome is fine
// (invalid_output included); only a crash, a sanitizer report, a hang or running out of memory
// is a finding. Test-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "harness/core/formats/json_check.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/schema/validate.h"
#include "harness/providers/codec.h"
#include "tests/fuzz/fuzz_input.h"

namespace taskcost::fuzz {

/// Larger inputs are not tried (scripts/fuzz also passes -max_len).
inline constexpr size_t kMaxReplyBytes = 64 << 10;

// The schema of the codec tests' triage answer.
inline constexpr const char* kTriageSchema =
    R"({"type":"object","properties":{"category":{"type":"string","enum":["billing","account"]},)"
    R"("priority":{"type":"integer","minimum":1,"maximum":4}},"required":["category"],)"
    R"("additionalProperties":false})";

inline int FuzzReply(ProviderKind kind, const uint8_t* data, size_t size) {
  if (size > kMaxReplyBytes) return -1;
  static const SchemaValidator validator = SchemaValidator::Compile(kTriageSchema).value();
  ProviderConfig provider;
  provider.name = "fuzz";
  provider.kind = kind;
  provider.base_url = "https://example.invalid/v1";
  ChatCall call;  // ParseReply needs only how the answer was asked for
  call.schema_json = kTriageSchema;
  call.schema_name = "triage";
  ModelPrice price;  // $2.50 / $10 per 1M tokens, cache reads $1.25, cache writes $3.125
  price.input = Money::FromPicos(2'500'000);
  price.output = Money::FromPicos(10'000'000);
  price.cached_input = Money::FromPicos(1'250'000);
  price.cache_write = Money::FromPicos(3'125'000);

  const HttpResponse response = ResponseFromText(Text(data, size));
  const ProviderReply reply = ParseReply(provider, response, call);
  (void)ParseReply(provider, response);  // without the call: a free-form answer
  (void)CallCost(price, reply.usage, response.elapsed.count());
  if (reply.error != ErrorClass::kNone) return 0;
  const nlohmann::json parsed = ParseJsonFast(reply.output);
  (void)(parsed.is_discarded() ? validator.Validate(reply.output)
                               : validator.ValidateParsed(parsed));
  return 0;
}

}  // namespace taskcost::fuzz
