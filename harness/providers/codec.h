// Provider codecs: pure functions between one model call and its HTTP exchange, one wire format
// each (OpenAI Chat Completions, Anthropic Messages). Build the request (with native structured
// output), parse the reply, read usage exactly, classify every fault. No IO. Thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/loading/providers_config.h"
#include "harness/core/model/attempt.h"
#include "harness/core/model/http.h"
#include "harness/core/model/suite.h"
#include "harness/providers/retry_after.h"

namespace taskcost {

/// One call, already rendered from the suite and the sample.
struct ChatCall {
  std::string model;
  std::string system;      // may be empty
  std::string user;
  // A `messages:` prompt, rendered (system messages first): when non-empty it is the whole
  // prompt, in order, and system and user are unused. Each codec sends it in its provider's form
  // (docs/providers.md, "Messages").
  std::vector<ChatMessage> messages;
  // How many leading entries of `messages` form the cacheable prefix (the same for every sample
  // of the suite); 0 = none marked.
  int cache_prefix_messages = 0;
  // Prompt caching asked by the suite (`prompt.cache:`, docs/prompt-caching.md): the TTL in
  // seconds, 300 or 3600; 0 = none (the request is as without caching). The prefix is the system
  // prompt, or the first cache_prefix_messages of `messages`. Anthropic marks the prefix's last
  // block with cache_control; OpenAI caches on its own and is sent prompt_cache_key.
  int cache_ttl_seconds = 0;
  std::string prompt_cache_key;  // OpenAI's routing key (PromptCacheKey); "" = not sent
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
  std::string usage_flag;      // why the usage is implausible (Attempt::usage_flag); "" if not
  std::optional<std::chrono::milliseconds> retry_after;  // Retry-After or reset headers
  std::string request_id;      // x-request-id / request-id header
  std::optional<RateLimitState> rate_limit;  // x-ratelimit-* / anthropic-ratelimit-* headers
};

/// Builds the HTTP request for `call` at `provider`. `key` may be empty (no auth header); it
/// travels only in HttpRequest::auth, never in the URL, headers or body. call.schema_json and
/// call.params_json must be JSON objects (the suite loader checks): otherwise this throws
/// std::invalid_argument, as for any broken invariant.
HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// A request split around its prompts, which are all that changes between the calls of one
/// candidate: the request without its body, and the body's text before and after the prompts.
struct SplitRequest {
  HttpRequest request;    // everything but the body
  std::string body_head;  // the body up to where the prompts go
  std::string body_tail;  // the rest of the body
};

/// BuildRequest for the many calls of one candidate, which differ only in their prompts
/// (system, user): the rest of the request, most of the body included (model, schema, params),
/// is built and serialised once, here, and Build splices in the prompts. Build(call) returns
/// exactly what BuildRequest(provider, call, key) returns, body byte for byte, so response cache
/// keys stay the same. Immutable once built; safe to share between threads.
class RequestTemplate {
 public:
  /// `call` is any call of the candidate: its prompts are ignored. Throws as BuildRequest does.
  RequestTemplate(const ProviderConfig& provider, const ChatCall& call, const Secret& key);
  /// The request for `call`, which must differ from the constructor's call only in its prompts.
  HttpRequest Build(const ChatCall& call) const;
  /// False when the params name a prompt key ("messages"; Anthropic also "system"): each request
  /// is then built whole by BuildRequest, since the params replace what would be spliced.
  bool spliced() const { return split_.has_value(); }

 private:
  ProviderConfig provider_;
  Secret key_;
  std::optional<SplitRequest> split_;  // unset when params name a prompt key: BuildRequest then
};

/// Interprets the HTTP exchange of `call`. Never throws on bad input: garbage becomes
/// kInvalidOutput or kServer with the evidence in error_message. Knowing the call, a native
/// structured-output reply without the forced tool's answer (Anthropic) is kInvalidOutput.
ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response,
                         const ChatCall& call);

/// As above when the call is not at hand: the answer is the forced tool's input when the reply
/// has one, else the text, and a missing tool answer is left to schema validation.
ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response);

}  // namespace taskcost
