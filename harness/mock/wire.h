// Wire formats the simulator speaks (internal): OpenAI Chat Completions and Anthropic Messages.
// Each reads a request body into a format-neutral ParsedCall and renders completions, failures
// and model lists in the real API's shapes. Stateless singletons; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/mock/http_server.h"
#include "harness/mock/prompt_cache.h"
#include "harness/mock/rate_window.h"
#include "harness/mock/schema_answer.h"
#include "harness/mock/simulator.h"

namespace taskcost::mock {

/// One model call, read from either format.
struct ParsedCall {
  std::string model;
  std::string system_text;       // system (and developer) texts, joined by "\n"
  std::string user_text;         // user texts, joined by "\n"
  int64_t chars = 0;             // characters of every message text, tool and schema
  const Json* schema = nullptr;  // native structured-output schema, inside the parsed body
  std::string schema_text;       // that schema as compact JSON text
  std::string tool_name;         // Anthropic forced tool: answer with a tool_use block
  std::optional<int64_t> max_tokens;
  // Prompt caching (prompt_cache.h). Anthropic: the prefix up to the block with cache_control
  // (tools, system, messages in that order), none without one; OpenAI: one per message boundary.
  std::vector<CachePrefix> cache_prefixes;
  int64_t cache_ttl_ms = 0;  // Anthropic: 5 minutes, or 1 hour for "ttl": "1h"; 0 = none marked
};

/// What the model said, independent of format.
struct Completion {
  enum class Finish { kStop, kLength, kRefusal };
  Finish finish = Finish::kStop;
  std::string text;                // the answer text (JSON text, possibly spoiled)
  std::optional<Json> tool_input;  // set in Anthropic tool mode when a tool_use is sent
  int64_t input_tokens = 0;        // every prompt token, cached and cache-written included
  int64_t cached_tokens = 0;
  int64_t cache_write_tokens = 0;
  // Anthropic: of cache_write_tokens, those written for one hour; with `cache_creation_split`
  // the reply's usage carries cache_creation.ephemeral_5m/1h_input_tokens.
  int64_t cache_write_1h_tokens = 0;
  bool cache_creation_split = false;
  int64_t output_tokens = 0;  // reasoning included
  int64_t reasoning_tokens = 0;
};

/// Replies that are not completions.
enum class FailureKind {
  kBadJson,         // body is not a JSON object
  kInvalidRequest,  // `detail` says what is wrong
  kMissingKey,
  kWrongKey,
  kUnknownModel,  // `detail` is the model
  kNoRoute,       // `detail` is "METHOD /path"
  kQuota,
  kRateLimit,  // `detail` is the model
  kServer,
  kOverloaded,
};

struct Failure {
  FailureKind kind;
  std::string detail;
  int64_t retry_after_s = 1;
  // kRateLimit from a full rate_limit window (not an injected fault): which quota refused, its
  // state, and the exact wait.
  std::optional<RateHeaders> window;
  bool tokens_refused = false;
  int64_t requested = 1;  // units of the refusing quota the request needed
  int64_t retry_after_ms = 0;
};

/// Identifiers of one reply, derived from a deterministic draw.
struct ReplyIds {
  std::string response;  // "chatcmpl-..." / "msg_..."
  std::string request;   // the request-id header value
  std::string tool_use;  // "toolu_..." (Anthropic)
};

class WireFormat {
 public:
  virtual ~WireFormat() = default;
  virtual SimulatorApi api() const = 0;
  virtual const char* request_id_header() const = 0;  // "x-request-id" / "request-id"
  /// The API key the request carries, if any.
  virtual std::optional<std::string_view> ApiKey(const MockRequest& request) const = 0;
  /// A required header that is missing or wrong (Anthropic: anthropic-version).
  virtual std::optional<std::string> HeaderProblem(const MockRequest& request) const = 0;
  /// Reads the body; a string is the reason for a 400 invalid_request_error.
  virtual std::variant<ParsedCall, std::string> Parse(const Json& body) const = 0;
  virtual ReplyIds MakeIds(uint64_t bits) const = 0;
  /// `tool_name` is the forced tool's name when completion.tool_input is set.
  virtual std::string RenderCompletion(const std::string& model, const std::string& tool_name,
                                       const Completion& completion, const ReplyIds& ids,
                                       int64_t created_unix) const = 0;
  /// Status and body of a failure in this format's error shape.
  virtual std::pair<int, std::string> RenderFailure(const Failure& failure,
                                                    const ReplyIds& ids) const = 0;
  /// The rate-limit headers of `values` (x-ratelimit-* / anthropic-ratelimit-*).
  virtual void AddRateLimitHeaders(const RateHeaders& values,
                                   std::vector<HttpHeader>& headers) const = 0;
  virtual std::string RenderModels(const std::vector<const ModelProfile*>& models) const = 0;
};

const WireFormat& OpenAiWire();
const WireFormat& AnthropicWire();

/// The text of message content: a string, or an array of blocks whose text blocks are joined
/// by "\n" (OpenAI content parts and Anthropic content blocks alike).
std::string ContentText(const Json& content);
/// Appends `text` to `to` on a new line; nothing when `text` is empty.
void AppendLine(std::string& to, const std::string& text);
/// Characters (Unicode code points) of UTF-8 text.
int64_t CountChars(std::string_view utf8);
/// `n` characters of base62 drawn from `bits` (and its successors).
std::string Base62(uint64_t bits, int n);
/// A duration as Go prints it, to the millisecond, as OpenAI's reset headers carry it:
/// "0s", "120ms", "1.5s", "1m0s", "2h0m0s".
std::string GoDuration(int64_t millis);
/// An RFC 3339 UTC time with milliseconds: "2026-01-02T03:04:05.250Z".
std::string Rfc3339(int64_t unix_millis);
/// Compact JSON text; invalid UTF-8 is replaced rather than thrown on.
std::string Dump(const Json& j);

}  // namespace taskcost::mock
