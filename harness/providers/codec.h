// Provider codecs: pure functions between one model call and its HTTP exchange, one wire format
// each (OpenAI Chat Completions, Anthropic Messages). Build the request (with native structured
// output), parse the reply, read usage exactly, classify every fault. No IO. Thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "harness/core/attempt.h"
#include "harness/core/http.h"
#include "harness/core/providers_config.h"
#include "harness/core/suite.h"
#include "harness/providers/retry_after.h"

namespace taskcost {

/// One call, already rendered from the suite and the sample.
struct ChatCall {
  std::string model;
  std::string system;      // may be empty
  std::string user;
  std::string schema_json;  // JSON Schema text; empty = free-form answer
  std::string schema_name = "answer";
  OutputMode mode = OutputMode::kNative;
  int max_tokens = 1024;
  std::string params_json = "{}";  // extra body fields (temperature, top_p, ...), merged last
  std::chrono::milliseconds timeout{60'000};
};

/// What a reply means, independent of wire format.
struct ProviderReply {
  ErrorClass error = ErrorClass::kNone;
  std::string error_message;   // the provider's own message where it sent one
  std::string output;          // the answer text; for native structured output, the JSON text
  std::string finish_reason;   // provider's words: "stop", "length", "end_turn", "max_tokens"
  Usage usage;                 // normalised (see Usage); zero when none was sent
  std::string usage_raw;       // provider's usage object, compact JSON text; "" when none
  std::optional<std::chrono::milliseconds> retry_after;  // Retry-After or reset headers
  std::string request_id;      // x-request-id / request-id header
  std::optional<RateLimitState> rate_limit;  // x-ratelimit-* / anthropic-ratelimit-* headers
};

/// Builds the HTTP request for `call` at `provider`. `key` may be empty (no auth header); it
/// travels only in HttpRequest::auth, never in the URL, headers or body. call.schema_json and
/// call.params_json must be JSON objects (the suite loader checks): otherwise this throws
/// std::invalid_argument, as for any broken invariant.
HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// Interprets the HTTP exchange of `call`. Never throws on bad input: garbage becomes
/// kInvalidOutput or kServer with the evidence in error_message. Knowing the call, a native
/// structured-output reply without the forced tool's answer (Anthropic) is kInvalidOutput.
ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response,
                         const ChatCall& call);

/// As above when the call is not at hand: the answer is the forced tool's input when the reply
/// has one, else the text, and a missing tool answer is left to schema validation.
ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response);

}  // namespace taskcost
